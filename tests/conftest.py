"""Fixtures: the app on a fresh database per test, on SQLite and (when configured) PostgreSQL.

Set ``LAPOR_TEST_POSTGRES_URL`` (CI does) to run every database test on PostgreSQL too; its
tests are then required: a server that cannot be reached fails them instead of skipping them.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from tests.push_service import PushService

from lapor_bencana import database
from lapor_bencana.accounts import passwords
from lapor_bencana.app import create_app
from lapor_bencana.config import Settings
from lapor_bencana.piccolo_app import APP_CONFIG
from lapor_bencana.push.vapid import keys_from_text
from lapor_bencana.regions.importer import import_regency
from lapor_bencana.regions.tables import Region, RegionBoundary
from tests.accounts import Clock
from tests.push_helpers import local_push

REGENCY = "63.11"
# Fixtures of the reporting-out tests (a signed-in coordinator with seeded records).
pytest_plugins = ["tests.sitrep_data"]


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector, name, obj) -> None:
    # anyio runs an async fixture and the test using it in one task, which Litestar's lifespan
    # (an anyio task group) requires; every coroutine test is marked so it need not say so.
    if collector.funcnamefilter(name) and inspect.iscoroutinefunction(obj):
        pytest.mark.anyio(obj)
@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id with its smallest parameters: the tests check behaviour, and the real ones cost
    about 250 ms a hash on a busy test machine."""
    real = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = real


POSTGRES_URL = os.environ.get("LAPOR_TEST_POSTGRES_URL", "")
ENGINES = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
# Kept between tests: reference data every test needs (region codes and boundaries), and the
# record of applied migrations.
KEPT_TABLES = {Region._meta.tablename, RegionBoundary._meta.tablename, "migration"}


async def _prepare(url: str) -> None:
    engine = database.create_engine(url)
    database.bind(engine)
    await database.migrate()
    await import_regency(REGENCY)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "lapor.sqlite3"
    asyncio.run(_prepare(f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_prepared() -> Iterator[str]:
    """A database of this test run's own on the configured server, so that runs never collide."""
    server = urlsplit(POSTGRES_URL)
    name = f"lapor_test_{os.getpid()}"
    url = urlunsplit(server._replace(path=f"/{name}"))
    asyncio.run(_run_ddl(POSTGRES_URL, f"DROP DATABASE IF EXISTS {name}"))
    asyncio.run(_run_ddl(POSTGRES_URL, f"CREATE DATABASE {name}"))
    asyncio.run(_prepare(url))
    yield url
    asyncio.run(_run_ddl(POSTGRES_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def _truncate_statement() -> str:
    tables = [t._meta.tablename for t in APP_CONFIG.table_classes if t._meta.tablename not in KEPT_TABLES]
    return f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"


@pytest.fixture(params=ENGINES)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "lapor.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_prepared")
    asyncio.run(_run_ddl(url, _truncate_statement()))
    return url


async def _run_ddl(url: str, statement: str) -> None:
    # A plain connection: CREATE/DROP DATABASE cannot run inside Piccolo's implicit transaction.
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        regency_code=REGENCY,
        # Tests that deliver push messages start a worker of their own.
        push_worker_embedded=False,
    )


@pytest.fixture
def clock() -> Clock:
    """The app's clock (sessions, sign-in throttling); a test moves it on instead of sleeping."""
    return Clock()


@pytest.fixture
async def app(settings, clock) -> AsyncIterator[Litestar]:
    application = create_app(settings, clock=clock, push_endpoints=local_push(settings))
    async with application.lifespan():
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def push_service(settings) -> AsyncIterator[PushService]:
    """A local push service that accepts the app's VAPID key (see push_service.py)."""
    service = PushService(keys_from_text(settings.effective_vapid_private_key).application_server_key)
    await service.start()
    yield service
    await service.stop()
