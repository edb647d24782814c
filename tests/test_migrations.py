"""The migrations folder describes exactly the tables in the code, and runs on every engine."""

from piccolo.apps.migrations.commands.new import AutoMigrationManager

from lapor_bencana.piccolo_app import APP_CONFIG
from lapor_bencana.reports.tables import Report


async def test_no_table_change_is_missing_a_migration():
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=APP_CONFIG)
    pending = [line for group in statements for line in group.statements]
    assert not pending, "run: PICCOLO_CONF=lapor_bencana.piccolo_conf piccolo migrations new lapor --auto"


async def test_migrated_database_has_every_table(app):
    # The fixture database was migrated on this engine; each table answers a query.
    for table in APP_CONFIG.table_classes:
        assert await table.count() >= 0
    assert await Report.count() == 0


async def test_reports_the_report_page_sent_as_api_become_residents_reports(app):
    """The relabelling step: the page's keys are lowercase version-4 UUIDs (or 32 hex digits);
    any other key, or none, was another system's."""
    from importlib import import_module

    from lapor_bencana.reports.tables import ReportChannel, ReportSource
    from lapor_bencana.timeutil import now

    keys = {
        "5f0c2a4e-8d1b-4c3a-9e7f-1a2b3c4d5e6f": ReportSource.WARGA,  # crypto.randomUUID()
        "0123456789abcdef0123456789abcdef": ReportSource.WARGA,  # the page's fallback
        "5F0C2A4E-8D1B-4C3A-9E7F-1A2B3C4D5E6F": ReportSource.API,  # not how the page writes it
        "5f0c2a4e-8d1b-1c3a-9e7f-1a2b3c4d5e6f": ReportSource.API,  # version 1
        "gateway-2026-000123": ReportSource.API,
        None: ReportSource.API,
    }
    for number, key in enumerate(keys):
        await Report.insert(
            Report(code=f"MIGR{number:04d}", idempotency_key=key, hazard="banjir", occurred_at=now(),
                   source=ReportSource.API)
        ).run()
    await Report.insert(
        Report(code="MIGRWRGA", idempotency_key="7d9e3b1a-2c4f-4a6b-8d0e-9f8a7b6c5d4e", hazard="banjir",
               occurred_at=now(), source=ReportSource.PETUGAS)
    ).run()
    migration = import_module("migrations.lapor_2026_12_01t23_34_03_000000")
    await (await migration.forwards()).run()

    rows = {row["idempotency_key"]: row for row in await Report.select().where(Report.code.like("MIGR%")).run()}
    for key, source in keys.items():
        expected_channel = ReportChannel.API if source == ReportSource.API else ReportChannel.FORM
        assert (rows[key]["source"], rows[key]["channel"]) == (source, expected_channel), key
    assert rows["7d9e3b1a-2c4f-4a6b-8d0e-9f8a7b6c5d4e"]["source"] == ReportSource.PETUGAS
