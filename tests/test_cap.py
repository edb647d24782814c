"""CAP 1.2 alerts: validated against the OASIS schema (tests/data/CAP-v1.2.xsd), through HTTP on
both databases, and the mapping rules one by one."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import xmlschema

from lapor_bencana.hazards import HAZARDS
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.sitrep import cap
from lapor_bencana.sitrep.tables import CapMessage
from tests.sitrep_data import REPORTER_NAME, VOLUNTEER_NAME, htmx_post, seed_flood

SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "data" / "CAP-v1.2.xsd")
NS = {"cap": cap.NAMESPACE}
WITA = ZoneInfo("Asia/Makassar")
VALID_CATEGORIES = {"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"}


def source(**changes) -> cap.AlertSource:
    moment = datetime(2026, 1, 5, 0, 30, tzinfo=UTC)
    values = dict(
        code="AB12CD34", hazard="banjir", title="Banjir – Paringin", status="terverifikasi", priority="tinggi",
        occurred_at=moment, verified_at=moment, planning_days=7, latitude=-2.3325, longitude=115.4712,
        radius_km=10.0, village_code="63.11.06.2005", area_names=("Paringin Kota", "Paringin", "Balangan"),
        figures={"displaced": 100, "dead": 0},
    )
    return cap.AlertSource(**(values | changes))


SENDER = "dinsos@balangankab.go.id"
FIRST = cap.Message(1, datetime(2026, 1, 5, 0, 30, tzinfo=UTC))


def render(messages=(FIRST,), **changes) -> ET.Element:
    info = cap.info_element(source(**changes), sender_name="Dinas Sosial Balangan", zone=WITA)
    body = cap.alert_xml(info, messages, code="AB12CD34", sender=SENDER, zone=WITA)
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
    assert "Mengungsi: 100 orang" in text(root, "cap:info/cap:description")
    assert text(root, "cap:info/cap:area/cap:circle") == "-2.33250,115.47120 10"
    assert "Paringin" in text(root, "cap:info/cap:area/cap:areaDesc")
    assert text(root, "cap:info/cap:web") == "http://127.0.0.1:8000/transparansi"
    assert text(root, "cap:info/cap:area/cap:geocode/cap:value") == "63.11.06.2005"
    # The first message of this incident, until its content changes.
    assert text(root, "cap:msgType") == "Alert" and root.find("cap:references", NS) is None
    assert text(root, "cap:identifier") == f"{SENDER}.{seeded.incident.code}.1"
    again = await staff.get(f"/koordinator/kejadian/{seeded.incident.code}/cap.xml")
    assert again.content == response.content
    # The situation note names a resident: free text never goes into a public alert.
    for personal in (seeded.report.reporter_phone[3:], REPORTER_NAME, VOLUNTEER_NAME):
        assert personal not in response.text


async def alert_of(client, code: str) -> ET.Element:
    response = await client.get(f"/koordinator/kejadian/{code}/cap.xml")
    assert response.status_code == 200
    SCHEMA.validate(response.text)
    return ET.fromstring(response.content)


def references(root: ET.Element) -> list[str]:
    found = root.find("cap:references", NS)
    return found.text.split() if found is not None else []


async def test_every_change_is_a_new_message_referencing_only_earlier_ones_even_within_one_second(staff, monkeypatch):
    seeded = await seed_flood(staff)
    code = seeded.incident.code
    # Verification, changes and every message in the same second: the old identifiers (unix
    # seconds) made the Update reference itself.
    moment = seeded.incident.verified_at
    monkeypatch.setattr(cap, "now", lambda: moment)
    await Incident.update({Incident.updated_at: moment}).where(Incident.id == seeded.incident.id).run()

    first = await alert_of(staff, code)
    assert text(first, "cap:identifier") == f"{SENDER}.{code}.1" and references(first) == []
    assert text(await alert_of(staff, code), "cap:identifier") == text(first, "cap:identifier")

    await htmx_post(staff, f"/koordinator/kejadian/{code}/pengaturan", {"priority": "kritis", "radius_km": "10", "planning_days": "7"})
    second = await alert_of(staff, code)
    # Handling is no news in CAP terms (still Observed, Immediate): the same message.
    await htmx_post(staff, f"/koordinator/kejadian/{code}/status", {"status": "ditangani"})
    assert text(await alert_of(staff, code), "cap:identifier") == text(second, "cap:identifier")
    await htmx_post(staff, f"/koordinator/kejadian/{code}/pengaturan", {"priority": "kritis", "radius_km": "10", "planning_days": "14"})
    third = await alert_of(staff, code)
    assert text(third, "cap:info/cap:expires") == cap.cap_time(moment + timedelta(days=14), ZoneInfo("Asia/Makassar"))

    sent = cap.cap_time(moment, ZoneInfo("Asia/Makassar"))
    assert [text(root, "cap:sent") for root in (first, second, third)] == [sent] * 3
    assert [text(root, "cap:identifier") for root in (first, second, third)] == [f"{SENDER}.{code}.{n}" for n in (1, 2, 3)]
    assert [text(root, "cap:msgType") for root in (second, third)] == ["Update", "Update"]
    assert references(second) == [f"{SENDER},{SENDER}.{code}.1,{sent}"]
    assert references(third) == [f"{SENDER},{SENDER}.{code}.1,{sent}", f"{SENDER},{SENDER}.{code}.2,{sent}"]


async def test_a_verified_assessment_is_a_new_message(staff):
    seeded = await seed_flood(staff)
    code = seeded.incident.code
    before = await alert_of(staff, code)
    # A coordinator's own assessment counts as verified at once.
    await htmx_post(staff, f"/kejadian/{code}/kaji-cepat", {"houses_flooded": "250"})
    after = await alert_of(staff, code)
    assert "Rumah terendam: 250 unit" in text(after, "cap:info/cap:description")
    assert text(after, "cap:identifier") == f"{SENDER}.{code}.2"


async def test_simultaneous_requests_issue_one_message_for_one_content(staff):
    seeded = await seed_flood(staff)
    code = seeded.incident.code
    await alert_of(staff, code)
    await htmx_post(staff, f"/koordinator/kejadian/{code}/pengaturan", {"priority": "kritis", "radius_km": "10", "planning_days": "7"})
    roots = await asyncio.gather(*(alert_of(staff, code) for _ in range(6)))
    assert {text(root, "cap:identifier") for root in roots} == {f"{SENDER}.{code}.2"}
    assert await CapMessage.count().where(CapMessage.incident == seeded.incident.id).run() == 2


async def test_the_alert_follows_status_and_priority_changes(staff):
    seeded = await seed_flood(staff)
    code = seeded.incident.code
    await htmx_post(staff, f"/koordinator/kejadian/{code}/pengaturan", {"priority": "kritis", "radius_km": "5", "planning_days": "7"})
    await htmx_post(staff, f"/koordinator/kejadian/{code}/status", {"status": "ditangani"})
    root = ET.fromstring((await staff.get(f"/koordinator/kejadian/{code}/cap.xml")).content)
    assert (text(root, "cap:info/cap:severity"), text(root, "cap:info/cap:urgency")) == ("Extreme", "Immediate")
    assert text(root, "cap:info/cap:area/cap:circle").endswith(" 5")
    assert (await staff.get("/koordinator/kejadian/ZZZZZZZZ/cap.xml")).status_code == 404


def test_the_first_message_is_an_alert():
    root = render()
    assert text(root, "cap:msgType") == "Alert" and root.find("cap:references", NS) is None
    assert text(root, "cap:sent") == "2026-01-05T08:30:00+08:00"
    assert text(root, "cap:identifier") == f"{SENDER}.AB12CD34.1"


def test_an_update_references_every_earlier_message_and_has_its_own_identifier():
    same_second = [FIRST, cap.Message(2, FIRST.sent.replace(microsecond=400)), cap.Message(3, FIRST.sent.replace(microsecond=900))]
    root = render(same_second)
    assert text(root, "cap:msgType") == "Update"
    assert text(root, "cap:identifier") == f"{SENDER}.AB12CD34.3"
    assert text(root, "cap:references").split() == [
        f"{SENDER},{SENDER}.AB12CD34.1,2026-01-05T08:30:00+08:00",
        f"{SENDER},{SENDER}.AB12CD34.2,2026-01-05T08:30:00+08:00",
    ]


@pytest.mark.parametrize(
    ("status", "verified", "expires"),
    [
        ("terverifikasi", True, "2026-01-12T08:30:00+08:00"),
        ("ditangani", True, "2026-01-12T08:30:00+08:00"),
        ("dilaporkan", False, None),
        ("selesai", True, None),
    ],
)
def test_an_open_verified_incident_expires_at_the_end_of_its_planning_horizon(status, verified, expires):
    moment = FIRST.sent if verified else None
    root = render(status=status, verified_at=moment)
    found = root.find("cap:info/cap:expires", NS)
    assert (found.text if found is not None else None) == expires


def test_the_planning_horizon_moves_the_expiry_and_so_the_content():
    week, fortnight = (cap.info_element(source(planning_days=days), sender_name="D", zone=WITA) for days in (7, 14))
    assert week.find("cap:expires", NS).text == "2026-01-12T08:30:00+08:00"
    assert fortnight.find("cap:expires", NS).text == "2026-01-19T08:30:00+08:00"
    assert cap.digest(week) != cap.digest(fortnight)
    assert cap.digest(week) == cap.digest(cap.info_element(source(planning_days=7), sender_name="D", zone=WITA))


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
    info = cap.info_element(source(), sender_name="D", zone=WITA)
    body = cap.alert_xml(info, [FIRST], code="AB12CD34", sender="x@y.id", zone=WITA).decode()
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(body.replace("+08:00</sent>", "Z</sent>"))
    broken = body.replace(">Public<", ">Semua<")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(broken)
