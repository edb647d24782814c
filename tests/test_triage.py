"""Triage actions on both databases: verify, merge, reject, assign, incident status."""

from datetime import timedelta

import anyio
import pytest

from lapor_bencana import audit
from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role
from lapor_bencana.incidents import triage
from lapor_bencana.incidents.duplicates import candidates_for
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.reports.tables import Report, ReportStatus, ReportStatusChange
from lapor_bencana.timeutil import now


async def new_report(client, **fields):
    body = {"hazard": "banjir", "village_code": "63.11.06.2005", "latitude": -2.3325, "longitude": 115.4712, **fields}
    response = await client.post("/api/v1/reports", json=body)
    assert response.status_code == 201, response.text
    return await Report.objects().where(Report.code == response.json()["code"]).first().run()


@pytest.fixture
async def coordinator(app):
    user = await create_user(username="sari", password="rahasia-123", full_name="Sari", role=Role.KOORDINATOR)
    return triage.Context(actor=user, client_address="127.0.0.1")


async def timeline(report_id):
    rows = await ReportStatusChange.select(ReportStatusChange.status, ReportStatusChange.public_note).where(
        ReportStatusChange.report == report_id).order_by(ReportStatusChange.id).run()
    return [(row["status"], row["public_note"]) for row in rows]


async def test_verifying_a_report_creates_a_verified_incident(client, coordinator):
    report = await new_report(client)
    incident = await triage.verify(report.id, coordinator)
    assert incident.status == IncidentStatus.TERVERIFIKASI
    assert incident.title == "Banjir – Balang"
    stored = await Report.objects().where(Report.id == report.id).first().run()
    assert (stored.status, stored.incident) == (ReportStatus.TERVERIFIKASI, incident.id)
    assert await timeline(report.id) == [("baru", ""), ("terverifikasi", "")]
    actions = [entry.action for entry in await audit.history("report", report.id)]
    assert actions == ["report.verify"]
    assert (await audit.verify()).ok


async def test_a_duplicate_is_suggested_and_merged_into_the_incident(client, coordinator):
    first = await new_report(client)
    incident = await triage.verify(first.id, coordinator)
    second = await new_report(client, latitude=-2.3330, longitude=115.4716)
    report_row = (await Report.select().where(Report.id == second.id).run())[0]
    [candidate] = await candidates_for(report_row)
    assert candidate.incident_id == incident.id and candidate.distance_km < 0.1
    await triage.merge(second.id, incident.id, coordinator)
    stored = await Report.objects().where(Report.id == second.id).first().run()
    assert (stored.status, stored.incident) == (ReportStatus.DIGABUNG, incident.id)
    assert await Incident.count() == 1


async def suggestions_for(report):
    row = (await Report.select().where(Report.id == report.id).run())[0]
    return [candidate.incident_id for candidate in await candidates_for(row)]


async def incident_from_days_ago(client, coordinator, days, **fields):
    incident = await triage.verify((await new_report(client, **fields)).id, coordinator)
    await Incident.update({Incident.occurred_at: now() - timedelta(days=days)}).where(Incident.id == incident.id).run()
    return incident


async def test_a_flood_open_for_three_days_is_suggested_and_takes_the_report(client, coordinator):
    flood = await incident_from_days_ago(client, coordinator, 3)
    await triage.change_status(flood.id, "ditangani", coordinator)
    report = await new_report(client, latitude=-2.3330, longitude=115.4716)
    assert await suggestions_for(report) == [flood.id]
    await triage.merge(report.id, flood.id, coordinator)
    assert (await Report.objects().where(Report.id == report.id).first().run()).incident == flood.id


async def test_a_closed_incident_is_suggested_only_within_the_window(client, coordinator):
    flood = await incident_from_days_ago(client, coordinator, 4)
    await triage.change_status(flood.id, "selesai", coordinator)
    just_closed = await new_report(client)
    assert await suggestions_for(just_closed) == [flood.id]
    await Incident.update({Incident.closed_at: now() - timedelta(days=2)}).where(Incident.id == flood.id).run()
    assert await suggestions_for(just_closed) == []


async def test_a_report_joins_neither_an_unknown_nor_a_long_closed_incident(client, coordinator):
    flood = await incident_from_days_ago(client, coordinator, 5)
    await triage.change_status(flood.id, "selesai", coordinator)
    await Incident.update({Incident.closed_at: now() - timedelta(days=2)}).where(Incident.id == flood.id).run()
    report = await new_report(client)
    with pytest.raises(triage.TriageError, match=f"Kejadian {flood.code} sudah selesai. Buka kembali"):
        await triage.merge(report.id, flood.id, coordinator)
    with pytest.raises(triage.TriageError, match="Kejadian tujuan tidak ditemukan"):
        await triage.merge(report.id, flood.id + 99, coordinator)
    stored = await Report.objects().where(Report.id == report.id).first().run()
    assert (stored.status, stored.incident) == (ReportStatus.BARU, None)
    assert await audit.history("report", report.id) == []


