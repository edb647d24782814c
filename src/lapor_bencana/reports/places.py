"""The village of reports and incidents that have a position and no village, derived from the
imported boundaries: new ones at intake and triage, existing ones by :func:`derive_missing_villages`
(run by the migration after the one adding the boundaries, and by ``lapor regions import``)."""

from __future__ import annotations

from lapor_bencana.incidents.tables import Incident
from lapor_bencana.regions import boundaries
from lapor_bencana.reports.tables import Report

# Plain SQL on the columns this needs only, so that the migration adding them can run it whatever
# later migrations add to the tables.
_MISSING = (
    'SELECT "id", "latitude", "longitude" FROM "{table}" '
    'WHERE "village" IS NULL AND "latitude" IS NOT NULL AND "longitude" IS NOT NULL'
)
_SET = 'UPDATE "{table}" SET "village" = {{}}, "village_derived" = {{}} WHERE "id" = {{}} AND "village" IS NULL'


async def village_of(village: str | None, derived: bool, lat: float | None, lon: float | None) -> tuple[str | None, bool]:
    """The village as given, else the one at the position: (code, whether it was derived)."""
    if village is not None:
        return village, derived
    found = await boundaries.village_at(lat, lon)
    return found, found is not None


async def derive_missing_villages() -> int:
    """Gives every report and incident with a position and no village the village found there;
    returns how many rows got one."""
    found = await boundaries.current()
    filled = 0
    for table in (Report, Incident):
        name = table._meta.tablename
        for row in await table.raw(_MISSING.format(table=name)).run():
            if village := found.village_at(row["latitude"], row["longitude"]):
                await table.raw(_SET.format(table=name), village, True, row["id"]).run()
                filled += 1
    return filled

