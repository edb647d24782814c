"""Volunteers register at /daftar, wait for a coordinator's approval, then may work."""

import re

import pytest

from lapor_bencana import audit
from lapor_bencana.accounts.tables import Role, User
from tests.accounts import CSRF_INPUT, PASSWORD, client_of, make_user, post_form, sign_in

VOLUNTEER = {
    "full_name": "Rahmat Hidayat",
    "phone": "0812 5555 0001",
    "organisation": "Tagana",
    "password": PASSWORD,
    "password_repeat": PASSWORD,
}


async def register(client, **changes):
    """Registers, then signs in with the new number and password as the answer asks."""
    response = await post_form(client, "/daftar", {**VOLUNTEER, **changes})
    if response.status_code == 200:
        await sign_in(client, changes.get("phone", VOLUNTEER["phone"]), changes.get("password", PASSWORD))
    return response


async def test_a_registered_volunteer_signs_in_and_waits_for_approval(client):
    response = await register(client)
    assert response.status_code == 200
    assert 'data-testid="registration-sent"' in response.text
    page = await client.get("/relawan")
    assert "Menunggu persetujuan" in page.text
    assert "Rahmat Hidayat" in page.text and "+6281255550001" in page.text
    user = await User.objects().where(User.phone == "+6281255550001").first().run()
    assert (user.role, user.approved, user.organisation) == (Role.RELAWAN, False, "Tagana")
    assert user.username == "rahmat.hidayat"
    [event] = await audit.history("user", user.id)
    assert (event.action, event.actor.user_id) == ("user.register", user.id)
    assert "password_hash" not in event.after and "phone" not in event.after


async def test_a_pending_volunteer_sees_nothing_else_that_is_protected(client):
    await register(client)
    for path in ("/koordinator", "/koordinator/akun"):
        response = await client.get(path)
        assert response.status_code == 403
        assert "menunggu persetujuan" in response.text


async def test_a_pending_volunteer_can_sign_in_again_with_the_phone_number(client):
    await register(client)
    await post_form(client, "/keluar")
    response = await sign_in(client, "+62 812-5555-0001")
    assert response.headers["location"] == "/relawan"


async def test_registration_then_approval_opens_the_volunteers_pages(app, client):
    await register(client)
    await make_user("siti", Role.KOORDINATOR)
    volunteer = await User.objects().where(User.username == "rahmat.hidayat").first().run()
    async with client_of(app) as coordinator:
        await sign_in(coordinator, "siti")
        desk = await coordinator.get("/koordinator")
        assert "Rahmat Hidayat" in desk.text
        approved = await post_form(coordinator, f"/koordinator/akun/{volunteer.id}/setujui", {"next": "/koordinator"})
        assert approved.headers["location"] == "/koordinator"
        assert "Tidak ada pendaftaran yang menunggu." in (await coordinator.get("/koordinator")).text
    # The volunteer's own session sees the change at once.
    assert "Akun Anda sudah disetujui." in (await client.get("/relawan")).text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": "  "}, "full_name", "Isi nama lengkap Anda."),
        ({"phone": ""}, "phone", "Isi nomor HP Anda."),
        ({"phone": "12ab"}, "phone", "Nomor HP tidak valid."),
        ({"password": "pendek", "password_repeat": "pendek"}, "password", "Kata sandi minimal 8 karakter."),
        ({"password_repeat": "lain-lagi-123"}, "password_repeat", "Kedua kata sandi tidak sama."),
    ],
)
async def test_mistakes_are_shown_at_their_field_and_nothing_is_stored(client, changes, field, message):
    response = await register(client, **changes)
    assert response.status_code == 422
    assert f'id="{field}-error" role="alert">{message}</span>' in response.text
    assert 'value="Tagana"' in response.text or field == "organisation"
    assert await User.count() == 0


def without_csrf(html: str) -> str:
    return CSRF_INPUT.sub("", re.sub(r'"x-csrftoken": "[^"]*"', "", html))


async def test_a_taken_number_gets_the_same_answer_as_a_new_one_and_nothing_is_stored(app):
    await make_user("budi", phone="081255550001", password="sandi-budi-123")
    async with client_of(app) as first, client_of(app) as second:
        taken = await post_form(first, "/daftar", VOLUNTEER)
        new = await post_form(second, "/daftar", {**VOLUNTEER, "phone": "0812 5555 0002"})
    assert taken.status_code == new.status_code == 200
    assert without_csrf(taken.text) == without_csrf(new.text)
    assert "sudah terdaftar" not in taken.text
    assert await User.count() == 2
    budi = await User.objects().where(User.phone == "+6281255550001").first().run()
    assert (budi.username, budi.full_name) == ("budi", "Budi")


async def test_two_volunteers_with_one_name_get_different_usernames(app, client):
    await register(client)
    async with client_of(app) as other:
        await register(other, phone="081255550002")
    usernames = {row["username"] for row in await User.select(User.username).run()}
    assert usernames == {"rahmat.hidayat", "rahmat.hidayat2"}


async def test_the_registration_form_labels_every_field(client):
    page = await client.get("/daftar")
    for name, label in (("full_name", "Nama lengkap"), ("phone", "Nomor HP/WhatsApp"), ("password", "Kata sandi")):
        assert f'<label for="{name}">{label}' in page.text
    assert 'autocomplete="new-password"' in page.text
