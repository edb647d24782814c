"""Calls for help through HTTP: the coordinator's form and section, the field incident page and its
answers, delivery counts after the worker, officers told of new reports. Both databases."""

import json
import re

import pytest
from tests.push_helpers import fast, local_push, subscribed
from tests.test_calls import flood
from tests.test_targeting import volunteer

from lapor_bencana.accounts.tables import Role
from lapor_bencana.app import create_app
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.push.tables import PushJob
from lapor_bencana.push.worker import Worker
from lapor_bencana.reports.tables import Report
from lapor_bencana.volunteers.tables import CallForHelp, CallRecipient
from tests.accounts import client_of, csrf_token, make_user, sign_in

REPORT = {"hazard": "banjir", "village_code": "63.11.06.2005", "latitude": -2.3325, "longitude": 115.4712,
          "description": "Air masuk rumah pak RT", "reporter_name": "Siti Aminah", "reporter_phone": "081234567890"}


async def signed_in(app, username, role=Role.RELAWAN, **profile):
    # Both make the test password (tests.accounts.PASSWORD).
    user_id = await volunteer(username, role=role, **profile) if profile else (await make_user(username, role)).id
    client = client_of(app)
    assert (await sign_in(client, username)).status_code == 303
    return client, user_id


@pytest.fixture
async def desk(app):
    client, _ = await signed_in(app, "sari", Role.KOORDINATOR)
    yield client
    await client.aclose()


async def htmx_post(client, path, data):
    return await client.post(path, data={"_csrf_token": await csrf_token(client), **data}, headers={"HX-Request": "true"})


async def send_call(client, incident, **fields):
    return await htmx_post(client, f"/koordinator/kejadian/{incident.code}/panggilan",
                           {"skills": "dapur_umum", "people_needed": "2", **fields})


async def answer(client, incident, response, **fields):
    return await htmx_post(client, f"/kejadian/{incident.code}/jawab", {"response": response, **fields})


async def test_a_coordinator_sends_a_call_and_sees_who_was_called(app, desk, settings, push_service):
    client, cook = await signed_in(app, "juru_masak", lat=-2.3400, lon=115.4800)
    await subscribed(push_service, settings, cook)
    incident = await flood()
    response = await send_call(desk, incident, lives_at_risk="on", message="Dapur umum di balai desa")
    assert response.status_code == 200
    assert "Panggilan dikirim ke 1 orang (1 perangkat)." in response.text
    assert 'data-count="sent">1<' in response.text and "<th scope=\"row\">juru_masak</th>" in response.text
    assert "1.29 km" in response.text and "nyawa terancam" in response.text
    job = await PushJob.objects().first().run()
    assert job.urgency == "high" and json.loads(job.payload)["url"] == f"/kejadian/{incident.code}"
    # Without htmx: a redirect to the incident page, which shows the same section.
    plain = await desk.post(f"/koordinator/kejadian/{incident.code}/panggilan",
                            data={"_csrf_token": await csrf_token(desk), "skills": "medis"})
    assert plain.status_code == 303 and plain.headers["location"] == f"/koordinator/kejadian/{incident.code}"
    page = await desk.get(plain.headers["location"])
    assert page.text.count("data-call-id=") == 2
    await client.aclose()


async def test_a_call_without_a_skill_or_for_a_closed_incident_is_refused_and_the_form_kept(desk):
    incident = await flood()
    response = await htmx_post(desk, f"/koordinator/kejadian/{incident.code}/panggilan",
                               {"radius_km": "300", "message": "Tolong segera"})
    assert response.status_code == 422
    assert "Pilih paling sedikit satu keahlian yang dibutuhkan." in response.text
    assert "Jangkauan 1 sampai 200 km." in response.text and 'value="Tolong segera"' in response.text
    await Incident.update({Incident.status: IncidentStatus.SELESAI}).where(Incident.id == incident.id)
    closed = await send_call(desk, incident)
    assert closed.status_code == 422 and "Kejadian ini sudah selesai" in closed.text
    assert await CallForHelp.count() == 0


async def test_a_call_that_reaches_nobody_says_so(desk):
    response = await send_call(desk, await flood())
    assert response.status_code == 200 and "tidak ada relawan siaga dengan keahlian itu" in response.text
    assert await CallForHelp.count() == 1


async def test_only_staff_send_calls(app):
    client, _ = await signed_in(app, "relawan_biasa")
    response = await send_call(client, await flood())
    assert response.status_code == 403 and await CallForHelp.count() == 0
    await client.aclose()


async def test_the_field_page_shows_the_incident_without_the_reporters_personal_data(app, desk):
    reported = await desk.post("/api/v1/reports", json=REPORT)
    code = reported.json()["code"]
    await htmx_post(desk, f"/koordinator/laporan/{(await Report.objects().where(Report.code == code).first()).id}/verifikasi", {})
    incident = await Incident.objects().first().run()
    await send_call(desk, incident)
    client, _ = await signed_in(app, "relawan_lapangan")
    page = await client.get(f"/kejadian/{incident.code}")
    assert page.status_code == 200
    assert incident.title in page.text and "Dapur umum" in page.text
    for private in ("Siti Aminah", "081234567890", "Air masuk rumah pak RT", code):
        assert private not in page.text
    # One not called may only say they are willing.
    assert re.findall(r'data-answer="(\w+)"', page.text) == ["bersedia"]
    anonymous = client_of(app)
    assert (await anonymous.get(f"/kejadian/{incident.code}")).status_code == 303
    pending = client_of(app)
    await make_user("menunggu", approved=False)
    await sign_in(pending, "menunggu")
    assert (await pending.get(f"/kejadian/{incident.code}")).status_code == 403
    assert (await client.get("/kejadian/TIDAKADA")).status_code == 404
    for other in (client, anonymous, pending):
        await other.aclose()


