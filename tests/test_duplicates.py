"""Duplicate suggestions: same hazard, within about 2 km or the same village, open incidents of any
age and closed ones only just closed; nearest first."""

from datetime import UTC, datetime, timedelta

import pytest

from lapor_bencana.geo import bounding_box, distance_km
from lapor_bencana.incidents.duplicates import may_join, rank

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
PARINGIN = (-2.3325, 115.4712)


def incident(id_, hazard="banjir", lat=None, lon=None, hours=0, village=None, status="ditangani", closed_hours=None):
    return {"id": id_, "code": f"C{id_}", "title": f"Kejadian {id_}", "hazard": hazard, "latitude": lat,
            "longitude": lon, "occurred_at": T0 + timedelta(hours=hours), "village": village, "status": status,
            "closed_at": None if closed_hours is None else T0 + timedelta(hours=closed_hours)}


def report(lat=PARINGIN[0], lon=PARINGIN[1], village=None, hazard="banjir"):
    return {"hazard": hazard, "latitude": lat, "longitude": lon, "occurred_at": T0, "village": village}


def test_distance_matches_a_known_value():
    # One degree of latitude is about 111.2 km everywhere.
    assert distance_km(0, 115, 1, 115) == pytest.approx(111.19, abs=0.01)


def test_the_bounding_box_contains_the_circle():
    box = bounding_box(*PARINGIN, 2.0)
    north = (PARINGIN[0] + 0.0179, PARINGIN[1])
    assert box.min_lat < PARINGIN[0] < box.max_lat
    assert distance_km(*PARINGIN, *north) < 2.0 and box.max_lat > north[0]


def test_nearest_comes_first_and_far_or_other_hazards_are_left_out():
    near = incident(1, lat=-2.3330, lon=115.4715)  # ~60 m
    nearer = incident(2, lat=-2.3326, lon=115.4712)  # ~10 m
    far = incident(3, lat=-2.36, lon=115.47)  # ~3 km
    other_hazard = incident(4, hazard="kebakaran", lat=-2.3325, lon=115.4712)
    assert [c.incident_id for c in rank(report(), [near, nearer, far, other_hazard])] == [2, 1]


def test_an_open_incident_is_suggested_whatever_its_age():
    week_old_flood = incident(1, lat=PARINGIN[0], lon=PARINGIN[1], hours=-24 * 7)
    verified_yesterday = incident(2, lat=PARINGIN[0], lon=PARINGIN[1], hours=-30, status="terverifikasi")
    assert [c.incident_id for c in rank(report(), [week_old_flood, verified_yesterday])] == [2, 1]


def test_a_closed_incident_is_suggested_only_when_closed_shortly_before_the_event():
    closed_last_week = incident(1, lat=PARINGIN[0], lon=PARINGIN[1], hours=-24 * 10, status="selesai", closed_hours=-24 * 7)
    closed_last_night = incident(2, lat=PARINGIN[0], lon=PARINGIN[1], hours=-24 * 5, status="selesai", closed_hours=-10)
    open_and_farther = incident(3, lat=-2.3330, lon=115.4715)
    assert [c.incident_id for c in rank(report(), [closed_last_week, closed_last_night, open_and_farther])] == [3, 2]


def test_an_unverified_incident_is_not_suggested():
    assert rank(report(), [incident(1, lat=PARINGIN[0], lon=PARINGIN[1], status="dilaporkan")]) == []


@pytest.mark.parametrize(
    ("status", "closed_hours", "joins"),
    [("terverifikasi", None, True), ("ditangani", None, True), ("dilaporkan", None, False),
     ("selesai", -23, True), ("selesai", 5, True), ("selesai", -25, False), ("selesai", None, False)],
)
def test_which_incidents_a_report_may_join(status, closed_hours, joins):
    closed_at = None if closed_hours is None else T0 + timedelta(hours=closed_hours)
    assert may_join(status, closed_at, T0) is joins


def test_a_same_village_match_without_coordinates_comes_after_measured_ones():
    measured = incident(1, lat=-2.3330, lon=115.4715, village="63.11.06.2005")
    village_only = incident(2, village="63.11.06.2005")
    other_village = incident(3, village="63.11.06.2001")
    ranked = rank(report(village="63.11.06.2005"), [village_only, measured, other_village])
    assert [c.incident_id for c in ranked] == [1, 2]
    assert ranked[1].distance_km is None


def test_a_report_with_only_a_village_matches_incidents_in_that_village():
    ranked = rank(report(lat=None, lon=None, village="63.11.06.2005"), [incident(1, lat=-2.3, lon=115.4, village="63.11.06.2005")])
    assert [c.incident_id for c in ranked] == [1]
