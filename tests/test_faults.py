"""The real server killed with SIGKILL in the middle of a burst of submissions: after a restart,
the clients' retries with the same Idempotency-Key leave every acknowledged report stored
exactly once, each with its first timeline step (nothing half-stored)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import httpx

from e2e.helpers import LiveServer
from lapor_bencana import database
from lapor_bencana.reports.tables import Report, ReportStatusChange

CLIENTS = 8
REPORTS_PER_CLIENT = 12
# The kill comes once this many reports are acknowledged: well inside the burst.
KILL_AFTER = 25
DEADLINE_S = 90
BODY = {"hazard": "banjir", "village_code": "63.11.06.2005", "description": "Air masuk rumah"}


@dataclass
class Burst:
    acknowledged: dict[str, str] = field(default_factory=dict)  # key → tracking code
    failed_attempts: int = 0
    killed_at: int | None = None


async def send_until_acknowledged(http: httpx.AsyncClient, key: str, burst: Burst, deadline: float) -> None:
    """Like the phone's outbox: the same key again after any failure, until the server answers."""
    while time.monotonic() < deadline:
        try:
            response = await http.post("/api/v1/reports", json=BODY, headers={"Idempotency-Key": key})
        except httpx.TransportError:
            response = None
        if response is not None and response.status_code in (200, 201):
            burst.acknowledged[key] = response.json()["code"]
            return
        burst.failed_attempts += 1
        await asyncio.sleep(0.2)
    raise AssertionError(f"{key} was never acknowledged")


async def run_burst(server: LiveServer) -> Burst:
    burst = Burst()
    deadline = time.monotonic() + DEADLINE_S

    async def client(number: int) -> None:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            for index in range(REPORTS_PER_CLIENT):
                await send_until_acknowledged(http, f"fault-{number}-{index}", burst, deadline)

    async def killer() -> None:
        while len(burst.acknowledged) < KILL_AFTER:
            await asyncio.sleep(0.01)
        server.kill()
        burst.killed_at = len(burst.acknowledged)
        await asyncio.to_thread(server.start, 60)

    await asyncio.gather(killer(), *(client(number) for number in range(CLIENTS)))
    return burst


def test_a_server_killed_mid_burst_keeps_every_acknowledged_report_exactly_once(database_url, tmp_path):
    server = LiveServer(
        tmp_path / "server", {"LAPOR_DATABASE_URL": database_url, "LAPOR_RATE_LIMIT_PER_MINUTE": "100000"}
    )
    server.data_dir.mkdir()
    server.start(timeout_s=60)
    try:
        burst = asyncio.run(run_burst(server))
    finally:
        server.stop()
    assert burst.killed_at is not None and KILL_AFTER <= burst.killed_at < CLIENTS * REPORTS_PER_CLIENT
    assert burst.failed_attempts > 0, "the kill did not interrupt any submission"
    assert len(burst.acknowledged) == CLIENTS * REPORTS_PER_CLIENT

    database.bind(database.create_engine(database_url))
    stored = {row["idempotency_key"]: row["code"] for row in Report.select(Report.idempotency_key, Report.code).run_sync()}
    assert stored == burst.acknowledged
    assert Report.count().run_sync() == len(burst.acknowledged)
    assert ReportStatusChange.count().run_sync() == len(burst.acknowledged)
