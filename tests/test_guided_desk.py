"""The guided desk through HTTP: the report page's status badge follows each action at once, the
first rapid assessment is pre-filled from the verified reports, the call form starts from the
computed personnel and says who it would reach. Both databases."""

import re

import pytest

from lapor_bencana.accounts.tables import Role
from lapor_bencana.incidents.tables import Assessment, Incident
from tests.accounts import client_of, make_user, sign_in
from tests.push_helpers import subscribed
from tests.test_calls import flood
from tests.test_targeting import volunteer
from tests.test_desk import coordinator, htmx_post, report_via_api  # noqa: F401 - fixture

STATUS_BADGE = re.compile(r'<dd id="report-status" data-testid="report-status" hx-swap-oob="true">([^<]*)</dd>')


@pytest.mark.parametrize(
    ("action", "data", "badge"),
    [("verifikasi", {}, "Terverifikasi"), ("tolak", {"reason": "hoaks"}, "Ditolak")],
)
async def test_an_action_answers_the_new_status_badge_out_of_band(coordinator, action, data, badge):
    report = await report_via_api(coordinator)
    page = await coordinator.get(f"/koordinator/laporan/{report.id}")
    assert '<dd id="report-status" data-testid="report-status">Baru</dd>' in page.text
    answer = await htmx_post(coordinator, f"/koordinator/laporan/{report.id}/{action}", data)
    assert answer.status_code == 200
    assert STATUS_BADGE.findall(answer.text) == [badge]


async def test_a_merge_answers_the_merged_badge_out_of_band(coordinator):
    first = await report_via_api(coordinator)
    await htmx_post(coordinator, f"/koordinator/laporan/{first.id}/verifikasi")
    incident = await Incident.objects().first().run()
    second = await report_via_api(coordinator)
    answer = await htmx_post(coordinator, f"/koordinator/laporan/{second.id}/gabung", {"incident": str(incident.id)})
    assert STATUS_BADGE.findall(answer.text) == ["Digabung"]


def input_value(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*? value="([^"]*)"', page).group(1)


def step_of(page: str) -> str | None:
    found = re.search(r'data-testid="next-step" data-step="([^"]+)"', page)
    return found.group(1) if found else None


async def test_the_first_assessment_starts_from_the_accepted_reports_counts(app, coordinator):
    first = await report_via_api(coordinator, displaced=30, injured=2)
    await htmx_post(coordinator, f"/koordinator/laporan/{first.id}/verifikasi")
    incident = await Incident.objects().first().run()
    second = await report_via_api(coordinator, displaced=45)
    await htmx_post(coordinator, f"/koordinator/laporan/{second.id}/gabung", {"incident": str(incident.id)})
    page = (await coordinator.get(f"/koordinator/kejadian/{incident.code}")).text
    assert (input_value(page, "displaced"), input_value(page, "injured"), input_value(page, "dead")) == ("45", "2", "")
    assert "Diisi dari 2 laporan terverifikasi" in page
    assert step_of(page) == "kaji-cepat" and '<details id="kaji-cepat" open>' in page
    assert 'Kebutuhan dihitung setelah ada kaji cepat terverifikasi. <a href="#kaji-cepat">' in page
    # The field page's form is the officer's own count: never pre-filled.
    officer = client_of(app)
    await sign_in(officer, "budi")
    field = (await officer.get(f"/kejadian/{incident.code}")).text
    assert input_value(field, "displaced") == "" and "Diisi dari" not in field
    await officer.aclose()
    # Once one is recorded, later assessments start from what was counted on site.
    saved = await htmx_post(coordinator, f"/kejadian/{incident.code}/kaji-cepat", {"displaced": "50"})
    assert saved.status_code == 200
    assert input_value(saved.text, "displaced") == "" and "Diisi dari" not in saved.text


async def test_the_incident_page_leads_from_new_reports_to_closing(app, coordinator):
    report = await report_via_api(coordinator)
    await htmx_post(coordinator, f"/koordinator/laporan/{report.id}/verifikasi")
    incident = await Incident.objects().first().run()
    waiting = await report_via_api(coordinator, latitude=-2.3330, longitude=115.4716)
    await report_via_api(coordinator, hazard="kebakaran")  # another hazard: not this incident's
    path = f"/koordinator/kejadian/{incident.code}"
    page = (await coordinator.get(path)).text
    assert step_of(page) == "verifikasi-laporan" and "1 laporan baru" in page
    assert f'href="/koordinator/laporan/{waiting.id}"' in page
    await htmx_post(coordinator, f"/koordinator/laporan/{waiting.id}/tolak", {"reason": "hoaks"})
    assert step_of((await coordinator.get(path)).text) == "kaji-cepat"
    # An assessment from the field waits for the coordinator's verification.
    await make_user("budi2", Role.PETUGAS)
    officer = client_of(app)
    await sign_in(officer, "budi2")
    await htmx_post(officer, f"/kejadian/{incident.code}/kaji-cepat", {"displaced": "45", "affected_families": "12"})
    await officer.aclose()
    assert step_of((await coordinator.get(path)).text) == "verifikasi-kaji-cepat"
    assessment = await Assessment.objects().first().run()
    verified = await htmx_post(coordinator, f"{path}/kaji-cepat/{assessment.id}/verifikasi")
    # The htmx answer (what the page swaps in) moves on at once.
    assert step_of(verified.text) == "panggilan" and "17 orang personel" in verified.text
    assert '<details id="panggilan" open>' in verified.text
    called = await htmx_post(coordinator, f"{path}/panggilan", {"skills": "evakuasi", "people_needed": "17"})
    assert step_of(called.text) == "bantuan"
    # With no displaced people left, nothing is missing: closing is what remains.
    await htmx_post(coordinator, f"/kejadian/{incident.code}/kaji-cepat", {"affected_people": "0"})
    closing = (await coordinator.get(path)).text
    assert step_of(closing) == "tutup" and 'name="status" value="selesai"' in closing
    closed = await htmx_post(coordinator, f"{path}/status", {"status": "selesai"})
    assert closed.status_code == 200 and step_of(closed.text) is None


