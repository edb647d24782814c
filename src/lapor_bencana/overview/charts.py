"""Small SVG charts drawn on the server: no JavaScript, nothing to download, printable.

Each chart is an ``<svg role="img">`` with a title and a description that says what it shows in
words; the page puts a table of the same numbers beside it. Colours and fonts come from classes in
app.css (the CSP allows no inline style).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

_ids = count(1)
# Charts are drawn in the width of a 360 px phone's column (328 px): there one unit is at least a
# pixel, so text of 12 units is never drawn under 12 px. app.css lets a chart grow to twice that.
WIDTH = 320


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    # A shorter label for the axis of a column chart (a day's "27/11"); the label otherwise.
    short: str = ""


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _frame(width: int, height: int, title: str, description: str, body: list[str], kind: str) -> Markup:
    key = next(_ids)
    return Markup(
        f'<svg class="chart chart-{kind}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{key}-title chart-{key}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{key}-title">{escape(title)}</title><desc id="chart-{key}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def column_chart(bars: list[Bar], title: str, description: str, label_every: int = 7) -> Markup:
    """Vertical columns, e.g. reports per day; every ``label_every``-th column is labelled,
    counted back from the last (today), so labels never crowd each other."""
    width, height, top, bottom, left = WIDTH, 180, 20, 24, 4
    plot = height - top - bottom
    slot = (width - 2 * left) / max(len(bars), 1)
    highest = max((bar.value for bar in bars), default=0) or 1
    body = [f'<line class="chart-axis" x1="{left}" y1="{top + plot}" x2="{width - left}" y2="{top + plot}"/>']
    for index, bar in enumerate(bars):
        x = left + index * slot
        tall = plot * bar.value / highest
        y = top + plot - tall
        body.append(
            f'<rect class="chart-bar" x="{_number(x + slot * 0.15)}" y="{_number(y)}" '
            f'width="{_number(slot * 0.7)}" height="{_number(tall)}"><title>{escape(bar.label)}: {bar.value}</title></rect>'
        )
        middle = _number(x + slot / 2)
        if bar.value:
            body.append(f'<text class="chart-value" x="{middle}" y="{_number(y - 4)}" text-anchor="middle">{bar.value}</text>')
        if (len(bars) - 1 - index) % label_every == 0:
            # Labels under the first and last columns are held inside the chart, which clips them.
            anchor, at = "middle", middle
            if index == 0:
                anchor, at = "start", left
            elif index == len(bars) - 1:
                anchor, at = "end", width - left
            body.append(
                f'<text class="chart-label" x="{at}" y="{height - 8}" text-anchor="{anchor}">{escape(bar.short or bar.label)}</text>'
            )
    return _frame(width, height, title, description, body, "columns")


def bar_chart(bars: list[Bar], title: str, description: str) -> Markup:
    """Horizontal bars, each under its label (a phone has no room for labels beside the bars),
    e.g. reports per hazard."""
    row, bar_top, bar_height, width, gap = 40, 18, 16, WIDTH, 4
    height = max(len(bars), 1) * row + gap
    room = width - 40
    highest = max((bar.value for bar in bars), default=0) or 1
    body = []
    for index, bar in enumerate(bars):
        y = gap + index * row
        long = room * bar.value / highest
        body.append(
            # 2 units in: a letter such as "J" reaches left of its origin, and the SVG clips it.
            f'<text class="chart-label" x="2" y="{y + 13}">{escape(bar.label)}</text>'
            f'<rect class="chart-bar" x="0" y="{y + bar_top}" width="{_number(long)}" height="{bar_height}">'
            f"<title>{escape(bar.label)}: {bar.value}</title></rect>"
            f'<text class="chart-value" x="{_number(long + 6)}" y="{y + bar_top + bar_height / 2 + 1}" dominant-baseline="middle">{bar.value}</text>'
        )
    return _frame(width, height, title, description, body, "bars")


@dataclass(frozen=True)
class Area:
    """One region of a choropleth: its figure and its outline (polygons of rings of latitude,
    longitude pairs, as regions.geometry.Shape holds them)."""

    label: str
    value: int
    polygons: tuple


SHADES = 4


def shade_ranges(highest: int) -> list[tuple[int, int, int]]:
    """(shade, lowest, highest value) of each non-empty shade 1..SHADES; 0 has shade 0."""
    ranges = []
    for shade in range(1, SHADES + 1):
        low, high = highest * (shade - 1) // SHADES + 1, highest * shade // SHADES
        if low <= high:
            ranges.append((shade, low, high))
    return ranges


def _shade(value: int, ranges: list[tuple[int, int, int]]) -> int:
    return next((shade for shade, _low, high in ranges if value <= high), 0) if value else 0


def choropleth(areas: list[Area], title: str, description: str, zero_label: str) -> Markup:
    """The areas on a map, each shaded by its figure and labelled with its name and figure, with a
    legend of the shades below. The projection is equirectangular around the areas' middle
    latitude: true enough in shape for a regency."""
    width, pad, legend_row = WIDTH, 6, 24
    points = [point for area in areas for polygon in area.polygons for ring in polygon for point in ring]
    if not points:
        return _frame(width, legend_row, title, description, [], "map")
    min_lat, max_lat = min(p[0] for p in points), max(p[0] for p in points)
    min_lon, max_lon = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = (width - 2 * pad) / max((max_lon - min_lon) * squeeze, 1e-9)
    plot_height = (max_lat - min_lat) * scale

    def xy(lat: float, lon: float) -> str:
        return f"{_number((lon - min_lon) * squeeze * scale + pad)},{_number((max_lat - lat) * scale + pad)}"

    ranges = shade_ranges(max((area.value for area in areas), default=0))
    body, labels = [], []
    for area in areas:
        path = " ".join("M" + " L".join(xy(lat, lon) for lat, lon in ring) + " Z" for polygon in area.polygons for ring in polygon)
        body.append(
            f'<path class="chart-area chart-shade-{_shade(area.value, ranges)}" d="{path}" fill-rule="evenodd">'
            f"<title>{escape(area.label)}: {area.value}</title></path>"
        )
        outer = max((polygon[0] for polygon in area.polygons), key=len)
        x, y = xy(sum(p[0] for p in outer) / len(outer), sum(p[1] for p in outer) / len(outer)).split(",")
        labels.append(
            f'<text class="chart-area-label" x="{x}" y="{y}" text-anchor="middle">{escape(area.label)}'
            f'<tspan class="chart-value" x="{x}" dy="14">{area.value}</tspan></text>'
        )
    top = plot_height + 2 * pad
    legend = [(0, zero_label)] + [(shade, f"{low}–{high}" if low != high else str(low)) for shade, low, high in ranges]
    # The legend in two columns: five entries side by side do not fit a phone.
    for index, (shade, text) in enumerate(legend):
        x, y = pad + (index % 2) * (width // 2), top + (index // 2) * legend_row
        body.append(
            f'<rect class="chart-area chart-shade-{shade}" x="{x}" y="{_number(y + 4)}" width="18" height="16"/>'
            f'<text class="chart-label" x="{x + 24}" y="{_number(y + 17)}">{escape(text)}</text>'
        )
    rows = (len(legend) + 1) // 2
    return _frame(width, round(top + rows * legend_row), title, description, body + labels, "map")
