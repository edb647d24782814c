from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T23:34:21:000000"
VERSION = "1.38.0"
DESCRIPTION = "village of reports and incidents placed by GPS alone"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="lapor", description=DESCRIPTION)

    # A migration's raw steps run before its table changes: this one follows the migration that
    # added the boundaries table and the village_derived columns. On an existing database the
    # regency's region codes are there but its boundaries are not yet: those shipped with the app
    # are stored first, then every report and incident with a position and no village gets one.
    async def backfill_villages():
        from lapor_bencana.regions.boundaries import import_bundled_for_known_regencies
        from lapor_bencana.reports.places import derive_missing_villages

        await import_bundled_for_known_regencies()
        await derive_missing_villages()

    manager.add_raw(backfill_villages)
    return manager
