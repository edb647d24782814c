"""Plain-Python planar geometry on region boundaries: is a point inside, how far is it.

A regency's villages have a few thousand vertices in all, so a bounding-box prefilter plus a
ray-casting test answers in microseconds; a geometry library would add a compiled dependency for
nothing. Distances are measured on a local flat projection around the point, which is accurate
to well under a percent over the few kilometres that matter here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Metres per degree of latitude, and of longitude at the equator (WGS 84, rounded).
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0

Ring = tuple[tuple[float, float], ...]  # (latitude, longitude) pairs, closed or not
Polygon = tuple[Ring, ...]  # the outer ring, then its holes


@dataclass(frozen=True, slots=True)
class Shape:
    """One region's boundary: one or more polygons, with the box around them."""

    code: str
    polygons: tuple[Polygon, ...]
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    @classmethod
    def of(cls, code: str, polygons: tuple[Polygon, ...]) -> Shape:
        lats = [lat for polygon in polygons for ring in polygon for lat, _ in ring]
        lons = [lon for polygon in polygons for ring in polygon for _, lon in ring]
        if not lats:
            raise ValueError(f"{code}: empty boundary")
        return cls(code, polygons, min(lats), min(lons), max(lats), max(lons))

    def box_contains(self, lat: float, lon: float, margin: tuple[float, float] = (0.0, 0.0)) -> bool:
        """Whether the point is in the box grown by ``margin`` (degrees of latitude, longitude)."""
        dlat, dlon = margin
        return (
            self.min_lat - dlat <= lat <= self.max_lat + dlat
            and self.min_lon - dlon <= lon <= self.max_lon + dlon
        )

    def contains(self, lat: float, lon: float) -> bool:
        if not self.box_contains(lat, lon):
            return False
        # Even-odd over every ring of a polygon: a point in a hole crosses the outer ring and the hole's.
        return any(sum(_crossings(ring, lat, lon) for ring in polygon) % 2 == 1 for polygon in self.polygons)

    def distance_m(self, lat: float, lon: float) -> float:
        """0 inside, else the distance to the nearest edge."""
        if self.contains(lat, lon):
            return 0.0
        scale_x = M_PER_DEG_LON * math.cos(math.radians(lat))
        return min(
            _segment_distance(
                ((a_lon - lon) * scale_x, (a_lat - lat) * M_PER_DEG_LAT),
                ((b_lon - lon) * scale_x, (b_lat - lat) * M_PER_DEG_LAT),
            )
            for polygon in self.polygons
            for ring in polygon
            for (a_lat, a_lon), (b_lat, b_lon) in _edges(ring)
        )

    def geojson(self) -> dict:
        """GeoJSON geometry: note that GeoJSON orders each pair longitude first."""
        return {
            "type": "MultiPolygon",
            "coordinates": [
                [[[round(lon, 6), round(lat, 6)] for lat, lon in ring] for ring in polygon]
                for polygon in self.polygons
            ],
        }

    @classmethod
    def from_geojson(cls, code: str, geometry: dict) -> Shape:
        return cls.of(
            code,
            tuple(
                tuple(tuple((lat, lon) for lon, lat in ring) for ring in polygon)
                for polygon in geometry["coordinates"]
            ),
        )


def margin_degrees(lat: float, metres: float) -> tuple[float, float]:
    """``metres`` in degrees of latitude and of longitude, near latitude ``lat``."""
    return metres / M_PER_DEG_LAT, metres / (M_PER_DEG_LON * math.cos(math.radians(lat)))


def _edges(ring: Ring):
    return zip(ring, ring[1:] + ring[:1], strict=True)


def _crossings(ring: Ring, lat: float, lon: float) -> int:
    count = 0
    for (a_lat, a_lon), (b_lat, b_lon) in _edges(ring):
        if (a_lat > lat) != (b_lat > lat):
            crossing_lon = a_lon + (lat - a_lat) * (b_lon - a_lon) / (b_lat - a_lat)
            if lon < crossing_lon:
                count += 1
    return count


def _segment_distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance from the origin to the segment a–b (metres on the local projection)."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    return math.hypot(ax + t * dx, ay + t * dy)


def polygons_from_nested(path: list) -> tuple[Polygon, ...]:
    """A polygon (a list of rings) or a multipolygon (a list of those), as nested [lat, lon] lists."""
    if not path or not isinstance(path, list):
        raise ValueError("empty boundary")
    depth, probe = 0, path
    while isinstance(probe, list):
        if not probe:
            raise ValueError("empty ring")
        depth, probe = depth + 1, probe[0]
    if depth == 3:
        path = [path]
    elif depth != 4:
        raise ValueError(f"not a polygon or multipolygon (nesting {depth})")
    polygons = (
        tuple(tuple((float(lat), float(lon)) for lat, lon in ring) for ring in polygon if len(ring) >= 3)
        for polygon in path
    )
    return tuple(polygon for polygon in polygons if polygon)
