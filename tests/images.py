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


# What a phone or an editor may hide in a photo: the owner's name and number.
SECRET = b"Pemilik: Budi Santoso HP 081234567890"


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def swapped_profile(secret: bytes = SECRET) -> bytes:
    """An RGB colour profile whose red and blue primaries are swapped, with ``secret`` appended:
    pure red pixels tagged with it are really blue, and its bytes carry text."""
    from PIL import ImageCms

    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", profile[128:132])[0]
    entries = {bytes(profile[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = entries[b"rXYZ"] + 4, entries[b"bXYZ"] + 4
    profile[red : red + 4], profile[blue : blue + 4] = profile[blue : blue + 4], profile[red : red + 4]
    profile += secret
    profile[0:4] = struct.pack(">I", len(profile))
    return bytes(profile)


def jpeg_with_metadata(secret: bytes = SECRET, width: int = 400, height: int = 300) -> bytes:
    """A JPEG carrying ``secret`` in a comment, EXIF, XMP (APP1), IPTC (APP13), an ICC profile
    (APP2) and an unknown application segment (APP9)."""
    exif = Image.Exif()
    exif[Base.Artist] = secret.decode()
    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 0, 0)).save(
        out, format="JPEG", exif=exif.tobytes(), icc_profile=swapped_profile(secret)
    )
    data = out.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><dc:creator>" + secret + b"</dc:creator></x:xmpmeta>"
    iptc_record = b"\x1c\x02\x50" + struct.pack(">H", len(secret)) + secret  # 2:80 By-line
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc_record)) + iptc_record
    extra = _segment(0xFE, secret) + _segment(0xE1, xmp) + _segment(0xED, iptc) + _segment(0xE9, secret)
    return data[:2] + extra + data[2:]


def png_with_metadata(secret: bytes = SECRET) -> bytes:
    """A PNG carrying ``secret`` in tEXt, iTXt and zTXt chunks, an eXIf chunk and an iCCP profile."""
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", secret.decode())
    text.add_itxt("XML:com.adobe.xmp", secret.decode())
    text.add_text("Author", secret.decode(), zip=True)
    exif = Image.Exif()
    exif[Base.Artist] = secret.decode()
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (255, 0, 0)).save(
        out, format="PNG", pnginfo=text, exif=exif.tobytes(), icc_profile=swapped_profile(secret)
    )
    return out.getvalue()


def _with_exif_and_xmp(image_format: str, secret: bytes) -> bytes:
    exif = Image.Exif()
    exif[Base.Artist] = secret.decode()
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (255, 0, 0)).save(
        out, format=image_format, exif=exif.tobytes(), xmp=b"<x:xmpmeta>" + secret + b"</x:xmpmeta>",
        icc_profile=swapped_profile(secret),
    )
    return out.getvalue()


def webp_with_metadata(secret: bytes = SECRET) -> bytes:
    return _with_exif_and_xmp("WEBP", secret)


def heic_with_metadata(secret: bytes = SECRET) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    return _with_exif_and_xmp("HEIF", secret)


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments up to the image data (0xE0 is APP0, 0xFE a comment)."""
    markers, offset = [], 2
    while offset + 4 <= len(data) and data[offset] == 0xFF:
        marker = data[offset + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        offset += 2 + struct.unpack(">H", data[offset + 2 : offset + 4])[0]
    return markers
