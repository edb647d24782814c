"""The coordinator desk through HTTP: queue and filters, triage actions as htmx fragments, the
incident page with assessments and needs. Both databases."""

import re
from datetime import timedelta

import pytest

from lapor_bencana import audit
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.incidents.tables import Assessment, Incident
from lapor_bencana.reports.tables import Report
from lapor_bencana.timeutil import now
from tests.accounts import client_of, csrf_token, make_user, post_form, sign_in

FLOOD = {"hazard": "banjir", "village_code": "63.11.06.2005", "latitude": -2.3325, "longitude": 115.4712,
         "description": "Air masuk rumah", "reporter_name": "Siti", "reporter_phone": "081234567890"}


@pytest.fixture
async def coordinator(app):
    await make_user("sari", Role.KOORDINATOR)
    await make_user("budi", Role.PETUGAS, full_name="Budi Petugas")
    client = client_of(app)
    assert (await sign_in(client, "sari")).status_code == 303
    yield client
    await client.aclose()


async def report_via_api(client, **fields):
    response = await client.post("/api/v1/reports", json={**FLOOD, **fields})
    assert response.status_code == 201
    return await Report.objects().where(Report.code == response.json()["code"]).first().run()


async def htmx_post(client, path, data=None):
    token = await csrf_token(client)
    return await client.post(path, data={"_csrf_token": token, **(data or {})}, headers={"HX-Request": "true"})


async def test_the_queue_lists_new_reports_with_the_reporters_contact_for_coordinators(coordinator):
    report = await report_via_api(coordinator)
    page = await coordinator.get("/koordinator")
    assert page.status_code == 200
    assert f'data-report-code="{report.code}"' in page.text
    detail = await coordinator.get(f"/koordinator/laporan/{report.id}")
    assert "Siti" in detail.text and "https://wa.me/6281234567890" in detail.text


async def test_filters_narrow_the_queue_and_answer_a_fragment_to_htmx(coordinator):
    flood = await report_via_api(coordinator)
    fire = await report_via_api(coordinator, hazard="kebakaran")
    fragment = await coordinator.get("/koordinator", params={"hazard": "kebakaran"}, headers={"HX-Request": "true", "HX-Target": "queue"})
    assert fragment.text.lstrip().startswith('<div id="queue"')
    assert fire.code in fragment.text and flood.code not in fragment.text
    by_district = await coordinator.get("/koordinator", params={"kecamatan": "63.11.01"})
    assert flood.code not in by_district.text


async def test_verify_then_merge_a_duplicate_through_the_desk(coordinator):
    first = await report_via_api(coordinator)
    verified = await htmx_post(coordinator, f"/koordinator/laporan/{first.id}/verifikasi")
    assert verified.status_code == 200 and 'id="report-actions"' in verified.text
    incident = await Incident.objects().first().run()
    second = await report_via_api(coordinator, latitude=-2.3330, longitude=115.4716)
    detail = await coordinator.get(f"/koordinator/laporan/{second.id}")
    assert f'value="{incident.id}"' in detail.text  # suggested as a duplicate
    merged = await htmx_post(coordinator, f"/koordinator/laporan/{second.id}/gabung", {"incident": str(incident.id)})
    assert merged.status_code == 200
    assert (await Report.objects().where(Report.id == second.id).first().run()).status == "digabung"
    page = await coordinator.get(f"/koordinator/kejadian/{incident.code}")
    assert first.code[:4] in page.text and second.code[:4] in page.text
    assert "report.merge" in page.text or "incident.create" in page.text  # the audit history is shown


async def test_a_second_action_on_a_handled_report_answers_422_with_a_reason(coordinator):
    report = await report_via_api(coordinator)
    await htmx_post(coordinator, f"/koordinator/laporan/{report.id}/verifikasi")
    again = await htmx_post(coordinator, f"/koordinator/laporan/{report.id}/tolak", {"reason": "hoaks"})
    assert again.status_code == 422
    assert "sudah ditangani" in again.text


