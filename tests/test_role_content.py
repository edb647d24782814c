"""No role sees what it should not: every route a non-staff visitor may reach (enumerated from the
app, so a new route is covered without touching this file) is sent a valid and an invalid request,
with and without htmx, by an anonymous visitor, a pending volunteer, a volunteer and a field officer;
no answer may hold the staff-only data seeded around one incident (other people's names, phones and
positions, the reporters' words, audit history, links into the staff area). Both databases."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest

from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.push.endpoints import EndpointPolicy
from lapor_bencana.push.subscriptions import save_subscription
from lapor_bencana.reports.tables import Report, ReportPhoto
from lapor_bencana.timeutil import now
from lapor_bencana.volunteers.tables import CallRecipient, Response
from lapor_bencana.web.access import STAFF_AREAS, STAFF_HOME, in_staff_area
from tests.accounts import PASSWORD, client_of, csrf_token, make_user, sign_in
from tests.images import jpeg
from tests.push_service import Subscriber
from tests.sitrep_data import (
    ARRIVAL_LATITUDE, ARRIVAL_LONGITUDE, ASSESSMENT, FLOOD, REPORTER_NAME, REPORTER_PHONE, VOLUNTEER_NAME,
    VOLUNTEER_PHONE, deploy_volunteer, htmx_post, record_aid,
)
from tests.test_access_matrix import EXPECTED, OK, endpoints

COORDINATOR_NAME = "Sari Koordinator"
RECIPIENT_NAME, RECIPIENT_PHONE = "Pak Kades Hasanuddin", "081355501234"
REPORT_KEY = "laporan-banjir-siti-1"
GUEST = "dewi"
# Each signed-in visitor's own device, for notifications ({me}: the visitor's username).
DEVICE = "https://fcm.googleapis.com/fcm/send/perangkat-{me}"
VILLAGE, DISTRICT = FLOOD["village_code"], FLOOD["village_code"].rsplit(".", 1)[0]

# Seeded once per test; present on the coordinator's incident page (checked below), so that their
# absence elsewhere means something. Phones without the leading 0 also match the +62 forms.
STAFF_ONLY = {
    "reporter's name": REPORTER_NAME,
    "reporter's words": "HYPERLINK",
    "deployed volunteer's name": VOLUNTEER_NAME,
    "arrival latitude": f"{ARRIVAL_LATITUDE:.5f}",
    "arrival longitude": f"{ARRIVAL_LONGITUDE:.5f}",
    "aid recipient": RECIPIENT_NAME,
    "aid recipient's phone": RECIPIENT_PHONE[1:],
    "coordinator's name": COORDINATOR_NAME,
    "audit history": 'data-testid="audit-history"',
    "audit action": "incident.create",
    "staff incident panel": 'id="incident-live"',
    "link into the staff area": f'href="{STAFF_HOME}/',
    "form into the staff area": f'action="{STAFF_HOME}/',
}
# Not on the staff incident page (the reporter's phone is on the report's own), yet never to be
# shown to these visitors either.
NEVER_SHOWN = {
    "reporter's phone": REPORTER_PHONE[1:],
    "deployed volunteer's phone": VOLUNTEER_PHONE[1:],
} | {
    # Any link, form or request into the staff areas. (The sign-in form may carry such a page back
    # in its ``next`` field: that is the visitor's own request, and no link.)
    f"{attribute} into {area}": f'{attribute}="{area}/'
    for area in STAFF_AREAS for attribute in ("href", "action", "hx-get", "hx-post", "src")
}

# The visitors, and the names and phones of the signed-in ones: each is another's secret.
VISITORS = {
    "anonymous": None,
    "relawan pending": ("putri", Role.RELAWAN, False, "Putri Menunggu Persetujuan", "081277700001"),
    "relawan": ("rudi", Role.RELAWAN, True, "Rudi Relawan Lapangan", "081277700002"),
    "petugas": ("budi", Role.PETUGAS, True, "Budi Petugas Lapangan", "081277700003"),
}


@dataclass(frozen=True)
class Send:
    """One request to a route. ``path`` (default: the route's own) and every string are formatted
    with the seeded world's values ({incident}, {report}, {photo}, {village}, {district}), the
    visitor's username ({me}) and a number of its own ({n})."""

    path: str = ""
    form: dict[str, Any] | None = None
    json: Any = None
    query: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    photo: bool = False


@dataclass(frozen=True)
class Case:
    path: str
    # None only for a route that answers nothing but an error.
    valid: Send | None
    # None only for a route that takes no input at all.
    invalid: Send | None


def case(path: str, valid: Send | None = None, invalid: Send | None = None) -> Case:
    return Case(path, valid or Send(), invalid)


# A new route fails test_every_route_a_visitor_may_reach_has_its_requests until it has its row.
# Keys are endpoints() of tests/test_access_matrix.py (path parameters filled with its SAMPLES).
ROUTES: dict[tuple[str, str], Case] = {
    ("GET", "/"): case("/"),
    ("GET", "/bahasa/id"): case(
        "/bahasa/en", Send(query={"next": "/kejadian/{incident}"}), Send(path="/bahasa/xx", query={"next": "//x.invalid"})
    ),
    ("GET", "/panduan"): case("/panduan"),
    ("GET", "/poster"): case("/poster"),
    ("GET", "/poster/ZZZZZZZZ"): case("/poster/{village}", invalid=Send(path="/poster/99.99")),
    ("GET", "/healthz"): case("/healthz"),
    ("GET", "/manifest.webmanifest"): case("/manifest.webmanifest"),
    ("GET", "/sw.js"): case("/sw.js"),
    ("GET", "/offline"): case("/offline"),
    ("GET", "/lapor"): case("/lapor"),
    ("POST", "/lapor"): case(
        "/lapor",
        Send(form={**FLOOD, "description": "Air setinggi lutut", "reporter_name": "Warga Lain", "reporter_phone": ""}),
        Send(form={"hazard": "gempa-bulan", "latitude": "x", "reporter_phone": "12"}),
    ),
    ("POST", "/lapor/periksa"): case(
        "/lapor/periksa",
        Send(form={"reporter_phone": "081211112222"}, headers={"HX-Trigger-Name": "reporter_phone"}),
        Send(form={"reporter_phone": "abc"}, headers={"HX-Trigger-Name": "reporter_phone"}),
    ),
    ("GET", "/laporan"): case("/laporan", Send(query={"kode": "{report}"}), Send(query={"kode": "??"})),
    ("GET", "/laporan/ZZZZZZZZ"): case("/laporan/{report}", invalid=Send(path="/laporan/ZZZZ0000")),
    ("GET", "/laporan/ZZZZZZZZ/foto/1"): case(
        "/laporan/{report}/foto/{photo}", invalid=Send(path="/laporan/{report}/foto/999999")
    ),
    ("POST", "/api/v1/reports"): case(
        "/api/v1/reports",
        Send(json={**FLOOD, "description": "Air setinggi lutut", "reporter_name": "Warga Lain", "reporter_phone": None}),
        Send(json={"hazard": "gempa-bulan", "latitude": "x"}),
    ),
    ("GET", "/api/v1/reports/ZZZZZZZZ"): case("/api/v1/reports/{report}", invalid=Send(path="/api/v1/reports/??")),
    ("POST", "/api/v1/reports/ZZZZZZZZ/photos"): case(
        "/api/v1/reports/{report}/photos",
        Send(headers={"Idempotency-Key": REPORT_KEY}, photo=True),
        Send(headers={"Idempotency-Key": "kunci-orang-lain"}, photo=True),
    ),
    ("GET", "/api/v1/incidents"): case("/api/v1/incidents"),
    ("GET", "/api/v1/incidents.geojson"): case("/api/v1/incidents.geojson"),
    ("GET", "/transparansi"): case("/transparansi"),
    ("GET", "/wilayah/kecamatan.geojson"): case("/wilayah/kecamatan.geojson"),
    ("GET", "/wilayah/desa"): case("/wilayah/desa", Send(query={"kecamatan": "{district}"}), Send(query={"kecamatan": "99"})),
    ("GET", "/masuk"): case(
        # Signed in already, a field account asked for a staff page is sent to its own.
        "/masuk", Send(query={"next": "/kejadian/{incident}"}), Send(query={"next": "/koordinator/kejadian/{incident}"})
    ),
    ("POST", "/masuk"): case(
        "/masuk",
        # A guest account of its own: whoever signs in here is Dewi from then on.
        Send(form={"identifier": GUEST, "password": PASSWORD, "next": "/koordinator/kejadian/{incident}"}),
        Send(form={"identifier": GUEST, "password": "bukan-sandinya"}),
    ),
    ("POST", "/keluar"): case("/keluar"),
    ("GET", "/daftar"): case("/daftar"),
    ("POST", "/daftar"): case(
        "/daftar",
        Send(form={"full_name": "Warga Mendaftar", "phone": "0857770{n:05d}", "password": "sandi-baru-789",
                   "password_repeat": "sandi-baru-789"}),
        Send(form={"full_name": "Warga Mendaftar", "phone": "0857", "password": "a", "password_repeat": "b"}),
    ),
    ("GET", "/relawan"): case("/relawan", Send(query={"tersimpan": "1"})),
    ("POST", "/relawan"): case(
        "/relawan",
        Send(form={"kecamatan": "{district}", "home_village": "{village}", "radius_km": "10", "available": "1",
                   "skills": "dapur_umum"}),
        Send(form={"kecamatan": "{district}", "radius_km": "-4", "latitude": "utara"}),
    ),
    ("GET", "/relawan/perangkat"): case("/relawan/perangkat"),
    ("GET", "/akun/kata-sandi"): case("/akun/kata-sandi"),
    ("POST", "/akun/kata-sandi"): case(
        "/akun/kata-sandi",
        Send(form={"current_password": PASSWORD, "new_password": "sandi-baru-789", "new_password_repeat": "sandi-baru-789"}),
        Send(form={"current_password": "bukan-sandinya", "new_password": "a", "new_password_repeat": "b"}),
    ),
    ("GET", "/api/v1/push/public-key"): case("/api/v1/push/public-key"),
    ("POST", "/api/v1/push/subscriptions"): case(
        "/api/v1/push/subscriptions",
        Send(json=Subscriber(endpoint="https://fcm.googleapis.com/fcm/send/peran").as_json()),
        Send(json={"endpoint": "http://x.invalid", "keys": {}}),
    ),
    ("DELETE", "/api/v1/push/subscriptions"): case(
        "/api/v1/push/subscriptions",
        Send(json={"endpoint": DEVICE}),
        Send(json={"endpoint": ""}),
    ),
    ("GET", "/kejadian/ZZZZZZZZ"): case(
        "/kejadian/{incident}", Send(query={"jawab": "tiba", "kaji_cepat": "1"}), Send(path="/kejadian/ZZZZ0000")
    ),
    ("POST", "/kejadian/ZZZZZZZZ/jawab"): case(
        "/kejadian/{incident}/jawab", Send(form={"response": "bersedia"}),
        Send(form={"response": "terbang", "latitude": "x"}),
    ),
    ("POST", "/kejadian/ZZZZZZZZ/kaji-cepat"): case(
        "/kejadian/{incident}/kaji-cepat",
        Send(form={"displaced": "12", "situation_note": "Air mulai surut"}),
        # The example: one bad number among good ones.
        Send(form={"dead": "x", "displaced": "7"}),
    ),
    ("GET", "/static/css/app.css"): case("/static/css/app.css", invalid=Send(path="/static/css/tidak-ada.css")),
    ("HEAD", "/static/css/app.css"): case("/static/js/app.js", invalid=Send(path="/static/js/tidak-ada.js")),
    # Litestar's OpenAPI pages: the same bytes for everyone, checked all the same.
    ("GET", "/schema"): case("/schema"),
    ("GET", "/schema/openapi.json"): case("/schema/openapi.json"),
    ("GET", "/schema/openapi.yaml"): case("/schema/openapi.yaml"),
    ("GET", "/schema/openapi.yml"): case("/schema/openapi.yml"),
    ("GET", "/schema/redoc"): case("/schema/redoc"),
    ("GET", "/schema/rapidoc"): case("/schema/rapidoc"),
    ("GET", "/schema/elements"): case("/schema/elements"),
    ("GET", "/schema/swagger"): case("/schema/swagger"),
    ("GET", "/schema/oauth2-redirect.html"): case("/schema/oauth2-redirect.html"),
    # Litestar's answer to an unknown schema page: there is no valid request.
    ("GET", "/schema/x"): Case("/schema/tidak-ada", valid=None, invalid=Send()),
}
NON_STAFF = tuple(VISITORS)


def reachable(app) -> dict[tuple[str, str], str]:
    """The rule of every handler (method, path) some non-staff visitor may use, but Litestar's own
    OPTIONS answers (an Allow header and no body, for every path)."""
    return {
        (method, path): rule for method, path, rule in endpoints(app)
        if method != "OPTIONS" and any(EXPECTED[rule][visitor] == OK for visitor in NON_STAFF)
    }


@pytest.fixture
def settings(settings):
    # Hundreds of public posts from one test address: the per-address limit is not under test here.
    return settings.model_copy(update={"rate_limit_per_minute": 100_000})


@dataclass
class World:
    incident: str
    report: str
    photo: int
    village: str = VILLAGE
    district: str = DISTRICT


@pytest.fixture
async def world(app, settings) -> World:
    """One verified flood with everything the staff panel shows: a reporter with name, phone and
    words and a photo, a volunteer who arrived (with position) on a call the volunteer visitor
    answered too, an aid delivery with its recipient, a coordinator's and a field officer's
    assessments, and their audit history."""
    staff = client_of(app)
    await make_user("sari", Role.KOORDINATOR, full_name=COORDINATOR_NAME)
    assert (await sign_in(staff, "sari")).status_code == 303
    await make_user(GUEST, Role.RELAWAN, full_name="Dewi Tamu")
    for username, role, approved, full_name, phone in filter(None, VISITORS.values()):
        user = await make_user(username, role, approved=approved, full_name=full_name, phone=phone)
        await save_subscription(
            user.id, Subscriber(endpoint=DEVICE.format(me=username)).as_json(), EndpointPolicy.from_settings(settings)
        )
    sent = await staff.post("/api/v1/reports", json=FLOOD, headers={"Idempotency-Key": REPORT_KEY})
    assert sent.status_code == 201
    report = await Report.objects().where(Report.code == sent.json()["code"]).first().run()
    photo = await staff.post(
        f"/api/v1/reports/{report.code}/photos", files={"photo": ("a.jpg", jpeg(), "image/jpeg")},
        headers={"Idempotency-Key": REPORT_KEY},
    )
    assert photo.status_code == 201
    assert (await htmx_post(staff, f"/koordinator/laporan/{report.id}/verifikasi")).status_code == 200
    incident = await Incident.objects().first().run()
    assert (await htmx_post(staff, f"/kejadian/{incident.code}/kaji-cepat", ASSESSMENT)).status_code == 200
    arrived = await deploy_volunteer(incident)
    # The volunteer visitor answered the same call: the field page shows that call, and its answer.
    rudi = await User.objects().where(User.username == "rudi").first().run()
    await CallRecipient(call=arrived.call, user=rudi.id, distance_km=4.0, response=Response.WILLING,
                        responded_at=now()).save().run()
    await record_aid(staff, incident, recipient=f"{RECIPIENT_NAME} ({RECIPIENT_PHONE})")
    officer = client_of(app)
    assert (await sign_in(officer, "budi")).status_code == 303
    assert (await htmx_post(officer, f"/kejadian/{incident.code}/kaji-cepat", {"displaced": "90"})).status_code == 200
    await officer.aclose()
    panel = await staff.get(f"/koordinator/kejadian/{incident.code}")
    await staff.aclose()
    # The markers are real: the staff page shows every one of them (and the officer's name).
    assert [name for name, marker in STAFF_ONLY.items() if marker not in panel.text] == []
    assert "Budi Petugas Lapangan" in panel.text
    photo_id = (await ReportPhoto.select(ReportPhoto.id).where(ReportPhoto.report == report.id).first().run())["id"]
    return World(incident=incident.code, report=report.code, photo=photo_id)


def secrets_for(visitor: str) -> dict[str, str]:
    """Everything the visitor must not see: the staff-only data and the other visitors' own."""
    others = {
        f"{name}'s {what}": value
        for name, person in VISITORS.items() if person and name != visitor
        for what, value in (("name", person[3]), ("phone", person[4][1:]))
    }
    return STAFF_ONLY | NEVER_SHOWN | others


def leaks(response, secrets: dict[str, str]) -> list[str]:
    found = [
        f"{header} {response.headers[header]}" for header in ("location", "hx-redirect")
        if in_staff_area(response.headers.get(header, ""))
    ]
    media_type = response.headers.get("content-type", "")
    if not media_type.startswith(("image/", "application/octet-stream")):
        found += [name for name, marker in secrets.items() if marker in response.text]
    return found


class Visitor:
    """A browser of one kind of visitor, signed in afresh for every route: some routes sign out or
    change the password, and an earlier route must not decide what a later one is shown."""

    counter = itertools.count(1)

    def __init__(self, app, clock, name: str) -> None:
        self.app, self.clock, self.person = app, clock, VISITORS[name]

    async def __aenter__(self) -> Visitor:
        # Failed sign-ins of earlier routes are forgotten, so that they slow down no later one.
        self.clock.advance(minutes=16)
        self.client = client_of(self.app)
        if self.person:
            account = User.username == self.person[0]
            self.password_hash = (await User.select(User.password_hash).where(account).first().run())["password_hash"]
            assert (await sign_in(self.client, self.person[0])).status_code == 303
        self.token = await csrf_token(self.client)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.client.aclose()
        if self.person:
            # Undoes the valid password change of /akun/kata-sandi for the next route's sign-in.
            await User.update({User.password_hash: self.password_hash}).where(User.username == self.person[0]).run()

    async def send(self, method: str, send: Send, default_path: str, world: World, htmx: bool):
        values = vars(world) | {"me": self.person[0] if self.person else "", "n": next(self.counter)}

        def fill(value: Any) -> Any:
            return value.format(**values) if isinstance(value, str) else value

        headers = {"x-csrftoken": self.token, **{k: fill(v) for k, v in send.headers.items()}}
        if htmx:
            headers["HX-Request"] = "true"
        extra: dict[str, Any] = {"params": {k: fill(v) for k, v in (send.query or {}).items()}}
        if send.form is not None:
            extra["data"] = {k: fill(v) for k, v in send.form.items()}
        if send.json is not None:
            extra["json"] = {k: fill(v) for k, v in send.json.items()}
        if send.photo:
            extra["files"] = {"photo": ("bukti.jpg", jpeg(colour=(10, 120, 200)), "image/jpeg")}
        return await self.client.request(method, fill(send.path or default_path), headers=headers, **extra)


async def test_every_route_a_visitor_may_reach_has_its_requests(app):
    assert sorted(set(reachable(app)) - set(ROUTES)) == []
    assert sorted(set(ROUTES) - set(reachable(app))) == []


async def test_every_staff_page_lives_in_the_staff_area_and_nothing_else_does(app):
    misplaced = [
        (method, path, rule) for method, path, rule in endpoints(app)
        if method != "OPTIONS" and (rule in ("staff", "admin")) != in_staff_area(path)
    ]
    assert misplaced == []


async def test_no_answer_to_a_non_staff_visitor_holds_staff_only_content(app, clock, world):
    routes = reachable(app)
    assert sorted(set(routes) - set(ROUTES)) == []
    found = []
    for (method, path), rule in routes.items():
        route = ROUTES[(method, path)]
        for name in NON_STAFF:
            async with Visitor(app, clock, name) as visitor:
                for kind, send in (("valid", route.valid), ("invalid", route.invalid)):
                    for htmx in (False, True) if send else ():
                        response = await visitor.send(method, send, route.path, world, htmx)
                        problems = leaks(response, secrets_for(name))
                        if response.status_code >= 500:
                            problems.append(f"status {response.status_code}")
                        # A valid request must really be one (the first time: some change what a
                        # second one finds), or its answer was never the one worth checking.
                        if kind == "valid" and not htmx and EXPECTED[rule][name] == OK and response.status_code >= 400:
                            problems.append(f"valid request refused: {response.status_code}")
                        found += [(name, method, route.path, kind, "htmx" if htmx else "page", p) for p in problems]
    assert found == [], "\n".join(map(str, found))


async def test_the_field_page_shows_a_called_volunteer_the_call_and_only_their_own_answer(app, clock, world):
    async with Visitor(app, clock, "relawan") as visitor:
        page = await visitor.client.get(f"/kejadian/{world.incident}")
    assert page.status_code == 200
    assert "Bantu dapur umum" in page.text and 'data-testid="my-answer">Bersedia<' in page.text
    assert [name for name, marker in secrets_for("relawan").items() if marker in page.text] == []
