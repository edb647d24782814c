from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T23:34:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "residents' reports sent by the report page are no longer labelled api"

# Until now the report page's JavaScript sent residents' reports through the JSON API, and they
# were stored as source 'api'. The only trace of the page on such a row is its Idempotency-Key:
# the page makes it with crypto.randomUUID() (a lowercase version-4 UUID), or as 32 lowercase hex
# digits where that function is missing. Rows with another key, or none, stay 'api' (another
# system). Which of the page's reports waited in the offline outbox was never recorded: they
# become 'formulir'.
_HEX = "[0-9a-f]"
_UUID_V4_GLOB = f"{_HEX * 8}-{_HEX * 4}-4{_HEX * 3}-[89ab]{_HEX * 3}-{_HEX * 12}"
_PAGE_KEY = {
    "sqlite": f"(idempotency_key GLOB '{_UUID_V4_GLOB}' OR idempotency_key GLOB '{_HEX * 32}')",
    "postgres": (
        f"idempotency_key SIMILAR TO '{_HEX}{{8}}-{_HEX}{{4}}-4{_HEX}{{3}}-[89ab]{_HEX}{{3}}-{_HEX}{{12}}|{_HEX}{{32}}'"
    ),
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="lapor", description=DESCRIPTION)

    async def relabel_page_reports():
        engine = engine_finder()
        page_key = _PAGE_KEY[engine.engine_type]
        await engine.run_ddl(f"UPDATE report SET source = 'warga' WHERE source = 'api' AND {page_key}")
        await engine.run_ddl("UPDATE report SET channel = 'api' WHERE source = 'api'")

    manager.add_raw(relabel_page_reports)
    return manager
