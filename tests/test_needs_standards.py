"""Needs standards: the bundled file is valid and sourced, and bad rules are refused in plain Indonesian."""

from decimal import Decimal

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from lapor_bencana import i18n
from lapor_bencana.needs.rules import NeedsError, Unit, bundled_standards, parse_rules
from lapor_bencana.paths import LOCALES_DIR, PROJECT_ROOT

WATER = {
    "code": "air_bersih",
    "label": "Air minum dan keperluan rumah tangga",
    "kind": "barang",
    "unit": "liter",
    "quantity": "15",
    "per": "displaced",
    "every_days": 1,
    "source": "Sphere (2018)",
}


def problems_of(*rules) -> list[str]:
    with pytest.raises(NeedsError) as refused:
        parse_rules(list(rules))
    return refused.value.problems


def test_the_bundled_standards_are_valid_and_numbered_one():
    standards = bundled_standards()
    assert standards.version == 1
    assert len(standards.rules) == len({rule.code for rule in standards.rules}) == 22


def test_every_bundled_rule_names_where_its_figure_comes_from():
    origins = ("Sphere", "Kemensos", "Standar kebutuhan minimum pascabencana", "Praktik", "Asumsi perencanaan Dinsos")
    for rule in bundled_standards().rules:
        assert any(origin in rule.source for origin in origins), rule.code


def test_a_rule_survives_the_trip_through_stored_data():
    rules = bundled_standards().rules
    assert parse_rules([rule.to_data() for rule in rules]) == rules


def test_defaults_are_filled_in_and_numbers_kept_exact():
    (rule,) = parse_rules([{**WATER, "quantity": 0.4, "every_days": None, "round_to": ""}])
    assert rule.quantity == Decimal("0.4") and str(rule.quantity) == "0.4"
    assert (rule.per_people, rule.every_days, rule.round_to, rule.public_kitchen) == (1, 0, 1, None)


def test_numbers_typed_into_a_form_are_read():
    (rule,) = parse_rules([{**WATER, "quantity": "0.400", "per_people": "50", "round_to": "100"}])
    assert (rule.quantity, rule.per_people) == (Decimal("0.4"), 50)
    assert str(rule.round_to) == "100"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"source": " "}, "Aturan 1 (air_bersih): Sumber wajib diisi."),
        ({"label": ""}, "Aturan 1 (air_bersih): Nama wajib diisi."),
        ({"label": "x" * 121}, "Aturan 1 (air_bersih): Nama paling panjang 120 karakter."),
        ({"code": "Air Bersih"}, "Aturan 1 (Air Bersih): kode hanya boleh huruf kecil"),
        ({"unit": "galon"}, "Aturan 1 (air_bersih): Satuan harus salah satu dari: liter, kg, m2, paket"),
        ({"per": "everyone"}, "Aturan 1 (air_bersih): Dasar hitung harus salah satu dari: displaced, "),
        ({"kind": ["barang"]}, "Aturan 1 (air_bersih): Jenis harus salah satu dari: barang, personel."),
        ({"quantity": "0"}, "Aturan 1 (air_bersih): Jumlah harus angka lebih dari 0 sampai 10000"),
        ({"quantity": "-15"}, "Aturan 1 (air_bersih): Jumlah harus angka lebih dari 0"),
        ({"quantity": "15,5"}, "Aturan 1 (air_bersih): Jumlah harus angka"),
        (
            {"quantity": "0.0005"},
            "Aturan 1 (air_bersih): Jumlah harus angka lebih dari 0 sampai 10000, paling banyak 3 angka",
        ),
        ({"quantity": "Infinity"}, "Aturan 1 (air_bersih): Jumlah harus angka"),
        ({"quantity": True}, "Aturan 1 (air_bersih): Jumlah harus angka"),
        ({"quantity": None}, "Aturan 1 (air_bersih): Jumlah harus angka"),
        ({"per_people": 0}, "Aturan 1 (air_bersih): Per berapa orang harus bilangan bulat 1 sampai 100000."),
        ({"per_people": 2.5}, "Aturan 1 (air_bersih): Per berapa orang harus bilangan bulat"),
        ({"every_days": 366}, "Aturan 1 (air_bersih): Diulang tiap berapa hari harus bilangan bulat 0 sampai 365."),
        ({"round_to": "0"}, "Aturan 1 (air_bersih): Pembulatan harus angka lebih dari 0"),
        ({"public_kitchen": "ya"}, "Aturan 1 (air_bersih): Dapur umum harus ya, tidak, atau dikosongkan."),
        ({"quantiy": "15"}, "Aturan 1 (air_bersih): kolom quantiy tidak dikenal."),
        (
            {"unit": "paket", "round_to": "0.5"},
            "Aturan 1 (air_bersih): satuan paket dihitung utuh, jadi pembulatan harus bilangan bulat.",
        ),
        (
            {"per_people": 50, "per_people_after": 20},
            "Aturan 1 (air_bersih): Per berapa orang setelah batas hari dan Batas hari diisi bersama",
        ),
        (
            {"per_people": 50, "per_people_after": 50, "after_days": 14},
            "Aturan 1 (air_bersih): Per berapa orang setelah batas hari harus lebih kecil dari Per berapa orang.",
        ),
    ],
)
def test_a_bad_rule_is_refused_saying_which_rule_and_why(change, problem):
    problems = problems_of({**WATER, **change})
    assert any(p.startswith(problem) for p in problems), problems


@pytest.mark.parametrize("unit", sorted(Unit))
def test_every_unit_may_round_to_a_whole_number(unit):
    (rule,) = parse_rules([{**WATER, "unit": unit, "round_to": "5"}])
    assert rule.whole


def test_measured_units_may_round_to_fractions():
    (rule,) = parse_rules([{**WATER, "unit": "kg", "round_to": "0.1"}])
    assert not rule.whole


def test_every_problem_of_every_rule_is_reported_at_once():
    problems = problems_of({**WATER, "unit": "galon", "source": ""}, {**WATER, "code": "beras", "quantity": "0"})
    assert [p.split(":")[0] for p in problems] == ["Aturan 1 (air_bersih)", "Aturan 1 (air_bersih)", "Aturan 2 (beras)"]


def test_two_rules_may_not_share_a_code():
    assert problems_of(WATER, WATER) == ["Kode air_bersih dipakai lebih dari satu aturan."]


def test_standards_need_at_least_one_rule():
    assert problems_of() == ["Standar harus berisi paling sedikit satu aturan."]


def test_a_rule_must_be_a_set_of_fields():
    assert problems_of("air_bersih") == ["Aturan 1 tidak berbentuk daftar kolom."]


def test_problems_are_written_in_english_for_english_readers():
    token = i18n.current_locale.set("en")
    try:
        problems = problems_of({**WATER, "source": ""})
    finally:
        i18n.current_locale.reset(token)
    assert problems == ["Rule 1 (air_bersih): Source is required."]


def test_bundled_labels_are_extracted_for_translation_and_translated():
    with (PROJECT_ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    extracted = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / "src", method_map, options_map, keywords={"_": None, "N_": None, "ngettext": (1, 2)}
        )
    }
    labels = {rule.label for rule in bundled_standards().rules}
    assert labels <= extracted
    with (LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.string}
    assert labels <= translated
