"""Aid arithmetic without a database: quantities as typed, item codes, need / delivered / missing."""

from datetime import date
from decimal import Decimal

import pytest

from lapor_bencana.aid.deployments import personnel_summary
from lapor_bencana.aid.items import AidError, catalogue, other_code, parse_date, parse_quantity, resolve_item
from lapor_bencana.aid.panel import delivered_totals_of, fulfilment_rows
from lapor_bencana.needs.calculator import NeedsInputs, calculate
from lapor_bencana.needs.rules import Unit, bundled_standards

STANDARDS = bundled_standards()
ITEMS = catalogue(STANDARDS)


@pytest.mark.parametrize(
    ("typed", "unit", "expected"),
    [("25", Unit.KG, Decimal(25)), ("2,5", Unit.KG, Decimal("2.5")), (" 0.125 ", Unit.LITER, Decimal("0.125")),
     ("1000", Unit.PAKET, Decimal(1000)), ("1E2", Unit.UNIT, Decimal(100)), ("3.0", Unit.LEMBAR, Decimal(3))],
)
def test_quantities_are_read_as_typed_in_either_decimal_mark(typed, unit, expected):
    value = parse_quantity(typed, unit)
    assert value == expected and "E" not in str(value)


@pytest.mark.parametrize(
    ("typed", "unit", "message"),
    [("", Unit.KG, "Isi jumlah."), ("0", Unit.KG, "Jumlah harus lebih dari 0."), ("-1", Unit.KG, "Jumlah harus lebih dari 0."),
     ("NaN", Unit.KG, "Jumlah harus lebih dari 0."), ("Infinity", Unit.KG, "Jumlah harus lebih dari 0."),
     ("1.000,5", Unit.KG, "Jumlah harus angka, misalnya 25 atau 2,5."),
     ("10000001", Unit.LITER, "Jumlah 10000001 tidak masuk akal: periksa kembali angkanya."),
     ("0.0001", Unit.KG, "Jumlah paling banyak 3 angka di belakang koma."),
     ("1.5", Unit.PAKET, "Jumlah dalam paket harus bilangan bulat.")],
)
def test_zero_absurd_and_broken_quantities_are_refused(typed, unit, message):
    with pytest.raises(AidError) as refused:
        parse_quantity(typed, unit)
    assert refused.value.errors == {"quantity": message}


def test_dates_default_to_today_and_never_lie_in_the_future_or_before_the_incident():
    today = date(2026, 11, 27)
    assert parse_date("", today) == today and parse_date("2026-11-20", today) == date(2026, 11, 20)
    for typed, message in (("2026-11-28", "Tanggal tidak boleh di masa depan."),
                           ("2026-11-01", "Tanggal tidak boleh sebelum 2026-11-25."),
                           ("27/11/2026", "Tanggal tidak dikenal; tulis seperti 2026-11-27.")):
        with pytest.raises(AidError) as refused:
            parse_date(typed, today, earliest=date(2026, 11, 25))
        assert refused.value.errors == {"date": message}


def test_items_are_the_standards_goods_in_their_units_and_others_get_a_code_of_their_own():
    codes = {item.code: item.unit for item in ITEMS}
    assert codes["beras"] == Unit.KG and codes["air_bersih"] == Unit.LITER
    assert "petugas_evakuasi" not in codes  # personnel are called, not delivered
    assert other_code("Genset 5 kVA!") == "lain_genset_5_kva" and other_code("***") == ""
    assert len(other_code("x" * 200)) == 40
    errors: dict = {}
    item = resolve_item({"item": "lainnya", "item_name": "  Terpal   plastik ", "unit": "lembar"}, ITEMS, errors)
    assert (item.code, item.label, item.unit, errors) == ("lain_terpal_plastik", "Terpal plastik", Unit.LEMBAR, {})
    resolve_item({"item": "lainnya", "item_name": "", "unit": "ton"}, ITEMS, errors)
    assert errors == {"item_name": "Tulis nama barang lainnya.", "unit": "Pilih satuan."}


def test_still_missing_is_need_less_delivered_never_below_zero_and_exact():
    # 100 displaced for 3 days: 4,500 L of water, 120 kg of rice, 2 latrines (Sphere 1 per 50).
    needs = calculate(NeedsInputs(days=3, displaced=100, affected_families=25), STANDARDS)
    deliveries = [
        {"item_code": "air_bersih", "item_name": "Air", "unit": "liter", "quantity": Decimal("1000.1")},
        {"item_code": "air_bersih", "item_name": "Air", "unit": "liter", "quantity": Decimal("0.2")},
        {"item_code": "beras", "item_name": "Beras", "unit": "kg", "quantity": Decimal(150)},
        {"item_code": "lain_genset", "item_name": "Genset", "unit": "unit", "quantity": Decimal(1)},
    ]
    rows = {row.code: row for row in fulfilment_rows(needs, delivered_totals_of(deliveries), deliveries)}
    water, rice, latrines, genset = rows["air_bersih"], rows["beras"], rows["jamban"], rows["lain_genset"]
    assert (water.needed, water.delivered, water.missing) == (4500, Decimal("1000.3"), Decimal("3499.7"))
    assert (rice.needed, rice.missing, rice.surplus) == (120, 0, 30)
    assert (latrines.needed, latrines.delivered, latrines.missing) == (2, 0, 2)
    assert (genset.label, genset.unit, genset.needed, genset.missing) == ("Genset", "unit", 0, 0)
    assert (genset.amount(genset.delivered), genset.amount(Decimal(2))) == ("1 unit", "2 unit")
    assert "petugas_evakuasi" not in rows
    assert "paket_bayi" not in rows  # no infant counted, none delivered


def test_without_a_calculation_the_deliveries_still_show():
    deliveries = [{"item_code": "beras", "item_name": "Beras", "unit": "kg", "quantity": Decimal(5)}]
    [row] = fulfilment_rows(None, delivered_totals_of(deliveries), deliveries)
    assert (row.label, row.delivered, row.missing) == ("Beras", 5, 0)


def test_personnel_still_missing_counts_the_willing_and_the_arrived():
    answers = [{"response": r} for r in ("bersedia", "berangkat", "tiba", "selesai", "tidak_bisa")]
    summary = personnel_summary(5, answers)
    assert (summary.willing, summary.arrived, summary.missing) == (2, 1, 2)
    assert personnel_summary(1, answers).missing == 0