async def test_a_report_with_only_a_position_or_only_a_village_finds_its_neighbours(client, coordinator):
    flood = await incident_from_days_ago(client, coordinator, 2)
    by_position = await new_report(client, village_code=None, latitude=-2.3330, longitude=115.4716)
    by_village = await new_report(client, latitude=None, longitude=None)
    elsewhere = await new_report(client, village_code="63.11.01.2001", latitude=None, longitude=None)
    assert await suggestions_for(by_position) == [flood.id]
    assert await suggestions_for(by_village) == [flood.id]
    assert await suggestions_for(elsewhere) == []


async def test_an_incident_elsewhere_is_not_suggested(client, coordinator):
    first = await new_report(client)
    await triage.verify(first.id, coordinator)
    far = await new_report(client, latitude=-2.40, longitude=115.60, village_code="63.11.01.2001")
    report_row = (await Report.select().where(Report.id == far.id).run())[0]
    assert await candidates_for(report_row) == []


async def test_rejection_shows_the_reason_but_not_the_private_note(client, coordinator):
    report = await new_report(client)
    await triage.reject(report.id, "hoaks", "foto dari tahun lalu, nomor pelapor tidak aktif", coordinator)
    assert (await timeline(report.id))[-1] == ("ditolak", "Tidak dapat dipastikan kebenarannya")
    public = await client.get(f"/api/v1/reports/{report.code}")
    assert "tahun lalu" not in public.text
    assert public.json()["status"] == "ditolak"


async def test_a_rejection_needs_a_known_reason(client, coordinator):
    report = await new_report(client)
    with pytest.raises(triage.TriageError, match="alasan"):
        await triage.reject(report.id, "malas", "", coordinator)


async def test_a_report_cannot_be_triaged_twice(client, coordinator):
    report = await new_report(client)
    await triage.verify(report.id, coordinator)
    with pytest.raises(triage.TriageError, match="sudah ditangani"):
        await triage.reject(report.id, "hoaks", "", coordinator)


async def test_two_coordinators_verifying_at_once_make_one_incident(client, coordinator):
    report = await new_report(client)
    outcomes = []

    async def attempt():
        try:
            await triage.verify(report.id, coordinator)
            outcomes.append("ok")
        except triage.TriageError:
            outcomes.append("refused")

    async with anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(attempt)
    assert sorted(outcomes) == ["ok"] + ["refused"] * 4
    assert await Incident.count() == 1


async def test_an_officer_is_assigned_and_a_coordinator_is_not_an_officer(client, coordinator):
    report = await new_report(client)
    officer = await create_user(username="budi", password="rahasia-123", full_name="Budi", role=Role.PETUGAS)
    await triage.assign_officer(report.id, officer.id, coordinator)
    stored = await Report.objects().where(Report.id == report.id).first().run()
    assert stored.assigned_officer == officer.id
    with pytest.raises(triage.TriageError):
        await triage.assign_officer(report.id, coordinator.actor.id, coordinator)


async def test_reporters_follow_their_incident_to_the_end(client, coordinator):
    first, second = await new_report(client), await new_report(client)
    incident = await triage.verify(first.id, coordinator)
    await triage.merge(second.id, incident.id, coordinator)
    await triage.change_status(incident.id, "ditangani", coordinator)
    await triage.change_status(incident.id, "selesai", coordinator)
    for report in (first, second):
        steps = [status for status, _note in await timeline(report.id)]
        assert steps[-2:] == ["ditangani", "selesai"]
    closed = await Incident.objects().where(Incident.id == incident.id).first().run()
    assert closed.closed_at is not None
    page = await client.get(f"/laporan/{second.code}")
    assert "Selesai" in page.text


async def test_status_can_only_move_along_the_lifecycle(client, coordinator):
    incident = await triage.verify((await new_report(client)).id, coordinator)
    with pytest.raises(triage.TriageError):
        await triage.change_status(incident.id, "dilaporkan", coordinator)
    with pytest.raises(triage.TriageError):
        await triage.change_status(incident.id, "entah", coordinator)


async def test_settings_changes_are_audited_with_only_what_changed(client, coordinator):
    incident = await triage.verify((await new_report(client)).id, coordinator)
    await triage.update_settings(incident.id, {"priority": "tinggi", "emergency_status": "tanggap_darurat", "radius_km": 10.0}, coordinator)
    [entry, *_] = await audit.history("incident", incident.id)
    assert entry.action == "incident.update"
    assert set(entry.after) == {"priority", "emergency_status"}
