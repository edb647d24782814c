"""One validation layer for every way a report arrives: the HTML form and the JSON API.

Form values arrive as strings, JSON values with their own types; both go through the same
rules and come out as a :class:`ReportInput` or as Indonesian messages keyed by field name.
JSON values must also have the type and shape the API's OpenAPI schema gives them
(``reports/schema.py`` is written from the constants here): what the schema refuses, the API
refuses, and in both ``null`` and ``""`` mean that an optional field is absent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lapor_bencana.accounts.service import normalise_phone
from lapor_bencana.hazards import get_hazard
from lapor_bencana.impact import COUNT_FIELDS, HOUSE_COUNTS, PEOPLE_COUNTS
from lapor_bencana.i18n import gettext as _
from lapor_bencana.regions.boundaries import RegencyArea

# A regency has at most a few hundred thousand people; a figure above this is a typo or abuse.
MAX_PEOPLE = 1_000_000
MAX_HOUSES = 500_000
TEXT_LIMITS = {"address": 300, "description": 2000, "reporter_name": 120}
# A clock on a phone may run a little fast; a report from the future beyond that is refused.
FUTURE_TOLERANCE = timedelta(minutes=15)
OLDEST_REPORTABLE = timedelta(days=365)
# Indonesia with a margin: reports from elsewhere are mistakes (or a phone's stale position). Where
# the regency's boundary was imported, a report must also come from the regency (RegencyArea).
INDONESIA_BOUNDS = {"lat": (-11.5, 6.5), "lon": (94.0, 141.5)}
MAX_ACCURACY_M = 100_000
MAX_PHONE_LENGTH = 30
# Kemendagri codes, ASCII digits only (Python's \d would also take other scripts' digits).
VILLAGE_CODE_PATTERN = re.compile(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$")
# RFC 3339 (with its zone), or the form's datetime-local value (no zone: the regency's local time).
ZONED_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
LOCAL_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
OCCURRED_AT_PATTERN = re.compile(rf"^({ZONED_TIME}|{LOCAL_TIME})$")
# A phone number as people write it: 8–15 digits with an optional leading +, or a leading 0 and
# 6–13 more (0812… becomes +62812…); spaces, dashes and brackets anywhere.
_SEPARATORS = r"[ ()\-]*"
PHONE_INPUT_PATTERN = re.compile(
    rf"^({_SEPARATORS}\+?{_SEPARATORS}([0-9]{_SEPARATORS}){{8,15}}|{_SEPARATORS}0{_SEPARATORS}([0-9]{_SEPARATORS}){{6,13}})$"
)
# What the JSON API takes besides text: numbers, and strings of a documented shape.
JSON_NUMBERS = {"latitude", "longitude", "accuracy_m", *COUNT_FIELDS}
JSON_PATTERNS = {
    "occurred_at": OCCURRED_AT_PATTERN,
    "village_code": VILLAGE_CODE_PATTERN,
    "reporter_phone": PHONE_INPUT_PATTERN,
}
JSON_MAX_LENGTHS = {**TEXT_LIMITS, "reporter_phone": MAX_PHONE_LENGTH}
CLAIMABLE_LOCATION_SOURCES = ("perangkat", "foto")
# Control characters, and halves of UTF-16 surrogate pairs (JSON can carry them; no database can store them).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass
class ReportInput:
    hazard: str
    occurred_at: datetime
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    village_code: str | None = None
    # The village was derived from the position, not picked (set at intake, not by the sender).
    village_derived: bool = False
    address: str = ""
    description: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    counts: dict[str, int] = field(default_factory=dict)


class Invalid(ValueError):
    """One field's problem, in words for the person who typed it."""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _too_long(limit: int, length: int) -> Invalid:
    return Invalid(_("Paling banyak %(limit)s karakter (sekarang %(length)s).", limit=limit, length=length))


def check_json_shape(name: str, value: Any) -> None:
    """Refuses a JSON value whose type or shape the API's schema does not allow. Text is measured
    as sent (the form's text is measured after trimming: browsers send line breaks as two characters)."""
    if value is None or value == "":
        return
    if name in JSON_NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(_("Isi dengan angka."))
        return
    if not isinstance(value, str):
        raise Invalid(_("Isian harus berupa teks."))
    if (limit := JSON_MAX_LENGTHS.get(name)) is not None and len(value) > limit:
        raise _too_long(limit, len(value))
    if (pattern := JSON_PATTERNS.get(name)) is not None and not pattern.fullmatch(value):
        raise Invalid(_("Bentuk isian tidak sesuai."))


def clean_text(value: Any, limit: int) -> str:
    if _blank(value):
        return ""
    if not isinstance(value, str):
        raise Invalid(_("Isian harus berupa teks."))
    text = _CONTROL_CHARACTERS.sub("", value).strip()
    if len(text) > limit:
        raise _too_long(limit, len(text))
    return text


def clean_count(value: Any, maximum: int) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise Invalid(_("Isi dengan angka bulat."))
    if isinstance(value, str):
        if not re.fullmatch(r"\s*\d{1,9}\s*", value):
            raise Invalid(_("Isi dengan angka bulat 0 atau lebih."))
        value = int(value)
    if not isinstance(value, int | float):
        raise Invalid(_("Isi dengan angka bulat."))
    number = int(value)
    if number < 0:
        raise Invalid(_("Tidak boleh kurang dari 0."))
    if number > maximum:
        written = f"{maximum:,}".replace(",", ".")  # Indonesian thousands separator
        raise Invalid(_("Angka terlalu besar (paling banyak %(max)s).", max=written))
    return number


