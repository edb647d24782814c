"""What every end-to-end test needs: the real server as a process, and accessibility checks."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from playwright.sync_api import Page

E2E_DIR = Path(__file__).resolve().parent
AXE_SOURCE = (E2E_DIR / "vendor" / "axe-core-4.14.1.min.js").read_text()
LAPOR = [sys.executable, "-m", "lapor_bencana"]
# Set in CI: servers shared by many tests then run on PostgreSQL with two processes.
POSTGRES_URL = os.environ.get("LAPOR_TEST_POSTGRES_URL", "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """``lapor run`` in its own process on a loopback port, with its own data directory.

    It can be stopped and started again on the same port and database, as a phone sees a
    server go away and come back.
    """

    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None, workers: int = 1) -> None:
        self.data_dir = data_dir
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        self.env = {
            **os.environ,
            "LAPOR_DATA_DIR": str(data_dir),
            "LAPOR_DATABASE_URL": "",
            "LAPOR_REGENCY_CODE": "63.11",
            "LAPOR_SECRET_KEY": "e2e-secret-key-0123456789-0123456789-0123456789",
            "LAPOR_BASE_URL": self.base_url,
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None

    def lapor(self, *args: str) -> str:
        done = subprocess.run([*LAPOR, *args], env=self.env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"lapor {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, timeout_s: float = 30) -> None:
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [*LAPOR, "run", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer /healthz in {timeout_s} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL to the whole process group, as a power cut or the OOM killer would end it."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def query(self, sql: str, *params) -> list[tuple]:
        """Rows of ``sql`` (``?`` placeholders) from this server's database, SQLite or PostgreSQL;
        a statement that changes data (a test's set-up) is committed."""
        url = self.env["LAPOR_DATABASE_URL"]
        if not url:
            with contextlib.closing(sqlite3.connect(self.data_dir / "lapor.sqlite3")) as db, db:
                return db.execute(sql, params).fetchall()
        numbered = iter(range(1, 1000))
        postgres_sql = re.sub(r"\?", lambda _: f"${next(numbered)}", sql)

        async def fetch() -> list[tuple]:
            connection = await asyncpg.connect(url)
            try:
                return [tuple(row) for row in await connection.fetch(postgres_sql, *params)]
            finally:
                await connection.close()

        return run_async(fetch())


@contextlib.contextmanager
def serving(server: LiveServer, test) -> Iterator[LiveServer]:
    """Runs ``server`` for one test (``request.node``); prints its log when the test failed."""
    server.data_dir.mkdir(exist_ok=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        failed = getattr(test, "report_call", None)
        if failed is not None and failed.failed:
            print(f"\n--- server log ---\n{server.log()}")


def run_async(coroutine):
    """Runs ``coroutine`` to its end from a test: Playwright's sync API keeps an event loop
    running in the test's own thread, so it runs in another."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def run_sql(url: str, statement: str) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    run_async(run())


@contextlib.contextmanager
def fresh_postgres_database(label: str) -> Iterator[str]:
    """A new, empty database on the test PostgreSQL server, dropped afterwards; yields its URL."""
    name = f"lapor_e2e_{label}_{os.getpid()}"
    run_sql(POSTGRES_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    run_sql(POSTGRES_URL, f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))
    finally:
        run_sql(POSTGRES_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def serious_accessibility_violations(page: Page) -> list[dict]:
    """Runs axe-core in the page; returns the serious and critical violations (empty is good)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, so the page's CSP does not block it.
        page.evaluate(AXE_SOURCE)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def wait_for_service_worker_control(page: Page) -> None:
    page.evaluate(
        """() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller ? true :
             new Promise(resolve => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true))))"""
    )


class FaultyProxy:
    """A loopback HTTP proxy in front of the real server that turns the first N responses to
    ``POST fail_path`` into 500s — after the server has handled them, the hardest case for
    exactly-once delivery (the report exists, but the phone was told it failed)."""

    def __init__(self, target_port: int, fail_path: str, failures: int) -> None:
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        proxy = self
        self.failures_left = failures
        self.failed_posts = 0
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upstream = http.client.HTTPConnection("127.0.0.1", target_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                headers["Host"] = f"127.0.0.1:{target_port}"
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    response = upstream.getresponse()
                    payload = response.read()
                except OSError:
                    self.send_error(502)
                    return
                finally:
                    upstream.close()
                with proxy._lock:
                    sabotage = self.command == "POST" and self.path == fail_path and proxy.failures_left > 0
                    if sabotage:
                        proxy.failures_left -= 1
                        proxy.failed_posts += 1
                if sabotage:
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                    return
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
