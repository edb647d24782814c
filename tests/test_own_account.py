"""One's own account: /relawan shows it, /akun/kata-sandi changes the password."""

import pytest

from lapor_bencana import audit
from lapor_bencana.accounts.tables import Role
from tests.accounts import PASSWORD, client_of, make_user, post_form, session_cookie, sign_in

NEW = "kata-sandi-baru-99"


async def change(client, current=PASSWORD, new=NEW, repeat=None):
    return await post_form(
        client,
        "/akun/kata-sandi",
        {"current_password": current, "new_password": new, "new_password_repeat": new if repeat is None else repeat},
    )


async def test_the_account_page_shows_who_is_signed_in_and_that_the_account_is_approved(client):
    await make_user("budi", full_name="Budi Santoso", phone="081234567890", organisation="PMI")
    await sign_in(client, "budi")
    page = await client.get("/relawan")
    for text in ("Budi Santoso", "+6281234567890", "PMI", "Relawan", "Akun Anda sudah disetujui."):
        assert text in page.text
    assert 'href="/akun/kata-sandi"' in page.text


async def test_the_header_names_the_signed_in_person_and_links_to_their_area(client):
    await make_user("siti", Role.KOORDINATOR, full_name="Siti Aminah")
    assert 'href="/masuk"' in (await client.get("/")).text
    await sign_in(client, "siti")
    home = await client.get("/")
    assert '<a href="/koordinator" class="nav-user" data-testid="nav-user">Siti Aminah</a>' in home.text
    assert 'action="/keluar"' in home.text and 'href="/masuk"' not in home.text


async def test_changing_the_password_ends_every_other_session_but_this_one(app, client):
    user = await make_user("budi")
    await sign_in(client, "budi")
    async with client_of(app) as other_phone:
        await sign_in(other_phone, "budi")
        before = session_cookie(client)
        response = await change(client)
        assert "Kata sandi sudah diganti." in response.text
        assert session_cookie(client) != before
        assert (await client.get("/relawan")).status_code == 200
        assert (await other_phone.get("/relawan")).status_code == 303
    await post_form(client, "/keluar")
    assert (await sign_in(client, "budi", PASSWORD)).status_code == 422
    assert (await sign_in(client, "budi", NEW)).status_code == 303
    assert "user.password_change" in [event.action for event in await audit.history("user", user.id)]


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"current": "bukan-ini"}, "current_password", "Nomor HP/nama pengguna atau kata sandi salah."),
        ({"repeat": "lain-sama-sekali"}, "new_password_repeat", "Kedua kata sandi tidak sama."),
        ({"new": PASSWORD}, "new_password", "Kata sandi baru harus berbeda dari yang lama."),
        ({"new": "pendek"}, "new_password", "Kata sandi minimal 8 karakter."),
    ],
)
async def test_a_refused_change_says_why_and_keeps_the_old_password(client, form, field, message):
    await make_user("budi")
    await sign_in(client, "budi")
    response = await change(client, **form)
    assert response.status_code == 422
    assert f'id="{field}-error" role="alert">{message}</span>' in response.text
    await post_form(client, "/keluar")
    assert (await sign_in(client, "budi", PASSWORD)).status_code == 303


async def test_guessing_the_current_password_is_throttled_like_signing_in(client):
    await make_user("budi")
    await sign_in(client, "budi")
    answers = [(await change(client, current="tebak")).text for _ in range(3)]
    assert "Terlalu banyak percobaan" in answers[2]


async def test_changing_the_password_needs_the_csrf_token(client):
    await make_user("budi")
    await sign_in(client, "budi")
    response = await client.post(
        "/akun/kata-sandi", data={"current_password": PASSWORD, "new_password": NEW, "new_password_repeat": NEW}
    )
    assert response.status_code == 403
    await post_form(client, "/keluar")
    assert (await sign_in(client, "budi", PASSWORD)).status_code == 303
