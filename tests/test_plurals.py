"""Counts take the form their number needs in English ("1 minute", "2 minutes"), in Python and in
templates, where Jinja's newstyle gettext fills in every variable passed to ``ngettext``."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lapor_bencana import i18n
from lapor_bencana.accounts.signin import too_many_attempts
from lapor_bencana.config import Settings
from lapor_bencana.sitrep.document import paper_of
from lapor_bencana.sitrep.report import SituationReport
from lapor_bencana.volunteers.call_routes import _sent_notice
from lapor_bencana.volunteers.calls import Sent


@pytest.fixture
def english():
    with i18n.in_locale("en"):
        yield


def situation(sections: int, volunteers: int) -> SituationReport:
    section = type("Section", (), {"personnel": [object()] * volunteers})()
    others = [type("Section", (), {"personnel": []})() for _ in range(sections - 1)]
    return SituationReport(
        day=date(2026, 1, 5), generated_at=datetime(2026, 1, 5, tzinfo=UTC), regency_name="Balangan",
        zone=ZoneInfo("Asia/Makassar"), sections=[section, *others],
        paper=paper_of(Settings(), "Balangan", {}),
    )


def test_python_messages_use_the_singular_for_one(english):
    assert too_many_attempts(timedelta(seconds=20)) == "Too many attempts. Try again in 1 minute."
    assert too_many_attempts(timedelta(minutes=15)) == "Too many attempts. Try again in 15 minutes."
    assert _sent_notice(Sent(call=None, targets=1, messages=1)) == "Call sent to 1 person (1 device)."
    assert _sent_notice(Sent(call=None, targets=3, messages=4)) == "Call sent to 3 people (4 devices)."
    assert situation(1, 1).headline == "1 incident active, 1 volunteer deployed."
    assert situation(2, 3).headline == "2 incidents active, 3 volunteers deployed."


def test_indonesian_keeps_one_form():
    assert situation(1, 1).headline == "1 kejadian aktif, 1 relawan bertugas."


async def test_templates_fill_in_every_variable_of_a_plural_message(app):
    template = app.template_engine.engine.from_string(
        '{{ ngettext("Untuk %(num)s hari, standar versi %(version)s.", "Untuk %(num)s hari, standar versi %(version)s.",'
        " days, version=3) }}"
    )
    with i18n.in_locale("en"):
        assert template.render(days=1) == "For 1 day, standards version 3."
        assert template.render(days=7) == "For 7 days, standards version 3."


async def test_the_pending_reports_banner_has_both_forms(client):
    await client.get("/bahasa/en", params={"next": "/"})
    page = (await client.get("/lapor")).text
    assert 'data-text-one="{n} report waiting for a signal to be sent"' in page
    assert 'data-text-other="{n} reports waiting for a signal to be sent"' in page


async def test_one_refused_photo_is_one_photo(client):
    await client.get("/bahasa/en", params={"next": "/"})
    response = await client.post(
        "/api/v1/reports",
        json={"hazard": "banjir", "village_code": "63.11.06.2005", "description": "Air naik", "reporter_name": "Ani"},
    )
    code = response.json()["code"]
    page = (await client.get(f"/laporan/{code}", params={"baru": "true", "foto_ditolak": 1})).text
    assert "1 photo could not be accepted" in page
