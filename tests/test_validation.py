"""The one validation layer shared by the form and the API."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lapor_bencana.reports.validation import validate

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
WITA = ZoneInfo("Asia/Makassar")
VALID = {"hazard": "banjir", "village_code": "63.11.06.2005"}


def check(**fields):
    return validate({**VALID, **fields}, now=NOW, local_zone=WITA)


def test_a_minimal_report_is_valid_and_happens_now():
    report, errors = check()
    assert errors == {}
    assert report.hazard == "banjir"
    assert report.occurred_at == NOW
    assert report.counts == {}


def test_form_strings_and_json_numbers_give_the_same_report():
    from_form, _ = check(latitude="-2.33", longitude="115.47", dead="2", displaced=" 40 ")
    from_json, _ = check(latitude=-2.33, longitude=115.47, dead=2, displaced=40)
    assert from_form == from_json
    assert from_form.counts == {"dead": 2, "displaced": 40}


def test_the_hazard_is_required_and_must_be_known():
    assert check(hazard="")[1]["hazard"] == "Pilih jenis bencana."
    assert check(hazard="meteor")[1]["hazard"] == "Jenis bencana tidak dikenal."
    assert "hazard" in check(hazard=["banjir"])[1]


def test_a_place_is_required_either_as_village_or_coordinates():
    _, errors = validate({"hazard": "banjir"}, now=NOW, local_zone=WITA)
    assert "village_code" in errors
    report, errors = validate({"hazard": "banjir", "latitude": -2.3, "longitude": 115.4}, now=NOW, local_zone=WITA)
    assert errors == {} and report.village_code is None


def test_half_a_coordinate_pair_is_refused():
    assert "longitude" in check(latitude=-2.3)[1]


@pytest.mark.parametrize(
    ("field", "value"),
    [("latitude", 91), ("latitude", "abc"), ("longitude", -200), ("latitude", float("nan")), ("latitude", True)],
)
def test_impossible_coordinates_are_refused(field, value):
    other = "longitude" if field == "latitude" else "latitude"
    _, errors = check(**{field: value, other: 115.0 if other == "longitude" else -2.0})
    assert field in errors


def test_coordinates_outside_indonesia_are_refused():
    _, errors = check(latitude=51.5, longitude=-0.12)  # London
    assert "di luar Indonesia" in errors["latitude"]


def test_a_local_time_from_the_form_is_read_in_the_regency_zone():
    report, _ = check(occurred_at="2026-11-27T15:30")  # 15:30 WITA = 07:30 UTC
    assert report.occurred_at == datetime(2026, 11, 27, 7, 30, tzinfo=UTC)


def test_an_iso_time_with_a_zone_is_kept():
    report, _ = check(occurred_at="2026-11-27T08:00:00+07:00")
    assert report.occurred_at == datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def test_times_in_the_future_or_long_ago_are_refused():
    future = (NOW + timedelta(hours=2)).isoformat()
    assert "masa depan" in check(occurred_at=future)[1]["occurred_at"]
    assert "setahun" in check(occurred_at="2020-01-01T00:00:00+00:00")[1]["occurred_at"]
    assert "occurred_at" in check(occurred_at="kemarin sore")[1]
    assert "occurred_at" in check(occurred_at=1700000000)[1]


def test_a_phone_clock_a_little_fast_is_tolerated():
    _, errors = check(occurred_at=(NOW + timedelta(minutes=5)).isoformat())
    assert errors == {}


@pytest.mark.parametrize("value", [-1, "-1", 10_000_000, "1.5", 2.5, True, "dua", [1]])
def test_counts_must_be_sensible_whole_numbers(value):
    _, errors = check(displaced=value)
    assert "displaced" in errors


def test_ten_million_displaced_is_refused_with_the_limit_named():
    _, errors = check(displaced=10_000_000)
    assert errors["displaced"] == "Angka terlalu besar (paling banyak 1.000.000)."


def test_text_over_its_limit_is_refused_with_the_length():
    _, errors = check(description="a" * 2001)
    assert errors["description"] == "Paling banyak 2000 karakter (sekarang 2001)."


def test_control_characters_are_removed_but_markup_is_kept_as_text():
    report, _ = check(description="<script>alert(1)</script>\x00 '; DROP TABLE report;--")
    assert report.description == "<script>alert(1)</script> '; DROP TABLE report;--"


def test_phone_numbers_are_normalised_or_refused():
    assert check(reporter_phone="0812-3456-7890")[0].reporter_phone == "+6281234567890"
    assert "reporter_phone" in check(reporter_phone="12")[1]


def test_village_codes_must_have_the_village_shape():
    assert "village_code" in check(village_code="63.11.06")[1]
    assert "village_code" in check(village_code=6311062005)[1]


def test_every_problem_is_reported_at_once():
    _, errors = validate({"hazard": "x", "dead": -1, "latitude": 99}, now=NOW, local_zone=WITA)
    assert {"hazard", "dead", "latitude"} <= errors.keys()


def test_numbers_too_large_for_a_float_are_refused_not_a_crash():
    huge = 10**400
    assert "latitude" in check(latitude=huge, longitude=115.0)[1]
    assert "accuracy_m" in check(accuracy_m=huge)[1]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:30"])
def test_times_at_the_edge_of_the_calendar_are_refused_not_a_crash(moment):
    assert "occurred_at" in check(occurred_at=moment)[1]


def test_halves_of_surrogate_pairs_are_dropped_from_text():
    report, errors = check(description="air \ud800naik\udfff", reporter_name="\udc00Siti")
    assert errors == {}
    assert (report.description, report.reporter_name) == ("air naik", "Siti")
