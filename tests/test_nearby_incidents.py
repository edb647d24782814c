"""Which incidents a volunteer sees as near: open and verified, within their radius of their
position, or in their home kecamatan when they gave none."""

from lapor_bencana import timeutil
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.volunteers.nearby import incidents_near
from lapor_bencana.volunteers.tables import VolunteerProfile

HOME = (-2.3251, 115.4623)
# About 0.11 km per 0.001 degree of latitude here.
KM = 1 / 111.2


async def incident(code, status=IncidentStatus.TERVERIFIKASI, north_km=None, village="63.11.05.2001"):
    latitude = None if north_km is None else HOME[0] + north_km * KM
    longitude = None if north_km is None else HOME[1]
    await Incident(
        code=code, hazard="banjir", title=f"Kejadian {code}", status=status, latitude=latitude,
        longitude=longitude, village=village, occurred_at=timeutil.now(),
    ).save().run()


def positioned(radius_km=10.0):
    return VolunteerProfile(latitude=HOME[0], longitude=HOME[1], radius_km=radius_km, home_district="63.11.05")


async def test_within_the_radius_nearest_first_with_the_distance(app):
    await incident("JAUH", north_km=8)
    await incident("DEKAT", north_km=2)
    await incident("LUAR", north_km=12)
    # Inside the bounding box's corner, outside the circle.
    await Incident(
        code="SUDUT", hazard="banjir", title="Sudut", status=IncidentStatus.TERVERIFIKASI,
        latitude=HOME[0] + 9 * KM, longitude=HOME[1] + 9 * KM, occurred_at=timeutil.now(),
    ).save().run()
    found = await incidents_near(positioned())
    assert [row["code"] for row in found] == ["DEKAT", "JAUH"]
    assert abs(found[0]["distance_km"] - 2) < 0.05
    assert found[0]["village_name"]


async def test_only_verified_incidents_still_being_handled(app):
    await incident("BARU", IncidentStatus.DILAPORKAN, north_km=1)
    await incident("VERIF", IncidentStatus.TERVERIFIKASI, north_km=1)
    await incident("TANGANI", IncidentStatus.DITANGANI, north_km=1)
    await incident("SELESAI", IncidentStatus.SELESAI, north_km=1)
    assert {row["code"] for row in await incidents_near(positioned())} == {"VERIF", "TANGANI"}


async def test_without_a_position_the_home_kecamatan_counts(app):
    await incident("RUMAH", village="63.11.05.2001")
    await incident("TANPA_KOORDINAT", village="63.11.05.2002")
    await incident("KECAMATAN_LAIN", north_km=0, village="63.11.01.2001")
    profile = VolunteerProfile(home_district="63.11.05")
    found = await incidents_near(profile)
    assert {row["code"] for row in found} == {"RUMAH", "TANPA_KOORDINAT"}
    assert {row["distance_km"] for row in found} == {None}


async def test_a_position_takes_precedence_over_the_home_kecamatan(app):
    await incident("TANPA_KOORDINAT", village="63.11.05.2001")
    assert await incidents_near(positioned()) == []


async def test_nothing_without_position_or_kecamatan(app):
    await incident("X", north_km=0)
    assert await incidents_near(VolunteerProfile()) == []