async def test_reject_and_assign_without_javascript_redirect_back(coordinator):
    report = await report_via_api(coordinator)
    officer = await User.objects().where(User.username == "budi").first().run()
    assigned = await post_form(coordinator, f"/koordinator/laporan/{report.id}/tugaskan", {"officer": str(officer.id)})
    assert assigned.status_code == 303
    rejected = await post_form(coordinator, f"/koordinator/laporan/{report.id}/tolak", {"reason": "bukan_bencana", "note": "latihan"})
    assert rejected.status_code == 303
    stored = await Report.objects().where(Report.id == report.id).first().run()
    assert (stored.status, stored.rejection_reason, stored.assigned_officer) == ("ditolak", "bukan_bencana", officer.id)


async def test_a_refused_action_without_javascript_shows_the_page_with_the_reason(coordinator):
    report = await report_via_api(coordinator)
    path = f"/koordinator/laporan/{report.id}"
    refusals = [("/tolak", {"reason": "malas"}, "Pilih alasan penolakan."),
                ("/tugaskan", {"officer": "nol"}, "Pilih petugas atau relawan yang aktif."),
                ("/tugaskan", {"officer": str(2**40)}, "Pilih petugas atau relawan yang aktif.")]
    for action, data, message in refusals:
        refused = await post_form(coordinator, path + action, data)
        assert refused.status_code == 422 and "<html" in refused.text and message in refused.text
    await post_form(coordinator, path + "/verifikasi")
    again = await post_form(coordinator, path + "/verifikasi")
    assert again.status_code == 422 and "sudah ditangani" in again.text
    assert await Incident.count() == 1


async def test_an_assessment_gives_the_incident_figures_and_needs(coordinator):
    report = await report_via_api(coordinator)
    await htmx_post(coordinator, f"/koordinator/laporan/{report.id}/verifikasi")
    incident = await Incident.objects().first().run()
    saved = await htmx_post(coordinator, f"/kejadian/{incident.code}/kaji-cepat", {"displaced": "100", "affected_families": "30"})
    assert saved.status_code == 200
    assert 'data-testid="figures"' in saved.text
    assert 'data-testid="needs"' in saved.text and 'data-need="air_bersih"' in saved.text
    bad = await htmx_post(coordinator, f"/kejadian/{incident.code}/kaji-cepat", {"displaced": "-5"})
    assert bad.status_code == 422


async def test_incident_status_and_settings_change_through_the_page(coordinator):
    report = await report_via_api(coordinator)
    await htmx_post(coordinator, f"/koordinator/laporan/{report.id}/verifikasi")
    incident = await Incident.objects().first().run()
    moved = await htmx_post(coordinator, f"/koordinator/kejadian/{incident.code}/status", {"status": "ditangani"})
    assert moved.status_code == 200 and "Sedang ditangani" in moved.text
    wrong = await htmx_post(coordinator, f"/koordinator/kejadian/{incident.code}/status", {"status": "dilaporkan"})
    assert wrong.status_code == 422
    settings = await htmx_post(coordinator, f"/koordinator/kejadian/{incident.code}/pengaturan",
                               {"priority": "kritis", "emergency_status": "tanggap_darurat", "radius_km": "12", "planning_days": "14"})
    assert settings.status_code == 200
    stored = await Incident.objects().first().run()
    assert (stored.priority, stored.emergency_status, stored.planning_days, stored.public_kitchen) == ("kritis", "tanggap_darurat", 14, False)
    nonsense = await htmx_post(coordinator, f"/koordinator/kejadian/{incident.code}/pengaturan", {"priority": "raja"})
    assert nonsense.status_code == 422


async def test_a_field_officer_may_record_an_assessment_but_not_triage(app, coordinator):
    report = await report_via_api(coordinator)
    await htmx_post(coordinator, f"/koordinator/laporan/{report.id}/verifikasi")
    incident = await Incident.objects().first().run()
    officer = client_of(app)
    await sign_in(officer, "budi")
    saved = await htmx_post(officer, f"/kejadian/{incident.code}/kaji-cepat", {"displaced": "40"})
    assert saved.status_code == 200
    # The field page's own fragment, not the coordinator's panel with the reporter and the history.
    assert saved.text.lstrip().startswith('<section id="field-assessment"')
    assert "Kaji cepat terkirim." in saved.text
    staff_only = ("Siti", "1234567890", "Air masuk rumah", "/koordinator/", "audit-history", 'id="incident-live"', "Sari")
    assert [marker for marker in staff_only if marker in saved.text] == []
    other = await report_via_api(coordinator)
    refused = await post_form(officer, f"/koordinator/laporan/{other.id}/verifikasi")
    assert refused.status_code == 403
    await officer.aclose()


