"""Creating reports exactly once, and reading them back for the public."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Any

from piccolo.columns import Column
from piccolo.columns.defaults.base import Default
from piccolo.table import Table

from lapor_bencana import database, timeutil
from lapor_bencana.regions.service import names as region_names
from lapor_bencana.reports.codes import new_code
from lapor_bencana.reports.photos import ProcessedPhoto
from lapor_bencana.reports.tables import (
    LocationSource,
    Report,
    ReportChannel,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    ReportStatusChange,
)
from lapor_bencana.reports.validation import ReportInput
from lapor_bencana.storage import BlobStore

# A fresh code colliding with an existing one is astronomically rare; a few tries settle it.
CODE_ATTEMPTS = 3


def _insert_sql(table: type[Table], columns: list[Column]) -> str:
    names = ", ".join(f'"{column._meta.db_column_name}"' for column in columns)
    return f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES ({", ".join("{}" for _ in columns)})'


# Piccolo builds every query and row object anew: for the report's 33 columns that costs ≈ 0.6 ms
# a statement and 0.2 ms a row, more than the database's own work. The statements run by every
# submission and status look-up are therefore written once, here, from the table definitions,
# and rows stay dictionaries until someone asks for a Report (docs/performance.md, ingest cost).
_REPORT_COLUMNS = [column for column in Report._meta.columns if column is not Report._meta.primary_key]
# A taken key inserts nothing (and returns no id): the report stored first answers the repeat.
_INSERT_REPORT = _insert_sql(Report, _REPORT_COLUMNS) + ' ON CONFLICT ("idempotency_key") DO NOTHING RETURNING id'
_INSERT_FIRST_STEP = _insert_sql(
    ReportStatusChange, [ReportStatusChange.report, ReportStatusChange.status, ReportStatusChange.changed_at]
)
_REPORT_BY = 'SELECT * FROM "report" WHERE "{column}" = {{}} LIMIT 1'
_TIMELINE = (
    'SELECT "status", "changed_at", "public_note" FROM "report_status_change" '
    'WHERE "report" = {} ORDER BY "changed_at", "id"'
)
_DEFAULTS = {column._meta.name: column.get_default_value() for column in _REPORT_COLUMNS}


@dataclass(frozen=True)
class Sender:
    """Who sent a report (``source``, and their account for field staff) and how (``channel``,
    with the name another system gave itself)."""

    source: ReportSource
    channel: ReportChannel
    reporter_id: int | None = None
    client_name: str = ""


@dataclass(frozen=True)
class Created:
    """A report as stored (``row``: its columns by name), and whether this call stored it."""

    row: dict[str, Any]
    is_new: bool

    @cached_property
    def report(self) -> Report:
        return Report(**self.row, _exists_in_db=True)

    @property
    def timeline(self) -> list[dict] | None:
        """A new report's timeline is its first step, as stored with it; unknown for a repeat."""
        return [first_step(self.row)] if self.is_new else None


def first_step(report: Report | Mapping[str, Any]) -> dict:
    return {"status": ReportStatus.BARU, "changed_at": report["received_at"], "public_note": ""}


async def find_by_key(idempotency_key: str) -> dict[str, Any] | None:
    """The stored row of the report sent with this key."""
    return await _row_by("idempotency_key", idempotency_key)


async def find_by_code(code: str) -> Report | None:
    row = await _row_by("code", code)
    return Report(**row, _exists_in_db=True) if row else None


async def _row_by(column: str, value: str) -> dict[str, Any] | None:
    rows = await Report.raw(_REPORT_BY.format(column=column), value).run()
    return rows[0] if rows else None


async def create_report(
    data: ReportInput,
    *,
    idempotency_key: str | None,
    sender: Sender,
    photos: list[ProcessedPhoto],
    store: BlobStore,
    location_source: LocationSource = LocationSource.NONE,
    fingerprint: str | None = None,
) -> Created:
    """Stores the report with its photos in one transaction; the same key gives back the same report.

    The unique constraint on the key guarantees a single report when retries race each other: the
    insert of a taken key does nothing, and the report already stored is returned instead (the
    caller compares its ``idempotency_fingerprint`` with ``fingerprint``).
    """
    stored = [(store.put(photo.jpeg), store.put(photo.thumbnail), photo) for photo in photos]
    for _attempt in range(CODE_ATTEMPTS):
        row = _new_row(data, idempotency_key, fingerprint, sender, location_source)
        try:
            async with database.write_transaction(Report._meta.db):
                if not (inserted := await _insert(row)):
                    return Created(await _row_by("idempotency_key", idempotency_key), is_new=False)
                row["id"] = inserted[0]["id"]
                await _attach(row, stored)
            return Created(row, is_new=True)
        except Exception as error:
            # The key's conflict is handled above, so this is a tracking code already in use.
            if not database.is_unique_violation(error):
                raise
    raise RuntimeError("could not allocate a unique tracking code")


