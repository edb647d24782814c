"""Test images made on the fly: real JPEG/PNG bytes, optionally with EXIF GPS and orientation."""

from __future__ import annotations

import io
import struct
import zlib
from fractions import Fraction

from PIL import Image
from PIL.ExifTags import GPS, IFD, Base


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = Fraction(round((minutes_full - minutes) * 60 * 1000), 1000)
    return Fraction(degrees), Fraction(minutes), seconds


def jpeg(
    width: int = 800,
    height: int = 600,
    colour=(200, 60, 40),
    gps: tuple[float, float] | None = None,
    orientation: int | None = None,
    owner: str | None = None,
) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    # A dark stripe at the top makes orientation visible in the pixels.
    image.paste((0, 0, 0), (0, 0, width, max(1, height // 10)))
    exif = Image.Exif()
    if owner:
        exif[Base.Artist] = owner
    if orientation:
        exif[Base.Orientation] = orientation
    if gps:
        latitude, longitude = gps
        exif.get_ifd(IFD.GPSInfo).update(
            {
                GPS.GPSLatitudeRef: "S" if latitude < 0 else "N",
                GPS.GPSLatitude: _dms(abs(latitude)),
                GPS.GPSLongitudeRef: "W" if longitude < 0 else "E",
                GPS.GPSLongitude: _dms(abs(longitude)),
            }
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png_with_alpha(width: int = 64, height: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 255, 100)).save(out, format="PNG")
    return out.getvalue()


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A tiny file that claims 400 megapixels: only the header and a short compressed body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 16)  # a few rows; the decoder must never get there
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
