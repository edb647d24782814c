"""Every route of the app declares an access rule, and every kind of visitor gets what the rule
says. The routes are read from the app itself, so a new route is checked without touching this file;
a new rule needs its row in EXPECTED."""

from __future__ import annotations

import re

import pytest
from litestar import get, post, route
from litestar.routes import HTTPRoute

from lapor_bencana.accounts.tables import Role
from lapor_bencana.web.access import RULES, rule_of
from tests.accounts import client_of, csrf_token, make_user, sign_in

OK, SIGN_IN, REFUSED = "ok", "sign in", "refused"
VISITORS = ("anonymous", "relawan pending", "relawan", "petugas", "koordinator", "admin")

EXPECTED = {
    "public": dict.fromkeys(VISITORS, OK),
    "signed_in": {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:], OK),
    "own_password": {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:], OK),
    "field": {"anonymous": SIGN_IN, "relawan pending": REFUSED} | dict.fromkeys(VISITORS[2:], OK),
    "staff": {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:4], REFUSED) | dict.fromkeys(VISITORS[4:], OK),
    "admin": {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:5], REFUSED) | {"admin": OK},
}

# Values for path parameters; a route with a new parameter name fails until it has one here.
SAMPLES = {
    "code": "ZZZZZZZZ", "photo_id": "1", "locale": "id", "file_path": "css/app.css", "user_id": "1", "path": "x",
    "report_id": "1", "assessment_id": "1", "delivery_id": "1", "warehouse_id": "1", "dataset": "laporan",
}
PARAMETER = re.compile(r"\{(\w+):\w+\}")


def endpoints(app) -> list[tuple[str, str, str]]:
    """(method, path with sample values, rule) of every handler of every route, static files included."""
    return [(method, path, rule) for method, path, rule, _stream in endpoints_with_streams(app)]


def endpoints_with_streams(app) -> list[tuple[str, str, str, bool]]:
    found = []
    for app_route in app.routes:
        assert isinstance(app_route, HTTPRoute), app_route
        path = PARAMETER.sub(lambda match: SAMPLES[match.group(1)], app_route.path)
        for handler in app_route.route_handlers:
            stream = bool(handler.opt.get("stream"))
            found += [(method, path, rule_of(handler), stream) for method in sorted(handler.http_methods)]
    return found


def test_every_rule_has_its_expectations():
    assert set(EXPECTED) == set(RULES)


async def test_every_route_declares_a_known_access_rule(app):
    undeclared = [(method, path) for method, path, rule in endpoints(app) if rule not in RULES]
    assert undeclared == []
    assert ("GET", "/static/css/app.css", "public") in endpoints(app)


@pytest.fixture
async def visitors(app):
    await make_user("pending", approved=False)
    for role in (Role.RELAWAN, Role.PETUGAS, Role.KOORDINATOR, Role.ADMIN):
        await make_user(role.value, role)
    clients = {name: client_of(app) for name in VISITORS}
    for name, client in clients.items():
        if name != "anonymous":
            assert (await sign_in(client, "pending" if name == "relawan pending" else name)).status_code == 303
    yield clients
    for client in clients.values():
        await client.aclose()


def outcome(response) -> str:
    if response.status_code in (401, 403):
        return SIGN_IN if response.status_code == 401 else REFUSED
    if response.status_code == 303 and response.headers["location"].startswith("/masuk?next="):
        return SIGN_IN
    return OK


async def test_every_visitor_gets_what_the_rule_of_each_get_route_says(visitors, app):
    wrong = []
    for method, path, rule, stream in endpoints_with_streams(app):
        if method != "GET":
            continue
        for visitor, client in visitors.items():
            if stream and EXPECTED[rule][visitor] == OK:
                # An endless event stream; the in-process client would wait for its end. The
                # live-update e2e test opens it for those the rule lets in.
                continue
            response = await client.get(path)
            if outcome(response) != EXPECTED[rule][visitor] or response.status_code >= 500:
                wrong.append((path, rule, visitor, response.status_code))
    assert wrong == []


async def test_every_protected_write_refuses_those_the_rule_keeps_out(visitors, app):
    wrong = []
    for method, path, rule in endpoints(app):
        if method not in ("POST", "PUT", "PATCH", "DELETE") or rule == "public":
            continue
        for visitor, client in visitors.items():
            if EXPECTED[rule][visitor] == OK:
                continue
            response = await client.request(method, path, data={"_csrf_token": await csrf_token(client)})
            if outcome(response) != EXPECTED[rule][visitor]:
                wrong.append((method, path, visitor, response.status_code))
    assert wrong == []


