"""The needs calculator against examples worked out by hand, rule by rule, with the bundled standards."""

from decimal import Decimal

import pytest

from lapor_bencana import i18n
from lapor_bencana.needs import words
from lapor_bencana.needs.calculator import MAX_PEOPLE, NeedsInputs, calculate, compare_delivered, round_up
from lapor_bencana.needs.rules import NeedsError, Population, Standards, Unit, bundled_standards, parse_rules

# A camp of 100 displaced people among 150 affected in 40 households, planned for 3 days.
CAMP = NeedsInputs(
    days=3, displaced=100, affected_people=150, affected_families=40, infants=9, elderly=14, pregnant=4, disabled=3
)

CAMP_NEEDS = [
    # Sphere water: 15 L × 100 people × 3 days = 4,500 L.
    ("air_bersih", Decimal(4500)),
    # Taps: ⌈100 / 250⌉ = 1.
    ("titik_air", 1),
    # Latrines in the first days: ⌈100 / 50⌉ = 2.
    ("jamban", 2),
    # Rice: 0.4 kg × 100 × 3 = 120 kg, already whole.
    ("beras", 120),
    # Public-kitchen portions: 2 × 100 × 3 = 600.
    ("makanan_siap_saji", 600),
    # Kitchens: ⌈100 / 1,000⌉ = 1.
    ("dapur_umum", 1),
    # One family kit and one kitchen set per affected household: 40 each.
    ("paket_keluarga", 40),
    ("peralatan_dapur", 40),
    # Hygiene kits: 40 households × ⌈3 / 30⌉ = 40 × 1 = 40.
    ("paket_kebersihan", 40),
    # One blanket and one mat per displaced person: 100 each.
    ("selimut", 100),
    ("tikar", 100),
    # Covered space: 3.5 m² × 100 = 350 m².
    ("ruang_hunian", 350),
    # Family tents of 4 people: ⌈100 / 4⌉ = 25.
    ("tenda_keluarga", 25),
    # Monthly kits for vulnerable people, one month started: 9 infants, 14 elderly, 4 pregnant, 3 disabled.
    ("paket_bayi", 9),
    ("paket_lansia", 14),
    ("paket_ibu_hamil", 4),
    ("paket_disabilitas", 3),
    # Kitchen staff: 10 × ⌈100 / 1,000⌉ = 10.
    ("petugas_dapur_umum", 10),
    # Evacuation: 5 × ⌈100 / 100⌉ = 5.
    ("petugas_evakuasi", 5),
    # Psychosocial support: ⌈100 / 100⌉ = 1.
    ("pendamping_psikososial", 1),
    # Health workers: ⌈100 / 434⌉ = 1.
    ("tenaga_kesehatan", 1),
]

# The same camp when families cook for themselves: rice and side dishes, no kitchen.
CAMP_WITHOUT_KITCHEN_NEEDS = [
    # Side dishes: 1 pack × 100 × 3 days = 300.
    ("lauk_pauk", 300),
    # Rice is needed either way: 0.4 × 100 × 3 = 120 kg.
    ("beras", 120),
]

# A large flood camp: 1,250 displaced among Balangan's 13,825 affected in 4,289 households, 30 days.
FLOOD = NeedsInputs(days=30, displaced=1250, affected_people=13825, affected_families=4289, infants=600, elderly=900)

FLOOD_NEEDS = [
    # 15 L × 1,250 × 30 = 562,500 L.
    ("air_bersih", 562500),
    # ⌈1,250 / 250⌉ = 5 taps.
    ("titik_air", 5),
    # 30 days is past the 14-day emergency phase: ⌈1,250 / 20⌉ = ⌈62.5⌉ = 63 latrines.
    ("jamban", 63),
    # 0.4 × 1,250 × 30 = 15,000 kg.
    ("beras", 15000),
    # 2 × 1,250 × 30 = 75,000 portions.
    ("makanan_siap_saji", 75000),
    # ⌈1,250 / 1,000⌉ = 2 kitchens, 10 × 2 = 20 kitchen staff.
    ("dapur_umum", 2),
    ("petugas_dapur_umum", 20),
    # 4,289 households × ⌈30 / 30⌉ = 4,289 hygiene kits.
    ("paket_kebersihan", 4289),
    # 3.5 × 1,250 = 4,375 m².
    ("ruang_hunian", 4375),
    # ⌈1,250 / 4⌉ = ⌈312.5⌉ = 313 tents.
    ("tenda_keluarga", 313),
    # 600 infants × 1 month = 600 baby kits.
    ("paket_bayi", 600),
    # 5 × ⌈1,250 / 100⌉ = 5 × 13 = 65 evacuation staff; ⌈1,250 / 100⌉ = 13 psychosocial workers.
    ("petugas_evakuasi", 65),
    ("pendamping_psikososial", 13),
    # ⌈1,250 / 434⌉ = 3 health workers (434 × 2 = 868 < 1,250 ≤ 1,302 = 434 × 3).
    ("tenaga_kesehatan", 3),
]


