from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T23:34:48:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique CAP message numbers"

# A separate migration because Piccolo runs raw steps before it creates tables. Concurrent
# issuers of an incident's next CAP message insert "ON CONFLICT (incident, sequence) DO NOTHING",
# which needs this index on both engines.
INDEX = "cap_message_incident_sequence"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="lapor", description=DESCRIPTION)

    async def add_index():
        await engine_finder().run_ddl(f"CREATE UNIQUE INDEX {INDEX} ON cap_message (incident, sequence)")

    async def drop_index():
        await engine_finder().run_ddl(f"DROP INDEX {INDEX}")

    manager.add_raw(add_index)
    manager.add_raw_backwards(drop_index)
    return manager
