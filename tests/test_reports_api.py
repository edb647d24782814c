"""POST/GET /api/v1/reports and photo uploads, as gateways and the offline queue use them."""

import json

import anyio
import pytest

from lapor_bencana.reports.tables import Report, ReportPhoto, ReportSource
from tests import images

VALID = {"hazard": "banjir", "village_code": "63.11.06.2005", "description": "Air setinggi lutut", "displaced": 12}


async def post_report(client, body, key=None, **headers):
    if key:
        headers["Idempotency-Key"] = key
    return await client.post("/api/v1/reports", json=body, headers=headers)


async def test_a_report_is_created_with_a_tracking_code(client):
    response = await post_report(client, VALID, key="key-1")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "baru"
    assert body["village_name"] == "Balang" and body["district_name"] == "Paringin"
    stored = await Report.objects().where(Report.code == body["code"]).first().run()
    assert stored.source == ReportSource.API
    assert stored.displaced == 12


async def test_the_same_key_with_the_same_content_returns_the_same_report_and_stores_one(client):
    first = await post_report(client, VALID, key="same")
    # The same content as another client may write it: keys in another order, other spacing.
    written_again = json.dumps(dict(reversed(VALID.items())), indent=2)
    again = await client.post(
        "/api/v1/reports", content=written_again, headers={"Idempotency-Key": "same", "Content-Type": "application/json"}
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert await Report.count() == 1


@pytest.mark.parametrize(
    "other",
    [
        {**VALID, "description": "changed"},
        {**VALID, "displaced": 13},
        {k: v for k, v in VALID.items() if k != "description"},
        {"village_code": "63.11.06.2005"},  # not even a valid report
        {**VALID, "village_code": ""},
    ],
)
async def test_the_same_key_with_other_content_is_refused_and_changes_nothing(client, other):
    first = await post_report(client, VALID, key="same")
    again = await post_report(client, other, key="same")
    assert again.status_code == 422
    assert "sudah dipakai" in again.json()["errors"]["Idempotency-Key"]
    assert await Report.count() == 1
    stored = await Report.objects().first().run()
    assert (stored.code, stored.description, stored.displaced) == (first.json()["code"], VALID["description"], 12)
    # The original content is still answered with the original report.
    assert (await post_report(client, VALID, key="same")).json()["code"] == first.json()["code"]


async def test_a_report_stored_before_fingerprints_were_kept_answers_its_key_as_before(client):
    first = await post_report(client, VALID, key="old-report")
    await Report.update({Report.idempotency_fingerprint: None}, force=True).run()
    again = await post_report(client, {**VALID, "description": "changed"}, key="old-report")
    assert (again.status_code, again.json()["code"]) == (200, first.json()["code"])


async def test_twenty_concurrent_retries_with_one_key_store_exactly_one_report(client):
    statuses, codes = [], set()

    async def attempt():
        response = await post_report(client, VALID, key="storm-of-retries")
        statuses.append(response.status_code)
        codes.add(response.json()["code"])

    async with anyio.create_task_group() as group:
        for _ in range(20):
            group.start_soon(attempt)
    assert sorted(statuses) == [200] * 19 + [201]
    assert len(codes) == 1
    assert await Report.count() == 1


async def test_concurrent_retries_with_one_key_and_two_contents_store_one_and_refuse_the_other(client):
    contents = [VALID, {**VALID, "description": "Air sepinggang"}]
    answers: list[tuple[int, int, dict]] = []

    async def attempt(which: int):
        response = await post_report(client, contents[which], key="two-contents")
        answers.append((which, response.status_code, response.json()))

    async with anyio.create_task_group() as group:
        for number in range(20):
            group.start_soon(attempt, number % 2)
    [stored] = await Report.objects().run()
    winner = contents.index(next(c for c in contents if c["description"] == stored.description))
    assert sorted(status for which, status, _ in answers if which == winner) == [200] * 9 + [201]
    assert {body["code"] for which, _, body in answers if which == winner} == {stored.code}
    assert [status for which, status, _ in answers if which != winner] == [422] * 10


async def test_reports_without_a_key_are_each_stored(client):
    await post_report(client, VALID)
    await post_report(client, VALID)
    assert await Report.count() == 2


async def test_the_public_status_never_contains_the_reporter(client):
    created = await post_report(client, {**VALID, "reporter_name": "Siti Aminah", "reporter_phone": "081234567890"})
    response = await client.get(f"/api/v1/reports/{created.json()['code']}")
    assert response.status_code == 200
    assert "Siti" not in response.text and "81234567890" not in response.text
    assert response.json()["timeline"][0]["status"] == "baru"


async def test_a_status_lookup_accepts_the_code_as_people_type_it(client):
    code = (await post_report(client, VALID)).json()["code"]
    typed = f"{code[:4].lower()}-{code[4:].lower()}"
    assert (await client.get(f"/api/v1/reports/{typed}")).json()["code"] == code


async def test_an_unknown_code_is_a_404_in_indonesian(client):
    response = await client.get("/api/v1/reports/ZZZZZZZZ")
    assert response.status_code == 404
    assert response.json()["detail"] == "Kode laporan tidak ditemukan."


BAD_BODIES = [
    ({"village_code": "63.11.06.2005"}, "hazard"),
    ({**VALID, "hazard": "meteor"}, "hazard"),
    ({**VALID, "village_code": "63.11.06.9999"}, "village_code"),
    ({**VALID, "village_code": "63.10.01.2001"}, "village_code"),
    ({**VALID, "latitude": 120, "longitude": 115}, "latitude"),
    ({**VALID, "occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
    ({**VALID, "displaced": -3}, "displaced"),
    ({**VALID, "displaced": 10_000_000}, "displaced"),
    ({**VALID, "dead": "banyak"}, "dead"),
    ({**VALID, "description": "x" * 5000}, "description"),
    ({**VALID, "reporter_name": 42}, "reporter_name"),
    ({**VALID, "website": "http://spam.example"}, "form"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
async def test_bad_input_gets_a_422_naming_the_field_and_stores_nothing(client, body, field):
    response = await post_report(client, body, key="bad")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert await Report.count() == 0


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe", b"[1, 2]", b'"text"', b"null"])
async def test_a_body_that_is_not_a_json_object_gets_a_400(client, raw):
    response = await client.post("/api/v1/reports", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert await Report.count() == 0


async def test_an_overlong_idempotency_key_is_refused(client):
    response = await post_report(client, VALID, key="k" * 129)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["errors"]


async def test_a_huge_json_body_is_refused_before_parsing(client):
    response = await post_report(client, {**VALID, "description": "x" * 200_000})
    assert response.status_code == 413
    assert await Report.count() == 0


async def test_script_and_sql_payloads_are_stored_as_plain_text(client):
    payload = "<script>alert('x')</script>'; DROP TABLE report; --"
    created = await post_report(client, {**VALID, "address": payload, "description": payload, "reporter_name": payload})
    assert created.status_code == 201
    stored = await Report.objects().where(Report.code == created.json()["code"]).first().run()
    assert stored.description == payload and stored.address == payload
    page = await client.get(f"/laporan/{stored.code}")
    assert "<script>alert" not in page.text


async def photo_upload(client, code, key, data, filename="foto.jpg"):
    return await client.post(
        f"/api/v1/reports/{code}/photos",
        files={"photo": (filename, data, "image/jpeg")},
        headers={"Idempotency-Key": key} if key else {},
    )


async def test_photos_are_added_by_the_sender_only_once_each(client):
    code = (await post_report(client, VALID, key="with-photos")).json()["code"]
    photo = images.jpeg()
    assert (await photo_upload(client, code, "with-photos", photo)).status_code == 201
    again = await photo_upload(client, code, "with-photos", photo)
    assert again.status_code == 201 and again.json() == {"photos": 1}
    assert (await photo_upload(client, code, "someone-else", images.jpeg(colour=(1, 2, 3)))).status_code == 404
    assert (await photo_upload(client, code, None, images.jpeg(colour=(1, 2, 3)))).status_code == 404
    assert await ReportPhoto.count() == 1


async def test_a_sixth_photo_is_refused(client):
    code = (await post_report(client, VALID, key="many")).json()["code"]
    for shade in range(5):
        assert (await photo_upload(client, code, "many", images.jpeg(colour=(shade * 40, 0, 0)))).status_code == 201
    sixth = await photo_upload(client, code, "many", images.jpeg(colour=(0, 250, 0)))
    assert sixth.status_code == 422
    assert sixth.json()["errors"]["photo"] == "Paling banyak 5 foto."


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"MZ\x90\x00 not an image", "bukan foto"), (images.png_bomb(), "terlalu besar")],
)
async def test_a_photo_that_is_not_a_usable_image_is_refused(client, data, message):
    code = (await post_report(client, VALID, key="bad-photo")).json()["code"]
    response = await photo_upload(client, code, "bad-photo", data, filename="foto.jpg")
    assert response.status_code == 422
    assert message in response.json()["errors"]["photo"]
    assert await ReportPhoto.count() == 0


async def test_a_20_mb_upload_is_refused_with_413(client):
    code = (await post_report(client, VALID, key="huge")).json()["code"]
    response = await photo_upload(client, code, "huge", b"\xff\xd8" + b"\x00" * (20 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["detail"] == "Kiriman terlalu besar."


async def test_the_openapi_document_describes_the_report_api(client):
    document = (await client.get("/schema/openapi.json")).json()
    create = document["paths"]["/api/v1/reports"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]
    assert "banjir" in schema["properties"]["hazard"]["enum"]
    assert schema["properties"]["displaced"]["anyOf"][0]["maximum"] == 1_000_000
    created = create["responses"]["201"]
    assert "Location" in created["headers"]
    assert created["links"]["GetReport"]["parameters"] == {"code": "$response.body#/code"}
    assert {p["name"] for p in create["parameters"]} == {"Idempotency-Key", "X-Client-Name"}


async def test_a_created_report_says_where_its_status_is(client):
    created = await post_report(client, VALID, key="located")
    again = await post_report(client, VALID, key="located")
    for response in (created, again):
        status = await client.get(response.headers["location"])
        assert status.json()["code"] == created.json()["code"]


async def test_text_with_halves_of_surrogate_pairs_is_stored_without_them(client):
    raw = b'{"hazard": "banjir", "village_code": "63.11.06.2005", "description": "air \\ud800naik"}'
    response = await client.post("/api/v1/reports", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 201
    stored = await Report.objects().where(Report.code == response.json()["code"]).first().run()
    assert stored.description == "air naik"


@pytest.mark.parametrize("field", ["latitude", "accuracy_m"])
async def test_a_number_too_large_for_a_float_gets_a_422(client, field):
    raw = '{"hazard": "banjir", "village_code": "63.11.06.2005", "longitude": 115, "%s": 1%s}' % (field, "0" * 400)
    response = await client.post("/api/v1/reports", content=raw.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert field in response.json()["errors"]
