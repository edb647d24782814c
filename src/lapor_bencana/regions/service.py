"""Region look-ups used by forms, validation and pages."""

from __future__ import annotations

from collections.abc import Iterable

from lapor_bencana.regions.tables import Region, RegionLevel

# Regions are reference data that only `lapor regions import` writes, so rows once read are kept
# for the life of the process: checking a report's village and naming it then cost no query. An
# import in this process clears them; regions renamed by another process show after a restart.
_known: dict[str, dict] = {}


async def _rows(codes: Iterable[str]) -> dict[str, dict]:
    wanted = set(codes)
    if missing := wanted - _known.keys():
        rows = await (
            Region.select(Region.code, Region.name, Region.level, Region.parent_code)
            .where(Region.code.is_in(sorted(missing)))
            .run()
        )
        _known.update((row["code"], row) for row in rows)
    return {code: _known[code] for code in wanted if code in _known}


def forget() -> None:
    _known.clear()


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
    village = (await _rows([village_code])).get(village_code)
    if village is None or village["level"] != RegionLevel.VILLAGE:
        return None
    return {"code": village["code"], "name": village["name"], "parent_code": village["parent_code"]}


async def names(codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return {code: row["name"] for code, row in (await _rows(codes)).items()}
