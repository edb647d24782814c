import io

import pytest
from PIL import Image

from lapor_bencana.reports.photos import LONGEST_SIDE, MAX_BYTES, PhotoRejected, process, without_metadata
from tests import images


def test_a_photo_is_shrunk_and_re_encoded_without_metadata():
    processed = process(images.jpeg(4000, 3000, owner="Budi Santoso", gps=(-2.33, 115.47)))
    assert max(processed.width, processed.height) == LONGEST_SIDE
    result = Image.open(io.BytesIO(processed.jpeg))
    assert result.format == "JPEG"
    assert len(result.getexif()) == 0
    assert b"Budi Santoso" not in processed.jpeg
    thumbnail = Image.open(io.BytesIO(processed.thumbnail))
    assert max(thumbnail.size) == 320


def test_the_gps_position_is_read_before_the_metadata_is_dropped():
    processed = process(images.jpeg(gps=(-2.3325, 115.4712)))
    latitude, longitude = processed.gps
    assert latitude == pytest.approx(-2.3325, abs=1e-4)
    assert longitude == pytest.approx(115.4712, abs=1e-4)


def test_a_photo_without_gps_has_no_position():
    assert process(images.jpeg()).gps is None


def test_a_sideways_photo_is_turned_upright():
    # Orientation 6: the camera was turned; the stripe at the stored top must end up on the right.
    processed = process(images.jpeg(400, 200, orientation=6))
    upright = Image.open(io.BytesIO(processed.jpeg)).convert("RGB")
    assert upright.size == (200, 400)
    assert sum(upright.getpixel((upright.width - 3, upright.height // 2))) < 60


def test_transparent_png_is_flattened_onto_white():
    processed = process(images.png_with_alpha())
    pixel = Image.open(io.BytesIO(processed.jpeg)).convert("RGB").getpixel((10, 10))
    assert all(channel > 90 for channel in pixel)


def test_a_text_file_renamed_jpg_is_refused():
    with pytest.raises(PhotoRejected, match="bukan foto"):
        process(b"<html><script>alert(1)</script></html>" * 10)


def test_a_truncated_jpeg_is_refused():
    data = images.jpeg(1200, 900)
    with pytest.raises(PhotoRejected, match="rusak"):
        process(data[: len(data) // 3])


def test_an_oversized_upload_is_refused_before_decoding():
    with pytest.raises(PhotoRejected, match="10 MB"):
        process(b"\xff\xd8" + b"\x00" * MAX_BYTES)


def test_a_decompression_bomb_is_refused_without_reading_its_pixels():
    bomb = images.png_bomb()
    assert len(bomb) < 10_000
    with pytest.raises(PhotoRejected, match="terlalu besar"):
        process(bomb)


def test_a_gif_is_not_an_accepted_photo_format():
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    with pytest.raises(PhotoRejected, match="tidak didukung"):
        process(out.getvalue())


def test_an_iphone_heic_photo_is_accepted_and_turned_into_jpeg():
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 200, 30)).save(out, format="HEIF")
    processed = process(out.getvalue())
    assert Image.open(io.BytesIO(processed.jpeg)).format == "JPEG"
    assert (processed.width, processed.height) == (640, 480)


METADATA_CARRIERS = {
    "jpeg: comment, EXIF, XMP, IPTC, ICC, APP9": images.jpeg_with_metadata,
    "png: tEXt, iTXt, zTXt, eXIf, iCCP": images.png_with_metadata,
    "webp: EXIF, XMP, ICC": images.webp_with_metadata,
    "heic: EXIF, XMP, ICC": images.heic_with_metadata,
}
# What an encoder writes without being asked: start of image, JFIF header, tables, frame, scan.
PLAIN_JPEG_SEGMENTS = {0xD8, 0xE0, 0xDB, 0xC4, 0xC0, 0xC2, 0xDD, 0xDA}


@pytest.mark.parametrize("original", METADATA_CARRIERS.values(), ids=METADATA_CARRIERS.keys())
def test_no_metadata_of_any_kind_reaches_the_stored_photo_or_its_thumbnail(original):
    data = original()
    assert images.SECRET in data
    processed = process(data)
    for stored in (processed.jpeg, processed.thumbnail):
        assert images.SECRET not in stored
        assert b"Budi Santoso" not in stored and b"0812" not in stored
        segments = images.jpeg_segments(stored)
        assert segments[-1] == 0xDA and set(segments) <= PLAIN_JPEG_SEGMENTS, [hex(s) for s in segments]
        assert Image.open(io.BytesIO(stored)).info.get("icc_profile") is None


@pytest.mark.parametrize("original", METADATA_CARRIERS.values(), ids=METADATA_CARRIERS.keys())
def test_the_colour_profile_is_applied_before_it_is_dropped(original):
    # The test profile swaps red and blue: pure red pixels tagged with it are really blue.
    processed = process(original())
    red, green, blue = Image.open(io.BytesIO(processed.jpeg)).convert("RGB").getpixel((150, 100))
    assert blue > 200 and red < 60, (red, green, blue)


def test_a_broken_colour_profile_is_ignored_not_fatal():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (255, 0, 0)).save(out, format="JPEG", icc_profile=b"not a profile" + images.SECRET)
    processed = process(out.getvalue())
    assert images.SECRET not in processed.jpeg
    assert Image.open(io.BytesIO(processed.jpeg)).convert("RGB").getpixel((10, 10))[0] > 200


def test_metadata_is_removed_from_a_stored_jpeg_without_touching_its_pixels():
    original = images.jpeg_with_metadata()
    clean = without_metadata(original)
    assert images.SECRET not in clean
    assert set(images.jpeg_segments(clean)) <= PLAIN_JPEG_SEGMENTS
    assert Image.open(io.BytesIO(clean)).tobytes() == Image.open(io.BytesIO(original)).tobytes()
    assert without_metadata(clean) == clean


@pytest.mark.parametrize("data", [b"", b"not a jpeg", images.png_with_metadata(), images.jpeg_with_metadata()[:300]])
def test_anything_but_a_whole_jpeg_is_left_as_it_was(data):
    assert without_metadata(data) == data
