from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-27T21:09:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "covering index for finding volunteers near an incident"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="lapor", description=DESCRIPTION)

    # "Who is near this incident": the latitude range is searched in the index, and longitude,
    # availability and skills are checked there too, without reading table rows.
    async def add_position_index():
        await engine_finder().run_ddl(
            "CREATE INDEX volunteer_profile_position ON volunteer_profile "
            '(latitude, longitude, available, skills, radius_km, "user")'
        )

    async def drop_position_index():
        await engine_finder().run_ddl("DROP INDEX volunteer_profile_position")

    manager.add_raw(add_position_index)
    manager.add_raw_backwards(drop_position_index)
    return manager
