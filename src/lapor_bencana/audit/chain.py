"""The canonical form of an audit event and its SHA-256 hash.

An event's hash is ``sha256(canonical_json(envelope)).hexdigest()`` (64 lowercase hex digits), the
envelope being a JSON object with exactly these members:

- ``seq``: the event's sequence number, an integer; the first event is 1.
- ``prev_hash``: the previous event's hash; for event 1, :data:`GENESIS_HASH` (64 zeros).
- ``occurred_at``: the time in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (always six digits).
- ``actor_id``: the user's id, or null for residents and the system.
- ``actor_label``, ``action``, ``entity_type``, ``entity_id``: strings.
- ``before``, ``after``: the changed values as stored, that is the text ``canonical_json(values)``
  (a JSON string inside the envelope), or null.
- ``client_address``: a string or null.

``canonical_json`` is JSON with members sorted by key (code point order), no whitespace
(``,`` and ``:``), non-ASCII characters written as themselves, the whole encoded in UTF-8. Numbers
leave no room for doubt: integers in decimal, floats in their shortest round-trip form as Python
writes them (``0.1``, ``1.0``, ``1e-07``), NaN and infinities refused. Values that JSON has no type
for become strings before they are stored (:func:`plain`). The hash therefore never depends on the
database engine: both keep text and integers exactly, and timestamps to the microsecond.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "seq",
    "prev_hash",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "entity_type",
    "entity_id",
    "before",
    "after",
    "client_address",
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def utc_timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plain(value: Any) -> Any:
    """``value`` as JSON types only: enums by value, times in UTC, decimals and UUIDs as text."""
    if isinstance(value, Enum):
        return plain(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"audit values must be finite numbers, not {value}")
        return value
    if isinstance(value, datetime):
        return utc_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {_key(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    raise TypeError(f"audit values cannot hold a {type(value).__name__}")


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"audit value keys must be strings, not {type(key).__name__}")
    return key


def event_hash(event: Mapping[str, Any]) -> str:
    """The hash of an event given as a mapping of its columns (a row as the database returns it)."""
    envelope = {name: event[name] for name in HASHED_FIELDS}
    envelope["occurred_at"] = utc_timestamp(event["occurred_at"])
    return hashlib.sha256(canonical_json(envelope).encode("utf-8")).hexdigest()