def _new_row(
    data: ReportInput,
    idempotency_key: str | None,
    fingerprint: str | None,
    sender: Sender,
    location_source: LocationSource,
) -> dict[str, Any]:
    row = {name: default.python() if isinstance(default, Default) else default for name, default in _DEFAULTS.items()}
    row.update(
        code=new_code(),
        received_at=timeutil.now(),
        idempotency_key=idempotency_key or None,
        idempotency_fingerprint=fingerprint if idempotency_key else None,
        hazard=data.hazard,
        occurred_at=data.occurred_at,
        latitude=data.latitude,
        longitude=data.longitude,
        accuracy_m=data.accuracy_m,
        location_source=location_source if data.latitude is not None else LocationSource.NONE,
        village=data.village_code,
        village_derived=data.village_derived,
        address=data.address,
        description=data.description,
        reporter_name=data.reporter_name,
        reporter_phone=data.reporter_phone,
        reporter=sender.reporter_id,
        source=sender.source,
        channel=sender.channel,
        client_name=sender.client_name,
        **data.counts,
    )
    return row


async def _insert(row: dict[str, Any]) -> list[dict]:
    values = (row[column._meta.name] for column in _REPORT_COLUMNS)
    return await Report.raw(_INSERT_REPORT, *(v.value if isinstance(v, Enum) else v for v in values)).run()


async def _attach(row: dict[str, Any], stored: list[tuple[str, str, ProcessedPhoto]]) -> None:
    step = first_step(row)
    await ReportStatusChange.raw(_INSERT_FIRST_STEP, row["id"], step["status"].value, step["changed_at"]).run()
    if stored:
        await ReportPhoto.insert(
            *(_photo_row(row["id"], position, *keys) for position, keys in enumerate(stored))
        ).run()


def _photo_row(report_id: int, position: int, image_key: str, thumbnail_key: str, photo: ProcessedPhoto) -> ReportPhoto:
    return ReportPhoto(
        report=report_id,
        position=position,
        image_key=image_key,
        thumbnail_key=thumbnail_key,
        width=photo.width,
        height=photo.height,
        size_bytes=len(photo.jpeg),
    )


async def add_photo(report: Report, photo: ProcessedPhoto, store: BlobStore, limit: int) -> bool:
    """Adds a photo uploaded after the report; the same photo twice is kept once.

    Returns False when the report already holds ``limit`` photos.
    """
    image_key, thumbnail_key = store.put(photo.jpeg), store.put(photo.thumbnail)
    async with database.write_transaction(Report._meta.db):
        existing = await ReportPhoto.select(ReportPhoto.image_key).where(ReportPhoto.report == report.id).run()
        if any(row["image_key"] == image_key for row in existing):
            return True
        if len(existing) >= limit:
            return False
        await _photo_row(report.id, len(existing), image_key, thumbnail_key, photo).save().run()
    return True


async def photos_of(report_id: int) -> list[dict]:
    return await (
        ReportPhoto.select(ReportPhoto.id, ReportPhoto.position, ReportPhoto.width, ReportPhoto.height)
        .where(ReportPhoto.report == report_id)
        .order_by(ReportPhoto.position)
        .run()
    )


async def photo_key(report_id: int, photo_id: int, thumbnail: bool) -> str | None:
    column = ReportPhoto.thumbnail_key if thumbnail else ReportPhoto.image_key
    row = await (
        ReportPhoto.select(column)
        .where((ReportPhoto.report == report_id) & (ReportPhoto.id == photo_id))
        .first()
        .run()
    )
    return row[column._meta.name] if row else None


async def public_view(report: Report | Mapping[str, Any], timeline: list[dict] | None = None) -> dict:
    """What anyone holding the tracking code may see: never the reporter's name or phone.

    ``report`` is a Report or a stored row (``Created.row``). ``timeline`` is read from the database
    unless the caller holds it already (``Created.timeline``).
    """
    if timeline is None:
        timeline = await ReportStatusChange.raw(_TIMELINE, report["id"]).run()
    village_code = report["village"]
    names = await region_names({village_code, village_code.rsplit(".", 1)[0]} if village_code else set())
    return {
        "code": report["code"],
        "status": report["status"],
        "hazard": report["hazard"],
        "occurred_at": report["occurred_at"],
        "received_at": report["received_at"],
        "village_code": village_code,
        "village_derived": report["village_derived"],
        "village_name": names.get(village_code) if village_code else None,
        "district_name": names.get(village_code.rsplit(".", 1)[0]) if village_code else None,
        "has_position": report["latitude"] is not None,
        "location_source": report["location_source"],
        "timeline": timeline,
    }
