"""Reports from signed-in, approved petugas and relawan carry their account and trust level; the
JSON API, exempt from CSRF checks, trusts the session only with the page's CSRF header."""

import pytest

from lapor_bencana.accounts.tables import Role
from lapor_bencana.reports.tables import Report, ReportSource
from tests.accounts import csrf_token, make_user, post_form, sign_in

VALID = {"hazard": "banjir", "village_code": "63.11.06.2005", "description": "Air setinggi lutut"}


async def credited() -> tuple[str, int | None]:
    """The source and reporter of the one stored report."""
    [report] = await Report.objects().run()
    return report.source, report.reporter


@pytest.mark.parametrize(
    ("role", "source"), [(Role.PETUGAS, ReportSource.PETUGAS), (Role.RELAWAN, ReportSource.RELAWAN)]
)
async def test_the_report_form_credits_a_signed_in_field_officer(client, role, source):
    user = await make_user("budi", role)
    await sign_in(client, "budi")
    assert (await post_form(client, "/lapor", VALID)).status_code == 303
    assert await credited() == (source, user.id)


async def test_the_report_form_of_a_resident_stays_anonymous(client):
    await post_form(client, "/lapor", VALID)
    assert await credited() == (ReportSource.WARGA, None)


@pytest.mark.parametrize("role", [Role.KOORDINATOR, Role.ADMIN])
async def test_staff_reports_are_not_field_reports(client, role):
    await make_user("siti", role)
    await sign_in(client, "siti")
    await post_form(client, "/lapor", VALID)
    assert await credited() == (ReportSource.WARGA, None)


async def test_a_volunteer_waiting_for_approval_reports_like_a_resident(client):
    await make_user("budi", approved=False)
    await sign_in(client, "budi")
    await post_form(client, "/lapor", VALID)
    assert await credited() == (ReportSource.WARGA, None)


async def test_the_api_credits_the_officer_when_the_page_sends_its_csrf_header(client):
    user = await make_user("budi", Role.PETUGAS)
    await sign_in(client, "budi")
    response = await client.post("/api/v1/reports", json=VALID, headers={"x-csrftoken": await csrf_token(client)})
    assert response.status_code == 201
    assert await credited() == (ReportSource.PETUGAS, user.id)


async def test_the_api_ignores_a_session_that_comes_without_the_csrf_header(client):
    # What a forged cross-site request carries: the officer's cookies, but no header.
    await make_user("budi", Role.PETUGAS)
    await sign_in(client, "budi")
    await csrf_token(client)
    assert (await client.post("/api/v1/reports", json=VALID)).status_code == 201
    assert await credited() == (ReportSource.API, None)


@pytest.mark.parametrize("header", ["x" * 128, "0" * 64 + "f" * 64, ""])
async def test_the_api_ignores_a_csrf_header_that_does_not_match_the_cookie(client, header):
    await make_user("budi", Role.RELAWAN)
    await sign_in(client, "budi")
    await client.post("/api/v1/reports", json=VALID, headers={"x-csrftoken": header})
    assert await credited() == (ReportSource.API, None)


async def test_a_csrf_header_without_a_session_is_an_ordinary_api_report(client):
    response = await client.post("/api/v1/reports", json=VALID, headers={"x-csrftoken": await csrf_token(client)})
    assert response.status_code == 201
    assert await credited() == (ReportSource.API, None)


async def test_a_csrf_header_from_before_signing_in_does_not_credit_the_officer(client):
    # A token pair a page gave before sign-in (or an attacker's own) is not bound to the session.
    await make_user("budi", Role.PETUGAS)
    before = await csrf_token(client)
    await sign_in(client, "budi")
    await client.post("/api/v1/reports", json=VALID, headers={"x-csrftoken": before})
    assert await credited() == (ReportSource.API, None)
