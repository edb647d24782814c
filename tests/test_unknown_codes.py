"""A code that names nothing (a tracking code, an incident, a poster's place) gets a 404 that says
what was not found and offers the way on, never the generic "Halaman tidak ditemukan"."""

import pytest

from lapor_bencana.accounts.tables import Role
from tests.accounts import client_of, make_user, sign_in

GENERIC = "Halaman tidak ditemukan."


@pytest.mark.parametrize("typed", ["ABCDEFGH", "abcd-efgh", "xx"])
async def test_an_unknown_tracking_code_gets_the_lookup_form(client, typed):
    response = await client.get(f"/laporan/{typed}")
    assert response.status_code == 404
    assert "Kode laporan tidak ditemukan." in response.text
    assert '<form method="get" action="/laporan">' in response.text
    # The code as typed stays in the field, to correct one character rather than type it all again.
    assert f'name="kode" value="{typed}"' in response.text
    assert GENERIC not in response.text and "Kode: 404" not in response.text


async def test_a_well_formed_code_typed_into_the_lookup_form_that_names_nothing_ends_on_the_form(client):
    response = await client.get("/laporan", params={"kode": "abcd efgh"}, follow_redirects=True)
    assert response.status_code == 404
    assert "Kode laporan tidak ditemukan." in response.text and 'action="/laporan"' in response.text


async def test_the_unknown_code_page_follows_the_language(client):
    await client.get("/bahasa/en", params={"next": "/"})
    response = await client.get("/laporan/ABCDEFGH")
    assert response.status_code == 404
    assert "Report code not found." in response.text and "Kode laporan" not in response.text


async def test_the_api_says_in_indonesian_that_the_code_is_unknown(client):
    for path in ("/api/v1/reports/ZZZZZZZZ", "/api/v1/reports/tidak-ada"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.json() == {"status_code": 404, "detail": "Kode laporan tidak ditemukan."}


async def test_an_unknown_incident_code_says_so_on_desk_and_field_pages(app):
    for username, role, path in (
        ("sari", Role.KOORDINATOR, "/koordinator/kejadian/TIDAKADA"),
        ("budi", Role.RELAWAN, "/kejadian/TIDAKADA"),
    ):
        await make_user(username, role)
        browser = client_of(app)
        assert (await sign_in(browser, username)).status_code == 303
        response = await browser.get(path)
        await browser.aclose()
        assert response.status_code == 404, path
        assert "Kejadian dengan kode ini tidak ditemukan." in response.text and GENERIC not in response.text


async def test_an_unknown_poster_place_offers_the_list_of_posters(client):
    response = await client.get("/poster/63.12.01")
    assert response.status_code == 404
    assert "Wilayah poster ini tidak ditemukan di kabupaten ini." in response.text
    assert '<a class="button button-primary" href="/poster">Pilih poster lain</a>' in response.text


async def test_other_unknown_pages_keep_the_generic_message(client):
    response = await client.get("/tidak-ada")
    assert response.status_code == 404 and GENERIC in response.text
