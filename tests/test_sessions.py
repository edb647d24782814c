"""Server-side sessions in the database: none for anonymous visitors, a new id at every sign-in,
gone on the server at sign-out, shared by every app process, and swept away when expired."""

import hashlib

import httpx

from lapor_bencana.accounts import service
from lapor_bencana.accounts.sessions import DatabaseStore
from lapor_bencana.accounts.tables import Role, WebSession
from lapor_bencana.app import create_app
from tests.accounts import client_of, csrf_token, make_user, post_form, session_cookie, session_rows, sign_in

REPORT = {"hazard": "banjir", "village_code": "63.11.06.2005"}


def with_cookie(app, session_id: str) -> httpx.AsyncClient:
    client = client_of(app)
    client.cookies.set("session", session_id)
    return client


async def is_signed_in(client: httpx.AsyncClient) -> bool:
    return (await client.get("/relawan")).status_code == 200


def session_set_cookies(response: httpx.Response) -> list[str]:
    return [value for value in response.headers.get_list("set-cookie") if value.startswith("session=")]


async def test_anonymous_visitors_cost_no_session_row_and_get_no_session_cookie(client):
    responses = [await client.get(path) for path in ("/", "/lapor", "/laporan", "/masuk", "/daftar", "/healthz")]
    responses.append(await client.post("/api/v1/reports", json=REPORT))
    responses.append(await post_form(client, "/lapor", REPORT))
    code = responses[-2].json()["code"]
    responses.append(await client.get(f"/laporan/{code}"))
    assert [r.status_code for r in responses[-3:]] == [201, 303, 200]
    assert [cookie for r in responses for cookie in session_set_cookies(r)] == []
    assert session_cookie(client) is None
    assert await session_rows() == 0


async def test_signing_in_issues_a_new_session_id_and_the_old_one_stops_working(app, client):
    await make_user("budi")
    await make_user("siti", Role.KOORDINATOR)
    await sign_in(client, "budi")
    first = session_cookie(client)
    await sign_in(client, "siti")
    second = session_cookie(client)
    assert first and second and first != second
    async with with_cookie(app, first) as stale:
        assert not await is_signed_in(stale)
    assert await session_rows() == 1


async def test_a_session_id_planted_before_sign_in_is_worth_nothing_after_it(app, client):
    await make_user("budi")
    planted = "a" * 64
    client.cookies.set("session", planted, domain="testserver.local")
    await sign_in(client, "budi")
    assert session_cookie(client) != planted
    async with with_cookie(app, planted) as attacker:
        assert not await is_signed_in(attacker)
    stored = {row["key_digest"] for row in await WebSession.select(WebSession.key_digest).run()}
    assert hashlib.sha256(planted.encode()).hexdigest() not in stored


async def test_signing_out_ends_the_session_on_the_server(app, client):
    await make_user("budi")
    await sign_in(client, "budi")
    session_id = session_cookie(client)
    response = await post_form(client, "/keluar")
    assert (response.status_code, response.headers["location"]) == (303, "/")
    assert any("Max-Age=0" in cookie or "expires=" in cookie.lower() for cookie in session_set_cookies(response))
    assert await session_rows() == 0
    async with with_cookie(app, session_id) as replay:
        assert not await is_signed_in(replay)


async def test_signing_out_needs_the_csrf_token(client):
    await make_user("budi")
    await sign_in(client, "budi")
    refused = await client.post("/keluar")
    assert refused.status_code == 403
    assert await is_signed_in(client)


async def test_the_session_cookie_is_http_only_and_same_site_lax(client):
    await make_user("budi")
    response = await sign_in(client, "budi")
    [cookie] = session_set_cookies(response)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie


async def test_the_session_cookie_is_secure_behind_https(settings, clock):
    app = create_app(settings.model_copy(update={"base_url": "https://lapor.example"}), clock=clock)
    async with app.lifespan():
        await make_user("budi")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            response = await sign_in(client, "budi")
    [cookie] = session_set_cookies(response)
    assert "Secure" in cookie