async def verified_incident(client, **fields) -> Incident:
    report = await report_via_api(client, **fields)
    assert (await htmx_post(client, f"/koordinator/laporan/{report.id}/verifikasi")).status_code == 200
    return await Incident.objects().where(Incident.id == (await Report.objects().get(Report.id == report.id).run()).incident).first().run()


ELSEWHERE = {"village_code": "63.11.01.2001", "latitude": None, "longitude": None}  # Muara Ninian, Kec. Juai


@pytest.fixture
async def open_and_closed(coordinator):
    """An open flood in Balang (Kec. Paringin), an open fire and a closed flood in Muara Ninian
    (Kec. Juai) closed two days ago, and a new flood report in Bihara (Kec. Awayan), near none of them."""
    flood = await verified_incident(coordinator)
    fire = await verified_incident(coordinator, hazard="kebakaran", **ELSEWHERE)
    closed = await verified_incident(coordinator, **ELSEWHERE)
    assert (await htmx_post(coordinator, f"/koordinator/kejadian/{closed.code}/status", {"status": "selesai"})).status_code == 200
    await Incident.update({Incident.closed_at: now() - timedelta(days=2)}).where(Incident.id == closed.id).run()
    report = await report_via_api(coordinator, village_code="63.11.03.2004", latitude=None, longitude=None)
    return flood, fire, closed, report


def offered(html: str) -> set[str]:
    return set(re.findall(r'data-incident-code="([A-Z0-9]+)"', html))


