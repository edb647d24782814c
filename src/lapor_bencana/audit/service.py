"""Appending to the audit trail and reading an entity's history.

Call :func:`record` inside the transaction that makes the change, so that both commit or roll back
together. Open that transaction with :func:`transaction`: it takes the chain's write lock first
(an IMMEDIATE transaction on SQLite, an advisory lock on PostgreSQL), so concurrent changes append
one after the other and can never deadlock over the chain.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.sqlite import TransactionType

from lapor_bencana import database, timeutil
from lapor_bencana.accounts.tables import User
from lapor_bencana.audit.chain import GENESIS_HASH, canonical_json, event_hash, plain
from lapor_bencana.audit.tables import AuditEvent, AuditHead
from lapor_bencana.i18n import N_
from lapor_bencana.i18n import gettext as _

# Any constant works as long as nothing else in the database uses it: "LAPORAUD" in ASCII.
ADVISORY_LOCK_KEY = 0x4C41504F52415544
HEAD_ID = 1
# Values of these fields never enter the trail; a change to them shows as a change of the mask.
SECRET_FIELDS = frozenset({"password", "password_hash"})
SECRET_MASK = "***"
ACTION_PATTERN = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*")
ENTITY_TYPE_PATTERN = re.compile(r"[a-z][a-z_]*")


class AuditUsageError(RuntimeError):
    """The trail was called in a way that could fail under load; the message says what to do."""


class AuditChainBroken(RuntimeError):
    """Appending is impossible because the chain was damaged; ``lapor audit verify`` says how."""


@dataclass(frozen=True)
class Actor:
    """Who made a change: a signed-in user, or a resident or the system (no user id)."""

    user_id: int | None
    label: str

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user_id=user.id, label=user.username)

    @property
    def name(self) -> str:
        # The labels of residents and the system are words of the UI; usernames are not translated.
        return _(self.label) if self.user_id is None else self.label


RESIDENT = Actor(user_id=None, label=N_("warga"))
SYSTEM = Actor(user_id=None, label=N_("sistem"))


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    occurred_at: datetime
    actor: Actor
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    client_address: str | None

    @property
    def changes(self) -> list[Change]:
        before, after = self.before or {}, self.after or {}
        return [Change(name, before.get(name), after.get(name)) for name in sorted(before.keys() | after.keys())]


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields whose values differ, as ``(before, after)``; a field missing on one side is None there.

    Values are compared in their stored form, so ``1`` and ``1.0`` differ and an aware time equals
    the same instant in another zone.
    """
    differing = sorted(
        name
        for name in before.keys() | after.keys()
        if canonical_json(plain(before.get(name))) != canonical_json(plain(after.get(name)))
    )
    return {name: before.get(name) for name in differing}, {name: after.get(name) for name in differing}


def _engine() -> Engine:
    return AuditEvent._meta.db


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """A transaction for an audited change, holding the chain's write lock from its start.

    Inside a transaction already open, it joins that one.
    """
    engine = _engine()
    async with database.write_transaction(engine):
        if engine.engine_type == "sqlite":
            _require_write_lock(engine)
        else:
            await engine.run_ddl(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY})")
        yield


def _require_write_lock(engine: Engine) -> None:
    # A DEFERRED SQLite transaction that has read before it appends fails with "database is locked"
    # as soon as another change commits in between: refuse it every time, not only under load.
    if engine.current_transaction.get().transaction_type == TransactionType.deferred:
        raise AuditUsageError(
            "audit.record joined a DEFERRED SQLite transaction; open it with `async with audit.transaction():`"
        )


