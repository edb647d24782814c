"""The report form without JavaScript, its inline checks, and the tracking pages."""

import re

import pytest

from lapor_bencana.reports.tables import LocationSource, Report, ReportPhoto, ReportSource
from tests import images


async def csrf_token(client) -> str:
    page = await client.get("/lapor")
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


async def submit(client, fields: dict, photos: list[bytes] = (), token: str | None = None):
    token = token if token is not None else await csrf_token(client)
    files = [("photos", (f"foto{i}.jpg", data, "image/jpeg")) for i, data in enumerate(photos)]
    return await client.post("/lapor", data={"_csrf_token": token, **fields}, files=files or None)


FIELDS = {
    "hazard": "kebakaran",
    "kecamatan": "63.11.05",
    "village_code": "63.11.05.2001",
    "description": "Dua rumah terbakar",
    "reporter_name": "Siti Aminah",
    "reporter_phone": "0812 3456 7890",
    "houses_heavily_damaged": "2",
    "idempotency_key": "form-key-1",
}


async def test_a_report_with_two_photos_lands_on_its_tracking_page(client):
    response = await submit(client, FIELDS, [images.jpeg(), images.jpeg(colour=(0, 90, 0))])
    assert response.status_code == 303
    code = re.fullmatch(r"/laporan/([A-Z0-9]{8})\?baru=1", response.headers["location"]).group(1)
    report = await Report.objects().where(Report.code == code).first().run()
    assert report.source == ReportSource.WARGA
    assert report.reporter_phone == "+6281234567890"
    assert report.houses_heavily_damaged == 2
    assert await ReportPhoto.count().where(ReportPhoto.report == report.id) == 2
    page = await client.get(response.headers["location"])
    assert "Terima kasih, laporan Anda sudah diterima." in page.text
    assert f"{code[:4]}-{code[4:]}" in page.text
    assert "Siti" not in page.text and "3456" not in page.text
    assert "https://wa.me/?text=" in page.text


async def test_a_repeated_form_post_with_the_same_key_does_not_duplicate(client):
    first = await submit(client, FIELDS)
    second = await submit(client, FIELDS)
    assert first.headers["location"] == second.headers["location"]
    assert await Report.count() == 1


@pytest.mark.parametrize(
    ("fields", "photos"),
    [
        ({**FIELDS, "description": "Tiga rumah terbakar"}, [images.jpeg()]),
        (FIELDS, [images.jpeg(colour=(0, 90, 0))]),
        (FIELDS, [images.jpeg(), images.jpeg(colour=(0, 90, 0))]),
    ],
)
async def test_the_same_key_with_other_fields_or_photos_is_refused_with_a_fresh_key(client, fields, photos):
    first = await submit(client, FIELDS, [images.jpeg()])
    assert first.status_code == 303
    again = await submit(client, fields, photos)
    assert again.status_code == 422
    assert "sudah dipakai" in again.text
    fresh_key = re.search(r'name="idempotency_key" value="([^"]+)"', again.text).group(1)
    assert fresh_key != FIELDS["idempotency_key"]
    assert await Report.count() == 1
    # The same fields and photos again are a repeat: the same report.
    assert (await submit(client, FIELDS, [images.jpeg()])).headers["location"] == first.headers["location"]


@pytest.mark.parametrize("key", ["k" * 129, "kunci dengan spasi"])
async def test_a_form_key_the_api_would_refuse_is_replaced_not_stored(client, key):
    response = await submit(client, {**FIELDS, "idempotency_key": key})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.text
    assert await Report.count() == 0


async def test_a_photo_with_gps_places_a_report_that_has_no_place(client):
    fields = {"hazard": "tanah_longsor", "idempotency_key": "gps-photo"}
    response = await submit(client, fields, [images.jpeg(gps=(-2.3325, 115.4712))])
    assert response.status_code == 303
    report = await Report.objects().first().run()
    assert report.location_source == LocationSource.PHOTO
    assert report.latitude == pytest.approx(-2.3325, abs=1e-4)
    page = await client.get(response.headers["location"])
    assert "Lokasi diambil dari data GPS foto." in page.text


async def test_errors_come_back_in_indonesian_and_keep_what_was_typed(client):
    fields = {**FIELDS, "hazard": "", "houses_heavily_damaged": "-4", "description": "Api besar <b>sekali</b>"}
    response = await submit(client, fields)
    assert response.status_code == 422
    html = response.text
    assert "Pilih jenis bencana." in html
    assert "Isi dengan angka bulat 0 atau lebih." in html
    assert "Api besar &lt;b&gt;sekali&lt;/b&gt;" in html
    assert 'value="Siti Aminah"' in html
    assert 'value="63.11.05.2001" selected' in html  # the desa list is rebuilt for the chosen kecamatan
    assert 'name="idempotency_key" value="form-key-1"' in html
    assert await Report.count() == 0


async def test_a_bad_photo_keeps_the_report_unsent_and_says_which(client):
    response = await submit(client, FIELDS, [images.jpeg(), b"not an image at all"])
    assert response.status_code == 422
    assert "Foto 2: Berkas ini bukan foto." in response.text
    assert await Report.count() == 0


async def test_six_photos_are_too_many(client):
    response = await submit(client, FIELDS, [images.jpeg(colour=(i, 0, 0)) for i in range(6)])
    assert response.status_code == 422
    assert "Paling banyak 5 foto." in response.text


