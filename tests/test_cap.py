"""CAP 1.2 alerts: validated against the OASIS schema (tests/data/CAP-v1.2.xsd), through HTTP on
both databases, and the mapping rules one by one."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import xmlschema

from lapor_bencana.hazards import HAZARDS
from lapor_bencana.sitrep import cap
from tests.sitrep_data import REPORTER_NAME, VOLUNTEER_NAME, htmx_post, seed_flood

SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "data" / "CAP-v1.2.xsd")
NS = {"cap": cap.NAMESPACE}
WITA = ZoneInfo("Asia/Makassar")
VALID_CATEGORIES = {"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"}


def source(**changes) -> cap.AlertSource:
    moment = datetime(2026, 1, 5, 0, 30, tzinfo=UTC)
    values = dict(
        code="AB12CD34", hazard="banjir", title="Banjir – Paringin", status="terverifikasi", priority="tinggi",
        occurred_at=moment, verified_at=moment, updated_at=moment, latitude=-2.3325, longitude=115.4712,
        radius_km=10.0, village_code="63.11.06.2005", area_names=("Paringin Kota", "Paringin", "Balangan"),
        figures={"displaced": 100, "dead": 0},
    )
    return cap.AlertSource(**(values | changes))


def render(**changes) -> ET.Element:
    body = cap.alert_xml(source(**changes), sender="dinsos@balangankab.go.id", sender_name="Dinas Sosial Balangan", zone=WITA)
    SCHEMA.validate(body.decode("utf-8"))
    return ET.fromstring(body)


def text(root: ET.Element, path: str) -> str:
    return root.find(path, NS).text


async def test_the_alert_of_an_incident_is_valid_cap_without_personal_data(staff, settings):
    seeded = await seed_flood(staff)
    response = await staff.get(f"/koordinator/kejadian/{seeded.incident.code}/cap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/cap+xml")
    SCHEMA.validate(response.text)
    root = ET.fromstring(response.content)
    assert text(root, "cap:sender") == settings.effective_cap_sender == "dinsos@balangankab.go.id"
    assert (text(root, "cap:status"), text(root, "cap:scope")) == ("Actual", "Public")
    assert text(root, "cap:info/cap:language") == "id-ID"
    assert text(root, "cap:info/cap:category") == "Met"
    assert text(root, "cap:info/cap:event") == "Banjir"
    assert text(root, "cap:info/cap:headline") == seeded.incident.title
    assert "Mengungsi: 100" in text(root, "cap:info/cap:description")
    assert text(root, "cap:info/cap:area/cap:circle") == "-2.33250,115.47120 10"
    assert "Paringin" in text(root, "cap:info/cap:area/cap:areaDesc")
    assert text(root, "cap:info/cap:web") == "http://127.0.0.1:8000/transparansi"
    assert text(root, "cap:info/cap:area/cap:geocode/cap:value") == "63.11.06.2005"
    # The assessment changed the incident after its verification: an update of the first alert.
    assert text(root, "cap:msgType") == "Update"
    assert text(root, "cap:references").startswith("dinsos@balangankab.go.id,dinsos@balangankab.go.id.")
    # The situation note names a resident: free text never goes into a public alert.
    for personal in (seeded.report.reporter_phone[3:], REPORTER_NAME, VOLUNTEER_NAME):
        assert personal not in response.text


async def test_the_alert_follows_status_and_priority_changes(staff):
    seeded = await seed_flood(staff)
    code = seeded.incident.code
    await htmx_post(staff, f"/koordinator/kejadian/{code}/pengaturan", {"priority": "kritis", "radius_km": "5", "planning_days": "7"})
    await htmx_post(staff, f"/koordinator/kejadian/{code}/status", {"status": "ditangani"})
    root = ET.fromstring((await staff.get(f"/koordinator/kejadian/{code}/cap.xml")).content)
    assert (text(root, "cap:info/cap:severity"), text(root, "cap:info/cap:urgency")) == ("Extreme", "Immediate")
    assert text(root, "cap:info/cap:area/cap:circle").endswith(" 5")
    assert (await staff.get("/koordinator/kejadian/ZZZZZZZZ/cap.xml")).status_code == 404


def test_an_incident_unchanged_since_verification_is_a_first_alert():
    root = render()
    assert text(root, "cap:msgType") == "Alert" and root.find("cap:references", NS) is None
    assert text(root, "cap:sent") == "2026-01-05T08:30:00+08:00"
    assert text(root, "cap:identifier") == "dinsos@balangankab.go.id.AB12CD34.1767573000"


def test_an_update_references_the_first_alert_and_has_its_own_identifier():
    later = datetime(2026, 1, 5, 3, 0, 0, 999, tzinfo=UTC)
    root = render(updated_at=later)
    assert text(root, "cap:msgType") == "Update"
    assert text(root, "cap:sent") == "2026-01-05T11:00:00+08:00"
    first = render()
    assert text(root, "cap:identifier") != text(first, "cap:identifier")
    assert text(root, "cap:references") == f"dinsos@balangankab.go.id,{text(first, 'cap:identifier')},2026-01-05T08:30:00+08:00"


def test_an_incident_without_position_or_figures_is_still_valid():
    root = render(latitude=None, longitude=None, village_code=None, figures=None, area_names=())
    assert root.find("cap:info/cap:area/cap:circle", NS) is None
    assert text(root, "cap:info/cap:area/cap:areaDesc") == "Dinas Sosial Balangan"
    assert text(root, "cap:info/cap:description") == "Angka dampak belum terverifikasi."


@pytest.mark.parametrize("hazard", [hazard.code for hazard in HAZARDS])
def test_every_hazard_maps_to_valid_cap_categories(hazard):
    assert set(cap.categories(hazard)) <= VALID_CATEGORIES
    render(hazard=hazard)


def test_category_mapping_examples():
    assert cap.categories("kebakaran") == ("Fire",)
    assert cap.categories("kebakaran_hutan_lahan") == ("Fire", "Env")
    assert cap.categories("tanah_longsor") == ("Geo",)
    assert cap.categories("angin_puting_beliung") == ("Met",)
    assert cap.categories("lainnya") == ("Other",)


@pytest.mark.parametrize(
    ("status", "priority", "urgency", "severity", "certainty"),
    [
        ("dilaporkan", "sedang", "Expected", "Moderate", "Likely"),
        ("terverifikasi", "kritis", "Immediate", "Extreme", "Observed"),
        ("ditangani", "tinggi", "Immediate", "Severe", "Observed"),
        ("ditangani", "rendah", "Expected", "Minor", "Observed"),
        ("selesai", "kritis", "Past", "Extreme", "Observed"),
    ],
)
def test_urgency_severity_and_certainty_come_from_status_and_priority(status, priority, urgency, severity, certainty):
    assert (cap.urgency(status, priority), cap.severity(priority), cap.certainty(status)) == (urgency, severity, certainty)
    root = render(status=status, priority=priority)
    assert text(root, "cap:info/cap:urgency") == urgency


def test_the_schema_refuses_what_cap_forbids():
    body = cap.alert_xml(source(), sender="x@y.id", sender_name="D", zone=WITA).decode()
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(body.replace("+08:00</sent>", "Z</sent>"))
    broken = body.replace(">Public<", ">Semua<")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(broken)
