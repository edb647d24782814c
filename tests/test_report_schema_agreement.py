"""The report API's OpenAPI schema and its validator agree on every field (hypothesis, through
Schemathesis's generators): a body the schema allows is refused only for the rules no schema can
state (the time window of occurred_at here; the village's regency needs the database), and a body
the schema refuses is refused.

    LAPOR_PROPERTY_EXAMPLES=5000 .venv/bin/pytest tests/test_report_schema_agreement.py   # longer
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from lapor_bencana.accounts.service import PHONE_PATTERN
from lapor_bencana.paths import STATIC_DIR
from lapor_bencana.reports.intake import HONEYPOT_FIELD
from lapor_bencana.reports.schema import REPORT_CREATE_SCHEMA
from lapor_bencana.reports.validation import (
    JSON_NUMBERS,
    MAX_PHONE_LENGTH,
    PHONE_INPUT_PATTERN,
    clean_phone,
    validate,
)

EXAMPLES = int(os.environ.get("LAPOR_PROPERTY_EXAMPLES", "60"))
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
WITA = ZoneInfo("Asia/Makassar")
SCHEMA = REPORT_CREATE_SCHEMA.to_schema()
# The rules of occurred_at that depend on the moment of sending.
TIME_WINDOW = {"Waktu kejadian tidak boleh di masa depan.", "Waktu kejadian lebih dari setahun yang lalu."}
DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "report body", "version": "1"},
    "paths": {
        "/reports": {
            "post": {
                "requestBody": {"required": True, "content": {"application/json": {"schema": SCHEMA}}},
                "responses": {"201": {"description": "stored"}},
            }
        }
    },
}


def representable(text: str) -> bool:
    """Whether a time of the right shape is a moment Python can hold: no 31 February, no leap
    second, no year 0 (the shape is the schema's; the calendar is not)."""
    try:
        datetime.fromisoformat(text.upper()).astimezone(UTC)
    except (ValueError, OverflowError):
        return False
    return True


@pytest.mark.parametrize("mode", list(GenerationMode))
def test_the_validator_accepts_what_the_schema_allows_and_refuses_what_it_refuses(mode):
    operation = schemathesis.openapi.from_dict(DOCUMENT)["/reports"]["POST"]
    checker = jsonschema_rs.Draft202012Validator(SCHEMA, validate_formats=True)
    seen = {"allowed": 0, "refused": 0}

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case) -> None:
        body = case.body
        if not isinstance(body, dict):
            return  # the API answers 400 before validating (tests/test_reports_api.py)
        report, errors = validate(body, now=NOW, local_zone=WITA, json_types=True)
        if checker.is_valid(body):
            seen["allowed"] += 1
            assert set(errors) <= {"occurred_at"}, (body, errors)
            assert not errors or errors["occurred_at"] in TIME_WINDOW or not representable(body["occurred_at"]), (body, errors)
        else:
            seen["refused"] += 1
            # The bot trap is checked before validation (reports/intake.py).
            assert errors or body.get(HONEYPOT_FIELD) not in (None, ""), body

    check()
    assert seen["allowed" if mode.is_positive else "refused"] > 0


separators = st.text(alphabet=" ()-", max_size=2)


def digits(low: int, high: int):
    pairs = st.lists(st.tuples(st.sampled_from("0123456789"), separators), min_size=low, max_size=high)
    return pairs.map(lambda items: "".join(digit + gap for digit, gap in items))


# The two shapes of PHONE_INPUT_PATTERN, built directly (regex generation here is slow).
typed_phones = st.one_of(
    st.tuples(separators, st.sampled_from(["", "+"]), separators, digits(8, 15)),
    st.tuples(separators, st.just("0"), separators, digits(6, 13)),
).map("".join)


@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None)
@given(typed_phones.filter(lambda text: len(text.strip()) <= MAX_PHONE_LENGTH))
def test_every_phone_the_schema_allows_is_stored_as_a_valid_number(typed):
    assert PHONE_INPUT_PATTERN.fullmatch(typed)
    assert PHONE_PATTERN.match(clean_phone(typed))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"hazard": "banjir", "village_code": "63.11.06.2005", "displaced": "12"}, "displaced"),
        ({"hazard": "banjir", "latitude": "-2.3", "longitude": 115.4}, "latitude"),
        ({"hazard": "banjir", "village_code": " 63.11.06.2005"}, "village_code"),
        ({"hazard": "banjir", "village_code": "63.11.06.2005", "occurred_at": "2026-11-27"}, "occurred_at"),
        ({"hazard": "banjir", "village_code": "63.11.06.2005", "address": " " * 301}, "address"),
        ({"hazard": "banjir", "village_code": "63.11.06.2005", "location_source": "gps"}, "location_source"),
    ],
)
def test_json_values_of_another_type_or_shape_are_refused_though_the_form_takes_them(body, field):
    checker = jsonschema_rs.Draft202012Validator(SCHEMA, validate_formats=True)
    assert not checker.is_valid(body)
    assert field in validate(body, now=NOW, local_zone=WITA, json_types=True)[1]
    if field != "location_source":
        assert validate(body, now=NOW, local_zone=WITA)[1] == {}


@pytest.mark.parametrize("empty", [None, ""])
def test_null_and_empty_mean_absent_for_every_optional_field(empty):
    optional = [name for name in SCHEMA["properties"] if name != "hazard"]
    body = {"hazard": "banjir", "village_code": "63.11.06.2005", **{name: empty for name in optional if name != "village_code"}}
    assert jsonschema_rs.Draft202012Validator(SCHEMA, validate_formats=True).is_valid(body)
    report, errors = validate(body, now=NOW, local_zone=WITA, json_types=True)
    assert errors == {} and report.occurred_at == NOW and report.counts == {}


def test_the_report_page_sends_as_numbers_exactly_the_fields_the_api_takes_as_numbers():
    script = (STATIC_DIR / "js" / "report-delivery.js").read_text()
    listed = re.search(r"NUMBER_FIELDS = \[([^\]]*)\]", script).group(1)
    assert set(re.findall(r'"([a-z_]+)"', listed)) == JSON_NUMBERS
