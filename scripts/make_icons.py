"""Draws the app icons committed under static/icons (run again only to change their look)."""

from pathlib import Path

from PIL import Image, ImageDraw

RED = (183, 28, 28)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def draw(size: int, content_scale: float, rounded: bool) -> Image.Image:
    scale = 4  # draw large, then shrink, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if rounded:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=RED)
    else:
        pen.rectangle((0, 0, big, big), fill=RED)
    # A warning triangle with an exclamation mark, centred and kept inside the safe zone.
    c, r = big / 2, big * content_scale / 2
    top, bottom = c - r * 0.95, c + r * 0.75
    pen.polygon([(c, top), (c + r, bottom), (c - r, bottom)], fill=WHITE)
    bar_w = r * 0.16
    pen.rounded_rectangle((c - bar_w / 2, top + r * 0.55, c + bar_w / 2, bottom - r * 0.55), radius=bar_w / 2, fill=RED)
    dot = r * 0.1
    pen.ellipse((c - dot, bottom - r * 0.4, c + dot, bottom - r * 0.2), fill=RED)
    return image.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, 0.8, rounded=True).save(OUT / "icon-192.png", optimize=True)
    draw(512, 0.8, rounded=True).save(OUT / "icon-512.png", optimize=True)
    # Maskable icons are cropped to a circle of 80% diameter: full-bleed background, smaller mark.
    draw(512, 0.55, rounded=False).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180, 0.6, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
