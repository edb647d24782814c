"""A verified flood with an assessment, a volunteer deployed and personal data planted in every
free-text field, made through the app as a coordinator would; for the reporting-out tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from lapor_bencana import timeutil
from lapor_bencana.accounts.tables import Role
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.reports.tables import Report
from lapor_bencana.timeutil import now
from lapor_bencana.volunteers import calls
from lapor_bencana.volunteers.tables import CallForHelp, CallRecipient, Response
from tests.accounts import client_of, csrf_token, make_user, sign_in

REPORTER_NAME = "Siti Rahmawati"
REPORTER_PHONE = "081234567890"
VOLUNTEER_NAME = "Ahmad Relawan Tagana"
VOLUNTEER_PHONE = "081398765432"
FLOOD = {
    "hazard": "banjir", "village_code": "63.11.06.2005", "latitude": -2.3325, "longitude": 115.4712,
    # Starts with "=": a spreadsheet would run it as a formula.
    "description": "=HYPERLINK(\"http://contoh.invalid\",\"klik\") air masuk rumah",
    "reporter_name": REPORTER_NAME, "reporter_phone": REPORTER_PHONE,
}
ASSESSMENT = {
    "displaced": "100", "affected_families": "30", "affected_people": "120", "dead": "0",
    "houses_heavily_damaged": "4",
    # An emoji: no glyph in the PDF font, which must still render the report.
    "situation_note": f"Pengungsi di rumah {REPORTER_NAME} 🏠",
}
# Positions a volunteer reported: never on a public page.
ARRIVAL_LATITUDE, ARRIVAL_LONGITUDE = -2.33771, 115.47833


@dataclass
class Seeded:
    incident: Incident
    report: Report


async def htmx_post(client, path, data=None):
    token = await csrf_token(client)
    return await client.post(path, data={"_csrf_token": token, **(data or {})}, headers={"HX-Request": "true"})


@pytest.fixture
async def staff(app):
    """A signed-in coordinator's browser."""
    await make_user("sari", Role.KOORDINATOR, full_name="Sari Koordinator")
    client = client_of(app)
    assert (await sign_in(client, "sari")).status_code == 303
    yield client
    await client.aclose()


async def seed_flood(client, **report_fields) -> Seeded:
    response = await client.post("/api/v1/reports", json={**FLOOD, **report_fields})
    assert response.status_code == 201
    report = await Report.objects().where(Report.code == response.json()["code"]).first().run()
    assert (await htmx_post(client, f"/koordinator/laporan/{report.id}/verifikasi")).status_code == 200
    incident = await Incident.objects().first().run()
    assert (await htmx_post(client, f"/kejadian/{incident.code}/kaji-cepat", ASSESSMENT)).status_code == 200
    await deploy_volunteer(incident)
    return Seeded(await Incident.objects().where(Incident.id == incident.id).first().run(), report)


async def deploy_volunteer(incident: Incident) -> CallRecipient:
    volunteer = await make_user(
        "ahmad", Role.RELAWAN, full_name=VOLUNTEER_NAME, phone=VOLUNTEER_PHONE, organisation="Tagana Paringin"
    )
    call = CallForHelp(incident=incident.id, radius_km=10, people_needed=2, message="Bantu dapur umum")
    await call.save().run()
    moment = now()
    recipient = CallRecipient(
        call=call.id, user=volunteer.id, distance_km=2.5, response=Response.ARRIVED,
        responded_at=moment - timedelta(minutes=30), arrived_at=moment - timedelta(minutes=5),
        arrival_latitude=ARRIVAL_LATITUDE, arrival_longitude=ARRIVAL_LONGITUDE,
    )
    await recipient.save().run()
    return recipient


# A volunteer who answers through the app, each answer a minute after the one before.
ANSWERING_NAME = "Budi Santoso"
ANSWERS = ("bersedia", "berangkat", "tiba", "selesai")


async def answer_every_step(app, incident: Incident) -> datetime:
    """Budi answers a call for the incident from "bersedia" to "selesai" as the field page posts
    them, each a minute after the one before; answers the moment of the last answer."""
    await make_user("budi", Role.RELAWAN, full_name=ANSWERING_NAME, organisation="PMI Balangan")
    browser = client_of(app)
    assert (await sign_in(browser, "budi")).status_code == 303
    start = now()
    clock = {"at": start}
    with pytest.MonkeyPatch.context() as patch:
        # The answer's own time (calls) and its audit event's (timeutil), as in one request.
        patch.setattr(calls, "now", lambda: clock["at"])
        patch.setattr(timeutil, "now", lambda: clock["at"])
        for minute, response in enumerate(ANSWERS, start=1):
            clock["at"] = start + timedelta(minutes=minute)
            fields = {"latitude": "-2.33", "longitude": "115.47"} if response == "tiba" else {}
            answered = await htmx_post(browser, f"/kejadian/{incident.code}/jawab", {"response": response, **fields})
            assert answered.status_code == 200, answered.text
    await browser.aclose()
    return clock["at"]


RECIPIENT = "Pak Kades Hasanuddin"
RICE = {"item": "beras", "quantity": "100", "source_kind": "donatur", "donor": "Baznas Balangan",
        "destination_kind": "posko", "destination": "Posko Balai Desa", "recipient": RECIPIENT}


async def record_aid(client, incident: Incident, **changes: str) -> None:
    """A delivery through the aid form (htmx), as a coordinator records it."""
    response = await htmx_post(client, f"/koordinator/kejadian/{incident.code}/bantuan", {**RICE, **changes})
    assert response.status_code == 200, (response.status_code, re.findall(r"field-error[^>]*>([^<]+)<|notice-warn[^>]*>([^<]+)<", response.text))
