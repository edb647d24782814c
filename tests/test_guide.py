"""/panduan and the printable posters with a QR code to the report form."""

import re

import segno

from lapor_bencana.guide.qr import qr_svg

PATH = re.compile(r'<path class="qr-modules"[^>]* d="([^"]+)"')


async def test_the_guide_explains_reporting_and_what_follows_in_plain_indonesian(client):
    page = await client.get("/panduan")
    assert page.status_code == 200 and "session=" not in page.headers.get("set-cookie", "")
    assert "Cara melapor" in page.text and "Setelah laporan dikirim" in page.text and "112" in page.text
    assert 'href="/lapor"' in page.text
    assert 'href="/panduan"' in (await client.get("/")).text


async def test_the_poster_index_lists_every_district_and_village_of_the_regency(client):
    page = await client.get("/poster")
    assert page.status_code == 200
    assert 'href="/poster/63.11.06"' in page.text and 'href="/poster/63.11.06.2005"' in page.text
    assert "Kecamatan Paringin" in page.text


async def test_a_village_poster_carries_a_qr_code_of_the_report_address(client, settings):
    page = await client.get("/poster/63.11.06.2005")
    assert page.status_code == 200
    url = settings.base_url + "/lapor"
    assert "Desa Balang, Kecamatan Paringin" in page.text and f"<figcaption>{url}</figcaption>" in page.text
    assert 'role="img" aria-label="Kode QR menuju ' + url in page.text
    expected = PATH.search(qr_svg(url, "x")).group(1)
    assert PATH.search(page.text).group(1) == expected
    assert page.text.count("<li><strong>") == 3
    assert ' style="' not in page.text and "<style" not in page.text


async def test_a_district_poster_names_the_district(client):
    page = await client.get("/poster/63.11.06")
    assert page.status_code == 200 and "Kecamatan Paringin" in page.text and "Desa " not in page.text


async def test_places_outside_the_regency_or_of_another_level_have_no_poster(client):
    for code in ("63.11", "63", "63.12.01", "99.99.99.9999", "ZZZZ"):
        assert (await client.get(f"/poster/{code}")).status_code == 404, code


def test_the_qr_code_encodes_exactly_the_text_it_is_given():
    svg = qr_svg("https://lapor.balangankab.go.id/lapor", 'Kode "QR"')
    assert svg.startswith('<svg role="img" aria-label="Kode &#34;QR&#34;" ')
    other = qr_svg("https://lapor.balangankab.go.id/lapor?x", "y")
    assert PATH.search(svg).group(1) != PATH.search(other).group(1)
    matrix = segno.make_qr("https://lapor.balangankab.go.id/lapor", error="m")
    assert f'viewBox="0 0 {matrix.symbol_size(scale=1, border=4)[0]} ' in svg
