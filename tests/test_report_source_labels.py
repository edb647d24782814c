"""Every view that names a report's sender names it right: residents sending from the report page
(at once or from the phone's outbox) are residents, other systems are named as they name themselves.
Desk queue and its filter, report page, incident page, situation report, CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from lapor_bencana.reports.tables import Report
from tests.sitrep_data import FLOOD, seed_flood

SENDERS = {
    "lapor-bencana-form": "Warga",
    "lapor-bencana-outbox": "Warga (dikirim dari antrean luring)",
    "SMS gateway BPBD": "Sistem lain (API): SMS gateway BPBD",
    None: "Sistem lain (API)",
}


@pytest.fixture
async def sent(staff):
    """One incident with a report from each kind of sender: {label: report}."""
    seeded = await seed_flood(staff)
    await Report.delete(force=True).where(Report.id == seeded.report.id).run()
    reports = {}
    for client_name, label in SENDERS.items():
        headers = {"X-Client-Name": client_name} if client_name else {}
        response = await staff.post("/api/v1/reports", json={**FLOOD, "description": label}, headers=headers)
        assert response.status_code == 201
        code = response.json()["code"]
        await Report.update({Report.incident: seeded.incident.id}).where(Report.code == code).run()
        reports[label] = await Report.objects().where(Report.code == code).first().run()
    return seeded.incident, reports


def label_after(text: str, code: str) -> str:
    """The sender shown on the incident page's line for a report, between its code and the time."""
    line = re.search(rf"{code[:4]}-{code[4:]}</a>\s*·\s*([^·<]+?)\s*·", text)
    return line.group(1)


async def test_the_desk_queue_names_each_sender_and_its_filter_finds_every_resident(staff, sent):
    _incident, reports = sent
    await Report.update({Report.status: "baru"}, force=True).run()
    page = await staff.get("/koordinator", params={"status": "semua"})
    for label, report in reports.items():
        block = page.text[page.text.index(f'data-report-code="{report.code}"'):][:1500]
        assert f"· {label}" in block, label
    residents = await staff.get("/koordinator", params={"status": "semua", "sumber": "warga"})
    shown = {label for label, report in reports.items() if f'data-report-code="{report.code}"' in residents.text}
    assert shown == {"Warga", "Warga (dikirim dari antrean luring)"}


async def test_the_report_page_names_the_sender(staff, sent):
    _incident, reports = sent
    for label, report in reports.items():
        page = await staff.get(f"/koordinator/laporan/{report.id}")
        assert re.search(r"<dt>Sumber</dt><dd>([^<]*)</dd>", page.text).group(1) == label


async def test_the_incident_page_lists_each_report_with_its_sender(staff, sent):
    incident, reports = sent
    page = await staff.get(f"/koordinator/kejadian/{incident.code}")
    for label, report in reports.items():
        assert label_after(page.text, report.code) == label


async def test_the_situation_report_says_who_sent_each_report(staff, sent):
    incident, reports = sent
    page = await staff.get(f"/koordinator/kejadian/{incident.code}/laporan-situasi")
    for label, report in reports.items():
        assert f"Laporan {report.code[:4]}-{report.code[4:]} diterima ({label})" in page.text


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_the_exports_name_each_sender(staff, sent, kind):
    _incident, reports = sent
    response = await staff.get("/koordinator/ekspor/laporan", params={"format": kind})
    if kind == "csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        rows = [dict(zip(sheet[0], row, strict=True)) for row in sheet[1:]]
    assert {row["Kode laporan"]: row["Sumber"] for row in rows} == {r.code: label for label, r in reports.items()}
