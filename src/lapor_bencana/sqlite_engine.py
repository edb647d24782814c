"""Piccolo's SQLite engine with two kept connections, driven on the event loop.

Piccolo's ``SQLiteEngine`` opens a connection, and a thread to drive it (aiosqlite), for every query
outside a transaction, and hands every statement to that thread. Here opening costs ≈ 0.8 ms and
each hand-over ≈ 0.2 ms, while the statement itself (an indexed read, an insert committed to the
WAL without fsync) takes a few microseconds. So between :meth:`keep_connections` and
:meth:`close_kept_connections` this engine keeps two plain ``sqlite3`` connections on the event
loop that opened them and runs their statements there:

- the reader, for queries outside transactions (in WAL mode reads never wait for a writer);
- the writer, for IMMEDIATE transactions and for writes outside transactions, used by one coroutine
  at a time under an asyncio lock, so the process's own writers queue on the loop, not in SQLite.

Nothing may wait *inside* SQLite on the loop, so these two connections have no busy timeout: a
"database is locked" (another process holds the write lock) is retried after an asyncio sleep until
``BUSY_TIMEOUT_S`` has passed, and then raised. Nor does the writer checkpoint the WAL itself,
which means writing pages back to the database file and waiting for the disk: every
``CHECKPOINT_EVERY_WRITES`` writes, a worker thread does it (PASSIVE, so nobody waits for it). A DEFERRED transaction (a read snapshot), another
event loop, or an engine that was not started get Piccolo's own behaviour: a connection of their
own, driven by a thread, with the busy timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import dataclass
from typing import Any

import aiosqlite
import structlog
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

BUSY_TIMEOUT_S = 5.0
# A report writes about six pages: this checkpoints about as often as SQLite's own 1,000 pages would.
CHECKPOINT_EVERY_WRITES = 150
# Piccolo reads new primary keys with RETURNING from this version on, in the same statement.
MIN_VERSION_FOR_KEPT = (3, 35, 0)


log = structlog.get_logger(__name__)


class WritersQueueFull(sqlite3.OperationalError):
    """This process's own writers waited longer than the busy timeout for their turn."""


class TunedConnection(sqlite3.Connection):
    # Every connection gets these, whichever path opened it (kept, per transaction, per query).
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.execute("PRAGMA synchronous = NORMAL")
        self.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self.execute("PRAGMA foreign_keys = 1")


def is_busy(error: BaseException) -> bool:
    """SQLite's "database is locked": another connection holds the lock this statement needs."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.OperationalError) and code is not None and code & 0xFF in (
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    )


class _LoopConnection:
    """A sqlite3 connection used on the event loop, with the awaitable ``execute`` Piccolo expects."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        # SQLite's own busy handler would sleep on the loop; :meth:`execute` waits instead.
        connection.execute("PRAGMA busy_timeout = 0")

    @property
    def in_transaction(self) -> bool:
        return self._connection.in_transaction

    async def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BUSY_TIMEOUT_S
        pause = 0.001
        while True:
            try:
                return self._connection.execute(sql, parameters)
            except sqlite3.OperationalError as error:
                if not is_busy(error) or loop.time() + pause > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)

    async def fetchall(self, sql: str, parameters: Any = ()) -> list[dict]:
        cursor = await self.execute(sql, parameters)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    def close(self) -> None:
        self._connection.close()


@dataclass
class _KeptConnections:
    loop: asyncio.AbstractEventLoop
    reader: _LoopConnection
    writer: _LoopConnection
    write_lock: asyncio.Lock
    writes: int = 0
    checkpointing: asyncio.Future | None = None

    async def acquire_write(self) -> None:
        if not self.write_lock.locked():
            await self.write_lock.acquire()  # free: taken at once, without a timer
            return
        # This wait replaces SQLite's busy wait for the process's own writers, so the same timeout
        # bounds it: a queue that long means the database cannot keep up.
        try:
            await asyncio.wait_for(self.write_lock.acquire(), timeout=BUSY_TIMEOUT_S)
        except TimeoutError:
            raise WritersQueueFull("database is locked: too many writes waiting in this process") from None


