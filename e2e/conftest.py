"""End-to-end fixtures: Debian's Chromium driven by Playwright against the real server."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import ConsoleMessage, Page

from e2e.helpers import POSTGRES_URL, LiveServer, fresh_postgres_database, serving

CHROMIUM = os.environ.get("LAPOR_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 640}
UNREACHABLE_TILES = "https://tile.openstreetmap.org/"


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "e2e" in item.nodeid.split("/")[0]:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "id-ID", "has_touch": True, "is_mobile": True}


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[LiveServer]:
    """One server with Balangan's demo data, shared by the tests. With PostgreSQL configured (CI)
    it is the scaled-out shape — two processes on PostgreSQL — so that every browser flow runs on
    both engines across the suite: the tests with a server of their own use SQLite."""
    data_dir = tmp_path_factory.mktemp("demo-server")
    with contextlib.ExitStack() as stack:
        if POSTGRES_URL:
            url = stack.enter_context(fresh_postgres_database("demo"))
            server = LiveServer(data_dir, extra_env={"LAPOR_DATABASE_URL": url}, workers=2)
        else:
            server = LiveServer(data_dir)
        server.lapor("db", "migrate")
        server.lapor("regions", "import")
        server.lapor("demo", "seed")
        server.start()
        stack.callback(server.stop)
        yield server


@pytest.fixture
def own_server(tmp_path, request) -> Iterator[LiveServer]:
    """A server of the test's own, which the test may stop and start."""
    with serving(LiveServer(tmp_path / "server"), request.node) as server:
        yield server


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Errors the page logs (CSP violations included) or throws; a test asserts it stays empty."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The map tiles (OpenStreetMap by default) cannot load without internet, as in the field
        # without a signal; maps must work without them, and their failure is no page error.
        if message.type == "error" and not message.location.get("url", "").startswith(UNREACHABLE_TILES):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
