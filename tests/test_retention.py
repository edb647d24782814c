"""Personal data of closed incidents and rejected reports is erased after the retention period;
the figures, places and the audit trail stay."""

from datetime import timedelta

from click.testing import CliRunner

from lapor_bencana import audit, retention
from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role
from lapor_bencana.cli import main
from lapor_bencana.incidents import triage
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.reports.tables import Report
from lapor_bencana.timeutil import now
from lapor_bencana.volunteers.tables import CallForHelp, CallRecipient
from tests.test_triage import coordinator, new_report  # noqa: F401 - fixture

CONTACT = {"reporter_name": "Ibu Siti", "reporter_phone": "081234567890", "displaced": 40}


async def closed_incident_with_a_volunteer(client, ctx):
    report = await new_report(client, **CONTACT)
    incident = await triage.verify(report.id, ctx)
    volunteer = await create_user(username="andi", password="rahasia-123", full_name="Andi", role=Role.RELAWAN, approved=True)
    call = CallForHelp(incident=incident.id, radius_km=10.0, people_needed=2)
    await call.save().run()
    await CallRecipient(call=call.id, user=volunteer.id, response="tiba", arrival_latitude=-2.33, arrival_longitude=115.47).save().run()
    await triage.change_status(incident.id, "ditangani", ctx)
    await triage.change_status(incident.id, "selesai", ctx)
    return report, incident


async def contact_of(report_id):
    return await Report.select(Report.reporter_name, Report.reporter_phone, Report.displaced, Report.latitude).where(
        Report.id == report_id).first().run()


async def test_contacts_and_arrival_positions_are_erased_once_the_period_has_passed(client, coordinator):
    report, incident = await closed_incident_with_a_volunteer(client, coordinator)
    open_report = await new_report(client, **CONTACT)
    closed_at = (await Incident.select(Incident.closed_at).where(Incident.id == incident.id).first().run())["closed_at"]

    # Within the period nothing is erased.
    assert not await retention.erase_expired_personal_data(30, at=closed_at + timedelta(days=29))
    assert (await contact_of(report.id))["reporter_phone"] == "+6281234567890"

    erased = await retention.erase_expired_personal_data(30, at=closed_at + timedelta(days=31))
    assert (erased.reports, erased.arrivals) == (1, 1)
    kept = await contact_of(report.id)
    assert (kept["reporter_name"], kept["reporter_phone"]) == ("", "")
    # The figures and the place stay; so does the answer, without the position.
    assert kept["displaced"] == 40 and kept["latitude"] == -2.3325
    arrival = await CallRecipient.select().first().run()
    assert arrival["response"] == "tiba" and arrival["arrival_latitude"] is None and arrival["arrival_longitude"] is None
    # A report of an incident still open keeps its contact: the office may still need to call.
    assert (await contact_of(open_report.id))["reporter_phone"] == "+6281234567890"

    # Erasure is recorded, and the chain still verifies; a second run finds nothing more.
    assert [e.action for e in await audit.history("personal_data", (closed_at + timedelta(days=1)).date().isoformat())] == ["retention.erase"]
    assert (await audit.verify()).ok
    assert not await retention.erase_expired_personal_data(30, at=closed_at + timedelta(days=31))


async def test_rejected_reports_lose_their_contact_after_the_period(client, coordinator):
    report = await new_report(client, **CONTACT)
    await triage.reject(report.id, "hoaks", "", coordinator)
    assert not await retention.erase_expired_personal_data(30, at=now() + timedelta(days=29))
    assert (await retention.erase_expired_personal_data(30, at=now() + timedelta(days=31))).reports == 1
    assert (await contact_of(report.id))["reporter_phone"] == ""


def test_the_command_says_what_it_erased_or_that_retention_is_off(settings, monkeypatch):
    for name, value in {"LAPOR_DATABASE_URL": settings.database_url, "LAPOR_DATA_DIR": str(settings.data_dir)}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LAPOR_PERSONAL_DATA_RETENTION_DAYS", "90")
    done = CliRunner().invoke(main, ["db", "erase-personal-data"])
    assert done.exit_code == 0, done.output
    assert "Erased the contacts of 0 report(s)" in done.output
    monkeypatch.setenv("LAPOR_PERSONAL_DATA_RETENTION_DAYS", "0")
    done = CliRunner().invoke(main, ["db", "erase-personal-data"])
    assert done.exit_code != 0 and "personal data is kept" in done.output
