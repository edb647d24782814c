from enum import IntEnum

from piccolo.columns import Float, SmallInt, Text, Varchar
from piccolo.table import Table


class RegionLevel(IntEnum):
    PROVINCE = 1
    REGENCY = 2
    DISTRICT = 3  # kecamatan
    VILLAGE = 4  # desa or kelurahan


class Region(Table, tablename="region"):
    """An official Kemendagri region, keyed by its code (``63.11.06.2001``)."""

    code = Varchar(length=13, primary_key=True)
    name = Varchar(length=100)
    level = SmallInt()
    parent_code = Varchar(length=13, null=True, index=True)


class RegionBoundary(Table, tablename="region_boundary"):
    """A region's simplified boundary (``lapor regions import``), with its box for a quick prefilter."""

    code = Varchar(length=13, primary_key=True)
    level = SmallInt()
    min_latitude = Float()
    min_longitude = Float()
    max_latitude = Float()
    max_longitude = Float()
    # A GeoJSON MultiPolygon geometry (longitude first), as the map draws it.
    geometry = Text()
