from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-27T23:41:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "one rate window per address and minute"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="lapor", description=DESCRIPTION)

    # The counters are bumped with INSERT … ON CONFLICT (address, minute), which needs this index.
    async def add_unique_window():
        await engine_finder().run_ddl("CREATE UNIQUE INDEX rate_window_address_minute ON rate_window (address, minute)")

    async def drop_unique_window():
        await engine_finder().run_ddl("DROP INDEX rate_window_address_minute")

    manager.add_raw(add_unique_window)
    manager.add_raw_backwards(drop_unique_window)
    return manager