def quantity(inputs: NeedsInputs, code: str) -> Decimal:
    line = calculate(inputs, bundled_standards()).line(code)
    assert line is not None, f"{code} is not part of the result"
    return line.quantity


@pytest.mark.parametrize(("code", "expected"), CAMP_NEEDS)
def test_each_rule_gives_the_hand_worked_camp_figure(code, expected):
    assert quantity(CAMP, code) == expected


@pytest.mark.parametrize(("code", "expected"), CAMP_WITHOUT_KITCHEN_NEEDS)
def test_families_cooking_for_themselves_get_rice_and_side_dishes(code, expected):
    inputs = NeedsInputs(days=3, displaced=100, affected_people=150, affected_families=40, public_kitchen=False)
    assert quantity(inputs, code) == expected


@pytest.mark.parametrize(("code", "expected"), FLOOD_NEEDS)
def test_each_rule_gives_the_hand_worked_flood_figure(code, expected):
    assert quantity(FLOOD, code) == expected


def test_every_bundled_rule_has_a_hand_worked_example():
    worked = {code for code, _ in CAMP_NEEDS + CAMP_WITHOUT_KITCHEN_NEEDS}
    assert worked == {rule.code for rule in bundled_standards().rules}


def test_the_public_kitchen_choice_swaps_meals_for_side_dishes():
    with_kitchen = calculate(CAMP, bundled_standards())
    without = calculate(NeedsInputs(days=3, displaced=100, public_kitchen=False), bundled_standards())
    kitchen_only = {"makanan_siap_saji", "dapur_umum", "petugas_dapur_umum"}
    assert kitchen_only <= {line.code for line in (*with_kitchen.lines, *with_kitchen.personnel)}
    assert with_kitchen.line("lauk_pauk") is None
    assert all(without.line(code) is None for code in kitchen_only)
    assert without.line("lauk_pauk") is not None


def test_goods_and_personnel_are_listed_apart():
    result = calculate(CAMP, bundled_standards())
    assert {line.unit for line in result.personnel} == {"orang"}
    assert "orang" not in {line.unit for line in result.lines}
    assert [line.code for line in result.personnel] == [
        "petugas_dapur_umum",
        "petugas_evakuasi",
        "pendamping_psikososial",
        "tenaga_kesehatan",
    ]


@pytest.mark.parametrize(
    ("days", "latrines"),
    [
        # Up to 14 days, Sphere's first-phase ratio: ⌈100 / 50⌉ = 2.
        (14, 2),
        # From day 15 the longer-term ratio: ⌈100 / 20⌉ = 5.
        (15, 5),
    ],
)
def test_latrines_switch_to_one_per_twenty_after_fourteen_days(days, latrines):
    assert quantity(NeedsInputs(days=days, displaced=100), "jamban") == latrines


@pytest.mark.parametrize(
    ("days", "kits"),
    [
        # ⌈30 / 30⌉ = 1 month: one kit per household.
        (30, 40),
        # ⌈31 / 30⌉ = 2 months started: 40 × 2 = 80.
        (31, 80),
        # ⌈45 / 30⌉ = 2: 80.
        (45, 80),
    ],
)
def test_monthly_kits_are_handed_out_again_for_each_month_started(days, kits):
    assert (
        quantity(NeedsInputs(days=days, displaced=100, affected_people=150, affected_families=40), "paket_kebersihan")
        == kits
    )


@pytest.mark.parametrize(
    ("code", "group", "per_group"),
    [
        # One more person than a group holds starts a second group: ⌈(N + 1) / N⌉ = 2.
        ("titik_air", 250, 1),
        ("jamban", 50, 1),
        ("dapur_umum", 1000, 1),
        ("tenda_keluarga", 4, 1),
        ("petugas_dapur_umum", 1000, 10),
        ("petugas_evakuasi", 100, 5),
        ("pendamping_psikososial", 100, 1),
        ("tenaga_kesehatan", 434, 1),
    ],
)
def test_one_person_more_than_a_group_starts_the_next_group(code, group, per_group):
    assert quantity(NeedsInputs(days=1, displaced=group), code) == per_group
    assert quantity(NeedsInputs(days=1, displaced=group + 1), code) == 2 * per_group