def clean_coordinate(value: Any, axis: str) -> float | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise Invalid(_("Koordinat tidak valid."))
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise Invalid(_("Koordinat tidak valid.")) from None
    low, high = (-90.0, 90.0) if axis == "lat" else (-180.0, 180.0)
    if not math.isfinite(number) or not low <= number <= high:
        raise Invalid(_("Koordinat di luar jangkauan."))
    inside_low, inside_high = INDONESIA_BOUNDS[axis]
    if not inside_low <= number <= inside_high:
        raise Invalid(_("Lokasi ini di luar Indonesia. Periksa lagi lokasi Anda."))
    return number


def clean_accuracy(value: Any) -> float | None:
    if _blank(value):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise Invalid(_("Akurasi lokasi tidak valid.")) from None
    if isinstance(value, bool) or not math.isfinite(number) or not 0 <= number <= MAX_ACCURACY_M:
        raise Invalid(_("Akurasi lokasi tidak valid."))
    return number


def clean_occurred_at(value: Any, now: datetime, local_zone: ZoneInfo) -> datetime:
    if _blank(value):
        return now
    if not isinstance(value, str):
        raise Invalid(_("Waktu kejadian tidak valid."))
    try:
        # RFC 3339 allows a lower-case "t" and "z"; Python reads only capitals.
        moment = datetime.fromisoformat(value.strip().upper())
        if moment.tzinfo is None:
            # The form's datetime-local field has no zone: it is the regency's local time.
            moment = moment.replace(tzinfo=local_zone)
        # Years 1 and 9999 with a zone offset fall outside what a datetime can hold in UTC.
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Invalid(_("Waktu kejadian tidak valid.")) from None
    if moment > now + FUTURE_TOLERANCE:
        raise Invalid(_("Waktu kejadian tidak boleh di masa depan."))
    if moment < now - OLDEST_REPORTABLE:
        raise Invalid(_("Waktu kejadian lebih dari setahun yang lalu."))
    return moment


def clean_hazard(value: Any) -> str:
    if _blank(value):
        raise Invalid(_("Pilih jenis bencana."))
    if not isinstance(value, str) or get_hazard(value) is None:
        raise Invalid(_("Jenis bencana tidak dikenal."))
    return value


def clean_phone(value: Any) -> str:
    text = clean_text(value, MAX_PHONE_LENGTH)
    if not text:
        return ""
    if not PHONE_INPUT_PATTERN.fullmatch(text):
        raise Invalid(_("Nomor HP tidak valid. Contoh: 0812 3456 7890."))
    # The input pattern admits exactly what normalises to PHONE_PATTERN (tests/test_validation_properties.py).
    return normalise_phone(text)


def clean_village_code(value: Any) -> str | None:
    if _blank(value):
        return None
    if not isinstance(value, str) or not VILLAGE_CODE_PATTERN.fullmatch(value.strip()):
        raise Invalid(_("Kode desa tidak valid."))
    return value.strip()


def clean_location_source(value: Any) -> str | None:
    """Where the page says its coordinates came from (the phone, or a photo's GPS data)."""
    if _blank(value):
        return None
    if value not in CLAIMABLE_LOCATION_SOURCES:
        raise Invalid(_("Asal lokasi tidak dikenal."))
    return value


def validate(
    data: Mapping[str, Any],
    *,
    now: datetime,
    local_zone: ZoneInfo,
    area: RegencyArea | None = None,
    json_types: bool = False,
) -> tuple[ReportInput | None, dict[str, str]]:
    """Checks every field on its own, and the position against the regency's ``area`` (with its
    margin) when its boundary was imported, else against Indonesia's bounds only; the caller then
    checks the village against the database. With ``json_types`` (the JSON API) values must also
    have the types and shapes of its schema."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}

    def check(name: str, cleaner, *args) -> None:
        try:
            if json_types:
                check_json_shape(name, data.get(name))
            cleaned[name] = cleaner(data.get(name), *args)
        except Invalid as problem:
            errors[name] = str(problem)

    check("hazard", clean_hazard)
    check("occurred_at", clean_occurred_at, now, local_zone)
    check("latitude", clean_coordinate, "lat")
    check("longitude", clean_coordinate, "lon")
    check("accuracy_m", clean_accuracy)
    check("village_code", clean_village_code)
    for name, limit in TEXT_LIMITS.items():
        check(name, clean_text, limit)
    check("reporter_phone", clean_phone)
    check("location_source", clean_location_source)
    for name in COUNT_FIELDS:
        check(name, clean_count, MAX_PEOPLE if name in PEOPLE_COUNTS else MAX_HOUSES)

    _check_location(cleaned, errors, area)
    if errors:
        return None, errors
    # Checked here with the rest; the caller reads the claim with the photos' own positions.
    del cleaned["location_source"]
    counts = {name: cleaned.pop(name) for name in COUNT_FIELDS}
    return ReportInput(**cleaned, counts={k: v for k, v in counts.items() if v is not None}), {}


def _check_location(cleaned: dict[str, Any], errors: dict[str, str], area: RegencyArea | None) -> None:
    if {"latitude", "longitude", "village_code"} & errors.keys():
        return
    has_lat, has_lon = cleaned.get("latitude") is not None, cleaned.get("longitude") is not None
    if has_lat != has_lon:
        errors["latitude" if not has_lat else "longitude"] = _("Garis lintang dan bujur harus diisi keduanya.")
    elif has_lat and area is not None and not area.contains(cleaned["latitude"], cleaned["longitude"]):
        errors["latitude"] = _(
            "Lokasi ini di luar wilayah kabupaten (lebih dari %(km)s km dari batasnya). Periksa lagi lokasi Anda.",
            km=area.margin_km,
        )
    elif not has_lat and not cleaned.get("village_code"):
        errors["village_code"] = _("Pilih desa, atau tekan “Gunakan lokasi saya”.")
