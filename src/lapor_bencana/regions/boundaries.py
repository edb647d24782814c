"""Region boundaries: imported from cahyadsn/wilayah_boundaries files, kept in memory per process,
used to find the village of a GPS position and to tell a position inside the regency from one
clearly outside it."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import structlog

from lapor_bencana.regions import service
from lapor_bencana.regions.geometry import Shape, margin_degrees, polygons_from_nested
from lapor_bencana.regions.tables import Region, RegionBoundary, RegionLevel

log = structlog.get_logger(__name__)

BUNDLED_BOUNDARIES_DIR = Path(__file__).parent / "data" / "boundaries"
# The simplified polygons leave gaps (rivers, slivers between neighbours): a point in one belongs
# to the nearest village this close, and a point farther from every village to none.
VILLAGE_GAP_M = 500.0
# The regency's outline is simplified to a few dozen vertices and a phone's fix may be off by
# hundreds of metres: only a point this far outside it is refused.
REGENCY_MARGIN_M = 5_000.0

# One row of the source's MySQL dump: ('63.11.01.2001','Name',lat,lng,'[[[lat,lng],…]]'), the name
# with '' for an apostrophe. The centroid and name are not needed: names come from the region codes.
_ROW = re.compile(
    r"^\s*\('(?P<code>\d{2}(?:\.\d{2}){1,2}(?:\.\d{4})?)'"  # 63.11, 63.11.01 or 63.11.01.2001
    r",'(?:[^']|'')*',[-\d.eE]+,[-\d.eE]+"  # name, centroid
    r",'(?P<path>\[[-\d.,\[\]eE ]*\])'\)"
)
_LEVELS = {2: RegionLevel.REGENCY, 3: RegionLevel.DISTRICT, 4: RegionLevel.VILLAGE}


class BoundaryDataError(ValueError):
    pass


def boundary_files(folder: Path, regency_code: str) -> list[Path]:
    """The regency, kecamatan and village files of the regency's province under ``folder``: the
    files as shipped here (``kab_63.sql.gz``) or a checkout's ``db/`` (``…/wilayah_boundaries_kab_63.sql``)."""
    province = regency_code.split(".")[0]
    found = []
    for stem in (f"kab_{province}", f"kec_{province}", f"kel_{regency_code}"):
        matches = sorted(p for p in folder.rglob(f"*{stem}.sql*") if p.name.endswith((f"{stem}.sql", f"{stem}.sql.gz")))
        found.extend(matches[:1])
    return found


