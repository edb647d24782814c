"""The audit history fragment, rendered by the app's own template engine from real events."""

from datetime import UTC, datetime

from lapor_bencana import audit, i18n, timeutil
from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role

FRAGMENT = "fragments/audit_history.html"


async def render(app, entity_type: str, entity_id) -> str:
    events = await audit.history(entity_type, entity_id)
    return app.template_engine.get_template(FRAGMENT).render(events=events)


async def record_incident_story(monkeypatch) -> None:
    user = await create_user(username="siti", password="rahasia123", full_name="Siti", role=Role.KOORDINATOR)
    # 02:30 UTC is 10.30 in Balangan (WITA).
    monkeypatch.setattr(timeutil, "now", lambda: datetime(2026, 1, 5, 2, 30, tzinfo=UTC))
    await audit.record(
        action="incident.create", entity_type="incident", entity_id=7, actor=audit.RESIDENT, after={"title": "Banjir"}
    )
    monkeypatch.setattr(timeutil, "now", lambda: datetime(2026, 1, 5, 3, 45, tzinfo=UTC))
    await audit.record(
        action="incident.verify",
        entity_type="incident",
        entity_id=7,
        actor=user,
        before={"status": "dilaporkan", "verified": False},
        after={"status": "terverifikasi", "verified": True},
    )


async def test_the_fragment_lists_an_entitys_events_newest_first_in_local_time(app, monkeypatch):
    await record_incident_story(monkeypatch)
    html = await render(app, "incident", 7)
    assert 'aria-label="Riwayat perubahan"' in html
    # Event 1 is the creation of Siti's account; the incident's are 2 and 3.
    assert html.index('data-audit-seq="3"') < html.index('data-audit-seq="2"')
    assert "11.45" in html and "10.30" in html
    assert '<time datetime="2026-01-05T03:45:00+00:00">' in html
    assert "siti" in html and "warga" in html
    assert "<code>incident.verify</code>" in html
    assert "<dt>status</dt>" in html
    assert "dilaporkan" in html and "menjadi</span> terverifikasi" in html
    assert "dari</span> tidak" in html and "menjadi</span> ya" in html
    assert "<dd>Banjir</dd>" in html


async def test_the_fragment_follows_the_language_of_the_page(app, monkeypatch):
    await record_incident_story(monkeypatch)
    token = i18n.current_locale.set("en")
    try:
        html = await render(app, "incident", 7)
    finally:
        i18n.current_locale.reset(token)
    assert 'aria-label="Change history"' in html
    assert "resident" in html and "warga" not in html
    assert "to</span> yes" in html


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
