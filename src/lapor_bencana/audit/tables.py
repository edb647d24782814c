from piccolo.columns import BigInt, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    """One change, hash-chained to the one before it (see ``audit/chain.py`` for the format).

    Rows are only ever inserted: no column references another table, so that no cascade or
    ``SET NULL`` can rewrite an event after it was hashed.
    """

    # The event's position in the chain; a gap means a deleted event.
    seq = BigInt(primary_key=True)
    occurred_at = Timestamptz()
    actor_id = Integer(null=True, default=None)
    actor_label = Varchar(length=120)
    action = Varchar(length=64)
    entity_type = Varchar(length=32)
    entity_id = Varchar(length=64, index=True)
    # Canonical JSON text (``chain.canonical_json``), or NULL when there is no such side.
    before = Text(null=True, default=None)
    after = Text(null=True, default=None)
    client_address = Varchar(length=64, null=True, default=None)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class AuditHead(Table, tablename="audit_head"):
    """The chain's last sequence number and hash, kept apart from the events so that deleting the
    newest events is detected. It has a single row (``id = 1``), updated with every append."""

    seq = BigInt()
    hash = Varchar(length=64)
