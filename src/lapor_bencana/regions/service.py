"""Region look-ups used by forms, validation and pages."""

from __future__ import annotations

from lapor_bencana.regions.tables import Region, RegionLevel


async def children(parent_code: str) -> list[dict]:
    return await (
        Region.select(Region.code, Region.name)
        .where(Region.parent_code == parent_code)
        .order_by(Region.name)
        .run()
    )


async def districts(regency_code: str) -> list[dict]:
    return await children(regency_code)


async def village_in_regency(village_code: str, regency_code: str) -> dict | None:
    """The village with its district name, or None when it is unknown or outside the regency."""
    if not village_code.startswith(regency_code + "."):
        return None
    village = await (
        Region.select(Region.code, Region.name, Region.parent_code)
        .where((Region.code == village_code) & (Region.level == RegionLevel.VILLAGE))
        .first()
        .run()
    )
    return village


async def names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = await Region.select(Region.code, Region.name).where(Region.code.is_in(list(codes))).run()
    return {row["code"]: row["name"] for row in rows}
