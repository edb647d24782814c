from lapor_bencana.demo import seed


async def test_home_page_offers_the_report_button_and_lists_verified_incidents(app, client):
    await seed("63.11")
    response = await client.get("/")
    assert response.status_code == 200
    html = response.text
    assert 'href="/lapor"' in html
    assert "Banjir luapan sungai (demo)" in html
    assert "Kebakaran rumah (demo)" in html
    assert 'rel="manifest" href="/manifest.webmanifest"' in html


async def test_home_page_without_incidents_says_so(client):
    response = await client.get("/")
    assert "Belum ada kejadian terverifikasi." in response.text


async def test_report_form_lists_every_kecamatan_of_the_regency(client):
    response = await client.get("/lapor")
    assert response.status_code == 200
    for name in ("Juai", "Halong", "Awayan", "Batu Mandi", "Lampihong", "Paringin", "Paringin Selatan", "Tebing Tinggi"):
        assert f">{name}</option>" in response.text
    assert 'name="csrf_token"' in response.text or 'name="_csrf_token"' in response.text


async def test_village_picker_returns_the_villages_of_one_kecamatan(client):
    response = await client.get("/wilayah/desa", params={"kecamatan": "63.11.06"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'value="63.11.06.2005">Balang</option>' in response.text
    assert "63.11.05." not in response.text


async def test_village_picker_refuses_a_kecamatan_outside_the_regency(client):
    response = await client.get("/wilayah/desa", params={"kecamatan": "63.10.01"})
    assert response.status_code == 200
    assert "<option value=\"63.10" not in response.text
    assert "Pilih kecamatan dulu" in response.text


async def test_unknown_page_is_a_404_in_indonesian_without_internals(client):
    response = await client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan." in response.text
    assert "Traceback" not in response.text


async def test_unknown_api_path_answers_json_404(client):
    response = await client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response.json() == {"status_code": 404, "detail": "Halaman tidak ditemukan."}


async def test_language_switch_sets_a_cookie_and_serves_english(client):
    response = await client.get("/bahasa/en", params={"next": "/lapor"})
    assert response.status_code == 303
    assert response.headers["location"] == "/lapor"
    assert "lang=en" in response.headers["set-cookie"]
    page = await client.get("/lapor")
    assert '<html lang="en">' in page.text
    assert "Report a disaster" in page.text


async def test_language_switch_never_redirects_to_another_site(client):
    for target in ("https://evil.example", "//evil.example", "/\\evil.example"):
        response = await client.get("/bahasa/en", params={"next": target})
        assert response.headers["location"] == "/"


async def test_unknown_language_falls_back_to_indonesian(client):
    response = await client.get("/bahasa/xx")
    assert "lang=id" in response.headers["set-cookie"]
