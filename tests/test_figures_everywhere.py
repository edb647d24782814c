"""Every saved figure is shown, labelled, in every view that shows figures.

The figure columns come from the tables themselves (every integer column that is not a key), so
a column added to Assessment or Report fails here until it is in impact.FIGURES and every view.
Each column gets a value no other column has; each view is rendered through HTTP (pages, PDF
text read back with pypdf, CSV, XLSX with openpyxl, JSON, GeoJSON, CAP XML) and must show each
value next to its label, in Indonesian and, through the catalogue, in English.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook
from piccolo.columns import ForeignKey, Integer
from pypdf import PdfReader

from lapor_bencana import i18n
from lapor_bencana.impact import FIGURES, FIGURES_BY_NAME, View, figures_in
from lapor_bencana.incidents.tables import Assessment
from lapor_bencana.reports.tables import Report
from lapor_bencana.sitrep import cap
from tests.sitrep_data import htmx_post, seed_flood

# The views an assessment's figures must all be in; written out here, not taken from impact.py,
# so that dropping a view from a figure fails.
ASSESSED_VIEWS = {View.ASSESSMENT, View.SITREP, View.TRANSPARENCY, View.EXPORT, View.API, View.CAP}


def figure_columns(table) -> list[str]:
    return [
        column._meta.name
        for column in table._meta.columns
        if isinstance(column, Integer) and not isinstance(column, ForeignKey) and not column._meta.primary_key
    ]


ASSESSMENT_COLUMNS = figure_columns(Assessment)
REPORT_COLUMNS = figure_columns(Report)
# Distinct, and none a part of another (three digits each).
ASSESSED_VALUES = {name: 101 + 7 * index for index, name in enumerate(ASSESSMENT_COLUMNS)}
REPORTED_VALUES = {name: 503 + 11 * index for index, name in enumerate(REPORT_COLUMNS)}


def test_every_saved_figure_column_is_in_the_list_and_in_every_view():
    assert ASSESSMENT_COLUMNS and REPORT_COLUMNS
    for name in ASSESSMENT_COLUMNS:
        assert name in FIGURES_BY_NAME, f"assessment.{name} is saved but not in impact.FIGURES"
        assert ASSESSED_VIEWS <= FIGURES_BY_NAME[name].views, f"assessment.{name} is missing from a view"
    for name in REPORT_COLUMNS:
        assert View.REPORT in FIGURES_BY_NAME[name].views, f"report.{name} is saved but not shown with reports"
    # Nothing listed that is not saved: a view would show an empty figure.
    assert {figure.name for figure in FIGURES} == set(ASSESSMENT_COLUMNS)
    assert {figure.name for figure in figures_in(View.REPORT)} == set(REPORT_COLUMNS)


def page_text(body: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def element(body: str, testid: str) -> str:
    """The inside of the one element marked ``data-testid``."""
    [inside] = re.findall(rf'<(dl|ul)\b[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', body, re.S)
    return inside[1]


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def labelled(locale: str, name: str, value: int, separator: str = " ") -> str:
    """"Rumah terendam 101 unit": the label, then the amount with its unit, in the reader's language."""
    with i18n.in_locale(locale):
        figure = FIGURES_BY_NAME[name]
        return f"{i18n.gettext(figure.label)}{separator}{figure.amount(value)}"


def missing_from(text: str, locale: str, values: dict[str, int]) -> list[str]:
    return [labelled(locale, name, value) for name, value in values.items() if labelled(locale, name, value) not in text]


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def xlsx_rows(body: bytes) -> list[dict[str, object]]:
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def header(locale: str, name: str) -> str:
    with i18n.in_locale(locale):
        return i18n.gettext(FIGURES_BY_NAME[name].label)


@pytest.fixture
async def seeded(staff):
    """A flood whose latest verified assessment and whose report carry a distinct value in every column."""
    flood = await seed_flood(staff, **REPORTED_VALUES)
    response = await htmx_post(staff, f"/kejadian/{flood.incident.code}/kaji-cepat", {n: str(v) for n, v in ASSESSED_VALUES.items()})
    assert response.status_code == 200
    latest = await Assessment.select().where(Assessment.incident == flood.incident.id).order_by(Assessment.id, ascending=False).first().run()
    assert latest["verified"] and {name: latest[name] for name in ASSESSMENT_COLUMNS} == ASSESSED_VALUES
    return flood


