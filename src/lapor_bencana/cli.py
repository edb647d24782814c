"""The ``lapor`` command. Every command prints a clear message and exits non-zero on failure."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import os
import signal
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click
from pydantic import ValidationError

from lapor_bencana import database
from lapor_bencana.accounts.service import AccountError
from lapor_bencana.accounts.tables import Role
from lapor_bencana.config import Settings, load_settings, served_base_url
from lapor_bencana.regions.boundaries import BoundaryDataError
from lapor_bencana.regions.importer import RegionDataError

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load_settings()
    except ValidationError as error:
        problems = "; ".join(f"LAPOR_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        raise click.ClickException(f"Invalid configuration: {problems}") from None


def with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Runs ``work`` with the configured database bound, turning failures into clear messages."""

    async def run() -> T:
        engine = database.create_engine(settings.effective_database_url)
        database.bind(engine)
        try:
            await database.start(engine)
            await database.ping(engine)
            return await work()
        finally:
            await database.stop(engine)

    try:
        with warnings.catch_warnings():
            # Piccolo warns about connection trouble itself; the message below says it once, clearly.
            warnings.simplefilter("ignore")
            return asyncio.run(run())
    except (AccountError, RegionDataError, BoundaryDataError) as error:
        raise click.ClickException(str(error)) from None
    except Exception as error:  # asyncpg, sqlite3 and OS errors alike mean the database is unusable
        where = database.redacted(settings.effective_database_url)
        raise click.ClickException(f"Cannot use the database {where}: {database.describe_error(error)}") from None


@click.group(help="Lapor Bencana: disaster reports for a regency's Dinas Sosial.")
def main() -> None:
    pass


