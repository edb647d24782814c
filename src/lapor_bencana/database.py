"""The database engine: chosen from the URL, bound to every table, migrated, checked.

Piccolo finds its engine through ``piccolo_conf.DB``; the app and the tests bind one explicitly
with :func:`bind` so that a test can point everything at a fresh database.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import socket
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import structlog
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from lapor_bencana import sqlite_engine
from lapor_bencana.sqlite_engine import KeptConnectionSQLiteEngine

log = structlog.get_logger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or used; the message says why in plain words."""


def sqlite_path(url: str) -> Path:
    """``sqlite:///relative/file`` or ``sqlite:////absolute/file``, as SQLAlchemy spells them."""
    if not url.startswith("sqlite:///"):
        raise DatabaseUnavailable("A SQLite URL looks like sqlite:///data/lapor.sqlite3")
    return Path(url.removeprefix("sqlite:///"))


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite://")


def create_engine(url: str) -> Engine:
    if is_sqlite(url):
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path) as connection:
            # WAL is a property of the file: set once, readers then never block the writer.
            connection.execute("PRAGMA journal_mode = WAL")
        return KeptConnectionSQLiteEngine(
            path=str(path), timeout=sqlite_engine.BUSY_TIMEOUT_S, factory=sqlite_engine.TunedConnection
        )
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise DatabaseUnavailable(f"Unknown database URL scheme: {parts.scheme!r}")
    return PostgresEngine(config={"dsn": url})


def write_transaction(engine: Engine):
    """A transaction for writes. SQLite's must take the write lock at once (IMMEDIATE): a
    deferred one that upgrades later fails under concurrent writers instead of waiting."""
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


# SQLite's result codes (the low byte of an extended code) that mean "not now" rather than a bug.
_SQLITE_UNAVAILABLE = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_READONLY,
}
_UNAVAILABLE = (
    DatabaseUnavailable,
    sqlite_engine.WritersQueueFull,
    asyncpg.PostgresConnectionError,  # class 08: connection lost, refused by the server
    asyncpg.exceptions.OperatorInterventionError,  # class 57: shutting down, starting up
    asyncpg.InsufficientResourcesError,  # class 53: too many connections, disk full
    asyncpg.InvalidCatalogNameError,  # the database was dropped or renamed
)


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be used right now (down, unreachable, locked,
    full) rather than a bug: the request may simply be sent again later."""
    if isinstance(error, _UNAVAILABLE):
        return True
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_UNAVAILABLE
    if isinstance(error, asyncpg.InterfaceError):
        return any(words in str(error) for words in ("connection is closed", "pool is closing"))
    # Connecting failed (refused, reset, unreachable, timed out, name unknown), or the disk is full.
    return isinstance(error, ConnectionError | TimeoutError | socket.gaierror) or (
        isinstance(error, OSError) and error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENOSPC)
    )


def is_unique_violation(error: BaseException) -> bool:
    if isinstance(error, asyncpg.UniqueViolationError):
        return True
    return isinstance(error, sqlite3.IntegrityError) and "UNIQUE constraint failed" in str(error)


def bind(engine: Engine) -> None:
    """Point Piccolo (its migration runner included) and every table at ``engine``."""
    from piccolo.apps.migrations.tables import Migration

    from lapor_bencana import piccolo_app, piccolo_conf

    # Piccolo's migration runner finds its configuration through this variable.
    os.environ["PICCOLO_CONF"] = piccolo_conf.__name__
    piccolo_conf.DB = engine
    for table in (*piccolo_app.APP_CONFIG.table_classes, Migration):
        table._meta.db = engine


async def start(engine: Engine) -> None:
    """Opens the PostgreSQL pool, or the kept SQLite connections. If the PostgreSQL server is down
    the app still starts: queries then open their own connections, ``/healthz`` answers 503, and
    service resumes when the server is back."""
    if isinstance(engine, KeptConnectionSQLiteEngine):
        await engine.keep_connections()
    elif isinstance(engine, PostgresEngine):
        try:
            await engine.start_connection_pool(min_size=1, max_size=10)
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("database pool not started", error=describe_error(error))


async def stop(engine: Engine) -> None:
    if isinstance(engine, KeptConnectionSQLiteEngine):
        await engine.close_kept_connections()
    elif isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()


async def ping(engine: Engine) -> None:
    try:
        await engine.run_ddl("SELECT 1")
    except Exception as error:  # any driver error means the same thing to the caller
        raise DatabaseUnavailable(describe_error(error)) from error


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def describe_error(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0]


async def migrate() -> list[str]:
    """Apply every pending migration of the app; returns the IDs that ran."""
    from piccolo.apps.migrations.commands.forwards import ForwardsMigrationManager

    from lapor_bencana.piccolo_app import APP_NAME

    manager = ForwardsMigrationManager(app_name=APP_NAME, migration_id="all", fake=False)
    before = set(await _applied_ids())
    # Piccolo narrates each step on stdout; the caller reports what ran in its own words.
    with contextlib.redirect_stdout(io.StringIO()):
        result = await manager.run()
    if not result.success:
        raise DatabaseUnavailable(result.message)
    return sorted(set(await _applied_ids()) - before)


async def _applied_ids() -> list[str]:
    from piccolo.apps.migrations.tables import Migration

    if not await Migration.table_exists().run():
        return []
    rows = await Migration.select(Migration.name).run()
    return [row["name"] for row in rows]
