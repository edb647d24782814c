"""The needs calculator: assessment counts and a planning horizon in, quantities out. No database.

Each rule gives ``quantity × ⌈people ÷ per_people⌉ × periods``, rounded up to a multiple of the
rule's ``round_to`` (see ``standards/v1.toml``). Group counts and periods are rounded up too: a
51st displaced person needs a second latrine, and a 31st day a second monthly kit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from lapor_bencana.i18n import gettext as _
from lapor_bencana.needs import words
from lapor_bencana.needs.rules import MAX_DAYS, Kind, NeedsError, Population, Rule, Standards, Unit

# More people than live in Indonesia's most populous regency (Kabupaten Bogor, under 6 million,
# BPS): any larger count for one regency's incident is a typing error.
MAX_PEOPLE = 6_000_000
VULNERABLE = (Population.INFANTS, Population.ELDERLY, Population.PREGNANT, Population.DISABLED)


@dataclass(frozen=True, slots=True)
class NeedsInputs:
    """Counts from the latest assessment, and the number of days to plan for."""

    days: int
    displaced: int = 0
    affected_people: int = 0
    affected_families: int = 0
    infants: int = 0
    elderly: int = 0
    pregnant: int = 0
    disabled: int = 0
    # Meals cooked by a public kitchen (dapur umum), or rice and side dishes for families to cook.
    public_kitchen: bool = True

    def __post_init__(self) -> None:
        problems = _count_problems(self) or _consistency_problems(self)
        if problems:
            raise NeedsError(problems)

    @classmethod
    def from_counts(cls, counts: Mapping[str, int | None], days: int, public_kitchen: bool = True) -> NeedsInputs:
        """From an assessment row or report JSON, where a count not yet known is None."""
        known = {population.value: counts.get(population.value) or 0 for population in Population}
        return cls(days=days, public_kitchen=public_kitchen, **known)

    def count(self, population: Population) -> int:
        return getattr(self, population.value)

    @property
    def people(self) -> int:
        """Everyone concerned: the displaced are usually, but not always, counted among the affected."""
        return max(self.displaced, self.affected_people)


def _count_problems(inputs: NeedsInputs) -> list[str]:
    problems = []
    if isinstance(inputs.days, bool) or not isinstance(inputs.days, int) or not 1 <= inputs.days <= MAX_DAYS:
        problems.append(_("Lama rencana harus 1 sampai %(max)s hari.", max=MAX_DAYS))
    for population in Population:
        value, field = inputs.count(population), _(words.COUNT_LABELS[population])
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(_("%(field)s harus bilangan bulat.", field=field))
        elif value < 0:
            problems.append(_("%(field)s tidak boleh negatif.", field=field))
        elif value > MAX_PEOPLE:
            problems.append(
                _(
                    "%(field)s %(count)s tidak masuk akal: paling banyak %(max)s.",
                    field=field,
                    count=words.number(value),
                    max=words.number(MAX_PEOPLE),
                )
            )
    return problems


def _consistency_problems(inputs: NeedsInputs) -> list[str]:
    # Only checked once people are counted: early reports often give families or groups alone.
    if inputs.people == 0:
        return []
    return [
        _(
            "%(field)s (%(count)s) melebihi jumlah jiwa terdampak atau mengungsi (%(people)s).",
            field=_(words.COUNT_LABELS[population]),
            count=words.number(inputs.count(population)),
            people=words.number(inputs.people),
        )
        for population in (Population.AFFECTED_FAMILIES, *VULNERABLE)
        if inputs.count(population) > inputs.people
    ]


@dataclass(frozen=True, slots=True)
class NeedLine:
    code: str
    label: str
    kind: Kind
    quantity: Decimal
    unit: Unit
    rule: str
    working: str
    source: str

    @property
    def amount(self) -> str:
        """The quantity with its unit, singular or plural as the language needs ("1 unit", "2 units")."""
        return words.amount(self.unit, self.quantity)


@dataclass(frozen=True, slots=True)
class NeedsResult:
    standards_version: int
    inputs: NeedsInputs
    lines: tuple[NeedLine, ...]
    personnel: tuple[NeedLine, ...]
    warnings: tuple[str, ...]

    def line(self, code: str) -> NeedLine | None:
        return next((line for line in (*self.lines, *self.personnel) if line.code == code), None)


def calculate(inputs: NeedsInputs, standards: Standards) -> NeedsResult:
    lines = [_need_line(rule, inputs) for rule in standards.rules if _applies(rule, inputs)]
    return NeedsResult(
        standards_version=standards.version,
        inputs=inputs,
        lines=tuple(line for line in lines if line.kind is Kind.BARANG),
        personnel=tuple(line for line in lines if line.kind is Kind.PERSONEL),
        warnings=tuple(_missing_count_warnings(inputs)),
    )


def _applies(rule: Rule, inputs: NeedsInputs) -> bool:
    return rule.public_kitchen is None or rule.public_kitchen == inputs.public_kitchen


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def round_up(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


@dataclass(frozen=True, slots=True)
class _Sum:
    people: int
    per_people: int
    exact: Decimal
    quantity: Decimal


def _work_out(rule: Rule, inputs: NeedsInputs) -> _Sum:
    people = inputs.count(rule.per)
    longer_term = rule.after_days is not None and inputs.days > rule.after_days
    per_people = rule.per_people_after if longer_term else rule.per_people
    periods = 1 if rule.every_days == 0 else _ceil_div(inputs.days, rule.every_days)
    exact = rule.quantity * _ceil_div(people, per_people) * periods
    return _Sum(people=people, per_people=per_people, exact=exact, quantity=round_up(exact, rule.round_to))


def _working(rule: Rule, days: int, sum_: _Sum) -> str:
    """The sum written out: "1 unit × ⌈101 pengungsi ÷ 50⌉ = 3 unit"."""
    counted = words.people(rule.per, sum_.people)
    factors = [words.amount(rule.unit, rule.quantity)]
    factors.append(counted if sum_.per_people == 1 else f"⌈{counted} ÷ {words.number(sum_.per_people)}⌉")
    if rule.every_days == 1:
        factors.append(words.days(days))
    elif rule.every_days > 1:
        factors.append(f"⌈{words.days(days)} ÷ {words.number(rule.every_days)}⌉")
    text = f"{' × '.join(factors)} = {words.amount(rule.unit, sum_.exact)}"
    if sum_.quantity != sum_.exact:
        text += "; " + _("dibulatkan ke atas: %(amount)s", amount=words.amount(rule.unit, sum_.quantity))
    return text


def _need_line(rule: Rule, inputs: NeedsInputs) -> NeedLine:
    sum_ = _work_out(rule, inputs)
    return NeedLine(
        code=rule.code,
        label=_(rule.label),
        kind=rule.kind,
        quantity=sum_.quantity,
        unit=rule.unit,
        rule=words.describe(rule),
        working=_working(rule, inputs.days, sum_),
        source=rule.source,
    )


def _missing_count_warnings(inputs: NeedsInputs) -> list[str]:
    others = any(inputs.count(population) for population in (Population.AFFECTED_FAMILIES, *VULNERABLE))
    if inputs.people == 0 and others:
        return [_("Jumlah jiwa (terdampak atau mengungsi) belum diisi: kebutuhan per orang dihitung nol.")]
    if inputs.people > 0 and inputs.affected_families == 0:
        return [_("Jumlah KK terdampak belum diisi: kebutuhan per KK dihitung nol.")]
    return []


@dataclass(frozen=True, slots=True)
class Fulfilment:
    """How far the deliveries meet one need. ``missing`` and ``surplus`` are never negative."""

    code: str
    label: str
    unit: Unit | None  # None for an item known only by its code
    needed: Decimal
    delivered: Decimal
    missing: Decimal
    surplus: Decimal

    def amount(self, quantity: Decimal) -> str:
        """One of its quantities with the unit, in the form the number takes ("1 unit", "2 units")."""
        return words.amount(self.unit, quantity) if self.unit else words.number(quantity)


def compare_delivered(
    result: NeedsResult,
    delivered: Mapping[str, Decimal | int],
    names: Mapping[str, tuple[str, Unit]] | None = None,
) -> tuple[Fulfilment, ...]:
    """Need, delivered and still missing per item; items delivered but not in the standards (say
    a generator, or an item an admin has since removed) follow with a need of zero, named by
    ``names`` (code → label and unit) or else by their code."""
    amounts = {code: _delivered_amount(code, value) for code, value in delivered.items()}
    lines = (*result.lines, *result.personnel)
    known = {line.code for line in lines}
    rows = [
        _fulfilment(line.code, line.label, line.unit, line.quantity, amounts.get(line.code, Decimal(0)))
        for line in lines
    ]
    names = names or {}
    rows += [
        _fulfilment(code, *names.get(code, (code, None)), Decimal(0), amount)
        for code, amount in amounts.items()
        if code not in known
    ]
    return tuple(rows)


def _delivered_amount(code: str, value: Decimal | int) -> Decimal:
    amount = Decimal(value) if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else None
    if amount is None or not amount.is_finite() or amount < 0:
        raise NeedsError([_("Jumlah tersalur untuk %(code)s harus angka 0 atau lebih.", code=code)])
    return amount


def _fulfilment(code: str, label: str, unit: Unit | None, needed: Decimal, delivered: Decimal) -> Fulfilment:
    return Fulfilment(
        code=code,
        label=label,
        unit=unit,
        needed=needed,
        delivered=delivered,
        missing=max(needed - delivered, Decimal(0)),
        surplus=max(delivered - needed, Decimal(0)),
    )