def test_rice_is_rounded_up_to_whole_kilograms():
    # 0.4 kg × 101 × 3 = 121.2 kg, rounded up to 122 kg.
    assert quantity(NeedsInputs(days=3, displaced=101), "beras") == 122


def test_covered_space_is_rounded_up_to_whole_square_metres():
    # 3.5 m² × 101 = 353.5 m², rounded up to 354 m².
    assert quantity(NeedsInputs(days=1, displaced=101), "ruang_hunian") == 354


@pytest.mark.parametrize(
    ("value", "step", "rounded"),
    [
        (Decimal("121.2"), Decimal(1), Decimal(122)),
        (Decimal("121.2"), Decimal("0.1"), Decimal("121.2")),
        (Decimal("121.21"), Decimal("0.1"), Decimal("121.3")),
        (Decimal(120), Decimal(5), Decimal(120)),
        (Decimal(121), Decimal(5), Decimal(125)),
        (Decimal(0), Decimal(1), Decimal(0)),
    ],
)
def test_rounding_goes_up_to_the_next_multiple_of_the_step(value, step, rounded):
    assert round_up(value, step) == rounded


def test_a_rule_may_round_to_tenths_instead_of_whole_units():
    rule = {
        "code": "beras",
        "label": "Beras",
        "kind": "barang",
        "unit": "kg",
        "quantity": "0.333",
        "per": "displaced",
        "every_days": 1,
        "round_to": "0.1",
        "source": "uji",
    }
    standards = Standards(version=2, rules=parse_rules([rule]))
    # 0.333 kg × 10 × 1 day = 3.33 kg, rounded up to the next tenth: 3.4 kg.
    assert calculate(NeedsInputs(days=1, displaced=10), standards).line("beras").quantity == Decimal("3.4")


@pytest.mark.parametrize("days", [1, 365])
def test_nobody_affected_needs_nothing(days):
    result = calculate(NeedsInputs(days=days), bundled_standards())
    assert result.lines and result.personnel
    assert all(line.quantity == 0 for line in (*result.lines, *result.personnel))
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"displaced": 10_000_000}, "Jumlah pengungsi 10.000.000 tidak masuk akal: paling banyak 6.000.000."),
        ({"affected_people": MAX_PEOPLE + 1}, "Jumlah jiwa terdampak 6.000.001 tidak masuk akal"),
        ({"displaced": -1}, "Jumlah pengungsi tidak boleh negatif."),
        ({"elderly": -5}, "Jumlah lansia tidak boleh negatif."),
        ({"infants": 2.5}, "Jumlah bayi/balita harus bilangan bulat."),
        ({"disabled": True}, "Jumlah penyandang disabilitas harus bilangan bulat."),
        ({"days": 0}, "Lama rencana harus 1 sampai 365 hari."),
        ({"days": 366}, "Lama rencana harus 1 sampai 365 hari."),
        ({"days": 2.5}, "Lama rencana harus 1 sampai 365 hari."),
        (
            {"displaced": 10, "infants": 11},
            "Jumlah bayi/balita (11) melebihi jumlah jiwa terdampak atau mengungsi (10).",
        ),
        ({"affected_people": 10, "affected_families": 12}, "Jumlah KK terdampak (12) melebihi"),
    ],
)
def test_impossible_inputs_are_refused_with_a_clear_message(counts, message):
    with pytest.raises(NeedsError) as refused:
        NeedsInputs(**{"days": 3, **counts})
    assert any(problem.startswith(message) for problem in refused.value.problems), refused.value.problems


def test_every_problem_is_reported_at_once():
    with pytest.raises(NeedsError) as refused:
        NeedsInputs(days=0, displaced=-1, elderly=-2)
    assert len(refused.value.problems) == 3


def test_the_maximum_count_itself_is_accepted():
    assert quantity(NeedsInputs(days=1, displaced=MAX_PEOPLE), "selimut") == MAX_PEOPLE


def test_counts_not_yet_known_count_as_zero():
    inputs = NeedsInputs.from_counts({"displaced": 20, "affected_families": None, "infants": 3, "dead": 1}, days=2)
    assert (inputs.displaced, inputs.affected_families, inputs.infants, inputs.elderly) == (20, 0, 3, 0)
    assert inputs.days == 2 and inputs.public_kitchen


def test_households_missing_from_the_counts_are_pointed_out():
    result = calculate(NeedsInputs(days=3, displaced=100), bundled_standards())
    assert result.warnings == ("Jumlah KK terdampak belum diisi: kebutuhan per KK dihitung nol.",)
    assert result.line("paket_keluarga").quantity == 0