def _lines(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        yield from handle


def read_shapes(folder: Path, regency_code: str) -> list[tuple[RegionLevel, Shape]]:
    """The boundaries of the regency itself, its kecamatan and its villages."""
    shapes = []
    for path in boundary_files(folder, regency_code):
        try:
            shapes.extend(_read_file(path, regency_code))
        except (OSError, EOFError, UnicodeDecodeError) as error:  # unreadable, truncated, not text
            raise BoundaryDataError(f"{path}: {error}") from None
    return shapes


def _read_file(path: Path, regency_code: str) -> Iterator[tuple[RegionLevel, Shape]]:
    for number, line in enumerate(_lines(path), start=1):
        if not (match := _ROW.match(line)):
            if line.lstrip().startswith("('"):
                raise BoundaryDataError(f"{path.name}, line {number}: not a row of wilayah_boundaries")
            continue
        code = match["code"]
        if code != regency_code and not code.startswith(regency_code + "."):
            continue
        try:
            yield _LEVELS[code.count(".") + 1], Shape.of(code, polygons_from_nested(json.loads(match["path"])))
        except (ValueError, TypeError) as error:
            raise BoundaryDataError(f"{path.name}, line {number} ({code}): {error}") from None


async def store(shapes: list[tuple[RegionLevel, Shape]]) -> int:
    """Inserts or replaces these boundaries; returns how many."""
    if shapes:
        await (
            RegionBoundary.insert(*(_row(level, shape) for level, shape in shapes))
            .on_conflict(
                target=RegionBoundary.code,
                action="DO UPDATE",
                values=[
                    RegionBoundary.level,
                    RegionBoundary.min_latitude,
                    RegionBoundary.min_longitude,
                    RegionBoundary.max_latitude,
                    RegionBoundary.max_longitude,
                    RegionBoundary.geometry,
                ],
            )
            .run()
        )
    forget()
    return len(shapes)


async def import_bundled_for_known_regencies() -> int:
    """The bundled boundaries of every regency whose codes were imported before boundaries
    existed (the migration that added them); returns how many were stored."""
    rows = await Region.select(Region.code).where(Region.level == RegionLevel.REGENCY).run()
    return sum([await store(read_shapes(BUNDLED_BOUNDARIES_DIR, row["code"])) for row in rows])


def _row(level: RegionLevel, shape: Shape) -> RegionBoundary:
    return RegionBoundary(
        code=shape.code,
        level=level,
        min_latitude=shape.min_lat,
        min_longitude=shape.min_lon,
        max_latitude=shape.max_lat,
        max_longitude=shape.max_lon,
        geometry=json.dumps(shape.geojson(), separators=(",", ":")),
    )


@dataclass(frozen=True)
class Boundaries:
    """Every imported boundary, by level."""

    by_level: dict[RegionLevel, dict[str, Shape]]

    def of(self, level: RegionLevel) -> dict[str, Shape]:
        return self.by_level.get(level, {})

    def village_at(self, lat: float, lon: float) -> str | None:
        """The village whose polygon holds the point, else the nearest one within VILLAGE_GAP_M."""
        margin = margin_degrees(lat, VILLAGE_GAP_M)
        near = [shape for shape in self.of(RegionLevel.VILLAGE).values() if shape.box_contains(lat, lon, margin)]
        for shape in near:
            if shape.contains(lat, lon):
                return shape.code
        distance, code = min(((shape.distance_m(lat, lon), shape.code) for shape in near), default=(None, None))
        return code if distance is not None and distance <= VILLAGE_GAP_M else None

    def regency_area(self, regency_code: str) -> RegencyArea | None:
        shape = self.of(RegionLevel.REGENCY).get(regency_code)
        return RegencyArea(shape) if shape else None


@dataclass(frozen=True)
class RegencyArea:
    """The regency's outline with REGENCY_MARGIN_M around it: where a report may come from."""

    outline: Shape
    margin_km: int = round(REGENCY_MARGIN_M / 1000)

    def contains(self, lat: float, lon: float) -> bool:
        if not self.outline.box_contains(lat, lon, margin_degrees(lat, REGENCY_MARGIN_M)):
            return False
        return self.outline.distance_m(lat, lon) <= REGENCY_MARGIN_M


# Boundaries are reference data only `lapor regions import` (or a migration) writes: read once a
# process, and again after an import in this process. None found is not kept, so that a server
# started before the first import sees it without a restart.
_loaded: Boundaries | None = None


def forget() -> None:
    global _loaded
    _loaded = None


async def current() -> Boundaries:
    global _loaded
    if _loaded is None:
        rows = await RegionBoundary.select(RegionBoundary.code, RegionBoundary.level, RegionBoundary.geometry).run()
        by_level: dict[RegionLevel, dict[str, Shape]] = {}
        for row in rows:
            shape = Shape.from_geojson(row["code"], json.loads(row["geometry"]))
            by_level.setdefault(RegionLevel(row["level"]), {})[row["code"]] = shape
        if not by_level:
            return Boundaries({})
        _loaded = Boundaries(by_level)
    return _loaded


async def regency_area(regency_code: str) -> RegencyArea | None:
    """None when the regency's boundary was never imported: positions are then checked only
    against Indonesia's bounds."""
    return (await current()).regency_area(regency_code)


async def warn_if_missing(regency_code: str) -> None:
    """Says at start-up why positions far from the regency would be accepted: no outline to check."""
    try:
        area = await regency_area(regency_code)
    except Exception:  # not migrated yet, or the database is down: requests report that themselves
        return
    if area is None:
        log.warning(
            "regency boundary not imported: report positions are checked only against Indonesia's bounds"
            " and get no village",
            regency=regency_code,
            fix="lapor regions import",
        )


async def village_at(lat: float | None, lon: float | None) -> str | None:
    if lat is None or lon is None:
        return None
    return (await current()).village_at(lat, lon)


async def districts(regency_code: str) -> dict[str, Shape]:
    """The regency's kecamatan boundaries by code, in code order."""
    shapes = (await current()).of(RegionLevel.DISTRICT)
    return {code: shapes[code] for code in sorted(shapes) if code.startswith(regency_code + ".")}


async def districts_geojson(regency_code: str) -> dict:
    """The regency's kecamatan as a GeoJSON FeatureCollection (``code`` and ``name`` of each)."""
    shapes = await districts(regency_code)
    names = await service.names(set(shapes))
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code, "name": names.get(code, code)}, "geometry": shape.geojson()}
            for code, shape in shapes.items()
        ],
    }
