"""Duplicate suggestions: same hazard, within about 2 km and 24 hours, nearest first."""

from datetime import UTC, datetime, timedelta

import pytest

from lapor_bencana.geo import bounding_box, distance_km
from lapor_bencana.incidents.duplicates import rank

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
PARINGIN = (-2.3325, 115.4712)


def incident(id_, hazard="banjir", lat=None, lon=None, hours=0, village=None):
    return {"id": id_, "code": f"C{id_}", "title": f"Kejadian {id_}", "hazard": hazard, "latitude": lat,
            "longitude": lon, "occurred_at": T0 + timedelta(hours=hours), "village": village}


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


def test_only_incidents_within_a_day_are_suggested():
    day_before = incident(1, lat=PARINGIN[0], lon=PARINGIN[1], hours=-25)
    same_night = incident(2, lat=PARINGIN[0], lon=PARINGIN[1], hours=-23)
    assert [c.incident_id for c in rank(report(), [day_before, same_night])] == [2]


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