@pytest.fixture
async def camp(coordinator):
    """A flood with 45 displaced people counted: 17 people to call (evakuasi, dapur umum,
    psikososial, medis); a cook nearby with notifications on, an evacuator nearby without."""
    incident = await flood()
    assert (await htmx_post(coordinator, f"/kejadian/{incident.code}/kaji-cepat", {"displaced": "45"})).status_code == 200
    return incident


def checked_skills(page: str) -> list[str]:
    return re.findall(r'name="skills" value="(\w+)" checked', page)


async def test_the_call_form_starts_from_the_personnel_needs_and_says_whom_it_reaches(coordinator, camp, settings, push_service):
    cook = await volunteer("juru_masak", lat=-2.3400, lon=115.4800)
    await subscribed(push_service, settings, cook)
    await volunteer("regu_evakuasi", lat=-2.3330, lon=115.4720, skill_codes=("evakuasi",))
    await volunteer("jauh", lat=-2.60, lon=115.47)
    page = (await coordinator.get(f"/koordinator/kejadian/{camp.code}")).text
    assert checked_skills(page) == ["evakuasi", "dapur_umum", "psikososial", "medis"]
    assert input_value(page, "people_needed") == "17"
    assert "2 relawan cocok dalam jangkauan; 1 di antaranya menyalakan notifikasi." in page


@pytest.mark.parametrize(
    ("query", "reach", "text"),
    [
        ({"skills": ["dapur_umum", "evakuasi"], "radius_km": "10"}, "some", "2 relawan cocok dalam jangkauan; 1 di antaranya"),
        ({"skills": "evakuasi"}, "no-device", "1 relawan cocok dalam jangkauan, tetapi tidak satu pun menyalakan notifikasi"),
        ({"skills": "sar"}, "none", "Tidak ada relawan siaga dengan keahlian itu dalam jangkauan"),
        # The cook is 1.3 km away: out of a 1 km call.
        ({"skills": "dapur_umum", "radius_km": "1"}, "none", "Tidak ada relawan siaga"),
        ({"radius_km": "10"}, None, "Pilih keahlian dan jangkauan"),
        ({"skills": "dapur_umum", "radius_km": "abc"}, None, "Pilih keahlian dan jangkauan"),
        ({"skills": "terbang", "radius_km": "10"}, None, "Pilih keahlian dan jangkauan"),
    ],
)
async def test_the_reach_preview_counts_with_the_sending_targeting(coordinator, camp, settings, push_service, query, reach, text):
    cook = await volunteer("juru_masak", lat=-2.3400, lon=115.4800)
    await subscribed(push_service, settings, cook)
    await volunteer("regu_evakuasi", lat=-2.3330, lon=115.4720, skill_codes=("evakuasi",))
    preview = await coordinator.get(f"/koordinator/kejadian/{camp.code}/panggilan/jangkauan", params=query,
                                    headers={"HX-Request": "true"})
    assert preview.status_code == 200 and preview.text.lstrip().startswith('<div id="call-reach"')
    assert re.findall(r'data-reach="([^"]+)"', preview.text) == ([reach] if reach else [])
    assert text in preview.text


async def test_the_reach_preview_without_htmx_is_the_incident_page(coordinator, camp):
    plain = await coordinator.get(f"/koordinator/kejadian/{camp.code}/panggilan/jangkauan", params={"skills": "sar"})
    assert (plain.status_code, plain.headers["location"]) == (303, f"/koordinator/kejadian/{camp.code}#panggilan")


async def test_a_call_nobody_can_be_notified_of_says_so_instead_of_a_bare_zero(coordinator, camp):
    await volunteer("regu_evakuasi", lat=-2.3330, lon=115.4720, skill_codes=("evakuasi",))
    sent = await htmx_post(coordinator, f"/koordinator/kejadian/{camp.code}/panggilan", {"skills": "evakuasi", "people_needed": "5"})
    assert sent.status_code == 200
    assert "Panggilan disimpan untuk 1 relawan, tetapi tidak satu pun menyalakan notifikasi" in sent.text
    assert 'data-count="sent">0<' in sent.text and 'data-testid="call-no-device"' in sent.text
    # The form beside it keeps the choice sent, and its reach is that choice's.
    assert checked_skills(sent.text) == ["evakuasi"] and 'data-reach="no-device"' in sent.text
