"""Properties of the report validator for any input (hypothesis): it never raises, answers either
a report or messages, keeps what it accepts, and refuses what its rules refuse.

    LAPOR_PROPERTY_EXAMPLES=20000 .venv/bin/pytest tests/test_validation_properties.py   # longer
"""

import math
import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from lapor_bencana.hazards import HAZARDS
from lapor_bencana.reports.validation import (
    COUNT_FIELDS,
    FUTURE_TOLERANCE,
    INDONESIA_BOUNDS,
    MAX_ACCURACY_M,
    MAX_HOUSES,
    MAX_PEOPLE,
    OLDEST_REPORTABLE,
    PEOPLE_COUNTS,
    TEXT_LIMITS,
    ReportInput,
    validate,
)

EXAMPLES = int(os.environ.get("LAPOR_PROPERTY_EXAMPLES", "300"))
properties = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
WITA = ZoneInfo("Asia/Makassar")
FIELDS = (
    "hazard", "occurred_at", "latitude", "longitude", "accuracy_m", "village_code", *TEXT_LIMITS,
    "reporter_phone", "location_source", *COUNT_FIELDS,
)
maximum = {name: MAX_PEOPLE if name in PEOPLE_COUNTS else MAX_HOUSES for name in COUNT_FIELDS}

# Whatever JSON or a form can carry, and then some: huge numbers, NaN, lone surrogates, nesting.
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**320)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(codec=None, exclude_categories=()))
    | st.from_regex(r"-?\d{1,4}(-\d\d-\d\dT\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)?)?", fullmatch=True)
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3), max_leaves=5)
anything = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), values, max_size=len(FIELDS) + 2)


@properties
@given(anything)
def test_any_input_gets_a_report_or_messages_and_never_an_exception(data):
    report, errors = validate(data, now=NOW, local_zone=WITA)
    assert (report is None) == bool(errors)
    assert all(isinstance(message, str) and message for message in errors.values())
    assert set(errors) <= set(FIELDS)
    if report is not None:
        assert isinstance(report, ReportInput)


def texts(limit: int):
    return st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=limit).map(str.strip)


@st.composite
def valid_reports(draw) -> dict:
    """Input the rules accept, as a JSON client sends it."""
    data = {"hazard": draw(st.sampled_from([h.code for h in HAZARDS]))}
    if draw(st.booleans()):
        data["village_code"] = draw(st.from_regex(r"63\.11\.0[1-8]\.[12]0[0-9][0-9]", fullmatch=True))
    if draw(st.booleans()) or "village_code" not in data:
        data["latitude"] = draw(st.floats(*INDONESIA_BOUNDS["lat"]))
        data["longitude"] = draw(st.floats(*INDONESIA_BOUNDS["lon"]))
    if draw(st.booleans()):
        data["accuracy_m"] = draw(st.floats(0, MAX_ACCURACY_M))
    if draw(st.booleans()):
        moment = NOW - draw(st.timedeltas(-FUTURE_TOLERANCE, OLDEST_REPORTABLE))
        data["occurred_at"] = moment.replace(microsecond=0).isoformat()
    for name, limit in TEXT_LIMITS.items():
        data[name] = draw(texts(limit))
    for name in draw(st.lists(st.sampled_from(COUNT_FIELDS), unique=True)):
        data[name] = draw(st.integers(0, maximum[name]))
    return data


@properties
@given(valid_reports())
def test_valid_input_is_kept_as_it_was_sent(data):
    report, errors = validate(data, now=NOW, local_zone=WITA)
    assert errors == {}
    assert report.hazard == data["hazard"]
    assert report.village_code == data.get("village_code")
    assert (report.latitude, report.longitude) == (data.get("latitude"), data.get("longitude"))
    assert report.accuracy_m == data.get("accuracy_m")
    assert report.occurred_at == (datetime.fromisoformat(data["occurred_at"]) if "occurred_at" in data else NOW)
    assert {name: getattr(report, name) for name in TEXT_LIMITS} == {name: data[name] for name in TEXT_LIMITS}
    assert report.counts == {name: data[name] for name in COUNT_FIELDS if name in data}


@properties
@given(valid_reports())
def test_the_form_sending_the_same_values_as_text_gets_the_same_report(data):
    as_form = {name: value if isinstance(value, str) else repr(value) for name, value in data.items()}
    assert validate(as_form, now=NOW, local_zone=WITA) == validate(data, now=NOW, local_zone=WITA)


@properties
@given(valid_reports(), st.sampled_from(COUNT_FIELDS), st.integers(1, 10**12))
def test_a_count_below_zero_or_above_its_maximum_is_refused(data, name, excess):
    for wrong in (-excess, maximum[name] + excess):
        _report, errors = validate({**data, name: wrong}, now=NOW, local_zone=WITA)
        assert name in errors


@properties
@given(valid_reports(), st.sampled_from(["latitude", "longitude"]), st.floats(allow_nan=True, allow_infinity=True))
def test_a_position_outside_indonesia_is_refused(data, axis, value):
    low, high = INDONESIA_BOUNDS["lat" if axis == "latitude" else "lon"]
    other = "longitude" if axis == "latitude" else "latitude"
    data = {**data, other: data.get(other, 0.0) if other in data else sum(INDONESIA_BOUNDS[other[:3]]) / 2}
    _report, errors = validate({**data, axis: value}, now=NOW, local_zone=WITA)
    assert (axis in errors) == (not math.isfinite(value) or not low <= value <= high)


@properties
@given(valid_reports(), st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=3650)))
def test_a_time_in_the_future_or_over_a_year_ago_is_refused(data, beyond):
    for moment in (NOW + FUTURE_TOLERANCE + beyond, NOW - OLDEST_REPORTABLE - beyond):
        _report, errors = validate({**data, "occurred_at": moment.isoformat()}, now=NOW, local_zone=WITA)
        assert "occurred_at" in errors


@properties
@given(valid_reports(), st.sampled_from(sorted(TEXT_LIMITS)), st.integers(1, 50))
def test_text_over_its_limit_is_refused(data, name, excess):
    _report, errors = validate({**data, name: "a" * (TEXT_LIMITS[name] + excess)}, now=NOW, local_zone=WITA)
    assert name in errors


@properties
@given(valid_reports(), st.text(max_size=20).filter(lambda code: code.strip() not in {h.code for h in HAZARDS}))
def test_an_unknown_hazard_is_refused(data, hazard):
    assert "hazard" in validate({**data, "hazard": hazard}, now=NOW, local_zone=WITA)[1]
