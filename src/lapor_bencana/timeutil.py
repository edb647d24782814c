"""Time in the regency: stored in UTC, shown in the regency's own zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# Indonesia's three zones by province code (Kemendagri): WIT for Maluku and Papua,
# WITA for Bali, Nusa Tenggara, Kalimantan Selatan/Timur/Utara and Sulawesi, WIB elsewhere.
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}


def zone_for_region(region_code: str) -> ZoneInfo:
    province = region_code[:2]
    if province in _WIT_PROVINCES:
        return ZoneInfo("Asia/Jayapura")
    if province in _WITA_PROVINCES:
        return ZoneInfo("Asia/Makassar")
    return ZoneInfo("Asia/Jakarta")


# What an Indonesian reader expects after a time ("14.30 WITA"); the zones come from zone_for_region.
_ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_label(zone: ZoneInfo) -> str:
    return _ZONE_LABELS.get(zone.key, zone.key)


def now() -> datetime:
    return datetime.now(UTC)
