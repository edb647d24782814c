"""Creating reports exactly once, and reading them back for the public."""

from __future__ import annotations

from dataclasses import dataclass

from lapor_bencana import database
from lapor_bencana.regions.service import names as region_names
from lapor_bencana.reports.codes import new_code
from lapor_bencana.reports.photos import ProcessedPhoto
from lapor_bencana.reports.tables import (
    LocationSource,
    Report,
    ReportPhoto,
    ReportSource,
    ReportStatus,
    ReportStatusChange,
)
from lapor_bencana.reports.validation import ReportInput
from lapor_bencana.storage import BlobStore

# A fresh code colliding with an existing one is astronomically rare; a few tries settle it.
CODE_ATTEMPTS = 3


@dataclass(frozen=True)
class Created:
    report: Report
    is_new: bool


async def find_by_key(idempotency_key: str) -> Report | None:
    return await Report.objects().where(Report.idempotency_key == idempotency_key).first().run()


async def find_by_code(code: str) -> Report | None:
    return await Report.objects().where(Report.code == code).first().run()


async def create_report(
    data: ReportInput,
    *,
    idempotency_key: str | None,
    source: ReportSource,
    photos: list[ProcessedPhoto],
    store: BlobStore,
    reporter_id: int | None = None,
    location_source: LocationSource = LocationSource.NONE,
) -> Created:
    """Stores the report with its photos in one transaction; the same key gives back the same report.

    The unique constraint on the key, not the look-up before the insert, is what guarantees a
    single report when retries race each other.
    """
    if idempotency_key and (existing := await find_by_key(idempotency_key)):
        return Created(existing, is_new=False)
    stored = [(store.put(photo.jpeg), store.put(photo.thumbnail), photo) for photo in photos]
    for _attempt in range(CODE_ATTEMPTS):
        report = _new_report(data, idempotency_key, source, reporter_id, location_source)
        try:
            async with database.write_transaction(Report._meta.db):
                await report.save().run()
                await _attach(report, stored)
            return Created(report, is_new=True)
        except Exception as error:
            if not database.is_unique_violation(error):
                raise
            if idempotency_key and (existing := await find_by_key(idempotency_key)):
                return Created(existing, is_new=False)
    raise RuntimeError("could not allocate a unique tracking code")


def _new_report(
    data: ReportInput,
    idempotency_key: str | None,
    source: ReportSource,
    reporter_id: int | None,
    location_source: LocationSource,
) -> Report:
    has_position = data.latitude is not None
    return Report(
        code=new_code(),
        idempotency_key=idempotency_key or None,
        hazard=data.hazard,
        occurred_at=data.occurred_at,
        latitude=data.latitude,
        longitude=data.longitude,
        accuracy_m=data.accuracy_m,
        location_source=location_source if has_position else LocationSource.NONE,
        village=data.village_code,
        address=data.address,
        description=data.description,
        reporter_name=data.reporter_name,
        reporter_phone=data.reporter_phone,
        reporter=reporter_id,
        source=source,
        **data.counts,
    )


async def _attach(report: Report, stored: list[tuple[str, str, ProcessedPhoto]]) -> None:
    await ReportStatusChange(report=report.id, status=ReportStatus.BARU).save().run()
    for position, (image_key, thumbnail_key, photo) in enumerate(stored):
        await _photo_row(report.id, position, image_key, thumbnail_key, photo).save().run()


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


async def public_view(report: Report) -> dict:
    """What anyone holding the tracking code may see: never the reporter's name or phone."""
    timeline = await (
        ReportStatusChange.select(ReportStatusChange.status, ReportStatusChange.changed_at, ReportStatusChange.public_note)
        .where(ReportStatusChange.report == report.id)
        .order_by(ReportStatusChange.changed_at)
        .order_by(ReportStatusChange.id)
        .run()
    )
    village_code = report.village
    names = await region_names({village_code, village_code.rsplit(".", 1)[0]} if village_code else set())
    return {
        "code": report.code,
        "status": report.status,
        "hazard": report.hazard,
        "occurred_at": report.occurred_at,
        "received_at": report.received_at,
        "village_code": village_code,
        "village_name": names.get(village_code) if village_code else None,
        "district_name": names.get(village_code.rsplit(".", 1)[0]) if village_code else None,
        "has_position": report.latitude is not None,
        "location_source": report.location_source,
        "timeline": timeline,
    }