class _WriteTransaction(SQLiteTransaction):
    """An IMMEDIATE or EXCLUSIVE transaction on the kept writer, holding the write lock throughout;
    Piccolo's own transaction when the engine keeps no connections on this loop."""

    __slots__ = ("_kept",)

    async def __aenter__(self) -> SQLiteTransaction:
        self._kept = None if self._parent is not None else self.engine.kept_connections()
        if self._kept is None:
            return await super().__aenter__()
        await self._kept.acquire_write()
        try:
            self.connection = self._kept.writer
            await self.begin()
        except BaseException:
            self._kept.write_lock.release()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._kept is None:
            return await super().__aexit__(exception_type, exception, traceback)
        try:
            if exception is not None and not self._rolled_back:
                await self.rollback()
            elif exception is None and not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            try:
                # A failed COMMIT leaves the transaction open; the next writer must find it closed.
                if self.connection.in_transaction:
                    await self.connection.execute("ROLLBACK")
            finally:
                self.engine.current_transaction.reset(self.context)
                self._kept.write_lock.release()
                self.engine.written(self._kept)
        return exception is None


class KeptConnectionSQLiteEngine(SQLiteEngine):
    __slots__ = ("_kept",)

    def __init__(self, *args, **kwargs) -> None:
        self._kept: _KeptConnections | None = None
        super().__init__(*args, **kwargs)

    def kept_connections(self) -> _KeptConnections | None:
        kept = self._kept
        if kept is None:
            return None
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return kept if running is kept.loop else None

    async def keep_connections(self) -> None:
        if self._kept is not None or sqlite3.sqlite_version_info < MIN_VERSION_FOR_KEPT:
            return
        reader, writer = (_LoopConnection(self._open()) for _ in range(2))
        await writer.execute("PRAGMA wal_autocheckpoint = 0")
        self._kept = _KeptConnections(asyncio.get_running_loop(), reader, writer, asyncio.Lock())

    async def close_kept_connections(self) -> None:
        kept, self._kept = self._kept, None
        if kept is not None:
            if kept.checkpointing is not None:
                await kept.checkpointing
            kept.reader.close()
            kept.writer.close()

    def written(self, kept: _KeptConnections) -> None:
        """Counts a write on the kept writer; starts a checkpoint in a thread when it is time."""
        kept.writes += 1
        if kept.writes >= CHECKPOINT_EVERY_WRITES and (kept.checkpointing is None or kept.checkpointing.done()):
            kept.writes = 0
            kept.checkpointing = asyncio.ensure_future(asyncio.to_thread(self._checkpoint))

    def _checkpoint(self) -> None:
        try:
            with contextlib.closing(sqlite3.connect(**self.connection_kwargs)) as connection:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as error:
            # The next one catches up; meanwhile the WAL only grows.
            log.warning("WAL checkpoint failed", error=str(error))

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory
        return connection

    async def get_connection(self) -> aiosqlite.Connection:
        # The connection factory sets foreign_keys; Piccolo would set it again in another hand-over.
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory
        return connection

    def transaction(
        self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True
    ) -> SQLiteTransaction:
        if transaction_type is TransactionType.deferred:
            return super().transaction(transaction_type, allow_nested)
        return _WriteTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False):
        kept = self.kept_connections()
        if kept is None or self.current_transaction.get() is not None:
            return await super().run_querystring(querystring, in_pool)
        query, args = querystring.compile_string(engine_type=self.engine_type)
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=str(querystring))
        return await self._run_kept(kept, query, args)

    async def run_ddl(self, ddl: str, in_pool: bool = False):
        kept = self.kept_connections()
        if kept is None or self.current_transaction.get() is not None:
            return await super().run_ddl(ddl, in_pool)
        return await self._run_kept(kept, ddl, [])

    async def _run_kept(self, kept: _KeptConnections, query: str, args: list) -> list[dict]:
        if query.lstrip()[:6].upper() == "SELECT":
            return await kept.reader.fetchall(query, args)
        await kept.acquire_write()
        try:
            return await kept.writer.fetchall(query, args)
        finally:
            kept.write_lock.release()
            self.written(kept)

    async def _run_in_existing_connection(self, connection, query: str, args=None, query_type="generic", table=None):
        if isinstance(connection, _LoopConnection):
            return await connection.fetchall(query, args or [])
        if query_type == "insert" and self.get_version_sync() < 3.35:
            # Without RETURNING, Piccolo reads the new primary key with a query of its own.
            return await super()._run_in_existing_connection(connection, query, args, query_type, table)
        # Piccolo's version sets foreign_keys before every query; the connection factory did it once.
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()
