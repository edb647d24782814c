"""Ingest cost: how fast one server process takes reports, as a ratio to its own /healthz.

Run from a clean clone after `scripts/test` has created .venv (PostgreSQL on 127.0.0.1:5432 for
the comparison, or set LAPOR_BENCH_POSTGRES_URL; without it only SQLite is measured):

    .venv/bin/python bench/ingest.py                 # SQLite and PostgreSQL, 7 rounds of 4 s a phase
    BENCH_ROUNDS=3 BENCH_SECONDS=2 .venv/bin/python bench/ingest.py sqlite

It starts `lapor run` (one uvicorn process) on a loopback port with a fresh database and sends
closed-loop load from this process (aiohttp, BENCH_CONCURRENCY clients, default 32) on the other
core. Each round measures these phases in the order A B C D D C B A, half of the time each:

- `GET /healthz` (one `SELECT 1`): the baseline;
- `POST /api/v1/reports` with a small valid body and a new Idempotency-Key per request;
- `GET /api/v1/reports/{code}` of the reports just created (the report list page does not exist yet);
- `GET /` (the home page, Jinja);
- `GET /koordinator` signed in as a coordinator: the triage queue, 50 rows of the reports just
  created, with the open incidents beside it.

Rates are medians over the rounds, and each is also given as the median of its per-round ratio to
/healthz in the same round, because the machine is shared and absolute figures drift. The client's
CPU share is printed to show whether the load generator, rather than the server, was the limit.
It prints a Markdown section for docs/performance.md.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import sys
import uuid

import aiohttp

from harness import (
    REPORT,
    LiveServer,
    Phase,
    closed_loop,
    median,
    merged,
    postgres_available,
    reporter_address,
    running_server,
)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
TARGET = 0.4
PHASES = ("healthz", "ingest", "status", "home", "desk")
COORDINATOR = ("bench-koordinator", "bench-password-123")


async def coordinator_cookies(server: LiveServer) -> str:
    """Signs in once, as a coordinator would in the browser; the desk phase sends these cookies."""
    # unsafe=True: aiohttp keeps no cookies of an IP-address host otherwise.
    async with aiohttp.ClientSession(server.base_url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.get("/masuk") as page:
            token = re.search(r'name="_csrf_token" value="([^"]+)"', await page.text()).group(1)
        form = {"_csrf_token": token, "identifier": COORDINATOR[0], "password": COORDINATOR[1]}
        async with session.post("/masuk", data=form, allow_redirects=False) as answer:
            if answer.status != 303:
                raise RuntimeError(f"bench sign-in failed: {answer.status}")
        return "; ".join(f"{cookie.key}={cookie.value}" for cookie in session.cookie_jar)


async def one_round(server: LiveServer, codes: list[str], seconds: float, cookies: str) -> dict[str, Phase]:
    run = uuid.uuid4().hex[:8]
    # Shared by both halves of the round, so that no key is ever sent twice.
    numbers = itertools.count()
    body = json.dumps(REPORT)

    async def healthz(session, n):
        async with session.get("/healthz", headers=reporter_address(n)) as response:
            await response.read()
            return response.status

    async def ingest(session, _n):
        n = next(numbers)
        headers = {"Idempotency-Key": f"bench-{run}-{n}", "Content-Type": "application/json", **reporter_address(n)}
        async with session.post("/api/v1/reports", data=body, headers=headers) as response:
            answer = await response.read()
            if response.status == 201 and len(codes) < 5000:
                codes.append(json.loads(answer)["code"])
            return response.status

    async def status(session, n):
        async with session.get(f"/api/v1/reports/{codes[n % len(codes)]}", headers=reporter_address(n)) as response:
            await response.read()
            return response.status

    async def home(session, n):
        async with session.get("/", headers=reporter_address(n)) as response:
            await response.read()
            return response.status

    async def desk(session, _n):
        async with session.get("/koordinator", headers={"Cookie": cookies}) as response:
            page = await response.read()
            if response.status == 200 and page.count(b"data-report-code=") != 50:
                return "not 50 rows"
            return response.status

    requests = {"healthz": healthz, "ingest": ingest, "status": status, "home": home, "desk": desk}
    # A B C D D C B A, each for half the time: other work on the machine that grows or fades during
    # the round weighs on every phase alike.
    first = {name: await closed_loop(server, name, requests[name], CONCURRENCY, seconds / 2) for name in PHASES}
    second = {name: await closed_loop(server, name, requests[name], CONCURRENCY, seconds / 2) for name in reversed(PHASES)}
    return {name: merged(first[name], second[name]) for name in PHASES}


def measure(engine: str) -> list[dict[str, Phase]]:
    with running_server(engine) as (server, _url):
        codes: list[str] = []
        server.lapor("user", "create", "--role", "koordinator", "--username", COORDINATOR[0], "--password", COORDINATOR[1])
        cookies = asyncio.run(coordinator_cookies(server))
        # Warm-up: imports, template compilation, the first connections, 50 reports at least.
        asyncio.run(one_round(server, codes, 1.0, cookies))
        rounds = []
        for number in range(ROUNDS):
            result = asyncio.run(one_round(server, codes, SECONDS, cookies))
            rounds.append(result)
            print(
                f"{engine} round {number + 1}: "
                + ", ".join(
                    f"{p.name} {p.rate:.0f}/s ({p.server_cpu_ms_per_request:.2f} ms server CPU)" for p in result.values()
                ),
                file=sys.stderr,
            )
        return rounds


def bad_answers(rounds: list[dict[str, Phase]]) -> dict[str, dict]:
    expected = {"healthz": {200}, "ingest": {201}, "status": {200}, "home": {200}, "desk": {200}}
    problems: dict[str, dict] = {}
    for result in rounds:
        for name, phase in result.items():
            for status, count in phase.statuses.items():
                if status not in expected[name]:
                    problems.setdefault(name, {})[status] = problems.get(name, {}).get(status, 0) + count
            if phase.failures:
                problems.setdefault(name, {})["connection errors"] = phase.failures
    return problems


def markdown(results: dict[str, list[dict[str, Phase]]]) -> str:
    lines = [
        f"Measured by `bench/ingest.py`: one `lapor run` process, {CONCURRENCY} closed-loop clients "
        f"(aiohttp) on the other core, {ROUNDS} rounds of {SECONDS:g} s per phase; medians over rounds.",
        "",
        "| route | engine | req/s | ÷ /healthz | server CPU ms/req | ÷ /healthz (CPU) | p50 ms | p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    labels = {
        "healthz": "`GET /healthz` (baseline)",
        "ingest": "`POST /api/v1/reports`",
        "status": "`GET /api/v1/reports/{code}`",
        "home": "`GET /`",
        "desk": "`GET /koordinator` (50 rows, signed in)",
    }
    for engine, rounds in results.items():
        for name in PHASES:
            rates = [r[name].rate for r in rounds]
            ratios = [r[name].rate / r["healthz"].rate for r in rounds]
            cpu = [r[name].server_cpu_ms_per_request for r in rounds]
            cpu_ratios = [r["healthz"].server_cpu_ms_per_request / r[name].server_cpu_ms_per_request for r in rounds]
            lines.append(
                f"| {labels[name]} | {engine} | {median(rates):,.0f} | {median(ratios):.2f} "
                f"| {median(cpu):.2f} | {median(cpu_ratios):.2f} "
                f"| {median([r[name].percentile(0.5) for r in rounds]):.1f} "
                f"| {median([r[name].percentile(0.99) for r in rounds]):.1f} |"
            )
    for engine, rounds in results.items():
        ratio = median([r["ingest"].rate / r["healthz"].rate for r in rounds])
        verdict = "met" if ratio >= TARGET else "NOT met"
        lines.append("")
        lines.append(f"- {engine}: ingest ÷ healthz = {ratio:.2f} (per round: "
                     + ", ".join(f"{r['ingest'].rate / r['healthz'].rate:.2f}" for r in rounds)
                     + f"); target ≥ {TARGET} {verdict}.")
        busiest = max(p.client_cpu_share for r in rounds for p in r.values())
        lines.append(f"- {engine}: the load generator used at most {busiest:.0%} of a core.")
        if problems := bad_answers(rounds):
            lines.append(f"- {engine}: unexpected answers {problems}")
    return "\n".join(lines)


def main() -> None:
    engines = sys.argv[1:] or ["sqlite", "postgres"]
    if "postgres" in engines and not postgres_available():
        print("PostgreSQL is not reachable (LAPOR_BENCH_POSTGRES_URL): measuring SQLite only.", file=sys.stderr)
        engines = [e for e in engines if e != "postgres"]
    results = {engine: measure(engine) for engine in engines}
    print(markdown(results))


if __name__ == "__main__":
    main()
