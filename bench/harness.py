"""What bench/ingest.py and bench/load.py share: the real server in a process of its own, on
SQLite or on a fresh PostgreSQL database, and HTTP load sent from this process with aiohttp.

Only ever 127.0.0.1; every load is bounded in time.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from e2e.helpers import LiveServer  # noqa: E402

POSTGRES_URL = os.environ.get("LAPOR_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# A small valid report, as a gateway or the offline queue sends it.
REPORT = {"hazard": "banjir", "village_code": "63.11.06.2005", "description": "Air setinggi lutut", "displaced": 4}


def reporter_address(number: int) -> dict[str, str]:
    """A header giving request ``number`` a client address of its own from 198.18.0.0/15, the range
    reserved for benchmarks (RFC 2544). The server trusts it from 127.0.0.1 (uvicorn's proxy
    headers), so the per-address rate limit sees many reporters, as in the field, not one client
    sending thousands of reports a minute. No traffic goes to these addresses."""
    host = number % 131072
    return {"X-Forwarded-For": f"198.{18 + host // 65536}.{host // 256 % 256}.{host % 256}"}


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def postgres_available() -> bool:
    try:
        asyncio.run(_admin(POSTGRES_URL, "SELECT 1"))
    except (OSError, asyncpg.PostgresError):
        return False
    return True


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    name = f"lapor_bench_{os.getpid()}"
    asyncio.run(_admin(POSTGRES_URL, f"DROP DATABASE IF EXISTS {name}"))
    asyncio.run(_admin(POSTGRES_URL, f"CREATE DATABASE {name}"))
    try:
        yield urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))
    finally:
        asyncio.run(_admin(POSTGRES_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


@contextmanager
def running_server(engine: str, workers: int = 1) -> Iterator[tuple[LiveServer, str]]:
    """``lapor run`` on a loopback port; yields the server and its database URL."""
    with tempfile.TemporaryDirectory(prefix="lapor-bench-") as tmp:
        data_dir = Path(tmp)
        if engine == "sqlite":
            server = LiveServer(data_dir, workers=workers)
            server.start(timeout_s=60)
            try:
                yield server, f"sqlite:///{data_dir / 'lapor.sqlite3'}"
            finally:
                server.stop()
            return
        with fresh_postgres_database() as url:
            server = LiveServer(data_dir, {"LAPOR_DATABASE_URL": url}, workers=workers)
            server.lapor("db", "migrate")
            server.lapor("regions", "import")
            server.start(timeout_s=60)
            try:
                yield server, url
            finally:
                server.stop()


def server_cpu_seconds(server: LiveServer) -> float:
    """User and system CPU time of the server's whole process group (uvicorn workers included)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, pgrp, ... utime is field 14 and stime 15 of the full line.
        if int(fields[2]) == server.process.pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


@dataclass
class Phase:
    """What a closed-loop load phase saw: every answer's status and latency."""

    name: str
    seconds: float = 0.0
    client_cpu_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0
    server_cpu_s: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    @property
    def server_cpu_ms_per_request(self) -> float:
        """Less sensitive to other work on the machine than the rate: what one answer cost the server."""
        return self.server_cpu_s * 1000 / self.count if self.count else float("nan")

    @property
    def client_cpu_share(self) -> float:
        """The share of one core the load generator used: near 1.0 means it, not the server, limited."""
        return self.client_cpu_s / self.seconds if self.seconds else 0.0


Request = Callable[[aiohttp.ClientSession, int], Awaitable[int]]


async def closed_loop(server: LiveServer, name: str, request: Request, concurrency: int, seconds: float) -> Phase:
    """``concurrency`` clients, each sending its next request when the last one is answered."""
    phase = Phase(name)
    counter = iter(range(10**12))
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(server.base_url, connector=connector, timeout=timeout) as session:
        server_cpu_started = server_cpu_seconds(server)
        started, cpu_started = time.perf_counter(), time.process_time()
        deadline = started + seconds

        async def client() -> None:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    status = await request(session, next(counter))
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    phase.failures += 1
                    continue
                phase.latencies_ms.append((time.perf_counter() - sent) * 1000)
                phase.statuses[status] = phase.statuses.get(status, 0) + 1

        await asyncio.gather(*(client() for _ in range(concurrency)))
        phase.seconds = time.perf_counter() - started
        phase.client_cpu_s = time.process_time() - cpu_started
        phase.server_cpu_s = server_cpu_seconds(server) - server_cpu_started
    return phase


def merged(first: Phase, second: Phase) -> Phase:
    """Two measurements of the same phase as one (for ABBA ordering, which cancels a steady drift)."""
    together = Phase(first.name)
    for part in (first, second):
        together.seconds += part.seconds
        together.client_cpu_s += part.client_cpu_s
        together.server_cpu_s += part.server_cpu_s
        together.latencies_ms += part.latencies_ms
        together.failures += part.failures
        for status, count in part.statuses.items():
            together.statuses[status] = together.statuses.get(status, 0) + count
    return together


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
