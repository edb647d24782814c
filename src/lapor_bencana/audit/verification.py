"""Checking the whole chain: every event's content, its link to the one before, and the head.

The check reads one consistent snapshot, so changes appended meanwhile neither disturb it nor
show as damage. It proves that no event was edited, removed or reordered since it was written,
unless the chain head was rewritten too: whoever can rewrite the whole table can forge a new
chain, which only a copy of the head kept elsewhere (``lapor audit verify`` prints it) reveals.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from lapor_bencana.audit.chain import GENESIS_HASH, event_hash
from lapor_bencana.audit.service import HEAD_ID
from lapor_bencana.audit.tables import AuditEvent, AuditHead

BATCH_SIZE = 500


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    # The events found intact: all of them, or those before the first broken one.
    count: int
    # The last event's hash when the chain is intact; kept elsewhere, it reveals a rewritten chain.
    head_hash: str = ""
    # The first event that is wrong or missing (or whose place the head says is taken).
    broken_seq: int | None = None
    reason: str = ""


async def verify() -> VerifyResult:
    """Checks every event in order and the head; the result names the first thing found wrong."""
    async with _snapshot():
        head = await AuditHead.select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID).first().run()
        count, last_hash = 0, GENESIS_HASH
        async with aclosing(_events()) as events:
            async for event in events:
                reason = _link_problem(event, count + 1, last_hash)
                if reason:
                    return _broken(count + 1, reason)
                count, last_hash = count + 1, event["hash"]
    broken = _head_problem(head, count, last_hash)
    return _broken(*broken) if broken else VerifyResult(ok=True, count=count, head_hash=last_hash)


def _broken(seq: int, reason: str) -> VerifyResult:
    return VerifyResult(ok=False, count=seq - 1, broken_seq=seq, reason=reason)


@asynccontextmanager
async def _snapshot() -> AsyncIterator[None]:
    engine = AuditEvent._meta.db
    async with engine.transaction():
        if engine.engine_type == "postgres":
            # The default READ COMMITTED would show each batch the changes committed before it.
            await engine.run_ddl("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # A SQLite transaction reads from one snapshot from its first query on (WAL mode).
        yield


async def _events() -> AsyncIterator[dict[str, Any]]:
    last_seq = 0
    while True:
        batch = await (
            AuditEvent.select().where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(BATCH_SIZE).run()
        )
        for event in batch:
            yield event
        if len(batch) < BATCH_SIZE:
            return
        last_seq = batch[-1]["seq"]


def _link_problem(event: dict[str, Any], seq: int, prev_hash: str) -> str:
    if event["seq"] != seq:
        return f"event {seq} is missing: the next event is {event['seq']}"
    if event["prev_hash"] != prev_hash:
        return f"event {seq} does not link to event {seq - 1}: one of them was replaced, or they were reordered"
    if event_hash(event) != event["hash"]:
        return f"event {seq} was changed after it was written: its content does not match its hash"
    return ""


def _head_problem(head: dict[str, Any] | None, count: int, last_hash: str) -> tuple[int, str] | None:
    if head is None:
        if count == 0:
            return None
        return count + 1, f"the chain head is missing, so events after {count} may have been removed"
    if head["seq"] > count:
        return count + 1, f"events {count + 1} to {head['seq']} are missing: the newest events were removed"
    if head["seq"] < count:
        return head["seq"] + 1, f"events after {head['seq']} were added without passing through the chain head"
    if head["hash"] != last_hash:
        return count, f"event {count} is not the one the chain head records: the newest event was replaced"
    return None
