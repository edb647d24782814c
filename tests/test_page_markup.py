"""Every GET page, rendered with real data for each kind of visitor its rule lets in, is sound HTML:
each ``<time datetime>`` is a valid HTML date/time (at most milliseconds), no form has an empty
``action``, and headings never skip a level. The routes come from the app, as in the access matrix."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.aid.tables import Warehouse
from tests.accounts import client_of, make_user, sign_in
from tests.sitrep_data import record_aid, seed_flood
from lapor_bencana.web.access import rule_of
from tests.test_access_matrix import EXPECTED, OK, PARAMETER

# HTML's valid date, month, time, local and global date-and-time strings (fractions: 1-3 digits).
_TIME = r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"
_ZONE = r"(Z|[+-]\d{2}:?\d{2})"
HTML_DATETIME = re.compile(rf"^(\d{{4,}}-\d{{2}}(-\d{{2}}([T ]{_TIME}{_ZONE}?)?)?|{_TIME})$")
SIGNED_IN_VISITORS = {
    "relawan": Role.RELAWAN, "petugas": Role.PETUGAS, "koordinator": Role.KOORDINATOR, "admin": Role.ADMIN
}


class PageChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.level = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "time" and "datetime" in values and not HTML_DATETIME.match(values["datetime"] or ""):
            self.problems.append(f"<time datetime={values['datetime']!r}>")
        if tag == "form" and "action" in values and not (values["action"] or "").strip():
            self.problems.append('<form action="">')
        if re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            if level > self.level + 1:
                self.problems.append(f"<{tag}> after <h{self.level}>" if self.level else f"<{tag}> first")
            self.level = level


def problems_of(html: str) -> list[str]:
    checker = PageChecker()
    checker.feed(html)
    return checker.problems


def test_the_checker_finds_each_fault():
    assert problems_of('<time datetime="2026-12-01T21:31:27.542171+00:00">x</time>') == [
        "<time datetime='2026-12-01T21:31:27.542171+00:00'>"
    ]
    assert problems_of('<form method="get" action=""></form>') == ['<form action="">']
    assert problems_of("<h1>a</h1><h3>b</h3>") == ["<h3> after <h1>"]
    assert problems_of('<h1>a</h1><h2>b</h2><h3>c</h3><h2>d</h2><time datetime="2026-12-01T21:31:27.542Z">') == []


@pytest.fixture
async def seeded(app, staff):
    """A flood with a report, an assessment, a deployment and aid; a warehouse; every kind of visitor."""
    flood = await seed_flood(staff)
    await record_aid(staff, flood.incident)
    visitors = {"anonymous": client_of(app), "koordinator": staff}
    for name, role in SIGNED_IN_VISITORS.items():
        if name not in visitors:
            await make_user(name, role)
            visitors[name] = client_of(app)
            assert (await sign_in(visitors[name], name)).status_code == 303
    await make_user("pending", approved=False)
    visitors["relawan pending"] = client_of(app)
    assert (await sign_in(visitors["relawan pending"], "pending")).status_code == 303
    warehouse = await Warehouse.objects().first()
    samples = {
        "code": flood.incident.code,
        "user_id": str((await User.objects().where(User.username == "relawan").first()).id),
        "report_id": str(flood.report.id),
        "warehouse_id": str(warehouse.id if warehouse else 1),
        "locale": "id",
    }
    yield flood, visitors, samples
    for name, client in visitors.items():
        if name != "koordinator":
            await client.aclose()


def sample_path(path: str, flood, samples: dict[str, str]) -> str | None:
    if path.startswith("/laporan/"):
        samples = {**samples, "code": flood.report.code}
    if path.startswith("/poster/"):
        samples = {**samples, "code": "63.11.06.2005"}
    names = PARAMETER.findall(path)
    if any(name not in samples for name in names):
        return None  # files and photos: no HTML to check
    return PARAMETER.sub(lambda match: samples[match.group(1)], path)


async def test_every_page_is_sound_html_for_every_visitor_it_lets_in(app, seeded):
    flood, visitors, samples = seeded
    checked, problems = set(), []
    pages = [
        (sample_path(route.path, flood, samples), rule_of(handler))
        for route in app.routes
        for handler in route.route_handlers
        # An event stream never ends; the in-process client would wait for it.
        if "GET" in handler.http_methods and not handler.opt.get("stream")
    ]
    for path, rule in pages:
        if path is None:
            continue
        for visitor, client in visitors.items():
            if EXPECTED[rule][visitor] != OK:
                continue
            response = await client.get(path)
            if response.status_code != 200 or not response.headers.get("content-type", "").startswith("text/html"):
                continue
            checked.add(path)
            problems += [(path, visitor, problem) for problem in problems_of(response.text)]
    assert not problems, "\n".join(sorted({f"{path} ({visitor}): {problem}" for path, visitor, problem in problems}))
    for must in ("/koordinator/akun", "/koordinator/laporan-situasi", f"/laporan/{flood.report.code}",
                 f"/koordinator/kejadian/{flood.incident.code}", "/transparansi", "/"):
        assert must in checked, must
