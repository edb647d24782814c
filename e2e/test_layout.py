"""Every staff and field page fits a 360 px phone and a 1280 px laptop: no sideways scrolling (of
the page or of a box inside it), no text under 12 px as drawn (SVG chart text included), and no word
broken in the middle. The pages are read from the app's own routes, so a new page is checked
without touching this file; ids and codes come from the links the signed-in person can follow."""

from __future__ import annotations

import os
import re
from unittest import mock

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.test_accounts import sign_in
from lapor_bencana.web.access import rule_of

SIZES = {"phone": {"width": 360, "height": 640}, "laptop": {"width": 1280, "height": 800}}
# The access rules of the pages each person is checked on (see lapor_bencana.web.access).
ROLES = {"koordinator": {"staff", "signed_in", "own_password"}, "admin": {"admin"}, "relawan1": {"field", "signed_in"}}
# Routes with a parameter that the demo data links nowhere; each is no page anyway.
UNLINKED = {"/koordinator/bantuan/{delivery_id:int}/foto"}  # a delivery's photo: demo deliveries have none
PARAMETER = re.compile(r"\{(\w+):\w+\}")

# Runs in the page; returns what breaks the layout. Text size is the size as drawn: an SVG scaled
# down to the screen shrinks its text with it.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const describe = el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 && el.getClientRects().length)
      problems.push(`box scrolls sideways: ${describe(el)}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const reported = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || reported.has(el) || el.closest('.visually-hidden, script, style, option')) continue;
    if (!el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) continue;
    const scale = el instanceof SVGElement && el.getScreenCTM() ? Math.abs(el.getScreenCTM().d) : 1;
    const size = parseFloat(getComputedStyle(el).fontSize) * scale;
    if (size < 11.95) { problems.push(`text of ${size.toFixed(1)} px: ${describe(el)}`); reported.add(el); continue; }
    if (el instanceof SVGElement) {
      // An SVG clips what it draws outside its box.
      const [text, box] = [el.getBoundingClientRect(), el.ownerSVGElement.getBoundingClientRect()];
      if (text.left < box.left - 1 || text.right > box.right + 1) problems.push(`text cut off: ${describe(el)}`);
      continue;
    }
    // A word is what lies between the places a line may break without breaking a word.
    const word = /[^\\s\\-\\u2010-\\u2014\\/]+/g;
    for (let match = word.exec(node.data); match; match = word.exec(node.data)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) { problems.push(`word broken: "${match[0]}" in ${describe(el)}`); reported.add(el); break; }
    }
  }
  return problems;
}"""


def layout_problems(page: Page) -> list[str]:
    return page.evaluate(LAYOUT_PROBLEMS)


def page_routes(server, rules: set[str]) -> list[str]:
    """Paths (with ``{name:type}`` parameters) of the GET routes under ``rules``, from the app."""
    from lapor_bencana.app import create_app

    with mock.patch.dict(os.environ, server.env):
        app = create_app()
    return sorted(
        route.path
        for route in app.routes
        for handler in route.route_handlers
        if "GET" in handler.http_methods and rule_of(handler) in rules and not handler.opt.get("stream")
    )


def parameters_in(links: set[str], routes: list[str]) -> dict[str, str]:
    """Values of the path parameters of ``routes`` that ``links`` show, by parameter name."""
    found = {}
    for route in routes:
        pattern = re.compile(re.escape(PARAMETER.sub("\0", route)).replace("\0", "([^/?#]+)") + "$")
        names = PARAMETER.findall(route)
        for link in sorted(links):
            if match := pattern.match(link):
                found |= dict(zip(names, match.groups()))
    return found


def linked_paths(page: Page) -> set[str]:
    """Where the page's links and GET forms lead (a form's action: the export downloads)."""
    return set(
        page.evaluate(
            """() => [...document.querySelectorAll('a[href]')].map(a => new URL(a.href).pathname).concat(
                 [...document.querySelectorAll('form[action]')].filter(form => form.method === 'get')
                   .map(form => new URL(form.action).pathname))"""
        )
    )


def visit_at_both_sizes(page: Page, url: str, shots: str) -> list[str] | None:
    """The layout problems of the page at ``url`` at each size (screenshots named ``shots-…``);
    None when it is no page (a download, a photo, a PDF). An error page (the coat of arms when
    none is configured) is a page too."""
    answer = page.request.get(url)
    assert answer.status < 500, (url, answer.status)
    if not answer.headers.get("content-type", "").startswith("text/html"):
        return None
    problems = []
    page.set_viewport_size(SIZES["phone"])
    page.goto(url)
    # What folds away (the queue's filters, a calculation's working) must fit when unfolded too.
    page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true; })")
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        page.screenshot(path=f"{shots}-{size_name}.png", full_page=True)
        problems += [f"{url} at {size_name}: {problem}" for problem in layout_problems(page)]
    return problems


def test_every_staff_and_field_page_fits_a_phone_and_a_laptop(browser: Browser, browser_context_args, demo_server, tmp_path):
    # One browser context per person, both sizes in it. Ids and codes are learnt from the links
    # the pages offer (the coordinator's desk first, so a volunteer opens an incident the desk
    # links to); a route waits until every parameter it needs has been seen in a link.
    samples: dict[str, str] = {}
    problems: list[str] = []
    for identifier, rules in ROLES.items():
        context = browser.new_context(**browser_context_args)
        page = context.new_page()
        sign_in(page, demo_server.base_url, identifier)
        page.wait_for_url(lambda url: "/masuk" not in url)
        waiting = sorted(set(page_routes(demo_server, rules)) - UNLINKED)
        checked = 0
        while ready := [route for route in waiting if set(PARAMETER.findall(route)) <= samples.keys()]:
            for route in ready:
                waiting.remove(route)
                path = PARAMETER.sub(lambda match: samples[match.group(1)], route)
                shots = tmp_path / (identifier + re.sub(r"\W+", "-", path))
                found = visit_at_both_sizes(page, demo_server.base_url + path, str(shots))
                if found is not None:
                    problems += found
                    samples |= parameters_in(linked_paths(page), routes=waiting)
                    checked += 1
        context.close()
        assert waiting == [], f"no link gives the parameters of {waiting}"
        assert checked, f"no page checked for {identifier}"
    assert problems == [], "\n".join(problems)


def test_the_first_report_of_the_queue_is_above_the_fold_on_a_phone(page: Page, demo_server):
    sign_in(page, demo_server.base_url, "koordinator")
    page.wait_for_url(demo_server.base_url + "/koordinator")
    filters = page.get_by_test_id("queue-filters")
    expect(filters).not_to_have_attribute("open", "")
    expect(filters.get_by_label("Jenis")).to_be_hidden()
    first = page.locator(".queue-row").first
    box = first.bounding_box()
    assert box["y"] + 64 <= SIZES["phone"]["height"], box
    # Filtering unfolds the control again, so the coordinator sees what narrowed the queue.
    filters.locator("summary").click()
    filters.get_by_label("Sumber").select_option(index=1)
    page.wait_for_url("**/koordinator?*")
    page.reload()
    expect(page.get_by_test_id("queue-filters")).to_have_attribute("open", "")


def test_no_queue_row_ends_in_a_separator(page: Page, demo_server):
    sign_in(page, demo_server.base_url, "koordinator")
    page.goto(demo_server.base_url + "/koordinator?status=semua")
    # The demo's reports give one figure without houses damaged: the separator after it used to stay.
    lines = page.get_by_test_id("queue-casualties").all_inner_texts()
    assert "Luka-luka 1" in lines, lines
    assert [line for line in lines if line.strip().endswith("·")] == []


WORDS = "<p>Penanggulangan bencana daerah</p>"
CHART = '<svg viewBox="0 0 1000 100" class="chart"><text x="0" y="50" class="chart-label">Penanggulangan</text></svg>'


@pytest.mark.parametrize(
    "html, style, expected",
    [
        (WORDS, {"width": "2000px"}, "page scrolls sideways"),
        (WORDS, {"overflowX": "auto", "width": "5rem", "whiteSpace": "nowrap"}, "box scrolls sideways"),
        (WORDS, {"fontSize": "11px"}, "text of 11.0 px"),
        (CHART, {}, "text of"),
        ('<svg viewBox="0 0 100 20" class="chart"><text x="90" y="15" class="chart-label">Penanggulangan</text></svg>', {}, "text cut off"),
        (WORDS, {"width": "4rem", "overflowWrap": "anywhere"}, "word broken"),
    ],
)
def test_the_layout_check_does_catch_each_fault(page: Page, demo_server, html, style, expected):
    # Guards the guard: the home page passes, and each fault added to it is reported.
    page.goto(demo_server.base_url + "/")
    assert layout_problems(page) == []
    page.evaluate(
        """([html, style]) => { const main = document.querySelector('main'); main.insertAdjacentHTML('beforeend', html);
                                Object.assign(main.lastElementChild.style, style); }""",
        [html, style],
    )
    problems = layout_problems(page)
    assert any(problem.startswith(expected) for problem in problems), problems
