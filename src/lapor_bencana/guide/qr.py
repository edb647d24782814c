"""QR codes as inline SVG (segno): crisp at any print size, no image file, no inline style."""

from __future__ import annotations

import segno
from markupsafe import Markup, escape


def qr_svg(text: str, label: str) -> Markup:
    """An accessible SVG QR code of ``text``; medium error correction survives a creased poster."""
    code = segno.make_qr(text, error="m")
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr", lineclass="qr-modules")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))