async def test_the_honeypot_stops_a_bot(client):
    response = await submit(client, {**FIELDS, "website": "http://spam.example"})
    assert response.status_code == 422
    assert await Report.count() == 0


async def test_a_post_without_the_csrf_token_is_refused(client):
    await client.get("/lapor")
    response = await submit(client, FIELDS, token="")
    assert response.status_code == 403
    assert await Report.count() == 0


async def test_a_truncated_multipart_body_is_a_client_error(client):
    token = await csrf_token(client)
    body = (
        b"--XyZ\r\nContent-Disposition: form-data; name=\"_csrf_token\"\r\n\r\n" + token.encode() + b"\r\n"
        b"--XyZ\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\n"
        b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0partial"
    )
    response = await client.post(
        "/lapor", content=body, headers={"content-type": "multipart/form-data; boundary=XyZ", "x-csrftoken": token}
    )
    assert 400 <= response.status_code < 500
    assert await Report.count() == 0


async def test_the_inline_check_answers_for_the_field_that_changed(client):
    token = await csrf_token(client)
    headers = {"HX-Request": "true", "HX-Trigger-Name": "displaced", "x-csrftoken": token}
    bad = await client.post("/lapor/periksa", data={"hazard": "banjir", "displaced": "-1"}, headers=headers)
    assert bad.status_code == 200
    assert bad.text.strip() == "Isi dengan angka bulat 0 atau lebih."
    good = await client.post("/lapor/periksa", data={"hazard": "", "displaced": "5"}, headers=headers)
    assert good.text.strip() == ""


async def test_the_lookup_form_finds_a_report_by_its_code(client):
    response = await submit(client, FIELDS)
    code = response.headers["location"].split("/")[2].split("?")[0]
    found = await client.get("/laporan", params={"kode": f" {code[:4].lower()} {code[4:]} "})
    assert found.status_code == 303 and found.headers["location"] == f"/laporan/{code}"
    unknown = await client.get("/laporan", params={"kode": "xx"})
    assert "Kode tidak dikenali" in unknown.text
    assert (await client.get("/laporan/ABCDEFGH")).status_code == 404


async def test_photos_are_served_to_code_holders_only_without_their_metadata(client):
    response = await submit(client, FIELDS, [images.jpeg_with_metadata()])
    code = response.headers["location"].split("/")[2].split("?")[0]
    photo = await ReportPhoto.objects().first().run()
    full = await client.get(f"/laporan/{code}/foto/{photo.id}")
    assert full.status_code == 200 and full.headers["content-type"] == "image/jpeg"
    thumbnail = await client.get(f"/laporan/{code}/foto/{photo.id}?kecil=1")
    assert thumbnail.status_code == 200 and len(thumbnail.content) < len(full.content)
    assert images.SECRET not in full.content and images.SECRET not in thumbnail.content
    assert "private" in full.headers["cache-control"]
    assert (await client.get(f"/laporan/ZZZZZZZZ/foto/{photo.id}")).status_code == 404
    assert (await client.get(f"/laporan/{code}/foto/{photo.id + 99}")).status_code == 404


async def test_the_tracking_page_shows_the_path_ahead(client):
    response = await submit(client, FIELDS)
    page = await client.get(response.headers["location"].split("?")[0])
    for step in ("Laporan diterima", "Diverifikasi petugas", "Sedang ditangani", "Selesai"):
        assert step in page.text


async def test_the_confirmation_says_when_photos_were_refused(client):
    response = await submit(client, FIELDS)
    page = await client.get(response.headers["location"] + "&foto_ditolak=1")
    assert "1 foto tidak dapat diterima" in page.text
    bad = await client.get(response.headers["location"] + "&foto_ditolak=abc")
    assert bad.status_code == 400


async def test_a_village_code_in_the_address_chooses_the_kecamatan_and_desa(client):
    page = await client.get("/lapor", params={"desa": "63.11.06.2005"})
    assert page.status_code == 200
    assert 'value="63.11.06" selected' in page.text and 'value="63.11.06.2005" selected' in page.text
    assert "data-testid=\"place-notice\"" not in page.text
    district = await client.get("/lapor", params={"kecamatan": "63.11.05"})
    assert 'value="63.11.05" selected' in district.text and 'value="63.11.05.2001"' in district.text
    assert ' selected>' not in district.text.split('id="village_code"', 1)[1].split("</select>", 1)[0]


@pytest.mark.parametrize(
    ("query", "shown"),
    [({"desa": "63.12.01.2001"}, "Desa dengan kode “63.12.01.2001” tidak dikenal."),  # another regency
     ({"desa": "63.11.06"}, "Desa dengan kode “63.11.06” tidak dikenal."),  # a kecamatan, not a desa
     ({"desa": "<b>x</b>"}, "Desa dengan kode “&lt;b&gt;x&lt;/b&gt;” tidak dikenal."),
     ({"kecamatan": "63.11.99"}, "Kecamatan dengan kode “63.11.99” tidak dikenal.")],
)
async def test_an_unknown_place_in_the_address_still_opens_the_form_and_says_so(client, query, shown):
    page = await client.get("/lapor", params=query)
    assert page.status_code == 200 and shown in page.text
    assert 'data-testid="place-notice"' in page.text and " selected>" not in page.text
