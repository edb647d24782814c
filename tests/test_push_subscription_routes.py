"""POST and DELETE /api/v1/push/subscriptions: a signed-in person's browsers, from the page's script."""

import pytest
from tests.accounts import client_of, csrf_token, make_user, sign_in
from tests.push_service import Subscriber

from lapor_bencana.accounts.tables import Role
from lapor_bencana.push.tables import PushSubscription

PATH = "/api/v1/push/subscriptions"
FCM = "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bHk"


@pytest.fixture
async def volunteer(client):
    user = await make_user("budi")
    await sign_in(client, "budi")
    client.headers["x-csrftoken"] = await csrf_token(client)
    return user


def browser(endpoint: str = FCM) -> dict:
    return Subscriber(endpoint=endpoint).as_json()


async def stored() -> list[dict]:
    return await PushSubscription.select(PushSubscription.user, PushSubscription.endpoint)


async def test_a_volunteer_stores_this_browsers_subscription(client, volunteer):
    data = browser()
    response = await client.post(PATH, json=data)
    assert response.status_code == 201
    assert response.json()["endpoint"] == FCM
    assert await stored() == [{"user": volunteer.id, "endpoint": FCM}]
    again = await client.post(PATH, json=data)
    assert again.status_code == 201 and len(await stored()) == 1


async def test_the_device_list_names_the_push_service(client, volunteer):
    await client.post(PATH, json=browser())
    fragment = await client.get("/relawan/perangkat")
    assert fragment.status_code == 200
    assert "fcm.googleapis.com" in fragment.text and f'data-endpoint="{FCM}"' in fragment.text


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("https://evil.example.com/push/1", "Layanan push evil.example.com tidak dikenal."),
        ("http://fcm.googleapis.com/fcm/send/x", "Endpoint harus memakai https."),
        ("https://10.0.0.1/x", "Endpoint harus memakai nama layanan push, bukan alamat IP."),
        ("", "Endpoint langganan push wajib diisi."),
    ],
)
async def test_an_endpoint_outside_the_known_push_services_is_refused_in_indonesian(
    client, volunteer, endpoint, message
):
    response = await client.post(PATH, json=browser(endpoint))
    assert response.status_code == 422
    assert response.json() == {"detail": message, "errors": {"endpoint": message}}
    assert await stored() == []


async def test_bad_bodies_answer_clearly_and_never_500(client, volunteer):
    not_json = await client.post(PATH, content=b"{endpoint", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400 and not_json.json()["detail"] == "Isi permintaan bukan JSON yang valid."
    assert (await client.post(PATH, content=b"\xff\xfe", headers={"Content-Type": "application/json"})).status_code == 400
    array = await client.post(PATH, json=[FCM])
    assert array.status_code == 422 and "objek JSON" in array.json()["detail"]
    no_keys = await client.post(PATH, json={"endpoint": FCM})
    assert no_keys.status_code == 422 and "keys.auth" in no_keys.json()["errors"]["keys"]
    assert (await client.request("DELETE", PATH, content=b"[", headers={"Content-Type": "application/json"})).status_code == 400
    assert (await client.request("DELETE", PATH, json={"endpoint": 5})).status_code == 422
    assert await stored() == []


async def test_a_volunteer_removes_a_device(client, volunteer):
    await client.post(PATH, json=browser())
    removed = await client.request("DELETE", PATH, json={"endpoint": FCM})
    assert removed.status_code == 204 and removed.content == b""
    assert await stored() == []
    gone = await client.request("DELETE", PATH, json={"endpoint": FCM})
    assert gone.status_code == 404 and gone.json()["detail"] == "Perangkat ini tidak terdaftar untuk notifikasi akun Anda."


async def test_nobody_removes_another_persons_device(app, client, volunteer):
    await client.post(PATH, json=browser())
    await make_user("siti", Role.PETUGAS)
    async with client_of(app) as other:
        await sign_in(other, "siti")
        other.headers["x-csrftoken"] = await csrf_token(other)
        assert (await other.request("DELETE", PATH, json={"endpoint": FCM})).status_code == 404
        assert "fcm.googleapis.com" not in (await other.get("/relawan/perangkat")).text
    assert await stored() == [{"user": volunteer.id, "endpoint": FCM}]


async def test_writes_need_a_session_and_the_csrf_header(app, client, volunteer):
    async with client_of(app) as anonymous:
        anonymous.headers["x-csrftoken"] = await csrf_token(anonymous)
        assert (await anonymous.post(PATH, json=browser())).status_code == 401
    del client.headers["x-csrftoken"]
    assert (await client.post(PATH, json=browser())).status_code == 403
    assert (await client.request("DELETE", PATH, json={"endpoint": FCM})).status_code == 403
    assert await stored() == []


async def test_a_volunteer_awaiting_approval_may_already_turn_notifications_on(client):
    await make_user("baru", approved=False)
    await sign_in(client, "baru")
    client.headers["x-csrftoken"] = await csrf_token(client)
    assert (await client.post(PATH, json=browser())).status_code == 201
