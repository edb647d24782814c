from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-27T23:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes for the map and dashboard"

# The dashboard counts a window of received reports by day, hazard and kecamatan from the index
# alone; the map lists reports by status and open incidents; an incident's figures are its latest
# verified assessment.
INDEXES = {
    "report_received": "report (received_at, status, hazard, village)",
    "report_status_received": "report (status, received_at)",
    "incident_status_occurred": "incident (status, occurred_at)",
    "assessment_latest_verified": "assessment (incident, verified, verified_at, id)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="lapor", description=DESCRIPTION)

    async def add_indexes():
        for name, target in INDEXES.items():
            await engine_finder().run_ddl(f"CREATE INDEX {name} ON {target}")

    async def drop_indexes():
        for name in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX {name}")

    manager.add_raw(add_indexes)
    manager.add_raw_backwards(drop_indexes)
    return manager