@pytest.mark.parametrize("locale", ["id", "en"])
async def test_pages_and_pdfs_show_every_figure_labelled(staff, seeded, locale):
    staff.cookies.set(i18n.LOCALE_COOKIE, locale)
    code = seeded.incident.code
    # (view, page, the element that holds the figures on that page)
    views = [
        ("Angka terkini, desk", f"/koordinator/kejadian/{code}", "figures"),
        ("assessment history", f"/koordinator/kejadian/{code}", "assessments"),
        ("Angka terkini, field", f"/kejadian/{code}", "figures"),
        ("incident situation report", f"/koordinator/kejadian/{code}/laporan-situasi", "sitrep-impact"),
        ("regency situation report, totals", "/koordinator/laporan-situasi", "sitrep-totals"),
        ("regency situation report, section", "/koordinator/laporan-situasi", "sitrep-impact"),
        ("transparency", "/transparansi", "transparency-impact"),
    ]
    for view, path, holder in views:
        response = await staff.get(path)
        assert response.status_code == 200, view
        assert missing_from(page_text(element(response.text, holder)), locale, ASSESSED_VALUES) == [], view

    for path in (f"/koordinator/kejadian/{code}/laporan-situasi.pdf", "/koordinator/laporan-situasi.pdf"):
        response = await staff.get(path)
        assert response.status_code == 200
        assert missing_from(pdf_text(response.content), locale, ASSESSED_VALUES) == [], path

    # The report's own counts, on its page.
    report_page = await staff.get(f"/koordinator/laporan/{seeded.report.id}")
    assert missing_from(page_text(report_page.text), locale, REPORTED_VALUES) == [], "report page"

    # The dashboard's headline sums (one open incident: its own figures).
    dashboard = page_text((await staff.get("/koordinator/dasbor")).text)
    headline = figures_in(View.DASHBOARD)
    assert headline and [f.name for f in headline if f"{header(locale, f.name)} {ASSESSED_VALUES[f.name]}" not in dashboard] == []


@pytest.mark.parametrize("locale", ["id", "en"])
async def test_exports_carry_every_figure_under_its_label(staff, seeded, locale):
    staff.cookies.set(i18n.LOCALE_COOKIE, locale)
    [incident_row] = csv_rows((await staff.get("/koordinator/ekspor/kejadian", params={"format": "csv"})).content)
    assert {name: incident_row[header(locale, name)] for name in ASSESSED_VALUES} == {n: str(v) for n, v in ASSESSED_VALUES.items()}
    [incident_sheet] = xlsx_rows((await staff.get("/koordinator/ekspor/kejadian", params={"format": "xlsx"})).content)
    assert {name: incident_sheet[header(locale, name)] for name in ASSESSED_VALUES} == ASSESSED_VALUES

    [report_row] = csv_rows((await staff.get("/koordinator/ekspor/laporan", params={"format": "csv"})).content)
    assert {name: report_row[header(locale, name)] for name in REPORTED_VALUES} == {n: str(v) for n, v in REPORTED_VALUES.items()}
    [report_sheet] = xlsx_rows((await staff.get("/koordinator/ekspor/laporan", params={"format": "xlsx"})).content)
    assert {name: report_sheet[header(locale, name)] for name in REPORTED_VALUES} == REPORTED_VALUES


async def test_the_public_api_and_the_cap_alert_carry_every_figure(staff, seeded):
    [listed] = (await staff.get("/api/v1/incidents")).json()["incidents"]
    assert {name: listed["figures"][name] for name in ASSESSED_VALUES} == ASSESSED_VALUES
    [feature] = json.loads((await staff.get("/api/v1/incidents.geojson")).text)["features"]
    assert {name: feature["properties"]["figures"][name] for name in ASSESSED_VALUES} == ASSESSED_VALUES

    # CAP is Indonesian for every receiver, whatever the reader's language.
    staff.cookies.set(i18n.LOCALE_COOKIE, "en")
    alert = ET.fromstring((await staff.get(f"/koordinator/kejadian/{seeded.incident.code}/cap.xml")).content)
    description = alert.find("cap:info/cap:description", {"cap": cap.NAMESPACE}).text
    assert [name for name, value in ASSESSED_VALUES.items() if labelled("id", name, value, ": ") not in description] == []
