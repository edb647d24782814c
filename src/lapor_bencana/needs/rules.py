"""Needs standards: one rule per item, validated the same way whether bundled or saved by an admin.

A rule reads: ``quantity`` ``unit`` for every ``per_people`` people counted by ``per``, every
``every_days`` days (0: once for the whole plan), rounded up to a multiple of ``round_to``.
``standards/v1.toml`` explains each field with the bundled defaults and their sources.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from lapor_bencana.i18n import N_
from lapor_bencana.i18n import gettext as _

STANDARDS_DIR = Path(__file__).resolve().parent / "standards"
BUNDLED_FILE = STANDARDS_DIR / "v1.toml"

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
MAX_LABEL_LENGTH = 120
MAX_SOURCE_LENGTH = 600
# Far above any real norm (the largest bundled one is 15 litres); catches a slipped digit.
MAX_QUANTITY = Decimal(10_000)
MAX_DECIMAL_PLACES = 3
MAX_PER_PEOPLE = 100_000
MAX_DAYS = 365


class NeedsError(ValueError):
    """Input or standards the calculator refuses; ``problems`` are sentences for the user."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


class Kind(StrEnum):
    BARANG = "barang"
    PERSONEL = "personel"


class Unit(StrEnum):
    LITER = "liter"
    KG = "kg"
    M2 = "m2"
    PAKET = "paket"
    LEMBAR = "lembar"
    UNIT = "unit"
    PORSI = "porsi"
    ORANG = "orang"
    TIM = "tim"


# Half a tent or half a volunteer cannot be delivered: these units only take whole numbers.
COUNTABLE_UNITS = frozenset({Unit.PAKET, Unit.LEMBAR, Unit.UNIT, Unit.PORSI, Unit.ORANG, Unit.TIM})


class Population(StrEnum):
    """Who a rule counts; the values are the assessment (and report API) field names."""

    DISPLACED = "displaced"
    AFFECTED_PEOPLE = "affected_people"
    AFFECTED_FAMILIES = "affected_families"
    INFANTS = "infants"
    ELDERLY = "elderly"
    PREGNANT = "pregnant"
    DISABLED = "disabled"


FIELD_LABELS = {
    "code": N_("Kode"),
    "label": N_("Nama"),
    "kind": N_("Jenis"),
    "unit": N_("Satuan"),
    "quantity": N_("Jumlah"),
    "per": N_("Dasar hitung"),
    "per_people": N_("Per berapa orang"),
    "every_days": N_("Diulang tiap berapa hari"),
    "round_to": N_("Pembulatan"),
    "public_kitchen": N_("Dapur umum"),
    "per_people_after": N_("Per berapa orang setelah batas hari"),
    "after_days": N_("Batas hari"),
    "source": N_("Sumber"),
}


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    label: str
    kind: Kind
    unit: Unit
    quantity: Decimal
    per: Population
    source: str
    per_people: int = 1
    every_days: int = 0
    round_to: Decimal = Decimal(1)
    # None: always; True: only when meals come from a public kitchen; False: only when they do not.
    public_kitchen: bool | None = None
    # A denser ratio once the plan runs longer than after_days (Sphere's latrines: 1:50, then 1:20).
    per_people_after: int | None = None
    after_days: int | None = None

    @property
    def whole(self) -> bool:
        return self.round_to == self.round_to.to_integral_value()

    def to_data(self) -> dict[str, Any]:
        """The rule as plain JSON/TOML values, the form :func:`parse_rules` reads back."""
        data: dict[str, Any] = {
            "code": self.code,
            "label": self.label,
            "kind": self.kind.value,
            "unit": self.unit.value,
            "quantity": str(self.quantity),
            "per": self.per.value,
            "per_people": self.per_people,
            "every_days": self.every_days,
            "round_to": str(self.round_to),
            "source": self.source,
        }
        optional = {
            "public_kitchen": self.public_kitchen,
            "per_people_after": self.per_people_after,
            "after_days": self.after_days,
        }
        data.update({key: value for key, value in optional.items() if value is not None})
        return data


@dataclass(frozen=True, slots=True)
class Standards:
    version: int
    rules: tuple[Rule, ...]


def parse_rules(raw_rules: Sequence[Mapping[str, Any]]) -> tuple[Rule, ...]:
    """Validates every rule and returns them all, or raises NeedsError listing every problem."""
    problems: list[str] = []
    rules: list[Rule] = []
    if not raw_rules:
        problems.append(_("Standar harus berisi paling sedikit satu aturan."))
    for number, raw in enumerate(raw_rules, start=1):
        if not isinstance(raw, Mapping):
            problems.append(_("Aturan %(n)s tidak berbentuk daftar kolom.", n=number))
            continue
        fields = _Fields(raw, _("Aturan %(n)s (%(code)s)", n=number, code=raw.get("code") or "?"))
        rule = fields.rule()
        problems.extend(fields.problems)
        if rule is not None:
            rules.append(rule)
    codes = [rule.code for rule in rules]
    for code in sorted({code for code in codes if codes.count(code) > 1}):
        problems.append(_("Kode %(code)s dipakai lebih dari satu aturan.", code=code))
    if problems:
        raise NeedsError(problems)
    return tuple(rules)


def standards_from_data(version: int, raw_rules: Sequence[Mapping[str, Any]]) -> Standards:
    return Standards(version=version, rules=parse_rules(raw_rules))


