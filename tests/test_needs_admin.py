"""The administrator's standards page: figures edited and saved as an audited new version that
the next calculation uses; errors in Indonesian with nothing saved; admins only. Both databases."""

import re
from datetime import timedelta

import pytest

from lapor_bencana import audit
from lapor_bencana.accounts.tables import Role
from lapor_bencana.incidents import assessments
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.incidents.triage import Context
from lapor_bencana.needs.rules import bundled_standards
from lapor_bencana.needs.routes import edited_rules
from lapor_bencana.needs.service import current_standards, list_versions
from lapor_bencana.needs.tables import StandardsVersion
from lapor_bencana.timeutil import now
from tests.accounts import client_of, csrf_token, make_user, sign_in


@pytest.fixture
async def clients(app):
    await make_user("ani", Role.ADMIN, full_name="Ani Admin")
    await make_user("sari", Role.KOORDINATOR)
    signed_in = {}
    for name in ("ani", "sari"):
        signed_in[name] = client_of(app)
        assert (await sign_in(signed_in[name], name)).status_code == 303
    yield signed_in
    for client in signed_in.values():
        await client.aclose()


async def save(client, **fields):
    return await client.post("/admin/standar", data={"_csrf_token": await csrf_token(client), **fields})


def test_only_the_figures_of_a_rule_can_be_changed():
    standards = bundled_standards()
    rules = edited_rules(standards, {"air_bersih__quantity": "20", "air_bersih__unit": "kg", "air_bersih__label": "Bensin"})
    water = next(rule for rule in rules if rule["code"] == "air_bersih")
    assert (water["quantity"], water["unit"], water["label"]) == ("20", "liter", "Air minum dan keperluan rumah tangga")
    # An optional figure the rule does not use is not added by an empty field.
    assert "after_days" not in edited_rules(standards, {"air_bersih__after_days": ""})[0]
    rice = next(rule for rule in edited_rules(standards, {"beras__quantity": "0,45"}) if rule["code"] == "beras")
    assert rice["quantity"] == "0.45"


async def test_an_admin_saves_a_new_version_that_the_next_calculation_uses(clients):
    page = await clients["ani"].get("/admin/standar")
    assert page.status_code == 200 and 'name="air_bersih__quantity" value="15"' in page.text
    assert "Sphere (2018), standar pasokan air 2.1" in page.text  # sources are shown
    saved = await save(clients["ani"], air_bersih__quantity="20", based_on="1", note="SK Bupati 12/2026")
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/standar?tersimpan=2"
    current = await current_standards()
    assert current.version == 2 and next(r for r in current.rules if r.code == "air_bersih").quantity == 20
    [event] = await audit.history("needs_standards", 2)
    assert (event.action, event.actor.label) == ("standards.save", "ani")
    assert event.before == {"version": 1, "air_bersih.quantity": "15"}
    assert event.after == {"version": 2, "note": "SK Bupati 12/2026", "air_bersih.quantity": "20"}
    assert [v["note"] for v in await list_versions()] == ["SK Bupati 12/2026"]

    incident = Incident(code="BANJIR01", hazard="banjir", title="Banjir", status=IncidentStatus.TERVERIFIKASI,
                        occurred_at=now() - timedelta(hours=3), planning_days=3)
    await incident.save().run()
    await assessments.record(incident.id, {"displaced": 100}, Context(await make_user("budi", Role.KOORDINATOR)), verified=True)
    incident_page = (await clients["sari"].get(f"/koordinator/kejadian/{incident.code}")).text
    # 20 L × 100 displaced × 3 days, and the page names the version it used.
    assert "standar versi 2" in incident_page
    water = re.search(r'<tr data-need="air_bersih".*?data-testid="needed">(.*?)</td>', incident_page, re.S).group(1)
    assert water.strip() == "6.000 liter"


async def test_bad_figures_are_refused_in_indonesian_and_nothing_is_saved(clients):
    refused = await save(clients["ani"], jamban__per_people="0", beras__quantity="abc", note="coba")
    assert refused.status_code == 422
    assert "Aturan 3 (jamban): Per berapa orang harus bilangan bulat 1 sampai 100000." in refused.text
    assert "Aturan 4 (beras): Jumlah harus angka lebih dari 0" in refused.text
    assert 'name="beras__quantity" value="abc"' in refused.text  # the form as it was sent
    unchanged = await save(clients["ani"], note="tanpa perubahan")
    assert unchanged.status_code == 422 and "Tidak ada angka yang diubah" in unchanged.text
    assert await StandardsVersion.count() == 0 and await audit.history("needs_standards", 2) == []


async def test_an_editor_on_an_outdated_version_is_told_to_reload(clients):
    assert (await save(clients["ani"], air_bersih__quantity="20", based_on="1")).status_code == 303
    late = await save(clients["ani"], beras__quantity="0.5", based_on="1")
    assert late.status_code == 422 and "sudah diubah menjadi versi 2" in late.text


async def test_a_past_version_can_be_viewed_and_coordinators_are_refused(clients):
    await save(clients["ani"], air_bersih__quantity="20", based_on="1")
    old = await clients["ani"].get("/admin/standar", params={"versi": "1"})
    assert "Anda melihat versi 1" in old.text and "air_bersih__quantity" not in old.text
    assert (await clients["sari"].get("/admin/standar")).status_code == 403
    assert (await save(clients["sari"], air_bersih__quantity="99")).status_code == 403
    assert (await current_standards()).version == 2
