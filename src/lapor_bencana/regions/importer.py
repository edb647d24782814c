"""Loads official region codes for one regency (its province, districts and villages)."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lapor_bencana.regions import boundaries, service
from lapor_bencana.regions.tables import Region, RegionLevel

BUNDLED_DATA_DIR = Path(__file__).parent / "data"


class RegionDataError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class RegionRow:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None


def _read(data_dir: Path, stem: str) -> Iterator[dict[str, str]]:
    plain, packed = data_dir / f"{stem}.csv", data_dir / f"{stem}.csv.gz"
    if plain.exists():
        handle = plain.open(newline="", encoding="utf-8")
    elif packed.exists():
        handle = gzip.open(packed, "rt", newline="", encoding="utf-8")
    else:
        raise RegionDataError(f"{stem}.csv(.gz) not found in {data_dir}")
    with handle:
        yield from csv.DictReader(handle)


def rows_for_regency(regency_code: str, data_dir: Path = BUNDLED_DATA_DIR) -> list[RegionRow]:
    province_code = regency_code.split(".")[0]
    regency = [r for r in _read(data_dir, "regencies") if r["code"] == regency_code]
    if not regency:
        raise RegionDataError(f"Regency {regency_code} is not in the region data")
    province = [r for r in _read(data_dir, "provinces") if r["code"] == province_code]
    districts = [r for r in _read(data_dir, "districts") if r["regency_code"] == regency_code]
    district_codes = {d["code"] for d in districts}
    villages = [r for r in _read(data_dir, "villages") if r["district_code"] in district_codes]
    return [
        *(RegionRow(p["code"], p["name"], RegionLevel.PROVINCE, None) for p in province),
        *(RegionRow(r["code"], r["name"], RegionLevel.REGENCY, r["province_code"]) for r in regency),
        *(RegionRow(d["code"], d["name"], RegionLevel.DISTRICT, d["regency_code"]) for d in districts),
        *(RegionRow(v["code"], v["name"], RegionLevel.VILLAGE, v["district_code"]) for v in villages),
    ]


@dataclass(frozen=True, slots=True)
class Imported:
    regions: int
    boundaries: int


async def import_regency(
    regency_code: str,
    data_dir: Path = BUNDLED_DATA_DIR,
    boundaries_dir: Path = boundaries.BUNDLED_BOUNDARIES_DIR,
) -> Imported:
    """Inserts or renames the regency's regions, and their boundaries found in ``boundaries_dir``."""
    rows = rows_for_regency(regency_code, data_dir)
    shapes = boundaries.read_shapes(boundaries_dir, regency_code)
    await (
        Region.insert(
            *(Region(code=r.code, name=r.name, level=r.level, parent_code=r.parent_code) for r in rows)
        )
        .on_conflict(
            target=Region.code,
            action="DO UPDATE",
            values=[Region.name, Region.level, Region.parent_code],
        )
        .run()
    )
    service.forget()
    return Imported(regions=len(rows), boundaries=await boundaries.store(shapes))


def regency_name(regency_code: str, data_dir: Path = BUNDLED_DATA_DIR) -> str | None:
    return next((r["name"] for r in _read(data_dir, "regencies") if r["code"] == regency_code), None)
