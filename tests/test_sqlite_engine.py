"""The SQLite engine's kept connections: writers queue in the process, another process's lock is
waited for without blocking the loop, and the WAL is checkpointed by a thread, not the writer."""

import asyncio
import sqlite3
import time

import pytest
from piccolo.engine.sqlite import TransactionType

from lapor_bencana import database, sqlite_engine


@pytest.fixture
async def engine(tmp_path):
    engine = database.create_engine(f"sqlite:///{tmp_path / 'kept.sqlite3'}")
    await engine.run_ddl("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
    await database.start(engine)
    yield engine
    await database.stop(engine)


async def write(engine, body: str) -> None:
    async with engine.transaction(transaction_type=TransactionType.immediate):
        await engine.run_ddl(f"INSERT INTO note (body) VALUES ('{body}')")


async def test_the_wal_is_checkpointed_by_a_thread_so_it_stops_growing(engine, tmp_path):
    kept = engine.kept_connections()
    wal = tmp_path / "kept.sqlite3-wal"
    intervals = 6

    async def write_interval() -> None:
        for _ in range(sqlite_engine.CHECKPOINT_EVERY_WRITES):
            await write(engine, "x" * 3000)
            if kept.checkpointing is not None:
                await kept.checkpointing

    await write_interval()
    one_interval = wal.stat().st_size
    for _ in range(intervals - 1):
        await write_interval()
    # Reused after every checkpoint, the WAL holds about one interval's pages, not all six.
    assert wal.stat().st_size < 2 * one_interval
    rows = await engine.run_ddl("SELECT count(*) AS n FROM note")
    assert rows[0]["n"] == intervals * sqlite_engine.CHECKPOINT_EVERY_WRITES


async def test_another_process_holding_the_lock_is_waited_for_without_stalling_the_loop(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_engine, "BUSY_TIMEOUT_S", 2.0)
    holder = sqlite3.connect(tmp_path / "kept.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    writing = asyncio.create_task(write(engine, "waits"))
    await asyncio.sleep(0.3)
    holder.execute("COMMIT")
    started = time.monotonic()
    await writing
    ticking.cancel()
    holder.close()
    assert time.monotonic() - started < 1
    assert ticks >= 10  # the loop went on while the write waited


async def test_writers_queueing_past_the_busy_timeout_are_refused(engine, monkeypatch):
    monkeypatch.setattr(sqlite_engine, "BUSY_TIMEOUT_S", 0.2)
    kept = engine.kept_connections()
    await kept.write_lock.acquire()  # a writer of this process that does not finish
    try:
        with pytest.raises(sqlite_engine.WritersQueueFull) as refused:
            await write(engine, "refused")
        assert database.is_unavailable(refused.value)
    finally:
        kept.write_lock.release()
    await write(engine, "later")
