"""Who hears about an incident: available, approved volunteers with a needed skill, near it.

"Near" is the great-circle distance within both the call's radius and the volunteer's own, with
an indexed bounding box to pre-filter; a volunteer who gave no position is matched by home
kecamatan instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.columns.combination import WhereRaw

from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.geo import bounding_box, distance_km
from lapor_bencana.volunteers.tables import VolunteerProfile

FIELD_ROLES = (Role.PETUGAS, Role.RELAWAN)


@dataclass(frozen=True)
class Target:
    user_id: int
    distance_km: float | None  # None: matched by home kecamatan


@dataclass(frozen=True)
class Place:
    latitude: float | None
    longitude: float | None
    district_code: str  # the incident's kecamatan, "" when unknown


def _eligible(skills_mask: int):
    return (
        (VolunteerProfile.available == True)  # noqa: E712
        & (VolunteerProfile.user.active == True)  # noqa: E712
        & (VolunteerProfile.user.approved == True)  # noqa: E712
        & VolunteerProfile.user.role.is_in(list(FIELD_ROLES))
        & WhereRaw("(volunteer_profile.skills & {}) <> 0", skills_mask)
    )


async def select_targets(place: Place, skills_mask: int, radius_km: float) -> list[Target]:
    targets: dict[int, Target] = {}
    if place.latitude is not None and place.longitude is not None:
        box = bounding_box(place.latitude, place.longitude, radius_km)
        rows = await VolunteerProfile.select(
            VolunteerProfile.user, VolunteerProfile.latitude, VolunteerProfile.longitude, VolunteerProfile.radius_km
        ).where(
            _eligible(skills_mask)
            & (VolunteerProfile.latitude >= box.min_lat) & (VolunteerProfile.latitude <= box.max_lat)
            & (VolunteerProfile.longitude >= box.min_lon) & (VolunteerProfile.longitude <= box.max_lon)
        ).run()
        for row in rows:
            distance = distance_km(place.latitude, place.longitude, row["latitude"], row["longitude"])
            if distance <= min(radius_km, row["radius_km"]):
                targets[row["user"]] = Target(row["user"], round(distance, 2))
    if place.district_code:
        rows = await VolunteerProfile.select(VolunteerProfile.user).where(
            _eligible(skills_mask)
            & VolunteerProfile.latitude.is_null()
            & (VolunteerProfile.home_district == place.district_code)
        ).run()
        for row in rows:
            targets.setdefault(row["user"], Target(row["user"], None))
    return sorted(targets.values(), key=lambda t: (t.distance_km is None, t.distance_km or 0.0))


# Asked after every new report, so written once as SQL: Piccolo building the same query each time
# cost about ten times the database's work (see docs/performance.md on the ingest cost).
_OFFICERS_OF_DISTRICT = (
    f'SELECT p."user" FROM "{VolunteerProfile._meta.tablename}" p JOIN "{User._meta.tablename}" u ON u.id = p."user"'
    f" WHERE p.home_district = {{}} AND u.role = '{Role.PETUGAS.value}' AND u.active AND u.approved ORDER BY p.\"user\""
)


async def officers_of_district(district_code: str) -> list[int]:
    """Field officers (petugas) whose home kecamatan it is: they hear of new reports there."""
    rows = await VolunteerProfile.raw(_OFFICERS_OF_DISTRICT, district_code).run()
    return [row["user"] for row in rows]
