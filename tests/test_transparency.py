"""The public transparency page: verified figures and aid totals per incident, for anyone, and
never a name, phone number, recipient, note or volunteer position seeded in the records."""

from __future__ import annotations

import re
from decimal import Decimal

from lapor_bencana.aid.items import quantity_text
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.reports.tables import Report
from tests.accounts import client_of
from tests.sitrep_data import (
    ARRIVAL_LATITUDE, ARRIVAL_LONGITUDE, ASSESSMENT, RECIPIENT, REPORTER_NAME, VOLUNTEER_NAME, VOLUNTEER_PHONE,
    htmx_post, record_aid, seed_flood,
)


async def test_anyone_sees_verified_figures_and_aid_totals_without_personal_data(app, staff):
    seeded = await seed_flood(staff)
    await record_aid(staff, seeded.incident, note=f"Diterima {RECIPIENT} 0812555777")
    await record_aid(staff, seeded.incident, quantity="50")
    unverified = await staff.post("/api/v1/reports", json={"hazard": "kebakaran", "village_code": "63.11.01.2001",
                                                           "description": "Rumah terbakar", "reporter_name": "Rahasia"})
    assert unverified.status_code == 201

    async with client_of(app) as anonymous:
        assert 'href="/transparansi"' in (await anonymous.get("/")).text
        page = await anonymous.get("/transparansi")
    assert page.status_code == 200
    section = re.search(rf'<section class="transparency"[^>]*data-incident="{seeded.incident.code}">(.*?)</section>', page.text, re.S).group(1)
    assert re.search(r'data-figure="displaced">100 orang<', section) and re.search(r'data-figure="affected_families">30 KK<', section)
    assert quantity_text("kg", Decimal(150)) in section
    assert page.text.count('class="transparency"') == 1  # the unchecked report is no incident yet

    report = await Report.objects().where(Report.id == seeded.report.id).first().run()
    personal = [
        REPORTER_NAME, report.reporter_phone, report.reporter_phone[3:], "Rahasia", VOLUNTEER_NAME,
        VOLUNTEER_PHONE[1:], RECIPIENT, "0812555777", "Sari Koordinator", "Tagana Paringin",
        ASSESSMENT["situation_note"], str(ARRIVAL_LATITUDE), str(ARRIVAL_LONGITUDE), "Baznas Balangan",
        "Posko Balai Desa",
    ]
    assert [value for value in personal if value in page.text] == []


async def test_an_incident_without_verified_figures_or_aid_says_so(app, staff):
    response = await staff.post("/api/v1/reports", json={"hazard": "banjir", "village_code": "63.11.06.2005"})
    report = await Report.objects().where(Report.code == response.json()["code"]).first().run()
    await htmx_post(staff, f"/koordinator/laporan/{report.id}/verifikasi")
    incident = await Incident.objects().first().run()
    async with client_of(app) as anonymous:
        page = await anonymous.get("/transparansi")
    assert f'data-incident="{incident.code}"' in page.text
    assert "Belum ada angka dampak yang terverifikasi." in page.text and "Belum ada bantuan yang tercatat." in page.text
