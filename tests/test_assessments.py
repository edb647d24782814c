import pytest

from lapor_bencana import audit
from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role
from lapor_bencana.incidents import assessments, triage
from lapor_bencana.incidents.tables import Assessment, Incident
from tests.test_triage import new_report


@pytest.fixture
async def people(app):
    coordinator = await create_user(username="sari", password="rahasia-123", full_name="Sari", role=Role.KOORDINATOR)
    officer = await create_user(username="budi", password="rahasia-123", full_name="Budi", role=Role.PETUGAS)
    return triage.Context(coordinator), triage.Context(officer)


def test_assessment_input_is_checked_like_report_counts():
    cleaned, errors = assessments.validate({"displaced": "120", "schools_damaged": "-1", "needs_note": "Selimut"})
    assert cleaned["displaced"] == 120 and cleaned["needs_note"] == "Selimut"
    assert "schools_damaged" in errors
    assert assessments.validate({})[1] == {"form": "Isi setidaknya satu angka atau catatan."}


async def test_the_figures_are_the_latest_verified_snapshot(client, people):
    coordinator, officer = people
    incident = await triage.verify((await new_report(client)).id, coordinator)
    first = await assessments.record(incident.id, {"displaced": 100, "affected_families": 30}, officer, verified=False)
    assert await assessments.latest_verified(incident.id) is None
    await assessments.verify(first.id, coordinator)
    assert (await assessments.latest_verified(incident.id))["displaced"] == 100
    await assessments.record(incident.id, {"displaced": 250}, officer, verified=False)
    assert (await assessments.latest_verified(incident.id))["displaced"] == 100  # not verified yet
    await assessments.record(incident.id, {"displaced": 240}, coordinator, verified=True)
    assert (await assessments.latest_verified(incident.id))["displaced"] == 240
    history = await assessments.history(incident.id)
    assert [row["displaced"] for row in history] == [240, 250, 100]
    assert history[-1]["recorded_by_name"] == "Budi"
    actions = [entry.action for entry in await audit.history("incident", incident.id)]
    assert actions.count("assessment.create") == 3 and "assessment.verify" in actions


async def test_verifying_an_assessment_changes_the_incident(client, people):
    coordinator, officer = people
    incident = await triage.verify((await new_report(client)).id, coordinator)
    pending = await assessments.record(incident.id, {"displaced": 100}, officer, verified=False)
    before = (await Incident.select(Incident.updated_at).where(Incident.id == incident.id).first().run())["updated_at"]
    await assessments.verify(pending.id, coordinator)
    verified = await Assessment.select(Assessment.verified_at).where(Assessment.id == pending.id).first().run()
    after = (await Incident.select(Incident.updated_at).where(Incident.id == incident.id).first().run())["updated_at"]
    # Its public figures changed: the API's updated_at says so.
    assert after == verified["verified_at"] and after > before