def test_people_missing_from_the_counts_are_pointed_out():
    result = calculate(NeedsInputs(days=3, affected_families=5), bundled_standards())
    assert result.warnings == ("Jumlah jiwa (terdampak atau mengungsi) belum diisi: kebutuhan per orang dihitung nol.",)
    assert result.line("paket_keluarga").quantity == 5


def test_complete_counts_raise_no_warning():
    assert calculate(CAMP, bundled_standards()).warnings == ()


def test_the_result_names_the_standards_version_it_used():
    standards = Standards(version=7, rules=bundled_standards().rules)
    assert calculate(CAMP, standards).standards_version == 7
    assert calculate(CAMP, bundled_standards()).standards_version == 1


def test_each_line_explains_its_rule_working_and_source_in_indonesian():
    water = calculate(CAMP, bundled_standards()).line("air_bersih")
    assert water.label == "Air minum dan keperluan rumah tangga"
    assert water.rule == "15 liter per pengungsi per hari"
    assert water.working == "15 liter × 100 pengungsi × 3 hari = 4.500 liter"
    assert water.amount == "4.500 liter"
    assert water.source.startswith("Sphere (2018), standar pasokan air 2.1")


def test_the_working_shows_groups_periods_and_rounding():
    result = calculate(
        NeedsInputs(days=45, displaced=101, affected_people=101, affected_families=30), bundled_standards()
    )
    assert result.line("jamban").rule == "1 unit per 50 pengungsi; per 20 pengungsi bila rencana lebih dari 14 hari"
    assert result.line("jamban").working == "1 unit × ⌈101 pengungsi ÷ 20⌉ = 6 unit"
    assert result.line("paket_kebersihan").working == "1 paket × 30 KK terdampak × ⌈45 hari ÷ 30⌉ = 60 paket"
    assert result.line("beras").working == "0,4 kg × 101 pengungsi × 45 hari = 1.818 kg"
    assert result.line("ruang_hunian").working == "3,5 m² × 101 pengungsi = 353,5 m²; dibulatkan ke atas: 354 m²"


def test_lines_are_written_in_english_for_english_readers():
    token = i18n.current_locale.set("en")
    try:
        result = calculate(CAMP, bundled_standards())
    finally:
        i18n.current_locale.reset(token)
    water = result.line("air_bersih")
    assert water.label == "Drinking and household water"
    assert water.rule == "15 litres per displaced person per day"
    assert water.working == "15 litres × 100 displaced people × 3 days = 4,500 litres"
    assert result.line("tenda_keluarga").rule == "1 unit per 4 displaced people"


def test_deliveries_show_what_is_still_missing_and_any_surplus_apart():
    result = calculate(CAMP, bundled_standards())
    rows = {
        row.code: row for row in compare_delivered(result, {"air_bersih": 5000, "beras": Decimal("50.5"), "genset": 2})
    }
    # Water: 4,500 L needed, 5,000 L delivered: nothing missing, 500 L surplus.
    assert (rows["air_bersih"].missing, rows["air_bersih"].surplus) == (0, 500)
    # Rice: 120 kg needed, 50.5 kg delivered: 69.5 kg missing.
    assert (rows["beras"].needed, rows["beras"].delivered, rows["beras"].missing, rows["beras"].surplus) == (
        120,
        Decimal("50.5"),
        Decimal("69.5"),
        0,
    )
    # Nothing delivered yet: all 100 blankets missing.
    assert (rows["selimut"].delivered, rows["selimut"].missing) == (0, 100)
    # Delivered but not in the standards: no need, all surplus, named by its code.
    assert (rows["genset"].label, rows["genset"].needed, rows["genset"].surplus) == ("genset", 0, 2)
    assert len(rows) == len(result.lines) + len(result.personnel) + 1


@pytest.mark.parametrize("amount", [-1, Decimal("-0.5"), 2.5, "10", Decimal("NaN")])
def test_a_delivery_must_be_a_number_of_zero_or_more(amount):
    with pytest.raises(NeedsError, match="Jumlah tersalur untuk beras"):
        compare_delivered(calculate(CAMP, bundled_standards()), {"beras": amount})


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_unit_and_every_group_of_people_can_be_written(locale):
    token = i18n.current_locale.set(locale)
    try:
        amounts = [words.amount(unit, Decimal(2)) for unit in Unit]
        counts = [words.people(population, 2) for population in Population]
    finally:
        i18n.current_locale.reset(token)
    assert all(text.startswith("2 ") and len(text) > 2 for text in amounts + counts)
    assert len(set(amounts)) == len(Unit) and len(set(counts)) == len(Population)