@cache
def bundled_standards() -> Standards:
    with BUNDLED_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return standards_from_data(data["version"], data["rules"])


def extract_labels(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor (see babel.cfg): the labels of a standards file are messages to translate."""
    text = fileobj.read().decode("utf-8")
    for rule in tomllib.loads(text)["rules"]:
        line = text.count("\n", 0, text.find(f'"{rule["label"]}"')) + 1
        yield line, None, rule["label"], []


class _Fields:
    """Reads one raw rule, collecting a sentence per problem instead of stopping at the first."""

    def __init__(self, raw: Mapping[str, Any], where: str):
        self.raw = raw
        self.where = where
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")

    def rule(self) -> Rule | None:
        for key in sorted(map(str, set(self.raw) - set(FIELD_LABELS))):
            self.fail(_("kolom %(key)s tidak dikenal.", key=key))
        values = {
            "code": self.code(),
            "label": self.text("label", MAX_LABEL_LENGTH),
            "kind": self.choice("kind", Kind),
            "unit": self.choice("unit", Unit),
            "quantity": self.decimal("quantity", None),
            "per": self.choice("per", Population),
            "source": self.text("source", MAX_SOURCE_LENGTH),
            "per_people": self.integer("per_people", 1, MAX_PER_PEOPLE, default=1),
            "every_days": self.integer("every_days", 0, MAX_DAYS, default=0),
            "round_to": self.decimal("round_to", Decimal(1)),
            "public_kitchen": self.flag("public_kitchen"),
            "per_people_after": self.integer("per_people_after", 1, MAX_PER_PEOPLE, default=None),
            "after_days": self.integer("after_days", 1, MAX_DAYS - 1, default=None),
        }
        if self.problems:
            return None
        self.check_combinations(values)
        return None if self.problems else Rule(**values)

    def check_combinations(self, values: dict[str, Any]) -> None:
        if values["unit"] in COUNTABLE_UNITS and values["round_to"] != values["round_to"].to_integral_value():
            self.fail(_("satuan %(unit)s dihitung utuh, jadi pembulatan harus bilangan bulat.", unit=values["unit"]))
        if (values["per_people_after"] is None) != (values["after_days"] is None):
            self.fail(
                _(
                    "%(a)s dan %(b)s diisi bersama atau dikosongkan bersama.",
                    a=self.name("per_people_after"),
                    b=self.name("after_days"),
                )
            )
        elif values["per_people_after"] is not None and values["per_people_after"] >= values["per_people"]:
            # A sparser ratio later would lower the plan as days are added; the peak need is what counts.
            self.fail(
                _("%(a)s harus lebih kecil dari %(b)s.", a=self.name("per_people_after"), b=self.name("per_people"))
            )

    def name(self, key: str) -> str:
        return _(FIELD_LABELS[key])

    def present(self, key: str) -> Any:
        value = self.raw.get(key)
        return None if value is None or value == "" else value

    def text(self, key: str, max_length: int) -> str:
        value = self.present(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(_("%(field)s wajib diisi.", field=self.name(key)))
            return ""
        if len(value.strip()) > max_length:
            self.fail(_("%(field)s paling panjang %(n)s karakter.", field=self.name(key), n=max_length))
        return value.strip()

    def code(self) -> str:
        value = self.text("code", 40)
        if value and not CODE_PATTERN.match(value):
            self.fail(_("kode hanya boleh huruf kecil, angka dan garis bawah, diawali huruf (2–40 karakter)."))
        return value

    def choice(self, key: str, choices: type[StrEnum]) -> Any:
        value = self.present(key)
        if isinstance(value, str):
            try:
                return choices(value)
            except ValueError:
                pass
        allowed = ", ".join(choice.value for choice in choices)
        self.fail(_("%(field)s harus salah satu dari: %(choices)s.", field=self.name(key), choices=allowed))
        return None

    def integer(self, key: str, low: int, high: int, default: int | None) -> int | None:
        value = self.present(key)
        if value is None:
            return default
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(
                _("%(field)s harus bilangan bulat %(low)s sampai %(high)s.", field=self.name(key), low=low, high=high)
            )
            return default
        return value

    def decimal(self, key: str, default: Decimal | None) -> Decimal:
        value = self.present(key)
        if value is None and default is not None:
            return default
        number = _to_decimal(value)
        if number is None or not 0 < number <= MAX_QUANTITY or -number.as_tuple().exponent > MAX_DECIMAL_PLACES:
            self.fail(
                _(
                    "%(field)s harus angka lebih dari 0 sampai %(high)s, paling banyak %(places)s angka di belakang titik desimal.",
                    field=self.name(key),
                    high=MAX_QUANTITY,
                    places=MAX_DECIMAL_PLACES,
                )
            )
            return Decimal(1)
        return number

    def flag(self, key: str) -> bool | None:
        value = self.present(key)
        if value is not None and not isinstance(value, bool):
            self.fail(_("%(field)s harus ya, tidak, atau dikosongkan.", field=self.name(key)))
            return None
        return value


def _to_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None
    try:
        # str() first: a TOML or JSON float 0.4 becomes Decimal("0.4"), not its binary approximation.
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    # "0.400" and "0.4" are one value; whole numbers keep a plain form ("100", never "1E+2").
    number = number.normalize()
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number
