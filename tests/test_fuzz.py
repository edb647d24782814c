"""Schemathesis against the real server's OpenAPI document (`/schema/openapi.json`): every
operation, with data that fits the schema and data that does not, a fixed number of examples
from a fixed seed, with every check (`--checks all`: no server error; documented statuses, media
types, headers and bodies; data the schema refuses is refused and data it allows is accepted,
less the rules it states in words, tests/fuzz_checks.py). Then the stateful phase: sequences that
follow the report API's links (a created report, then its status).

    LAPOR_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/test_fuzz.py     # longer, locally
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from e2e.helpers import LiveServer
from tests.accounts import CSRF_INPUT
from tests.conftest import ENGINES, _run_ddl, _truncate_statement
from tests import fuzz_checks  # noqa: F401  (registers its check, which Schemathesis then runs with its own)

EXAMPLES = int(os.environ.get("LAPOR_FUZZ_EXAMPLES", "50"))
# Scenarios of the stateful phase, each a few linked calls.
SCENARIOS = int(os.environ.get("LAPOR_FUZZ_SCENARIOS", "25"))
OPERATIONS = [
    "POST /api/v1/reports",
    "GET /api/v1/reports/{code}",
    "POST /api/v1/reports/{code}/photos",
    "GET /api/v1/push/public-key",
    "GET /api/v1/incidents",
    "GET /api/v1/incidents.geojson",
    "POST /api/v1/push/subscriptions",
    "DELETE /api/v1/push/subscriptions",
]
# Storing a browser's push subscription is for a signed-in volunteer, sent with the page's CSRF token.
SIGNED_IN_OPERATIONS = {"POST /api/v1/push/subscriptions", "DELETE /api/v1/push/subscriptions"}
VOLUNTEER = ("fuzz-relawan", "rahasia-relawan-123")
# Every registered check: all of Schemathesis's, with tests/fuzz_checks.py's in place of its positive one.
EXCLUDED_CHECKS = [positive_data_acceptance]
KNOWN_KEY = "fuzz-known-report"


def volunteer_session(server: LiveServer) -> tuple[dict[str, str], dict[str, str]]:
    """Cookies and headers of a volunteer signed in through the sign-in page."""
    server.lapor("user", "create", "--role", "relawan", "--username", VOLUNTEER[0], "--password", VOLUNTEER[1])
    with httpx.Client(base_url=server.base_url) as browser:
        token = CSRF_INPUT.search(browser.get("/masuk").text).group(1)
        signed_in = browser.post("/masuk", data={"_csrf_token": token, "identifier": VOLUNTEER[0], "password": VOLUNTEER[1]})
        assert signed_in.status_code in (200, 303), signed_in.text
        cookies = dict(browser.cookies)
        # The token is bound to the new session: it comes from a page shown after signing in.
        token = CSRF_INPUT.search(browser.get("/relawan").text).group(1)
    return cookies, {"x-csrftoken": token}


@pytest.fixture(scope="module", params=ENGINES)
def fuzz_server(request, tmp_path_factory) -> Iterator[tuple[LiveServer, str]]:
    """The real server on a database of its own, with one report whose key the photo upload needs."""
    data_dir = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    if request.param == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), data_dir / "lapor.sqlite3")
        url = f"sqlite:///{data_dir / 'lapor.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_prepared")
        asyncio.run(_run_ddl(url, _truncate_statement()))
    # One client sends every request here; the per-address limit would answer most of them 429.
    server = LiveServer(data_dir, {"LAPOR_DATABASE_URL": url, "LAPOR_RATE_LIMIT_PER_MINUTE": "1000000"})
    server.start(timeout_s=60)
    try:
        created = httpx.post(
            f"{server.base_url}/api/v1/reports",
            json={"hazard": "banjir", "village_code": "63.11.06.2005"},
            headers={"Idempotency-Key": KNOWN_KEY},
        )
        assert created.status_code == 201, created.text
        yield server, created.json()["code"], volunteer_session(server)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def api_schema(fuzz_server):
    server = fuzz_server[0]
    config = schemathesis.config.SchemathesisConfig.from_path(Path(__file__).parent.parent / "schemathesis.toml")
    return schemathesis.openapi.from_url(f"{server.base_url}/schema/openapi.json", config=config)


def test_every_operation_of_the_api_is_fuzzed(api_schema):
    assert {result.ok().label for result in api_schema.get_all_operations()} == set(OPERATIONS)


# Every string is a valid code to look up (people type codes in any form), and the public key and
# the incidents feeds take no input at all, so those operations have no data that does not fit their schema.
POSITIVE_ONLY = {"GET /api/v1/reports/{code}", "GET /api/v1/push/public-key", "GET /api/v1/incidents", "GET /api/v1/incidents.geojson"}
CASES = [(label, mode) for label in OPERATIONS for mode in GenerationMode if label not in POSITIVE_ONLY or mode.is_positive]


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_fuzzed_requests_get_no_server_error_and_only_documented_answers(api_schema, fuzz_server, label, mode):
    server, known_code, (cookies, headers) = fuzz_server
    method, path = label.split(" ")
    operation = api_schema[path][method]
    fixed = {}
    if path.endswith("/photos") and mode is GenerationMode.POSITIVE:
        # Past the sender check to the photo intake itself: a real report, with its own key.
        fixed = {"path_parameters": {"code": known_code}, "headers": {"Idempotency-Key": KNOWN_KEY}}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,  # the same examples on every run: CI stays reproducible
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    def check(case) -> None:
        signed_in = {"cookies": cookies, "headers": headers} if label in SIGNED_IN_OPERATIONS else {}
        response = case.call(base_url=server.base_url, timeout=30, **signed_in)
        case.validate_response(response, excluded_checks=EXCLUDED_CHECKS)

    try:
        check()
    finally:
        if "Traceback" in server.log():
            print(server.log()[-5000:])


def test_linked_calls_of_the_report_api_get_only_documented_answers(api_schema, fuzz_server):
    """The stateful phase: a report is created, then read through the link its answer gives."""
    server = fuzz_server[0]
    machine = api_schema.include(path_regex=r"^/api/v1/reports").as_state_machine()

    class ReportAPI(machine):
        def get_call_kwargs(self, case):
            return {"base_url": server.base_url, "timeout": 30}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, excluded_checks=EXCLUDED_CHECKS, transport_kwargs=kwargs)

    try:
        ReportAPI.run(
            settings=settings(
                max_examples=SCENARIOS,
                stateful_step_count=4,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
        )
    finally:
        if "Traceback" in server.log():
            print(server.log()[-5000:])