async def test_a_notification_link_asks_to_confirm_and_changes_nothing(app, desk):
    client, user_id = await signed_in(app, "dekat", lat=-2.3400, lon=115.4800)
    incident = await flood()
    await send_call(desk, incident)
    page = await client.get(f"/kejadian/{incident.code}?jawab=berangkat")
    assert page.status_code == 200
    confirm = re.search(r'data-testid="confirm-answer">(.*?)</div>', page.text, re.S).group(1)
    assert 'name="response" value="berangkat"' in confirm and "button-primary" in confirm
    assert (await CallRecipient.objects().first()).response == ""
    assert "confirm-answer" not in (await client.get(f"/kejadian/{incident.code}?jawab=hapus")).text
    await client.aclose()


async def test_each_answer_reaches_the_coordinators_section(app, desk):
    client, user_id = await signed_in(app, "dekat", lat=-2.3400, lon=115.4800)
    incident = await flood()
    await send_call(desk, incident)

    for response, shown in (("bersedia", "Bersedia"), ("berangkat", "Berangkat")):
        answered = await answer(client, incident, response)
        assert answered.status_code == 200 and f"Jawaban tersimpan: {shown}." in answered.text
        section = (await desk.get(f"/koordinator/kejadian/{incident.code}")).text
        assert f'data-recipient="{user_id}" data-response="{response}"' in section

    too_early = await answer(client, incident, "selesai")
    assert too_early.status_code == 422 and "Jawab &#34;Tiba&#34; dahulu" in too_early.text
    arrived = await answer(client, incident, "tiba", latitude="-2.33312", longitude="115.47205")
    assert arrived.status_code == 200
    section = (await desk.get(f"/koordinator/kejadian/{incident.code}")).text
    assert "-2.33312, 115.47205" in section and "openstreetmap.org/?mlat=-2.33312" in section
    done = await client.post(f"/kejadian/{incident.code}/jawab",
                             data={"_csrf_token": await csrf_token(client), "response": "selesai"})
    assert done.status_code == 303 and done.headers["location"] == f"/kejadian/{incident.code}"
    row = await CallRecipient.objects().first()
    assert row.response == "selesai" and row.done_at is not None
    nonsense = await answer(client, incident, "kabur")
    assert nonsense.status_code == 422 and "Pilih salah satu jawaban." in nonsense.text
    await client.aclose()


async def test_an_arrival_without_gps_is_recorded_and_shown_so(app, desk):
    client, user_id = await signed_in(app, "dekat", lat=-2.3400, lon=115.4800)
    incident = await flood()
    await send_call(desk, incident)
    assert (await answer(client, incident, "tiba", latitude="", longitude="")).status_code == 200
    section = (await desk.get(f"/koordinator/kejadian/{incident.code}")).text
    assert "tanpa GPS" in section
    await client.aclose()


async def test_answers_need_a_field_account_and_csrf(app):
    incident = await flood()
    anonymous = client_of(app)
    response = await anonymous.post(f"/kejadian/{incident.code}/jawab",
                                    data={"_csrf_token": await csrf_token(anonymous), "response": "bersedia"})
    assert response.status_code == 303 and response.headers["location"].startswith("/masuk?next=")
    client, _ = await signed_in(app, "relawan_x")
    assert (await client.post(f"/kejadian/{incident.code}/jawab", data={"response": "bersedia"})).status_code == 403
    for other in (client, anonymous):
        await other.aclose()


async def test_delivery_counts_after_the_worker_delivers(app, desk, settings, push_service):
    _, near = await signed_in(app, "dekat", lat=-2.3400, lon=115.4800)
    _, gone = await signed_in(app, "hilang", lat=-2.3401, lon=115.4801)
    subscriber = await subscribed(push_service, settings, near)
    push_service.answer(await subscribed(push_service, settings, gone), 410)
    incident = await flood()
    await send_call(desk, incident)
    await Worker(fast(settings), policy=local_push(settings)).run(until_idle=True)
    section = (await desk.get(f"/koordinator/kejadian/{incident.code}")).text
    assert 'data-count="sent">2<' in section and 'data-count="delivered">1<' in section
    assert 'data-count="failed">1<' in section
    delivered = json.loads(push_service.payloads(subscriber)[0])
    assert delivered["kind"] == "call" and delivered["tag"] == f"kejadian-{incident.code}"


@pytest.mark.parametrize("notify", [True, False])
async def test_officers_hear_of_new_reports_unless_turned_off(settings, clock, push_service, notify):
    changed = settings.model_copy(update={"notify_officers_of_reports": notify})
    app = create_app(changed, clock=clock, push_endpoints=local_push(settings))
    async with app.lifespan():
        officer = await volunteer("petugas_paringin", district="63.11.06", role=Role.PETUGAS)
        await subscribed(push_service, settings, officer)
        resident = client_of(app)
        assert (await resident.post("/api/v1/reports", json=REPORT)).status_code == 201
        form = await resident.post("/lapor", data={"_csrf_token": await csrf_token(resident), "hazard": "banjir",
                                                   "village_code": "63.11.06.2005"})
        assert form.status_code == 303
        await resident.aclose()
        payloads = [json.loads(row["payload"]) for row in await PushJob.select(PushJob.payload)]
    assert len(payloads) == (2 if notify else 0)
    if notify:
        assert {p["kind"] for p in payloads} == {"report"}
        assert all(p["url"].startswith("/laporan/") and "Siti" not in json.dumps(p) for p in payloads)
