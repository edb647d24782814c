"""Who sent a report and how. Reports from signed-in, approved petugas and relawan carry their
account and trust level; the report page's JavaScript names itself with X-Client-Name (at once or
from the phone's outbox), so residents' reports are never taken for another system's; the JSON API,
exempt from CSRF checks, trusts the session only with the page's CSRF header."""

import pytest

from lapor_bencana.accounts.tables import Role
from lapor_bencana.reports.tables import Report, ReportChannel, ReportSource
from tests.accounts import csrf_token, make_user, post_form, sign_in

VALID = {"hazard": "banjir", "village_code": "63.11.06.2005", "description": "Air setinggi lutut"}
PAGE = {"X-Client-Name": "lapor-bencana-form"}
OUTBOX = {"X-Client-Name": "lapor-bencana-outbox"}


async def credited() -> tuple[str, int | None]:
    """The source and reporter of the one stored report."""
    [report] = await Report.objects().run()
    return report.source, report.reporter


async def sent_by() -> tuple[str, str, str]:
    [report] = await Report.objects().run()
    return report.source, report.channel, report.client_name


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
    assert await sent_by() == (ReportSource.WARGA, ReportChannel.FORM, "")


@pytest.mark.parametrize(("headers", "channel"), [(PAGE, ReportChannel.FORM), (OUTBOX, ReportChannel.OUTBOX)])
async def test_a_resident_sending_from_the_report_page_is_a_resident(client, headers, channel):
    # What report-delivery.js sends: the page's CSRF header when the page has one, and its name.
    token = await csrf_token(client)
    response = await client.post("/api/v1/reports", json=VALID, headers={**headers, "x-csrftoken": token})
    assert response.status_code == 201
    assert await sent_by() == (ReportSource.WARGA, channel, "")


async def test_a_report_from_the_outbox_with_a_stale_csrf_token_is_still_a_residents(client):
    await csrf_token(client)
    response = await client.post("/api/v1/reports", json=VALID, headers={**OUTBOX, "x-csrftoken": "x" * 64})
    assert response.status_code == 201
    assert await sent_by() == (ReportSource.WARGA, ReportChannel.OUTBOX, "")


async def test_an_officers_report_from_the_outbox_is_credited_to_the_officer(client):
    user = await make_user("budi", Role.PETUGAS)
    await sign_in(client, "budi")
    response = await client.post("/api/v1/reports", json=VALID, headers={**OUTBOX, "x-csrftoken": await csrf_token(client)})
    assert response.status_code == 201
    assert await credited() == (ReportSource.PETUGAS, user.id)
    assert (await sent_by())[1] == ReportChannel.OUTBOX


@pytest.mark.parametrize(("name", "stored"), [("SMS gateway BPBD", "SMS gateway BPBD"), (None, "")])
async def test_another_system_is_an_api_report_under_the_name_it_gives(client, name, stored):
    headers = {"X-Client-Name": name} if name else {}
    assert (await client.post("/api/v1/reports", json=VALID, headers=headers)).status_code == 201
    assert await sent_by() == (ReportSource.API, ReportChannel.API, stored)


@pytest.mark.parametrize("name", [b"", b" leading space", b"x" * 65, b"nama\tdengan tab", "Łódź".encode()])
async def test_a_client_name_that_cannot_be_shown_is_refused_in_indonesian(client, name):
    response = await client.post("/api/v1/reports", json=VALID, headers={"X-Client-Name": name})
    assert response.status_code == 422
    assert "X-Client-Name" in response.json()["errors"]
    assert await Report.count() == 0


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
    response = await client.post("/api/v1/reports", json=VALID, headers={**PAGE, "x-csrftoken": await csrf_token(client)})
    assert response.status_code == 201
    assert await credited() == (ReportSource.PETUGAS, user.id)


async def test_the_api_ignores_a_session_that_comes_without_the_csrf_header(client):
    # What a forged cross-site request carries: the officer's cookies, but no header.
    await make_user("budi", Role.PETUGAS)
    await sign_in(client, "budi")
    await csrf_token(client)
    assert (await client.post("/api/v1/reports", json=VALID, headers=PAGE)).status_code == 201
    assert await credited() == (ReportSource.WARGA, None)


@pytest.mark.parametrize("header", ["x" * 128, "0" * 64 + "f" * 64, ""])
async def test_the_api_ignores_a_csrf_header_that_does_not_match_the_cookie(client, header):
    await make_user("budi", Role.RELAWAN)
    await sign_in(client, "budi")
    await client.post("/api/v1/reports", json=VALID, headers={**PAGE, "x-csrftoken": header})
    assert await credited() == (ReportSource.WARGA, None)


async def test_a_csrf_header_without_a_session_is_a_residents_report(client):
    response = await client.post("/api/v1/reports", json=VALID, headers={**PAGE, "x-csrftoken": await csrf_token(client)})
    assert response.status_code == 201
    assert await credited() == (ReportSource.WARGA, None)


async def test_another_system_cannot_borrow_an_officers_session(client):
    # Without the page's name, a request is another system's, whatever session and header it carries.
    await make_user("budi", Role.PETUGAS)
    await sign_in(client, "budi")
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
