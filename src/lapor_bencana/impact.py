"""The impact figures of a disaster, shared by reports (what a resident saw) and rapid
assessments (what an officer counted). Names follow contract.md; the people/house split follows
BNPB's DIBI records (see shared domain notes).

:data:`FIGURES` is the one list of them: every view that shows figures iterates it (filtered by
:func:`figures_in`), so a figure saved but shown nowhere cannot happen silently
(``tests/test_figures_everywhere.py`` renders every view and fails on a missing one).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from babel.numbers import format_decimal
from piccolo.columns import Integer

from lapor_bencana.i18n import N_, current_locale, ngettext


class View(StrEnum):
    """Where figures are shown."""

    # A resident's report: the report form, the desk's report page and the reports export.
    REPORT = "report"
    # The assessment form, "Angka terkini" (desk and field incident pages) and the assessment history.
    ASSESSMENT = "assessment"
    # The situation report, HTML and PDF, per incident and the regency's totals.
    SITREP = "sitrep"
    TRANSPARENCY = "transparency"
    # The incidents export, CSV and XLSX.
    EXPORT = "export"
    # The public incidents API, JSON and GeoJSON.
    API = "api"
    CAP = "cap"
    # The desk dashboard's headline sums over open incidents.
    DASHBOARD = "dashboard"


class Unit(StrEnum):
    PEOPLE = "orang"
    FAMILIES = "kk"
    BUILDINGS = "unit"


# One message per form for English plurals (the same messages as the needs' units where they match).
_AMOUNTS = {
    Unit.PEOPLE: lambda n, num: ngettext("%(num)s orang", "%(num)s orang", n, num=num),
    Unit.FAMILIES: lambda n, num: ngettext("%(num)s KK", "%(num)s KK", n, num=num),
    Unit.BUILDINGS: lambda n, num: ngettext("%(num)s unit", "%(num)s unit", n, num=num),
}


@dataclass(frozen=True)
class FigureField:
    name: str
    label: str  # Indonesian, translated where shown
    unit: Unit
    views: frozenset[View]

    def amount(self, value: int) -> str:
        """``13.825 orang`` in Indonesian, ``13,825 people`` in English."""
        return _AMOUNTS[self.unit](1 if value == 1 else 2, format_decimal(value, locale=current_locale.get()))


# The views of every assessed figure; residents report the REPORTED ones too; HEADLINE ones are
# also summed on the dashboard.
ASSESSED = frozenset(View) - {View.REPORT, View.DASHBOARD}
REPORTED = ASSESSED | {View.REPORT}
HEADLINE = REPORTED | {View.DASHBOARD}

FIGURES: tuple[FigureField, ...] = (
    FigureField("dead", N_("Meninggal"), Unit.PEOPLE, HEADLINE),
    FigureField("missing", N_("Hilang"), Unit.PEOPLE, REPORTED),
    FigureField("injured", N_("Luka-luka"), Unit.PEOPLE, REPORTED),
    FigureField("displaced", N_("Mengungsi"), Unit.PEOPLE, HEADLINE),
    FigureField("affected_families", N_("Keluarga terdampak (KK)"), Unit.FAMILIES, HEADLINE),
    FigureField("affected_people", N_("Jiwa terdampak"), Unit.PEOPLE, HEADLINE),
    FigureField("houses_heavily_damaged", N_("Rumah rusak berat"), Unit.BUILDINGS, REPORTED),
    FigureField("houses_moderately_damaged", N_("Rumah rusak sedang"), Unit.BUILDINGS, REPORTED),
    FigureField("houses_lightly_damaged", N_("Rumah rusak ringan"), Unit.BUILDINGS, REPORTED),
    # Counted by officers only: a resident cannot know the facilities of a whole village.
    # For a flood, the headline figure.
    FigureField("houses_flooded", N_("Rumah terendam"), Unit.BUILDINGS, ASSESSED | {View.DASHBOARD}),
    FigureField("schools_damaged", N_("Sekolah rusak"), Unit.BUILDINGS, ASSESSED),
    FigureField("health_facilities_damaged", N_("Fasilitas kesehatan rusak"), Unit.BUILDINGS, ASSESSED),
    FigureField("worship_places_damaged", N_("Rumah ibadah rusak"), Unit.BUILDINGS, ASSESSED),
    FigureField("public_facilities_damaged", N_("Fasilitas umum lain rusak"), Unit.BUILDINGS, ASSESSED),
    FigureField("infants", N_("Bayi dan balita"), Unit.PEOPLE, REPORTED),
    FigureField("elderly", N_("Lansia"), Unit.PEOPLE, REPORTED),
    FigureField("pregnant", N_("Ibu hamil"), Unit.PEOPLE, REPORTED),
    FigureField("disabled", N_("Penyandang disabilitas"), Unit.PEOPLE, REPORTED),
)
FIGURES_BY_NAME = {figure.name: figure for figure in FIGURES}


def figures_in(view: View) -> tuple[FigureField, ...]:
    return tuple(figure for figure in FIGURES if view in figure.views)


# The counts a resident may report (the columns of ImpactCounts), and their validation limits.
COUNT_FIELDS = tuple(figure.name for figure in figures_in(View.REPORT))
PEOPLE_COUNTS = tuple(figure.name for figure in figures_in(View.REPORT) if figure.unit != Unit.BUILDINGS)
HOUSE_COUNTS = tuple(figure.name for figure in figures_in(View.REPORT) if figure.unit == Unit.BUILDINGS)


class ImpactCounts:
    """Piccolo copies these columns into each table that inherits this mixin.

    ``None`` means "not known", which is different from 0 ("counted, none").
    """

    dead = Integer(null=True, default=None)
    missing = Integer(null=True, default=None)
    injured = Integer(null=True, default=None)
    displaced = Integer(null=True, default=None)
    affected_families = Integer(null=True, default=None)
    affected_people = Integer(null=True, default=None)
    houses_heavily_damaged = Integer(null=True, default=None)
    houses_moderately_damaged = Integer(null=True, default=None)
    houses_lightly_damaged = Integer(null=True, default=None)
    infants = Integer(null=True, default=None)
    elderly = Integer(null=True, default=None)
    pregnant = Integer(null=True, default=None)
    disabled = Integer(null=True, default=None)
