"""``lapor audit verify`` on SQLite and PostgreSQL: a clear verdict and an exit code to script on."""

import pytest
from click.testing import CliRunner

from lapor_bencana import audit
from lapor_bencana.audit.tables import AuditEvent
from lapor_bencana.cli import main, with_database


@pytest.fixture
def lapor(settings, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a stray .env or ./data of the developer's must not leak in
    env = {"LAPOR_DATA_DIR": str(settings.data_dir), "LAPOR_DATABASE_URL": settings.database_url}

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


async def record_three_events() -> None:
    for number in (1, 2, 3):
        await audit.record(
            action="report.verify",
            entity_type="report",
            entity_id=number,
            actor=audit.SYSTEM,
            before={"status": "baru"},
            after={"status": "terverifikasi"},
        )


def test_verify_of_an_intact_trail_counts_the_events_and_prints_the_head(settings, lapor):
    with_database(settings, record_three_events)
    result = lapor("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "The audit trail is intact: 3 event(s), chain head " in result.output
    assert with_database(settings, audit.verify).head_hash in result.output


def test_verify_names_the_event_whose_after_value_was_edited(settings, lapor):
    with_database(settings, record_three_events)
    with_database(
        settings, AuditEvent.raw("UPDATE audit_event SET after = {} WHERE seq = 2", '{"status":"ditolak"}').run
    )
    result = lapor("audit", "verify")
    assert result.exit_code == 1
    assert "broken at event 2: event 2 was changed after it was written" in result.output
    assert "Traceback" not in result.output


def test_verify_detects_the_newest_event_deleted(settings, lapor):
    with_database(settings, record_three_events)
    with_database(settings, AuditEvent.delete().where(AuditEvent.seq == 3).run)
    result = lapor("audit", "verify")
    assert result.exit_code == 1
    assert "events 3 to 3 are missing" in result.output


def test_verify_of_an_unmigrated_database_says_so_plainly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["audit", "verify"], env={"LAPOR_DATA_DIR": str(tmp_path), "LAPOR_DATABASE_URL": ""}
    )
    assert result.exit_code == 1
    assert "Cannot use the database" in result.output and "audit_head" in result.output
