"""Load: many reporters sending reports at once for a minute, and not one report lost.

Run from a clean clone after `scripts/test` has created .venv (PostgreSQL on 127.0.0.1:5432, or
set LAPOR_BENCH_POSTGRES_URL; without it only SQLite is measured):

    .venv/bin/python bench/load.py                       # both scenarios, 200 reporters, 60 s each
    BENCH_REPORTERS=50 BENCH_SECONDS=15 .venv/bin/python bench/load.py sqlite

Scenarios: `sqlite`, one `lapor run` process; `postgres`, `lapor run --workers 2` on a fresh
PostgreSQL database. Each of BENCH_REPORTERS reporters (closed loop, no pause) sends one report
after another: a small valid body, a new Idempotency-Key and a client address of its own per
report (see harness.reporter_address). Like the app's offline queue, a reporter sends the same
report again with the same key after any failure (connection error, timeout, 429 or 5xx), after a
pause that honours Retry-After, until it is acknowledged. After BENCH_SECONDS no new report
starts; retries may go on for BENCH_GRACE_SECONDS more.

It then counts the reports in the database and compares them with the acknowledged ones (the
same keys, none missing, none extra), and prints a Markdown section for docs/performance.md:
throughput and latency, also as a ratio to the same server's `GET /healthz` under the same number
of clients, measured in the same run (BENCH_BASELINE_SECONDS, default 10).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sqlite3
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
import asyncpg

from harness import (
    REPORT,
    LiveServer,
    closed_loop,
    median,
    postgres_available,
    reporter_address,
    running_server,
)

REPORTERS = int(os.environ.get("BENCH_REPORTERS", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
GRACE_SECONDS = float(os.environ.get("BENCH_GRACE_SECONDS", "60"))
BASELINE_SECONDS = float(os.environ.get("BENCH_BASELINE_SECONDS", "10"))
SCENARIOS = {"sqlite": 1, "postgres": 2}  # engine → `lapor run --workers`


@dataclass
class Run:
    engine: str
    workers: int
    seconds: float = 0.0
    acknowledged: dict[str, str] = field(default_factory=dict)  # key → tracking code
    answers_ms: list[float] = field(default_factory=list)  # every attempt that was answered
    until_acknowledged_ms: list[float] = field(default_factory=list)  # first send → acknowledgement
    failures: Counter = field(default_factory=Counter)  # failed attempts by kind
    given_up: list[str] = field(default_factory=list)
    stored_keys: set[str] = field(default_factory=set)
    baseline_rate: float = 0.0
    baseline_p50_ms: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.acknowledged) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def send_reports(server: LiveServer, result: Run) -> None:
    numbers = itertools.count()
    prefix = uuid.uuid4().hex[:8]
    body = json.dumps(REPORT)
    connector = aiohttp.TCPConnector(limit=REPORTERS)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(server.base_url, connector=connector, timeout=timeout) as session:
        started = time.monotonic()
        stop_starting, stop_retrying = started + SECONDS, started + SECONDS + GRACE_SECONDS

        async def reporter() -> None:
            while time.monotonic() < stop_starting:
                number = next(numbers)
                key = f"load-{prefix}-{number}"
                headers = {"Idempotency-Key": key, "Content-Type": "application/json", **reporter_address(number)}
                first_sent, pause = time.perf_counter(), 0.5
                while True:
                    sent = time.perf_counter()
                    retry_after = None
                    try:
                        async with session.post("/api/v1/reports", data=body, headers=headers) as response:
                            answer = await response.read()
                            result.answers_ms.append((time.perf_counter() - sent) * 1000)
                            if response.status in (200, 201):
                                result.acknowledged[key] = json.loads(answer)["code"]
                                result.until_acknowledged_ms.append((time.perf_counter() - first_sent) * 1000)
                                break
                            result.failures[f"HTTP {response.status}"] += 1
                            retry_after = response.headers.get("Retry-After")
                    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                        result.failures[type(error).__name__] += 1
                    if time.monotonic() > stop_retrying:
                        result.given_up.append(key)
                        break
                    await asyncio.sleep(float(retry_after) if retry_after and retry_after.isdigit() else pause)
                    pause = min(pause * 2, 8)

        await asyncio.gather(*(reporter() for _ in range(REPORTERS)))
        result.seconds = time.monotonic() - started


async def stored_keys(url: str) -> set[str]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return {row[0] for row in connection.execute("SELECT idempotency_key FROM report")}
    connection = await asyncpg.connect(url)
    try:
        return {row["idempotency_key"] for row in await connection.fetch("SELECT idempotency_key FROM report")}
    finally:
        await connection.close()


async def healthz_baseline(server: LiveServer, result: Run) -> None:
    async def healthz(session, number):
        async with session.get("/healthz", headers=reporter_address(number)) as response:
            await response.read()
            return response.status

    phase = await closed_loop(server, "healthz", healthz, REPORTERS, BASELINE_SECONDS)
    result.baseline_rate, result.baseline_p50_ms = phase.rate, phase.percentile(0.5)


def measure(engine: str) -> Run:
    result = Run(engine, SCENARIOS[engine])
    with running_server(engine, workers=result.workers) as (server, url):
        asyncio.run(healthz_baseline(server, result))
        asyncio.run(send_reports(server, result))
        result.stored_keys = asyncio.run(stored_keys(url))
    print(
        f"{engine}: {len(result.acknowledged)} acknowledged, {len(result.stored_keys)} stored, "
        f"failures {dict(result.failures)}, {result.rate:.0f} reports/s",
        file=sys.stderr,
    )
    return result


def markdown(results: list[Run]) -> str:
    lines = [
        f"Measured by `bench/load.py`: {REPORTERS} reporters (closed loop, no pause between reports) "
        f"for {SECONDS:g} s, load sent from one process on the other core; the baseline is `GET /healthz` "
        f"with the same number of clients for {BASELINE_SECONDS:g} s, in the same run.",
        "",
        "| figure | " + " | ".join(f"{r.engine}, {r.workers} process(es)" for r in results) + " |",
        "| --- | " + " | ".join("---" for _ in results) + " |",
    ]

    def row(label: str, values) -> None:
        lines.append(f"| {label} | " + " | ".join(values) + " |")

    row("reports acknowledged", [f"{len(r.acknowledged):,}" for r in results])
    row("reports in the database", [f"{len(r.stored_keys):,}" for r in results])
    row("lost (acknowledged, not stored)", [str(len(r.acknowledged.keys() - r.stored_keys)) for r in results])
    row("extra (stored, never acknowledged)", [str(len(r.stored_keys - r.acknowledged.keys())) for r in results])
    row("given up after retrying", [str(len(r.given_up)) for r in results])
    row("failed attempts (retried)", [", ".join(f"{k}: {v}" for k, v in r.failures.items()) or "0" for r in results])
    row("throughput, reports/s", [f"{r.rate:,.0f}" for r in results])
    row("`GET /healthz` baseline, req/s", [f"{r.baseline_rate:,.0f}" for r in results])
    row("throughput ÷ baseline", [f"{r.rate / r.baseline_rate:.2f}" for r in results])
    row("answer p50 / p99, ms", [f"{percentile(r.answers_ms, 0.5):.0f} / {percentile(r.answers_ms, 0.99):.0f}" for r in results])
    row("baseline p50, ms", [f"{r.baseline_p50_ms:.0f}" for r in results])
    row("p50 ÷ baseline p50", [f"{percentile(r.answers_ms, 0.5) / r.baseline_p50_ms:.1f}" for r in results])
    row(
        "first send to acknowledgement p50 / p99, ms",
        [f"{percentile(r.until_acknowledged_ms, 0.5):.0f} / {percentile(r.until_acknowledged_ms, 0.99):.0f}" for r in results],
    )
    return "\n".join(lines)


def main() -> None:
    engines = sys.argv[1:] or list(SCENARIOS)
    if "postgres" in engines and not postgres_available():
        print("PostgreSQL is not reachable (LAPOR_BENCH_POSTGRES_URL): measuring SQLite only.", file=sys.stderr)
        engines = [e for e in engines if e != "postgres"]
    print(markdown([measure(engine) for engine in engines]))


if __name__ == "__main__":
    main()
