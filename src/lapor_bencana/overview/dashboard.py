"""The dashboard's content: key figures and three charts, each with the table of its numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from markupsafe import Markup

from lapor_bencana import i18n
from lapor_bencana.i18n import gettext as _
from lapor_bencana.i18n import ngettext
from lapor_bencana.overview import charts, stats
from lapor_bencana.overview.mapdata import hazard_title
from lapor_bencana.regions import boundaries
from lapor_bencana.regions import service as regions
from lapor_bencana.regions.geometry import Shape


@dataclass(frozen=True)
class Figure:
    """A chart and the rows of its table alternative."""

    title: str
    svg: Markup
    rows: list[charts.Bar]
    total: int
    # The same figures shaded on a map, where the figure is per region and boundaries are imported.
    map: Markup | None = None


def _describe(bars: list[charts.Bar], what: str) -> str:
    total = sum(bar.value for bar in bars)
    if not total:
        return _("%(what)s: belum ada laporan.", what=what)
    top = max(bars, key=lambda bar: bar.value)
    return ngettext(
        "%(what)s: %(num)s laporan; terbanyak %(label)s (%(count)s).",
        "%(what)s: %(num)s laporan; terbanyak %(label)s (%(count)s).",
        total, what=what, label=top.label, count=top.value,
    )


def day_bars(days: list[tuple]) -> list[charts.Bar]:
    locale = i18n.current_locale.get()
    return [charts.Bar(format_date(day, "d MMM", locale=locale), value, short=format_date(day, "d/M", locale=locale)) for day, value in days]


def ranked(counts: dict[str, int], names: dict[str, str], unnamed: str) -> list[charts.Bar]:
    """Largest first; codes without a name keep their code, the empty code gets ``unnamed``."""
    bars = [charts.Bar(names.get(code) or (code or unnamed), value) for code, value in counts.items() if value]
    return sorted(bars, key=lambda bar: (-bar.value, bar.label))


def district_map(counts: dict[str, int], names: dict[str, str], shapes: dict[str, Shape]) -> Markup | None:
    """Reports per kecamatan shaded on the kecamatan's outlines; None before boundaries are imported."""
    if not shapes:
        return None
    areas = [charts.Area(names.get(code, code), counts.get(code, 0), shape.polygons) for code, shape in shapes.items()]
    title = _("Peta laporan per kecamatan")
    top = max(areas, key=lambda area: area.value)
    unplaced = counts.get(stats.NO_DISTRICT, 0)
    description = _(
        "Kecamatan diwarnai menurut jumlah laporan, makin gelap makin banyak; terbanyak %(label)s (%(count)s).",
        label=top.label, count=top.value,
    )
    if unplaced:
        description += " " + _("%(n)s laporan tanpa desa tidak tampak di peta.", n=unplaced)
    return charts.choropleth(areas, title, description, _("Tidak ada"))


async def build(days: int, zone: ZoneInfo, regency_code: str, moment: datetime | None = None) -> dict:
    per_day = day_bars(await stats.reports_per_day(days, zone, moment))
    hazards = await stats.reports_per_hazard(days, zone, moment)
    per_hazard = ranked(hazards, {code: hazard_title(code) for code in hazards}, _("Lainnya"))
    districts = await stats.reports_per_district(days, zone, moment)
    shapes = await boundaries.districts(regency_code)
    district_names = await regions.names((set(districts) | set(shapes)) - {stats.NO_DISTRICT})
    per_district = ranked(districts, district_names, _("Tanpa desa"))

    def figure(title: str, bars: list[charts.Bar], draw, shaded: Markup | None = None) -> Figure:
        return Figure(title, draw(bars, title, _describe(bars, title)), bars, sum(bar.value for bar in bars), shaded)

    return {
        "days": days,
        "periods": stats.PERIODS,
        "totals": await stats.totals(),
        "figures": [
            figure(_("Laporan per hari"), per_day, charts.column_chart),
            figure(_("Laporan per jenis bencana"), per_hazard, charts.bar_chart),
            figure(
                _("Laporan per kecamatan"), per_district, charts.bar_chart,
                district_map(districts, district_names, shapes),
            ),
        ],
    }
