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


async def test_a_village_poster_carries_a_qr_code_that_opens_the_form_at_that_village(client, settings):
    page = await client.get("/poster/63.11.06.2005")
    assert page.status_code == 200
    url = settings.base_url + "/lapor"
    encoded = url + "?desa=63.11.06.2005"
    assert "Desa Balang, Kecamatan Paringin" in page.text and f"<figcaption>{url}</figcaption>" in page.text
    assert 'role="img" aria-label="Kode QR menuju ' + encoded + '"' in page.text
    # The modules drawn are those of exactly this address: the QR code decodes to it.
    assert PATH.search(page.text).group(1) == PATH.search(qr_svg(encoded, "x")).group(1)
    assert page.text.count("<li><strong>") == 3
    assert ' style="' not in page.text and "<style" not in page.text
    form = await client.get(encoded.removeprefix(settings.base_url))
    assert 'value="63.11.06" selected' in form.text and 'value="63.11.06.2005" selected' in form.text


async def test_every_place_has_a_qr_code_of_its_own(client, settings):
    codes = ("63.11.06.2005", "63.11.06.1019", "63.11.05.2001", "63.11.06")
    drawn = [PATH.search((await client.get(f"/poster/{code}")).text).group(1) for code in codes]
    assert len(set(drawn)) == len(codes)
    district = settings.base_url + "/lapor?kecamatan=63.11.06"
    assert drawn[-1] == PATH.search(qr_svg(district, "x")).group(1)


async def test_the_posters_are_linked_from_the_footer_the_guide_and_the_desk(client, staff):
    assert 'href="/poster" data-testid="footer-posters"' in (await client.get("/")).text
    assert 'href="/poster" data-testid="guide-posters"' in (await client.get("/panduan")).text
    assert 'href="/poster"' in (await staff.get("/koordinator")).text


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