async def test_the_active_search_finds_any_open_incident_by_code_place_or_hazard(coordinator, open_and_closed):
    flood, fire, closed, report = open_and_closed
    detail = await coordinator.get(f"/koordinator/laporan/{report.id}")
    assert "Tidak ada kejadian serupa di dekatnya." in detail.text and offered(detail.text) == set()

    async def search(text):
        fragment = await coordinator.get(f"/koordinator/laporan/{report.id}/cari-kejadian", params={"cari": text},
                                         headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and "<html" not in fragment.text and 'id="incident-results"' not in fragment.text
        return offered(fragment.text)

    assert await search(f" {flood.code[:4].lower()}-{flood.code[4:]} ") == {flood.code}
    assert await search("muara") == {fire.code}  # the closed flood there is not offered
    assert await search("juai") == {fire.code}
    assert await search("Kebakaran") == {fire.code}
    assert await search("banjir paringin") == {flood.code}
    assert await search("balang banjir") == {flood.code}
    assert await search("banjir") == {flood.code}
    assert await search("%") == set() and await search("banjir juai") == set()
    nothing = await coordinator.get(f"/koordinator/laporan/{report.id}/cari-kejadian", params={"cari": "gunung"},
                                    headers={"HX-Request": "true"})
    assert "Tidak ada kejadian terbuka yang cocok dengan “gunung”." in nothing.text


async def test_the_search_works_without_javascript(coordinator, open_and_closed):
    flood, fire, _closed, report = open_and_closed
    page = await coordinator.get(f"/koordinator/laporan/{report.id}", params={"cari": "juai"})
    assert page.status_code == 200 and "<html" in page.text
    assert offered(page.text) == {fire.code} and 'value="juai"' in page.text
    plain = await coordinator.get(f"/koordinator/laporan/{report.id}/cari-kejadian", params={"cari": "juai"})
    assert plain.status_code == 303 and plain.headers["location"] == f"/koordinator/laporan/{report.id}?cari=juai#cari-kejadian"


async def test_a_report_is_merged_into_a_searched_incident_and_audited(coordinator, open_and_closed):
    _flood, fire, _closed, report = open_and_closed
    merged = await post_form(coordinator, f"/koordinator/laporan/{report.id}/gabung", {"incident": str(fire.id), "cari": "juai"})
    assert merged.status_code == 303
    stored = await Report.objects().where(Report.id == report.id).first().run()
    assert (stored.status, stored.incident) == ("digabung", fire.id)
    [event] = await audit.history("report", report.id)
    assert (event.action, event.after) == ("report.merge", {"status": "digabung", "incident": fire.code})
    assert (await audit.verify()).ok


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain form"])
async def test_a_bad_merge_target_is_refused_in_indonesian_and_nothing_is_lost(coordinator, open_and_closed, htmx):
    _flood, fire, closed, report = open_and_closed
    path = f"/koordinator/laporan/{report.id}/gabung"
    send = htmx_post if htmx else post_form
    refusals = {
        str(closed.id): f"Kejadian {closed.code} sudah selesai. Buka kembali kejadian itu dulu, atau jadikan laporan ini kejadian baru.",
        str(fire.id + closed.id + 99): "Kejadian tujuan tidak ditemukan. Cari lagi lalu pilih dari daftar.",
        "satu": "Pilih kejadian.",
        str(2**40): "Pilih kejadian.",
        "": "Pilih kejadian.",
    }
    for incident, message in refusals.items():
        refused = await send(coordinator, path, {"incident": incident, "cari": "juai"})
        assert refused.status_code == 422 and message in refused.text
        assert ("<html" in refused.text) is not htmx
        # The search is shown again as it was, ready for another choice.
        assert offered(refused.text) == {fire.code} and 'value="juai"' in refused.text
    stored = await Report.objects().where(Report.id == report.id).first().run()
    assert (stored.status, stored.incident) == ("baru", None)
    assert await audit.history("report", report.id) == []

async def test_a_refused_assessment_comes_back_to_the_field_officer_with_what_was_typed(app, coordinator):
    report = await report_via_api(coordinator)
    await htmx_post(coordinator, f"/koordinator/laporan/{report.id}/verifikasi")
    incident = await Incident.objects().first().run()
    officer = client_of(app)
    await sign_in(officer, "budi")
    bad = await htmx_post(officer, f"/kejadian/{incident.code}/kaji-cepat",
                          {"dead": "x", "displaced": "7", "needs_note": "Terpal"})
    assert bad.status_code == 422
    assert bad.text.lstrip().startswith('<section id="field-assessment"') and "/koordinator/" not in bad.text
    assert 'id="a-dead-error">Isi dengan angka bulat 0 atau lebih.<' in bad.text
    assert 'name="dead" value="x" aria-describedby="a-dead-error" aria-invalid="true"' in bad.text
    assert 'name="displaced" value="7"' in bad.text and ">Terpal</textarea>" in bad.text
    # Without JavaScript: the whole field page with the same form, or after saving a redirect back to it.
    page = await post_form(officer, f"/kejadian/{incident.code}/kaji-cepat", {"dead": "x"})
    assert page.status_code == 422 and 'data-testid="field-incident"' in page.text and 'value="x"' in page.text
    sent = await post_form(officer, f"/kejadian/{incident.code}/kaji-cepat", {"displaced": "9"})
    assert (sent.status_code, sent.headers["location"]) == (303, f"/kejadian/{incident.code}?kaji_cepat=1")
    back = await officer.get(sent.headers["location"])
    assert "Kaji cepat terkirim." in back.text and 'data-testid="assessment-form"' in back.text
    stored = await Assessment.select(Assessment.displaced, Assessment.verified).run()
    assert stored == [{"displaced": 9, "verified": False}]
    await officer.aclose()


async def test_a_coordinator_records_assessments_on_the_desk_not_on_the_field_page(coordinator):
    report = await report_via_api(coordinator)
    await htmx_post(coordinator, f"/koordinator/laporan/{report.id}/verifikasi")
    incident = await Incident.objects().first().run()
    field_page = await coordinator.get(f"/kejadian/{incident.code}")
    assert field_page.status_code == 200 and 'data-testid="assessment-form"' not in field_page.text
    bad = await htmx_post(coordinator, f"/kejadian/{incident.code}/kaji-cepat", {"dead": "x"})
    assert bad.status_code == 422 and 'id="incident-live"' in bad.text and "Isi dengan angka bulat 0 atau lebih." in bad.text
    plain = await post_form(coordinator, f"/kejadian/{incident.code}/kaji-cepat", {"displaced": "3"})
    assert (plain.status_code, plain.headers["location"]) == (303, f"/koordinator/kejadian/{incident.code}")
