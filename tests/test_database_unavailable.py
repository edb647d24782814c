"""A database that is down, unreachable or locked: 503 with Retry-After, never a 500, nothing half
stored, and the same request succeeds once the database is back."""

import asyncio
import errno
import re
import sqlite3
import threading
from pathlib import Path

import asyncpg
import httpx
import pytest

from lapor_bencana import database, sqlite_engine
from lapor_bencana.app import create_app
from lapor_bencana.reports.tables import Report, ReportStatusChange
from tests.conftest import POSTGRES_URL

BODY = {"hazard": "banjir", "village_code": "63.11.06.2005", "description": "Air naik"}
FORM = {"hazard": "kebakaran", "village_code": "63.11.05.2001", "idempotency_key": "form-while-down"}
MESSAGE = "tidak ada yang tersimpan"


@pytest.fixture
async def make_client():
    """Clients of apps made from given settings, each inside its app's lifespan."""
    stack = []

    async def make(settings) -> httpx.AsyncClient:
        app = create_app(settings)
        lifespan = app.lifespan()
        await lifespan.__aenter__()
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        stack.append((lifespan, http))
        return http

    yield make
    for lifespan, http in reversed(stack):
        await http.aclose()
        await lifespan.__aexit__(None, None, None)


async def post_report(http, key="while-down"):
    return await http.post("/api/v1/reports", json=BODY, headers={"Idempotency-Key": key})


async def post_form(http, token):
    return await http.post("/lapor", data={"_csrf_token": token, **FORM}, headers={"accept": "text/html"})


async def csrf_token(http) -> str:
    page = await http.get("/lapor")
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


def assert_retry_later(response, *, json: bool) -> None:
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    text = response.json()["detail"] if json else response.text
    assert MESSAGE in text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_sqlite_write_lock_held_past_the_busy_timeout_gives_503_then_the_retry_succeeds(
    settings, make_client, monkeypatch
):
    monkeypatch.setattr(sqlite_engine, "BUSY_TIMEOUT_S", 0.3)
    http = await make_client(settings)
    token = await csrf_token(http)
    # Another process (a migration, a stuck script) holds the write lock.
    holder = sqlite3.connect(database.sqlite_path(settings.database_url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert_retry_later(await post_report(http), json=True)
        assert_retry_later(await post_form(http, token), json=False)
        # Reads go on beside the lock (WAL), and so does the health check.
        assert (await http.get("/healthz")).status_code == 200
        assert await Report.count() == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (await post_report(http)).status_code == 201
    assert (await post_form(http, token)).status_code == 303
    assert await Report.count() == 2
    assert await ReportStatusChange.count() == 2


class SwitchableRelay:
    """A TCP relay in front of PostgreSQL on a fixed loopback port. Switched off, it cuts every
    connection and refuses new ones, as a stopped or restarting server does; switched on, the
    server is reachable again at the same address. It runs on an event loop of its own, because
    Piccolo connects once, synchronously, while the app is being created."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def switch_on(self) -> None:
        async def listen():
            self.server = await asyncio.start_server(self._relay, "127.0.0.1", self.port, reuse_address=True)
            self.port = self.server.sockets[0].getsockname()[1]

        self._run(listen())

    def switch_off(self) -> None:
        async def cut():
            self.server.close()
            for writer in list(self.writers):
                writer.transport.abort()
            self.writers.clear()

        self._run(cut())

    def close(self) -> None:
        self.switch_off()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self.writers |= {writer, upstream_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except OSError:
                pass
            finally:
                sink.transport.abort()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


@pytest.fixture
def relay(settings):
    relay = SwitchableRelay(httpx.URL(settings.database_url).port or 5432)
    relay.switch_on()
    yield relay
    relay.close()


@pytest.mark.skipif(not POSTGRES_URL, reason="LAPOR_TEST_POSTGRES_URL is not set")
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_postgresql_server_that_goes_away_gives_503_then_the_retry_succeeds(settings, relay, make_client):
    proxied = str(httpx.URL(settings.database_url).copy_with(port=relay.port))
    http = await make_client(settings.model_copy(update={"database_url": proxied}))
    token = await csrf_token(http)
    assert (await http.get("/healthz")).status_code == 200
    relay.switch_off()
    try:
        assert_retry_later(await post_report(http), json=True)
        assert_retry_later(await post_form(http, token), json=False)
        assert_retry_later(await http.get("/api/v1/reports/ABCDEFGH"), json=True)
        health = await http.get("/healthz")
        assert health.status_code == 503 and health.headers["retry-after"]
    finally:
        relay.switch_on()
    assert (await post_report(http)).status_code == 201
    assert (await post_form(http, token)).status_code == 303
    assert (await http.get("/healthz")).status_code == 200
    assert await Report.count() == 2
    assert await ReportStatusChange.count() == 2


@pytest.mark.skipif(not POSTGRES_URL, reason="LAPOR_TEST_POSTGRES_URL is not set")
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.filterwarnings("ignore:.*Unable to fetch server version")  # Piccolo says so at start-up
async def test_a_postgresql_database_that_was_dropped_gives_503(tmp_path, make_client, settings):
    missing = str(httpx.URL(POSTGRES_URL).copy_with(path="/lapor_never_created"))
    http = await make_client(settings.model_copy(update={"database_url": missing, "data_dir": tmp_path}))
    assert_retry_later(await post_report(http), json=True)


@pytest.mark.parametrize(
    "error",
    [
        sqlite_engine.WritersQueueFull("database is locked"),
        ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"),
        TimeoutError(),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.InterfaceError("connection is closed"),
        OSError(errno.ENOSPC, "No space left on device"),
    ],
)
def test_errors_that_mean_not_now_are_unavailable(error):
    assert database.is_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("no such table: report"),
        asyncpg.UndefinedTableError("relation does not exist"),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        FileNotFoundError(errno.ENOENT, "No such file"),
        RuntimeError("a bug"),
    ],
)
def test_errors_that_are_bugs_are_not_unavailable(error):
    assert not database.is_unavailable(error)


def test_a_real_busy_sqlite_error_is_unavailable(tmp_path: Path):
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as raised:
        other.execute("BEGIN IMMEDIATE")
    assert database.is_unavailable(raised.value)
