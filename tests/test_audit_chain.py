"""The canonical form of audit events and their hash, without a database."""

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest

from lapor_bencana.audit.chain import GENESIS_HASH, canonical_json, event_hash, plain, utc_timestamp
from lapor_bencana.incidents.tables import IncidentStatus

KNOWN_HASH = "6e698b69a887f053eb38166543a6a74cc310805017ff895122eee0322d05b1d9"
WITA = timezone(timedelta(hours=8))
EVENT = {
    "seq": 1,
    "prev_hash": GENESIS_HASH,
    "occurred_at": datetime(2026, 1, 5, 2, 30, 0, 120000, tzinfo=UTC),
    "actor_id": 7,
    "actor_label": "koordinator",
    "action": "report.verify",
    "entity_type": "report",
    "entity_id": "42",
    "before": '{"status":"baru"}',
    "after": '{"status":"terverifikasi"}',
    "client_address": "10.0.0.5",
}


def test_canonical_json_sorts_keys_at_every_level_and_has_no_whitespace():
    assert canonical_json({"b": 1, "a": {"d": [1, 2], "c": None}}) == '{"a":{"c":null,"d":[1,2]},"b":1}'


def test_canonical_json_is_the_same_whatever_order_the_keys_came_in():
    assert canonical_json({"z": 1, "a": 2, "m": 3}) == canonical_json({"a": 2, "m": 3, "z": 1})


def test_canonical_json_writes_unicode_as_itself():
    assert canonical_json({"desa": "Halong – Āé 🌊"}) == '{"desa":"Halong – Āé 🌊"}'


def test_floats_are_written_in_their_shortest_round_trip_form():
    assert canonical_json([0.1, 1.0, 1e-07, -2.5, 3]) == "[0.1,1.0,1e-07,-2.5,3]"


def test_values_that_are_not_finite_numbers_are_refused():
    for value in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            plain({"x": value})


def test_times_become_utc_text_with_six_digit_fractions():
    assert plain(datetime(2026, 1, 5, 10, 30, tzinfo=WITA)) == "2026-01-05T02:30:00.000000Z"
    assert utc_timestamp(datetime(2026, 1, 5, 2, 30, 0, 7, tzinfo=UTC)) == "2026-01-05T02:30:00.000007Z"


def test_naive_times_are_refused_because_their_instant_is_unknown():
    with pytest.raises(ValueError):
        plain(datetime(2026, 1, 5, 10, 30))


def test_plain_turns_every_supported_type_into_json_types():
    value = {
        "status": IncidentStatus.TERVERIFIKASI,
        "day": date(2026, 1, 5),
        "amount": Decimal("12.50"),
        "id": UUID("12345678-1234-5678-1234-567812345678"),
        "villages": ("63.11.06.2001", "63.11.06.2005"),
        "flag": True,
    }
    assert plain(value) == {
        "status": "terverifikasi",
        "day": "2026-01-05",
        "amount": "12.50",
        "id": "12345678-1234-5678-1234-567812345678",
        "villages": ["63.11.06.2001", "63.11.06.2005"],
        "flag": True,
    }


def test_unknown_types_and_non_string_keys_are_refused():
    with pytest.raises(TypeError):
        plain({"photo": b"\x89PNG"})
    with pytest.raises(TypeError):
        plain({1: "one"})


def test_the_hash_of_a_known_event_is_the_sha256_of_its_documented_envelope():
    # Written by hand from the format in chain.py and checked with `printf '%s' … | sha256sum`;
    # a different value means the format changed and every stored chain would look broken.
    envelope = (
        '{"action":"report.verify","actor_id":7,"actor_label":"koordinator",'
        '"after":"{\\"status\\":\\"terverifikasi\\"}","before":"{\\"status\\":\\"baru\\"}",'
        '"client_address":"10.0.0.5","entity_id":"42","entity_type":"report",'
        '"occurred_at":"2026-01-05T02:30:00.120000Z","prev_hash":"' + "0" * 64 + '","seq":1}'
    )
    assert hashlib.sha256(envelope.encode()).hexdigest() == KNOWN_HASH
    assert event_hash(EVENT) == KNOWN_HASH


def test_the_hash_does_not_depend_on_the_zone_a_time_is_given_in():
    in_wita = {**EVENT, "occurred_at": EVENT["occurred_at"].astimezone(WITA)}
    assert event_hash(in_wita) == event_hash(EVENT)


def test_every_hashed_field_changes_the_hash():
    changed = {
        "seq": 2,
        "prev_hash": "f" * 64,
        "occurred_at": EVENT["occurred_at"] + timedelta(microseconds=1),
        "actor_id": None,
        "actor_label": "admin",
        "action": "report.reject",
        "entity_type": "incident",
        "entity_id": "43",
        "before": None,
        "after": '{"status":"ditolak"}',
        "client_address": None,
    }
    original = event_hash(EVENT)
    for field, value in changed.items():
        assert event_hash({**EVENT, field: value}) != original, field
