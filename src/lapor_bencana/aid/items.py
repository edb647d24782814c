"""What can be delivered or stocked, and how quantities and dates typed into a form are read.

Items are the needs standards' goods (so that what was delivered can be set against what is
needed, in the same unit), plus items the standards do not list, coded ``lain_<name>``.
No database here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from lapor_bencana.i18n import gettext as _
from lapor_bencana.needs.rules import COUNTABLE_UNITS, Kind, Standards, Unit
from lapor_bencana.needs.words import UNIT_LABELS, amount

OTHER = "lainnya"
OTHER_PREFIX = "lain_"
# A month of water (15 L a day) for 20,000 people is 9 million litres: more in one record is a slip.
MAX_QUANTITY = Decimal(10_000_000)
MAX_DECIMAL_PLACES = 3
MAX_NAME_LENGTH = 120
OLDEST_DATE = date(2000, 1, 1)


class AidError(ValueError):
    """A record refused; ``errors`` maps a form field (or ``form``) to an Indonesian sentence."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    label: str  # as stored with a record: Indonesian for the standards' goods, as typed for others
    unit: Unit

    @property
    def name(self) -> str:
        return item_name(self.code, self.label)

    @property
    def unit_label(self) -> str:
        return _(UNIT_LABELS[self.unit])


def catalogue(standards: Standards) -> list[Item]:
    """The goods of the standards, in their order (personnel are called, not delivered)."""
    return [Item(rule.code, rule.label, rule.unit) for rule in standards.rules if rule.kind is Kind.BARANG]


def item_name(code: str, stored_name: str) -> str:
    """The name of a delivered or stocked item in the reader's language: the one path for every
    view of needs, deliveries and stock, so that a report never says "Rice" in one table and
    "Beras" in the next. Records keep the Indonesian name of the standards' goods (the catalogue's
    language); an item outside the standards keeps the name its recorder typed."""
    return stored_name if code.startswith(OTHER_PREFIX) else _(stored_name)


def other_code(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return (OTHER_PREFIX + slug)[:40].rstrip("_") if slug else ""


def resolve_item(data: Mapping[str, str], items: list[Item], errors: dict[str, str]) -> Item | None:
    """The chosen item: one of ``items``, or another one named in ``item_name`` with ``unit``."""
    code = (data.get("item") or "").strip()
    known = {item.code: item for item in items}
    if code in known:
        return known[code]
    if code != OTHER:
        errors["item"] = _("Pilih barang.")
        return None
    name = " ".join((data.get("item_name") or "").split())
    if not name:
        errors["item_name"] = _("Tulis nama barang lainnya.")
    elif len(name) > MAX_NAME_LENGTH:
        errors["item_name"] = _("Nama barang paling panjang %(n)s karakter.", n=MAX_NAME_LENGTH)
    elif not other_code(name):
        errors["item_name"] = _("Nama barang harus berisi huruf atau angka.")
    try:
        unit = Unit(data.get("unit") or "")
    except ValueError:
        errors["unit"] = _("Pilih satuan.")
        return None
    if "item_name" in errors:
        return None
    return Item(other_code(name), name, unit)


def parse_quantity(text: str | None, unit: Unit | None) -> Decimal:
    """A quantity above zero; the decimal mark may be a point or (as Indonesians write) a comma."""
    raw = (text or "").strip().replace(" ", "")
    if not raw:
        raise AidError({"quantity": _("Isi jumlah.")})
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise AidError({"quantity": _("Jumlah harus angka, misalnya 25 atau 2,5.")}) from None
    if not number.is_finite() or number <= 0:
        raise AidError({"quantity": _("Jumlah harus lebih dari 0.")})
    if number > MAX_QUANTITY:
        raise AidError({"quantity": _("Jumlah %(n)s tidak masuk akal: periksa kembali angkanya.", n=raw)})
    number = number.normalize()
    if -number.as_tuple().exponent > MAX_DECIMAL_PLACES:
        raise AidError({"quantity": _("Jumlah paling banyak %(n)s angka di belakang koma.", n=MAX_DECIMAL_PLACES)})
    if unit in COUNTABLE_UNITS and number != number.to_integral_value():
        raise AidError({"quantity": _("Jumlah dalam %(unit)s harus bilangan bulat.", unit=_(UNIT_LABELS[unit]))})
    # Plain form for whole numbers ("100", never "1E+2").
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number


def parse_date(text: str | None, today: date, earliest: date = OLDEST_DATE) -> date:
    raw = (text or "").strip()
    if not raw:
        return today
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise AidError({"date": _("Tanggal tidak dikenal; tulis seperti 2026-11-27.")}) from None
    if value > today:
        raise AidError({"date": _("Tanggal tidak boleh di masa depan.")})
    if value < earliest:
        raise AidError({"date": _("Tanggal tidak boleh sebelum %(date)s.", date=earliest.isoformat())})
    return value


def quantity_text(unit: str, value: Decimal) -> str:
    """"1.500 liter": the quantity with its unit, in the reader's language."""
    return amount(Unit(unit), value)