@main.command(help="Serve the app (SQLite is migrated and given its regions first).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def run(host: str, port: int, workers: int) -> None:
    import uvicorn

    settings = _settings()
    if "base_url" not in settings.model_fields_set:
        # Links must point where this server is, not at a default port. The workers read their
        # settings from the environment, so that is where it goes.
        os.environ["LAPOR_BASE_URL"] = served_base_url(host, port)
        click.echo(f"Links point at {os.environ['LAPOR_BASE_URL']} (set LAPOR_BASE_URL to change it).")
    if database.is_sqlite(settings.effective_database_url):
        if workers > 1:
            raise click.ClickException("Several workers need PostgreSQL: set LAPOR_DATABASE_URL=postgresql://…")
        with_database(settings, lambda: _prepare_embedded(settings))
    # Each worker loads the settings itself: a secret generated on first run must exist before they
    # start, or two of them generate one each and sign with different keys.
    settings.effective_secret_key
    uvicorn.run(
        "lapor_bencana.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


async def _prepare_embedded(settings: Settings) -> None:
    from lapor_bencana.regions.tables import Region

    ran = await database.migrate()
    if ran:
        click.echo(f"Applied {len(ran)} migration(s).")
    if not await Region.exists().where(Region.code == settings.regency_code).run():
        click.echo(await _import_regions(settings.regency_code))


@main.group(help="Database maintenance.")
def db() -> None:
    pass


@db.command(help="Apply all pending migrations.")
def migrate() -> None:
    ran = with_database(_settings(), database.migrate)
    click.echo(f"Applied {len(ran)} migration(s): {', '.join(ran)}" if ran else "The database is up to date.")


@main.group(help="Accounts of staff and volunteers.")
def user() -> None:
    pass


@user.command("create", help="Create an account (the password is asked for unless given).")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--username", required=True)
@click.option("--name", "full_name", default="", help="Full name shown to colleagues.")
@click.option("--phone", default=None)
@click.option("--organisation", default="")
@click.option("--password", default=None, help="Prefer the prompt: a password here stays in shell history.")
def create_user_command(
    role: str, username: str, full_name: str, phone: str | None, organisation: str, password: str | None
) -> None:
    from lapor_bencana.accounts.service import create_user

    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat password: "):
            raise click.ClickException("The passwords do not match.")

    async def work():
        return await create_user(
            username=username,
            password=password,
            full_name=full_name,
            role=Role(role),
            phone=phone,
            organisation=organisation,
        )

    created = with_database(_settings(), work)
    click.echo(f"Created {created.role} account {created.username!r}.")


@main.group(help="Official region codes (Kemendagri).")
def regions() -> None:
    pass


@regions.command("import", help="Load the province, districts and villages of a regency.")
@click.option("--regency", default=None, help="Regency code such as 63.11 (default: LAPOR_REGENCY_CODE).")
@click.option(
    "--data-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder with provinces/regencies/districts/villages CSV files in idn-area-data's format.",
)
@click.option(
    "--boundaries-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder with the province's kab_PP, kec_PP and kel_RR.RR .sql(.gz) files of cahyadsn/wilayah_boundaries.",
)
def import_regions(regency: str | None, data_dir: Path | None, boundaries_dir: Path | None) -> None:
    settings = _settings()
    code = regency or settings.regency_code
    click.echo(with_database(settings, lambda: _import_regions(code, data_dir, boundaries_dir)))


async def _import_regions(code: str, data_dir: Path | None = None, boundaries_dir: Path | None = None) -> str:
    """Region codes and boundaries, then the village of every report and incident placed by GPS alone."""
    from lapor_bencana.regions.boundaries import BUNDLED_BOUNDARIES_DIR
    from lapor_bencana.regions.importer import BUNDLED_DATA_DIR, import_regency
    from lapor_bencana.reports.places import derive_missing_villages

    imported = await import_regency(code, data_dir or BUNDLED_DATA_DIR, boundaries_dir or BUNDLED_BOUNDARIES_DIR)
    if not imported.boundaries:
        return (
            f"Imported {imported.regions} regions for regency {code}, but no boundaries: report positions"
            f" are checked only against Indonesia's bounds and get no village (see --boundaries-dir)."
        )
    filled = await derive_missing_villages()
    return (
        f"Imported {imported.regions} regions and {imported.boundaries} boundaries for regency {code};"
        f" {filled} reports or incidents got their village from their position."
    )


@main.group(help="Demonstration data.")
def demo() -> None:
    pass


@demo.command("seed", help="Create demo accounts and sample reports, clearly marked as demo.")
def seed() -> None:
    from lapor_bencana import demo as demo_data

    settings = _settings()
    result = with_database(settings, lambda: demo_data.seed(settings.regency_code, center=settings.map_center))
    click.echo(result.summary())


@main.command("backup", help="Copy the database and the uploaded files into a new folder PATH, while the app runs.")
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path: Path) -> None:
    from lapor_bencana import backup

    try:
        result = backup.backup(_settings(), path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(result.summary())


@db.command("erase-personal-data", help="Erase reporters' contacts and volunteers' arrival positions of incidents closed longer than the retention period (the app also does it twice a day).")
def erase_personal_data() -> None:
    from lapor_bencana import retention

    settings = _settings()
    days = settings.personal_data_retention_days
    if not days:
        raise click.ClickException("LAPOR_PERSONAL_DATA_RETENTION_DAYS is 0: personal data is kept.")
    erased = with_database(settings, lambda: retention.erase_expired_personal_data(days))
    click.echo(f"Erased the contacts of {erased.reports} report(s) and {erased.arrivals} arrival position(s) older than {days} days.")


@db.command("scrub-photos", help="Remove comments and other metadata from photos stored by versions before 2026-12 (safe to repeat).")
def scrub_photos() -> None:
    from lapor_bencana.photo_scrub import scrub_stored_photos
    from lapor_bencana.storage import files_of

    settings = _settings()
    cleaned = with_database(settings, lambda: scrub_stored_photos(files_of(settings.data_dir)))
    click.echo(f"Removed metadata from {cleaned} stored photo file(s).")


@main.group(help="The hash-chained audit trail of every change.")
def audit() -> None:
    pass


@audit.command("verify", help="Check that no audit event was changed, removed or reordered.")
def verify_audit() -> None:
    from lapor_bencana import audit as audit_trail

    result = with_database(_settings(), audit_trail.verify)
    if not result.ok:
        raise click.ClickException(
            f"The audit trail is broken at event {result.broken_seq}: {result.reason}. "
            f"The {result.count} event(s) before it are intact."
        )
    # The head hash, noted somewhere else, later proves that the whole chain was not rewritten.
    click.echo(f"The audit trail is intact: {result.count} event(s), chain head {result.head_hash}.")


@main.group(help="The Web Push (VAPID) key browsers subscribe with.")
def vapid() -> None:
    pass


@vapid.command("generate", help="Create the VAPID key in the data directory (done on first run otherwise).")
def vapid_generate() -> None:
    from lapor_bencana.push.vapid import keys_from_text

    settings = _settings()
    if settings.vapid_private_key:
        raise click.ClickException("LAPOR_VAPID_PRIVATE_KEY is set: that key is used and none is generated.")
    path = settings.data_dir / "vapid_private_key"
    if path.exists():
        raise click.ClickException(
            f"A VAPID key already exists in {path}. Every browser subscription is bound to it; "
            "delete the file first only if you mean to cut them all off."
        )
    try:
        key = keys_from_text(settings.effective_vapid_private_key)
    except OSError as error:
        raise click.ClickException(f"Cannot write the VAPID key in {path}: {error.strerror}") from None
    click.echo(f"Created the VAPID key in {path} (readable by its owner only).")
    click.echo(f"Application server key: {key.application_server_key}")


@main.group(help="Web Push delivery.")
def push() -> None:
    pass


@push.command("worker", help="Send queued push messages until stopped (Ctrl-C or SIGTERM).")
def push_worker() -> None:
    from functools import partial

    from lapor_bencana import live
    from lapor_bencana.push.worker import Worker
    from lapor_bencana.volunteers.calls import announce_deliveries

    settings = _settings()
    worker = Worker(settings, on_calls_finished=partial(announce_deliveries, publish=live.publish_through_database))
    # The embedded worker runs on uvicorn's event loop, which is uvloop when installed; so does this.
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())

    async def work() -> None:
        loop = asyncio.get_running_loop()
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop_signal, worker.stop)
        click.echo(f"Push worker {worker.id} started.")
        await worker.run()

    with_database(settings, work)
    counts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(worker.outcomes.items()))
    click.echo(f"Push worker stopped ({counts or 'nothing sent'}).")
