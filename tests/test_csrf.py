"""CSRF tokens are bound to the session: a token from another browser, or from before signing in,
is refused; the page answering a sign-in carries the new one."""

from __future__ import annotations

from lapor_bencana.accounts.tables import Role, User
from tests.accounts import CSRF_INPUT, PASSWORD, client_of, csrf_token, make_user, post_form, session_cookie, sign_in


async def coordinator_and_target(app):
    await make_user("sari", Role.KOORDINATOR)
    target = await make_user("budi")
    coordinator = client_of(app)
    assert (await sign_in(coordinator, "sari")).status_code == 303
    return coordinator, target


async def is_active(user: User) -> bool:
    return (await User.select(User.active).where(User.id == user.id).first())["active"]


async def test_an_anonymous_token_pair_does_not_work_with_a_coordinators_session(app, client):
    coordinator, target = await coordinator_and_target(app)
    # The attacker's own pair, planted in the coordinator's browser beside the real session.
    attacker_token = await csrf_token(client)
    forged = client_of(app)
    forged.cookies.set("session", session_cookie(coordinator))
    forged.cookies.set("csrftoken", client.cookies["csrftoken"])
    response = await forged.post(f"/koordinator/akun/{target.id}/nonaktifkan", data={"_csrf_token": attacker_token})
    assert response.status_code == 403
    assert await is_active(target)
    # The coordinator's own page works.
    assert (await post_form(coordinator, f"/koordinator/akun/{target.id}/nonaktifkan")).status_code == 303
    assert not await is_active(target)


async def test_a_token_from_before_signing_in_is_refused_after_it(client):
    await make_user("sari", Role.KOORDINATOR)
    before = await csrf_token(client)
    assert (await sign_in(client, "sari")).status_code == 303
    refused = await client.post("/keluar", data={"_csrf_token": before})
    assert refused.status_code == 403
    assert "Muat ulang halaman lalu kirim lagi." in refused.text
    assert (await client.post("/keluar", headers={"x-csrftoken": before})).status_code == 403
    after = await csrf_token(client)
    assert after != before
    assert (await client.post("/keluar", data={"_csrf_token": after})).status_code == 303


async def test_the_page_answering_a_new_session_carries_its_token(client):
    # Changing one's password moves the session to a new id and nonce within the request that
    # answers with a page: that page's forms must go on working.
    await make_user("budi")
    await sign_in(client, "budi")
    new = "kata-sandi-baru-99"
    changed = await post_form(
        client,
        "/akun/kata-sandi",
        {"current_password": PASSWORD, "new_password": new, "new_password_repeat": new},
    )
    assert changed.status_code == 200
    token = CSRF_INPUT.search(changed.text).group(1)
    assert f'"x-csrftoken": "{token}"' in changed.text
    assert (await client.post("/keluar", data={"_csrf_token": token})).status_code == 303