async def test_a_second_app_process_on_the_same_database_sees_the_session(settings, clock, app, client):
    await make_user("budi")
    await sign_in(client, "budi")
    other = create_app(settings, clock=clock)
    assert other.stores.get("sessions") is not app.stores.get("sessions")
    async with other.lifespan(), with_cookie(other, session_cookie(client)) as elsewhere:
        assert await is_signed_in(elsewhere)
        await post_form(elsewhere, "/keluar")
    # Signed out there, so signed out here.
    assert not await is_signed_in(client)


async def test_an_expired_session_is_refused_and_removed(client, clock):
    await make_user("budi")
    await sign_in(client, "budi")
    clock.advance(days=14, seconds=1)
    response = await client.get("/relawan")
    assert response.headers["location"].startswith("/masuk")
    assert await session_rows() == 0
    assert session_cookie(client) is None


async def test_each_visit_pushes_the_expiry_back(client, clock):
    await make_user("budi")
    await sign_in(client, "budi")
    for _ in range(3):
        clock.advance(days=10)
        assert await is_signed_in(client)


async def test_expired_sessions_are_swept_away_at_each_sign_in(app, clock):
    await make_user("budi")
    await make_user("siti")
    async with client_of(app) as first, client_of(app) as second:
        await sign_in(first, "budi")
        clock.advance(days=15)
        await sign_in(second, "siti")
    owners = [row["owner"] for row in await WebSession.select(WebSession.owner).run()]
    assert len(owners) == 1 and owners[0] != (await service.find_by_identifier("budi")).id


async def test_a_deactivated_account_is_signed_out_everywhere(client):
    user = await make_user("budi")
    admin = await make_user("admin", Role.ADMIN)
    await sign_in(client, "budi")
    await service.set_active(user, False, actor=admin, client_address=None)
    assert await session_rows() == 0
    assert not await is_signed_in(client)


async def test_an_account_switched_off_in_the_database_loses_its_session_at_its_next_request(client):
    user = await make_user("budi")
    await sign_in(client, "budi")
    await WebSession.raw("UPDATE app_user SET active = {} WHERE id = {}", False, user.id).run()
    response = await client.get("/relawan")
    assert response.status_code == 303
    assert await session_rows() == 0
    assert session_cookie(client) is None


async def test_answers_to_a_signed_in_person_are_never_cached(client):
    assert "no-store" not in (await client.get("/")).headers.get("cache-control", "")
    await make_user("budi")
    await sign_in(client, "budi")
    assert (await client.get("/")).headers["cache-control"] == "no-store"
    assert (await client.get("/relawan")).headers["cache-control"] == "no-store"


async def test_a_visit_does_not_rewrite_the_session_row(client, clock):
    await make_user("budi")
    await sign_in(client, "budi")
    before = await WebSession.select().first().run()
    # Any write now would move the expiry on by these ten minutes.
    clock.advance(minutes=10)
    await csrf_token(client)
    await client.get("/relawan")
    assert await WebSession.select().first().run() == before


async def test_the_store_keeps_values_under_digests_until_they_expire(app, clock):
    store = DatabaseStore(clock=clock)
    await store.set("kunci", b'{"user_id": null}', expires_in=60)
    await store.set("abadi", "tanpa batas")
    assert await store.get("kunci") == b'{"user_id": null}'
    assert await store.exists("abadi") and await store.expires_in("abadi") is None
    assert await store.expires_in("kunci") == 60
    assert not await WebSession.exists().where(WebSession.key_digest == "kunci").run()
    clock.advance(seconds=61)
    assert await store.get("kunci") is None
    assert not await store.exists("kunci")
    await store.delete("abadi")
    assert await WebSession.count() == 0


async def test_the_store_renews_an_expiry_when_asked_and_clears_everything_at_once(app, clock):
    store = DatabaseStore(clock=clock)
    await store.set("kunci", b"{}", expires_in=7200)
    clock.advance(seconds=3600)
    await store.get("kunci", renew_for=7200)
    assert await store.expires_in("kunci") == 7200
    await store.set("lain", b"{}", expires_in=10)
    clock.advance(seconds=11)
    await store.delete_expired()
    assert await WebSession.count() == 1
    await store.delete_all()
    assert await WebSession.count() == 0