@get("/tanpa-aturan")
async def undeclared() -> str:
    return "rahasia"


@get("/salah-ketik", opt={"access": "staf"})
async def misspelt() -> str:
    return "rahasia"


@route("/pilihan", http_method=["OPTIONS"])
async def declared_options() -> None:
    return None


@get("/api/v1/percobaan", opt={"access": "field"})
async def field_api() -> dict:
    return {"ok": True}


@post("/api/v1/percobaan", opt={"access": "staff"})
async def staff_api() -> dict:
    return {"ok": True}


async def test_a_route_without_a_known_rule_is_refused_to_everyone(visitors, app):
    for handler in (undeclared, misspelt, declared_options):
        app.register(handler)
    for client in visitors.values():
        for method, path in (("GET", "/tanpa-aturan"), ("GET", "/salah-ketik"), ("OPTIONS", "/pilihan")):
            response = await client.request(method, path)
            assert response.status_code == 403, (method, path)
            assert "rahasia" not in response.text


async def test_an_api_route_answers_in_indonesian_json(visitors, app):
    app.register(field_api)
    anonymous = await visitors["anonymous"].get("/api/v1/percobaan")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"status_code": 401, "detail": "Silakan masuk terlebih dahulu."}
    pending = await visitors["relawan pending"].get("/api/v1/percobaan")
    assert pending.status_code == 403
    assert pending.json()["detail"] == "Akun Anda masih menunggu persetujuan koordinator Dinas Sosial."
    assert (await visitors["relawan"].get("/api/v1/percobaan")).json() == {"ok": True}


async def test_an_api_write_checks_its_rule_after_the_csrf_token(visitors, app):
    app.register(staff_api)
    petugas = visitors["petugas"]
    token = await csrf_token(petugas)
    refused = await petugas.post("/api/v1/percobaan", headers={"x-csrftoken": token})
    assert refused.status_code == 403 and refused.json()["detail"] == "Anda tidak memiliki akses ke halaman ini."
    koordinator = visitors["koordinator"]
    allowed = await koordinator.post("/api/v1/percobaan", headers={"x-csrftoken": await csrf_token(koordinator)})
    assert allowed.status_code == 201


async def test_an_htmx_fragment_asks_for_sign_in_by_reloading_the_whole_page(client):
    response = await client.get(
        "/koordinator/akun",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/koordinator?tab=baru"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/masuk?next=/koordinator%3Ftab%3Dbaru"


async def test_a_boosted_navigation_is_redirected_like_a_page(client):
    response = await client.get("/koordinator", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert (response.status_code, response.headers["location"]) == (303, "/masuk?next=/koordinator")


async def test_the_map_and_dashboard_are_for_staff_and_the_incidents_feed_is_public_without_a_session(app):
    rules = {(method, path): rule for method, path, rule in endpoints(app)}
    assert rules[("GET", "/koordinator/peta")] == rules[("GET", "/koordinator/dasbor")] == "staff"
    assert rules[("GET", "/api/v1/incidents")] == rules[("GET", "/api/v1/incidents.geojson")] == "public"
    sessionless = {path for app_route in app.routes for path in [app_route.path]
                   for handler in app_route.route_handlers if handler.opt.get("skip_session")}
    assert {"/api/v1/incidents", "/api/v1/incidents.geojson"} <= sessionless


async def test_reporting_out_is_for_staff_and_the_transparency_page_for_everyone(app):
    rules = {path: rule for method, path, rule in endpoints(app) if method == "GET"}
    assert rules["/transparansi"] == "public"
    staff_only = [
        "/koordinator/ekspor", "/koordinator/ekspor/laporan", "/koordinator/laporan-situasi",
        "/koordinator/laporan-situasi.pdf", "/koordinator/kejadian/ZZZZZZZZ/cap.xml",
        "/koordinator/kejadian/ZZZZZZZZ/laporan-situasi", "/koordinator/kejadian/ZZZZZZZZ/laporan-situasi.pdf",
        "/koordinator/laporan-situasi/lambang",
    ]
    assert {path: rules[path] for path in staff_only} == dict.fromkeys(staff_only, "staff")


async def test_calls_for_help_are_sent_by_staff_and_answered_by_field_accounts(app):
    assert {
        ("POST", "/koordinator/kejadian/ZZZZZZZZ/panggilan", "staff"),
        ("GET", "/koordinator/kejadian/ZZZZZZZZ/panggilan/jangkauan", "staff"),
        ("GET", "/kejadian/ZZZZZZZZ", "field"),
        ("POST", "/kejadian/ZZZZZZZZ/jawab", "field"),
    } <= set(endpoints(app))
