"""How quantities, people and days are written, in the reader's language.

English needs singular and plural forms where Indonesian has one, hence ``ngettext`` per unit and
per group of people (a message per form, so that the catalogue can be translated as a whole).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from babel.numbers import get_decimal_symbol, get_group_symbol

from lapor_bencana.i18n import N_, current_locale, ngettext
from lapor_bencana.i18n import gettext as _
from lapor_bencana.needs.rules import Population, Rule, Unit

UNIT_LABELS = {
    Unit.LITER: N_("liter"),
    Unit.KG: N_("kg"),
    Unit.M2: N_("m²"),
    Unit.PAKET: N_("paket"),
    Unit.LEMBAR: N_("lembar"),
    Unit.UNIT: N_("unit"),
    Unit.PORSI: N_("porsi"),
    Unit.ORANG: N_("orang"),
    Unit.TIM: N_("tim"),
}

_AMOUNTS = {
    Unit.LITER: lambda n, num: ngettext("%(num)s liter", "%(num)s liter", n, num=num),
    Unit.KG: lambda n, num: ngettext("%(num)s kg", "%(num)s kg", n, num=num),
    Unit.M2: lambda n, num: ngettext("%(num)s m²", "%(num)s m²", n, num=num),
    Unit.PAKET: lambda n, num: ngettext("%(num)s paket", "%(num)s paket", n, num=num),
    Unit.LEMBAR: lambda n, num: ngettext("%(num)s lembar", "%(num)s lembar", n, num=num),
    Unit.UNIT: lambda n, num: ngettext("%(num)s unit", "%(num)s unit", n, num=num),
    Unit.PORSI: lambda n, num: ngettext("%(num)s porsi", "%(num)s porsi", n, num=num),
    Unit.ORANG: lambda n, num: ngettext("%(num)s orang", "%(num)s orang", n, num=num),
    Unit.TIM: lambda n, num: ngettext("%(num)s tim", "%(num)s tim", n, num=num),
}

# The name of each count in an assessment form and in error messages.
COUNT_LABELS = {
    Population.DISPLACED: N_("Jumlah pengungsi"),
    Population.AFFECTED_PEOPLE: N_("Jumlah jiwa terdampak"),
    Population.AFFECTED_FAMILIES: N_("Jumlah KK terdampak"),
    Population.INFANTS: N_("Jumlah bayi/balita"),
    Population.ELDERLY: N_("Jumlah lansia"),
    Population.PREGNANT: N_("Jumlah ibu hamil"),
    Population.DISABLED: N_("Jumlah penyandang disabilitas"),
}

_PER_ONE = {
    Population.DISPLACED: N_("per pengungsi"),
    Population.AFFECTED_PEOPLE: N_("per jiwa terdampak"),
    Population.AFFECTED_FAMILIES: N_("per KK terdampak"),
    Population.INFANTS: N_("per bayi/balita"),
    Population.ELDERLY: N_("per lansia"),
    Population.PREGNANT: N_("per ibu hamil"),
    Population.DISABLED: N_("per penyandang disabilitas"),
}

_PEOPLE = {
    Population.DISPLACED: lambda n, num: ngettext("%(num)s pengungsi", "%(num)s pengungsi", n, num=num),
    Population.AFFECTED_PEOPLE: lambda n, num: ngettext("%(num)s jiwa terdampak", "%(num)s jiwa terdampak", n, num=num),
    Population.AFFECTED_FAMILIES: lambda n, num: ngettext("%(num)s KK terdampak", "%(num)s KK terdampak", n, num=num),
    Population.INFANTS: lambda n, num: ngettext("%(num)s bayi/balita", "%(num)s bayi/balita", n, num=num),
    Population.ELDERLY: lambda n, num: ngettext("%(num)s lansia", "%(num)s lansia", n, num=num),
    Population.PREGNANT: lambda n, num: ngettext("%(num)s ibu hamil", "%(num)s ibu hamil", n, num=num),
    Population.DISABLED: lambda n, num: ngettext(
        "%(num)s penyandang disabilitas", "%(num)s penyandang disabilitas", n, num=num
    ),
}


@cache
def _separators(locale: str) -> dict[int, str]:
    return str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})


def number(value: Decimal | int) -> str:
    """``4.500`` and ``0,4`` in Indonesian, ``4,500`` and ``0.4`` in English; never rounded.

    Babel's ``format_decimal`` costs about 75 µs a call and one result writes some hundred
    numbers, so only the locale's separators come from Babel."""
    return f"{Decimal(value).normalize():,f}".translate(_separators(current_locale.get()))


def _plural_n(value: Decimal | int) -> int:
    # Plural rules take whole numbers; 0.4 kg reads like any amount other than one.
    return 1 if value == 1 else 2


def amount(unit: Unit, value: Decimal | int) -> str:
    return _AMOUNTS[unit](_plural_n(value), number(value))


def people(population: Population, count: int) -> str:
    return _PEOPLE[population](_plural_n(count), number(count))


def days(count: int) -> str:
    return ngettext("%(num)s hari", "%(num)s hari", _plural_n(count), num=number(count))


def _per_people(population: Population, per_people: int) -> str:
    if per_people == 1:
        return _(_PER_ONE[population])
    return _("per %(people)s", people=people(population, per_people))


def describe(rule: Rule) -> str:
    """The rule in words: "15 liter per pengungsi per hari"."""
    text = f"{amount(rule.unit, rule.quantity)} {_per_people(rule.per, rule.per_people)}"
    if rule.every_days == 1:
        text += " " + _("per hari")
    elif rule.every_days > 1:
        text += " " + _("per %(days)s", days=days(rule.every_days))
    if rule.per_people_after is not None and rule.after_days is not None:
        later = _per_people(rule.per, rule.per_people_after)
        text += "; " + _("%(ratio)s bila rencana lebih dari %(days)s", ratio=later, days=days(rule.after_days))
    return text
