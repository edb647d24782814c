"""Photo intake: trust the decoded pixels, never the file name or the declared type.

Every accepted photo is decoded, checked for size and pixel count (decompression bombs are
refused before the pixels are read), turned upright, converted to sRGB, shrunk, and re-encoded
as JPEG from its pixels alone — so nothing the phone or an editor wrote beside the pixels (EXIF
owner and serial, JPEG comments, XMP, IPTC, PNG text chunks, the colour profile's own text)
leaves here. The GPS position is read first, because a report without coordinates may use it.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from PIL.ExifTags import GPS, IFD
from pillow_heif import register_heif_opener

from lapor_bencana.i18n import gettext as _

# iPhones take HEIC; pillow-heif teaches Pillow to decode it.
register_heif_opener()

MAX_PHOTOS = 5
MAX_BYTES = 10 * 1024 * 1024
# 40 megapixels is more than any phone camera takes; a larger image is a bomb or a scan.
MAX_PIXELS = 40_000_000
LONGEST_SIDE = 1600
THUMB_SIDE = 320
JPEG_QUALITY = 82
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO", "HEIF"}
# Stored photos carry no colour profile (it is metadata too, and may hold text), and a browser
# shows an untagged JPEG as sRGB: so the pixels are converted into sRGB first.
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class PhotoRejected(ValueError):
    pass


@dataclass(frozen=True)
class ProcessedPhoto:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    gps: tuple[float, float] | None


def process(data: bytes) -> ProcessedPhoto:
    if len(data) > MAX_BYTES:
        raise PhotoRejected(_("Foto terlalu besar (paling besar 10 MB)."))
    image = _open(data)
    gps = gps_position(image)
    try:
        image = _flatten(_in_srgb(ImageOps.exif_transpose(image)))
        image.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.LANCZOS)
        image = _pixels_only(image)
        jpeg = _encode(image)
        image.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.LANCZOS)
        thumbnail = _encode(image)
    except (OSError, ValueError, SyntaxError) as error:
        raise PhotoRejected(_("Foto rusak atau tidak lengkap.")) from error
    width, height = Image.open(io.BytesIO(jpeg)).size
    return ProcessedPhoto(jpeg, thumbnail, width, height, hashlib.sha256(jpeg).hexdigest(), gps)


def _open(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoRejected(_("Jenis berkas tidak didukung. Kirim foto JPEG, PNG, WebP atau HEIC."))
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRejected(_("Ukuran gambar terlalu besar."))
            image.load()
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(_("Ukuran gambar terlalu besar.")) from None
    except UnidentifiedImageError:
        raise PhotoRejected(_("Berkas ini bukan foto.")) from None
    except (OSError, ValueError, SyntaxError):
        raise PhotoRejected(_("Foto rusak atau tidak lengkap.")) from None
    return image


def _in_srgb(image: Image.Image) -> Image.Image:
    """The image in sRGB when it carries a usable RGB or CMYK colour profile; as it is otherwise."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken or mismatched profile: the pixels are still a photo, shown as if sRGB.
        return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding the pixels and nothing else.

    Pillow keeps what the decoder found in ``info`` through convert and resize, and its encoders
    write some of it back (a JPEG comment survives re-encoding): stripping names one by one would
    miss the next one, so the encoders never see the decoded image.
    """
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def without_metadata(jpeg: bytes) -> bytes:
    """``jpeg`` without its comments and application segments (JFIF's header excepted), the
    compressed pixels untouched: for files stored before ``process`` dropped every kind of
    metadata. Anything but a well-formed JPEG comes back as it was."""
    if jpeg[:2] != b"\xff\xd8":
        return jpeg
    kept, offset = [jpeg[:2]], 2
    while offset + 4 <= len(jpeg) and jpeg[offset] == 0xFF:
        marker = jpeg[offset + 1]
        if marker == 0xDA:  # start of scan: the compressed pixels follow
            return b"".join(kept) + jpeg[offset:]
        end = offset + 2 + int.from_bytes(jpeg[offset + 2 : offset + 4], "big")
        segment = jpeg[offset:end]
        is_jfif = marker == 0xE0 and segment[4:9] == b"JFIF\x00"
        if not (marker == 0xFE or 0xE0 <= marker <= 0xEF) or is_jfif:
            kept.append(segment)
        offset = end
    return jpeg


def gps_position(image: Image.Image) -> tuple[float, float] | None:
    """Latitude and longitude in degrees from EXIF, or None when absent or malformed."""
    try:
        gps = image.getexif().get_ifd(IFD.GPSInfo)
        latitude = _degrees(gps[GPS.GPSLatitude], gps.get(GPS.GPSLatitudeRef, "N"), "S")
        longitude = _degrees(gps[GPS.GPSLongitude], gps.get(GPS.GPSLongitudeRef, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude, longitude) == (0, 0):
        return None
    return latitude, longitude


def _degrees(parts, reference, negative_reference: str) -> float:
    degrees, minutes, seconds = (float(part) for part in parts)
    value = degrees + minutes / 60 + seconds / 3600
    if isinstance(reference, bytes):
        reference = reference.decode("ascii", "ignore")
    return -value if reference.strip().upper() == negative_reference else value
