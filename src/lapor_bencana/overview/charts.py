"""Small SVG charts drawn on the server: no JavaScript, nothing to download, printable.

Each chart is an ``<svg role="img">`` with a title and a description that says what it shows in
words; the page puts a table of the same numbers beside it. Colours and fonts come from classes in
app.css (the CSP allows no inline style).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

_ids = count(1)


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
    width, height, top, bottom, left = 640, 220, 24, 28, 8
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
            body.append(
                f'<text class="chart-label" x="{middle}" y="{height - 8}" text-anchor="middle">{escape(bar.short or bar.label)}</text>'
            )
    return _frame(width, height, title, description, body, "columns")


def bar_chart(bars: list[Bar], title: str, description: str) -> Markup:
    """Horizontal bars with their labels on the left, e.g. reports per hazard."""
    row, label_width, width, gap = 28, 220, 640, 6
    height = max(len(bars), 1) * row + gap
    room = width - label_width - 48
    highest = max((bar.value for bar in bars), default=0) or 1
    body = []
    for index, bar in enumerate(bars):
        y = gap + index * row
        long = room * bar.value / highest
        body.append(
            f'<text class="chart-label" x="{label_width - 8}" y="{y + row / 2 + 1}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(bar.label)}</text>"
            f'<rect class="chart-bar" x="{label_width}" y="{y + 3}" width="{_number(long)}" height="{row - 8}">'
            f"<title>{escape(bar.label)}: {bar.value}</title></rect>"
            f'<text class="chart-value" x="{_number(label_width + long + 6)}" y="{y + row / 2 + 1}" dominant-baseline="middle">{bar.value}</text>'
        )
    return _frame(width, height, title, description, body, "bars")
