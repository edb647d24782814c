"""The audit history fragment, rendered by the app's own template engine from real events."""

import re
from datetime import UTC, datetime

from lapor_bencana import audit, i18n, timeutil
from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role

FRAGMENT = "fragments/audit_history.html"
RAW_RECORDS = re.compile(r"<details class=\"audit-raw\">.*?</details>", re.DOTALL)


async def render(app, entity_type: str, entity_id) -> str:
    events = await audit.history(entity_type, entity_id)
    return app.template_engine.get_template(FRAGMENT).render(events=events)


def visible(html: str) -> str:
    """What a reader sees without opening the auditors' raw records."""
    return RAW_RECORDS.sub("", html)


async def record_incident_story(monkeypatch) -> None:
    user = await create_user(username="siti", password="rahasia123", full_name="Siti", role=Role.KOORDINATOR)
    # 02:30 UTC is 10.30 in Balangan (WITA).
    monkeypatch.setattr(timeutil, "now", lambda: datetime(2026, 1, 5, 2, 30, tzinfo=UTC))
    await audit.record(
        action="incident.create", entity_type="incident", entity_id=7, actor=user,
        after={"code": "B4NJ1RXY", "hazard": "banjir", "from_report": "K7QM3XHP"},
    )
    monkeypatch.setattr(timeutil, "now", lambda: datetime(2026, 1, 5, 3, 45, tzinfo=UTC))
    await audit.record(
        action="incident.status", entity_type="incident", entity_id=7, actor=user,
        before={"status": "terverifikasi"}, after={"status": "ditangani"},
    )
    await audit.record(
        action="assessment.create", entity_type="incident", entity_id=7, actor=user,
        before=None, after={"assessment": 3, "verified": True, "houses_flooded": 25, "displaced": 1250},
    )


async def test_each_event_reads_as_a_sentence_with_labelled_changes(app, monkeypatch):
    await record_incident_story(monkeypatch)
    html = await render(app, "incident", 7)
    assert 'aria-label="Riwayat perubahan"' in html
    # Event 1 is the creation of Siti's account; the incident's are 2, 3 and 4.
    assert html.index('data-audit-seq="4"') < html.index('data-audit-seq="3"') < html.index('data-audit-seq="2"')
    shown = visible(html)
    assert "siti mengubah status kejadian menjadi Sedang ditangani" in shown
    assert "<dt>Status</dt>" in shown
    assert "Terverifikasi" in shown and "menjadi</span> Sedang ditangani" in shown
    assert "siti memverifikasi laporan dan membuat kejadian" in shown
    assert "<dt>Jenis bencana</dt>" in shown and "<dd>Banjir</dd>" in shown
    assert "<dt>Dari laporan</dt>" in shown
    assert "<dt>Rumah terendam</dt>" in shown and "<dd>25</dd>" in shown and "<dd>1.250</dd>" in shown
    assert "<dd>ya</dd>" in shown
    for code in ("incident.create", "incident.status", "from_report", "houses_flooded", "terverifikasi<", "banjir<"):
        assert code not in shown


async def test_times_use_the_pages_format_in_the_regencys_zone(app, monkeypatch):
    await record_incident_story(monkeypatch)
    html = await render(app, "incident", 7)
    # The incident page writes its moments as "5 Jan 2026 11:45" (WITA for Balangan).
    assert '<time datetime="2026-01-05T03:45:00+00:00">5 Jan 2026 11:45</time>' in html
    assert '<time datetime="2026-01-05T02:30:00+00:00">5 Jan 2026 10:30</time>' in html


async def test_the_raw_record_stays_available_for_auditors(app, monkeypatch):
    await record_incident_story(monkeypatch)
    html = await render(app, "incident", 7)
    raw = "".join(RAW_RECORDS.findall(html))
    assert "Catatan asli untuk pemeriksa" in raw
    assert '\n &#34;action&#34;: &#34;incident.status&#34;,\n' in raw
    assert '\n &#34;after&#34;: {\n  &#34;status&#34;: &#34;ditangani&#34;\n },\n' in raw


async def test_the_fragment_follows_the_language_of_the_page(app, monkeypatch):
    await record_incident_story(monkeypatch)
    token = i18n.current_locale.set("en")
    try:
        html = await render(app, "incident", 7)
    finally:
        i18n.current_locale.reset(token)
    shown = visible(html)
    assert 'aria-label="Change history"' in shown
    assert "siti changed the incident status to Being handled" in shown
    assert "to</span> Being handled" in shown
    assert "<dt>Houses flooded</dt>" in shown and "<dd>1,250</dd>" in shown and "<dd>yes</dd>" in shown
    assert "mengubah" not in shown


async def test_an_action_without_a_sentence_of_its_own_still_reads_as_one(app):
    await audit.record(
        action="report.update", entity_type="report", entity_id=1, actor=audit.RESIDENT,
        before={"description": "lama"}, after={"description": "baru"},
    )
    shown = visible(await render(app, "report", 1))
    assert "warga mengubah data laporan" in shown
    assert "<dt>Description</dt>" in shown
    assert "report.update" not in shown


async def test_the_fragment_escapes_what_people_typed(app):
    await audit.record(
        action="report.update",
        entity_type="report",
        entity_id=1,
        actor=audit.RESIDENT,
        before={"description": "<b>lama</b>"},
        after={"description": "<script>alert(1)</script>"},
    )
    html = await render(app, "report", 1)
    assert "<script>" not in html and "&lt;script&gt;" in html


async def test_the_fragment_says_when_nothing_was_recorded(app):
    html = await render(app, "incident", 404)
    assert "Belum ada perubahan yang tercatat." in html
