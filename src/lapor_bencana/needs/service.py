"""Storing and reading standards versions. The newest stored version is the current one; a fresh
install, with none stored, uses the file bundled with the app."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from lapor_bencana import audit
from lapor_bencana.accounts.tables import User
from lapor_bencana.i18n import gettext as _
from lapor_bencana.needs.rules import NeedsError, Rule, Standards, bundled_standards, parse_rules, standards_from_data
from lapor_bencana.needs.tables import StandardsVersion

MAX_NOTE_LENGTH = 500


async def current_standards() -> Standards:
    row = await (
        StandardsVersion.select(StandardsVersion.version, StandardsVersion.rules)
        .order_by(StandardsVersion.version, ascending=False)
        .first()
        .run()
    )
    return _standards(row) if row else bundled_standards()


async def get_standards(version: int) -> Standards | None:
    """A past version, to show what an earlier calculation was based on."""
    row = await (
        StandardsVersion.select(StandardsVersion.version, StandardsVersion.rules)
        .where(StandardsVersion.version == version)
        .first()
        .run()
    )
    if row:
        return _standards(row)
    bundled = bundled_standards()
    return bundled if version == bundled.version else None


async def list_versions() -> list[dict[str, Any]]:
    """Stored versions, newest first, with who saved them and why."""
    return await (
        StandardsVersion.select(
            StandardsVersion.version,
            StandardsVersion.note,
            StandardsVersion.created_at,
            StandardsVersion.created_by.username.as_alias("created_by_username"),
            StandardsVersion.created_by.full_name.as_alias("created_by_name"),
        )
        .order_by(StandardsVersion.version, ascending=False)
        .run()
    )


async def save_standards(
    rules: Sequence[Mapping[str, Any]],
    actor_id: int | None,
    note: str = "",
    *,
    based_on: int | None = None,
    client_address: str | None = None,
) -> int:
    """Validates ``rules`` and stores them as a new version, in the audit trail with the fields
    that changed; returns its number.

    ``based_on`` is the version the editor started from: when someone saved another version in
    the meantime, saving is refused rather than silently undoing their change.
    """
    parsed = parse_rules(rules)
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise NeedsError([_("Catatan paling panjang %(n)s karakter.", n=MAX_NOTE_LENGTH)])
    actor = audit.SYSTEM
    if actor_id is not None:
        user = await User.objects().where(User.id == actor_id).first().run()
        if user is None:
            raise NeedsError([_("Pengguna yang menyimpan tidak dikenal.")])
        actor = audit.Actor.of(user)
    async with audit.transaction():
        current = await current_standards()
        if based_on is not None and based_on != current.version:
            message = _(
                "Standar sudah diubah menjadi versi %(v)s sejak Anda membukanya. Muat ulang lalu ulangi perubahan.",
                v=current.version,
            )
            raise NeedsError([message])
        # Numbers continue after the bundled file's, so that a version number names one set of rules.
        version = max(current.version, bundled_standards().version) + 1
        await _insert(version, parsed, note, actor_id)
        before, after = audit.changed_fields(_flat(current.rules), _flat(parsed))
        await audit.record(
            action="standards.save", entity_type="needs_standards", entity_id=version, actor=actor,
            before={"version": current.version, **before}, after={"version": version, "note": note, **after},
            client_address=client_address,
        )
    return version


def _flat(rules: Sequence[Rule]) -> dict[str, Any]:
    """``{"air_bersih.quantity": "15", …}``: one entry per field, so the trail shows what changed."""
    return {f"{rule.code}.{key}": value for rule in rules for key, value in rule.to_data().items() if key != "code"}


async def _insert(version: int, rules: Sequence[Rule], note: str, actor_id: int | None) -> None:
    row = StandardsVersion(
        version=version,
        rules=json.dumps([rule.to_data() for rule in rules], ensure_ascii=False),
        note=note,
        created_by=actor_id,
    )
    try:
        await row.save().run()
    except (sqlite3.IntegrityError, asyncpg.UniqueViolationError) as error:
        # Two editors saving at once both chose this number; the unique version column kept one.
        if isinstance(error, sqlite3.IntegrityError) and "UNIQUE" not in str(error):
            raise
        message = _("Versi %(v)s baru saja disimpan orang lain. Muat ulang lalu ulangi perubahan.", v=version)
        raise NeedsError([message]) from None


def _standards(row: Mapping[str, Any]) -> Standards:
    return standards_from_data(row["version"], json.loads(row["rules"]))
