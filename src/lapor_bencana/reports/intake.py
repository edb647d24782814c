"""Everything between a submitted report (form or API) and a stored one."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from anyio import to_thread

from lapor_bencana.i18n import gettext as _
from lapor_bencana.regions import boundaries
from lapor_bencana.regions.boundaries import RegencyArea
from lapor_bencana.regions.service import village_in_regency
from lapor_bencana.reports import photos as photo_intake
from lapor_bencana.reports.service import Created, Sender, create_report, find_by_key
from lapor_bencana.reports.tables import LocationSource
from lapor_bencana.reports.validation import INDONESIA_BOUNDS, validate
from lapor_bencana.storage import BlobStore
from lapor_bencana.timeutil import now

# Told of each new report after its commit; must not raise (the report is stored already).
NewReportListener = Callable[[Mapping[str, Any]], Awaitable[object]]

# Bots fill every field; people never see this one (it is hidden from sight and from screen readers).
HONEYPOT_FIELD = "website"
IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,128}$")
IDEMPOTENCY_KEY_FIELD = "Idempotency-Key"
# Parts of a form post that are not the report: a new page gives them new values.
NOT_CONTENT = {"_csrf_token", "idempotency_key"}


@dataclass
class Outcome:
    created: Created | None = None
    errors: dict[str, str] = field(default_factory=dict)


def check_idempotency_key(key: str | None) -> str | None:
    """None when the key is acceptable (or absent), else the message."""
    if key is None or IDEMPOTENCY_KEY_PATTERN.match(key):
        return None
    return _("Idempotency-Key harus 1–128 karakter ASCII yang terlihat.")


async def submit(
    raw: Mapping[str, Any],
    photo_blobs: list[bytes],
    *,
    regency_code: str,
    local_zone: ZoneInfo,
    store: BlobStore,
    sender: Sender,
    idempotency_key: str | None,
    on_new_report: NewReportListener | None = None,
    json_types: bool = False,
) -> Outcome:
    """Checks and stores one report. A repeated Idempotency-Key with the same content gets the
    report stored first; with other content it is refused (IETF Idempotency-Key draft). A new key
    costs no look-up (the insert itself finds a taken key). ``on_new_report`` hears of a new report
    once it is stored (others react to it: reports know nothing of who). ``json_types``: the JSON API's values, which
    must have the types and shapes of its schema."""
    if problem := check_idempotency_key(idempotency_key):
        return Outcome(errors={IDEMPOTENCY_KEY_FIELD: problem})
    fingerprint = content_fingerprint(raw, photo_blobs) if idempotency_key else None
    # Photos take tens of milliseconds to process: a repeat carrying them is answered before that.
    if idempotency_key and photo_blobs and (existing := await find_by_key(idempotency_key)):
        return _repeat(existing, fingerprint)
    outcome = await _check_and_store(
        raw, photo_blobs, regency_code, local_zone, store, sender, idempotency_key, fingerprint, json_types
    )
    if outcome.errors and idempotency_key and (existing := await find_by_key(idempotency_key)):
        # A repeat gets its report back even when this copy would not pass the checks (any more).
        return _repeat(existing, fingerprint)
    if outcome.created is not None and not outcome.created.is_new:
        return _repeat(outcome.created.row, fingerprint)
    if on_new_report is not None and outcome.created is not None:
        # After the report's commit, never inside it: the listener must not fail the intake.
        await on_new_report(outcome.created.row)
    return outcome


def content_fingerprint(raw: Mapping[str, Any], photo_blobs: list[bytes]) -> str:
    """SHA-256 of the report's content in one canonical form: JSON with sorted keys (so that the
    order and spacing a client used do not matter), plus the SHA-256 of each photo in order."""
    content = {
        "fields": {name: value for name, value in raw.items() if name not in NOT_CONTENT},
        "photos": [hashlib.sha256(blob).hexdigest() for blob in photo_blobs],
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _repeat(existing: dict[str, Any], fingerprint: str | None) -> Outcome:
    # Reports stored before fingerprints were kept have none: their repeats are answered as before.
    stored = existing["idempotency_fingerprint"]
    if stored is not None and stored != fingerprint:
        return Outcome(
            errors={
                IDEMPOTENCY_KEY_FIELD: _(
                    "Kunci ini sudah dipakai untuk laporan lain yang isinya berbeda. "
                    "Kirim laporan baru dengan kunci baru."
                )
            }
        )
    return Outcome(Created(existing, is_new=False))


async def _check_and_store(
    raw: Mapping[str, Any],
    photo_blobs: list[bytes],
    regency_code: str,
    local_zone: ZoneInfo,
    store: BlobStore,
    sender: Sender,
    idempotency_key: str | None,
    fingerprint: str | None,
    json_types: bool,
) -> Outcome:
    if raw.get(HONEYPOT_FIELD) not in (None, ""):
        return Outcome(errors={"form": _("Laporan tidak dapat diterima. Kosongkan isian yang tersembunyi.")})
    processed, photo_error = await _process_photos(photo_blobs)
    errors = {"photos": photo_error} if photo_error else {}
    found = await boundaries.current()
    area = found.regency_area(regency_code)
    raw, location_source = _with_photo_position(raw, processed, area)
    report, field_errors = validate(raw, now=now(), local_zone=local_zone, area=area, json_types=json_types)
    errors |= field_errors
    if report and report.village_code and not await village_in_regency(report.village_code, regency_code):
        errors["village_code"] = _("Desa ini tidak ada di wilayah kabupaten ini.")
    if errors or report is None:
        return Outcome(errors=errors)
    if report.village_code is None and report.latitude is not None:
        report.village_code = found.village_at(report.latitude, report.longitude)
        report.village_derived = report.village_code is not None
    created = await create_report(
        report,
        idempotency_key=idempotency_key,
        sender=sender,
        photos=processed,
        store=store,
        location_source=location_source,
        fingerprint=fingerprint,
    )
    return Outcome(created)


async def process_photo(blob: bytes) -> photo_intake.ProcessedPhoto:
    # Decoding and resizing take tens of milliseconds of CPU: keep them off the event loop.
    return await to_thread.run_sync(photo_intake.process, blob)


async def _process_photos(blobs: list[bytes]) -> tuple[list[photo_intake.ProcessedPhoto], str | None]:
    if len(blobs) > photo_intake.MAX_PHOTOS:
        return [], _("Paling banyak %(n)s foto.", n=photo_intake.MAX_PHOTOS)
    processed = []
    for number, blob in enumerate(blobs, start=1):
        try:
            processed.append(await process_photo(blob))
        except photo_intake.PhotoRejected as problem:
            return [], _("Foto %(n)s: %(problem)s", n=number, problem=problem)
    return processed, None


def _with_photo_position(
    raw: Mapping[str, Any], processed: list[photo_intake.ProcessedPhoto], area: RegencyArea | None
) -> tuple[Mapping[str, Any], LocationSource]:
    """Coordinates from the phone win; without them, the first photo with a GPS position inside
    the regency (or Indonesia, without its boundary) gives the report its place (and the report says so)."""
    if raw.get("latitude") not in (None, "") or raw.get("longitude") not in (None, ""):
        claimed = raw.get("location_source")
        return raw, LocationSource.PHOTO if claimed == LocationSource.PHOTO else LocationSource.DEVICE
    for photo in processed:
        if photo.gps and _inside_indonesia(*photo.gps) and (area is None or area.contains(*photo.gps)):
            latitude, longitude = photo.gps
            return {**raw, "latitude": latitude, "longitude": longitude}, LocationSource.PHOTO
    return raw, LocationSource.NONE


def _inside_indonesia(latitude: float, longitude: float) -> bool:
    (lat_low, lat_high), (lon_low, lon_high) = INDONESIA_BOUNDS["lat"], INDONESIA_BOUNDS["lon"]
    return lat_low <= latitude <= lat_high and lon_low <= longitude <= lon_high
