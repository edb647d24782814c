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
