"""Live updates across processes on PostgreSQL: the listening connection survives being dropped."""

from __future__ import annotations

import asyncio
import json
import os

import asyncpg
import pytest

from lapor_bencana import live

pytestmark = pytest.mark.skipif(not os.environ.get("LAPOR_TEST_POSTGRES_URL"), reason="needs PostgreSQL")


async def next_message(backend: live.PostgresChannels, timeout_s: float = 5.0) -> dict:
    events = backend.stream_events()
    _, raw = await asyncio.wait_for(events.__anext__(), timeout_s)
    return json.loads(raw)


async def test_a_dropped_listener_listens_again_and_screens_are_told_to_refresh(postgres_prepared, monkeypatch):
    monkeypatch.setattr(live.PostgresChannels, "RELISTEN_S", 0.2)
    backend = live.PostgresChannels(dsn=postgres_prepared)
    await backend.on_startup()
    other_process = await asyncpg.connect(postgres_prepared)
    try:
        await backend.subscribe([live.CHANNEL])
        await other_process.execute("SELECT pg_notify($1, $2)", live.CHANNEL, json.dumps({"event": "report-changed"}))
        assert await next_message(backend) == {"event": "report-changed"}

        # The database drops the listening connection, as on a restart or a failover.
        dropped = backend._listener_conn.get_server_pid()
        await other_process.execute("SELECT pg_terminate_backend($1)", dropped)

        # Within a moment the backend listens again, and tells screens to re-fetch what they missed.
        assert await next_message(backend) == {"event": "resync"}
        assert backend._listener_conn.get_server_pid() != dropped
        # Another process's change, published after that, arrives again without this process publishing.
        await other_process.execute("SELECT pg_notify($1, $2)", live.CHANNEL, json.dumps({"event": "incident-changed"}))
        assert await next_message(backend) == {"event": "incident-changed"}
    finally:
        await other_process.close()
        await backend.on_shutdown()