async def record(
    *,
    action: str,
    entity_type: str,
    entity_id: int | str,
    actor: Actor | User,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    client_address: str | None = None,
) -> HistoryEntry:
    """Appends one event to the trail, in the caller's transaction when there is one.

    ``action`` reads ``entity.verb`` (``report.verify``); ``before`` and ``after`` hold the changed
    fields only (see :func:`changed_fields`), or None when the entity did not exist before or after.
    """
    if isinstance(actor, User):
        actor = Actor.of(actor)
    event = {
        "actor_id": actor.user_id,
        "actor_label": _checked(actor.label, "actor label", 120),
        "action": _checked(action, "action", 64, ACTION_PATTERN),
        "entity_type": _checked(entity_type, "entity type", 32, ENTITY_TYPE_PATTERN),
        "entity_id": _checked(str(entity_id), "entity id", 64),
        "before": _stored_values(before),
        "after": _stored_values(after),
        "client_address": client_address[:64] if client_address else None,
    }
    async with transaction():
        await _append(event)
    return _history_entry(event)


def _checked(value: str, what: str, max_length: int, pattern: re.Pattern | None = None) -> str:
    if not value or len(value) > max_length or (pattern and not pattern.fullmatch(value)):
        raise ValueError(f"invalid audit {what}: {value!r}")
    return value


def _stored_values(values: Mapping[str, Any] | None) -> str | None:
    if values is None:
        return None
    masked = {name: SECRET_MASK if name in SECRET_FIELDS else value for name, value in values.items()}
    text = canonical_json(plain(masked))
    text.encode("utf-8")  # refuses lone surrogates here rather than halfway through the append
    return text


async def _append(event: dict[str, Any]) -> None:
    head = await AuditHead.select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID).first().run()
    if head is None and await AuditEvent.exists().run():
        # Starting a new chain would hide the damage: changes wait until an administrator looks.
        raise AuditChainBroken("the audit chain head is missing; run `lapor audit verify`")
    event["seq"] = head["seq"] + 1 if head else 1
    event["prev_hash"] = head["hash"] if head else GENESIS_HASH
    # Taken under the lock, so that times never run backwards along the chain.
    event["occurred_at"] = timeutil.now()
    event["hash"] = event_hash(event)
    await AuditEvent.insert(AuditEvent(**event)).run()
    if head:
        await AuditHead.update({AuditHead.seq: event["seq"], AuditHead.hash: event["hash"]}).where(
            AuditHead.id == HEAD_ID
        ).run()
    else:
        await AuditHead.insert(AuditHead(id=HEAD_ID, seq=event["seq"], hash=event["hash"])).run()


def _history_entry(row: Mapping[str, Any]) -> HistoryEntry:
    return HistoryEntry(
        seq=row["seq"],
        occurred_at=row["occurred_at"],
        actor=Actor(user_id=row["actor_id"], label=row["actor_label"]),
        action=row["action"],
        entity_type=row["entity_type"],
        entity_id=row["entity_id"],
        before=json.loads(row["before"]) if row["before"] is not None else None,
        after=json.loads(row["after"]) if row["after"] is not None else None,
        client_address=row["client_address"],
    )


async def history(entity_type: str, entity_id: int | str) -> list[HistoryEntry]:
    """Every event about one entity, newest first."""
    rows = await (
        AuditEvent.select()
        .where((AuditEvent.entity_type == entity_type) & (AuditEvent.entity_id == str(entity_id)))
        .order_by(AuditEvent.seq, ascending=False)
        .run()
    )
    return [_history_entry(row) for row in rows]


HISTORIES_SLICE = 1000


async def histories(entity_type: str, entity_ids: Iterable[int | str], action: str) -> list[HistoryEntry]:
    """The events of one kind about several entities of a type, oldest first."""
    ids = sorted({str(entity_id) for entity_id in entity_ids})
    rows: list[dict[str, Any]] = []
    # In slices: a statement takes a limited number of parameters (SQLite 32,766, PostgreSQL 32,767).
    for start in range(0, len(ids), HISTORIES_SLICE):
        rows += await (
            AuditEvent.select()
            .where(
                (AuditEvent.entity_type == entity_type)
                & (AuditEvent.action == action)
                & AuditEvent.entity_id.is_in(ids[start : start + HISTORIES_SLICE])
            )
            .run()
        )
    return [_history_entry(row) for row in sorted(rows, key=lambda row: row["seq"])]
