"""The guided desk through HTTP: the report page's status badge follows each action at once, the
first rapid assessment is pre-filled from the verified reports, the call form starts from the
computed personnel and says who it would reach. Both databases."""

import re

import pytest

from lapor_bencana.accounts.tables import Role
from lapor_bencana.incidents.tables import Incident
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
