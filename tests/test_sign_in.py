"""Signing in at /masuk: by phone or username, wrong and unknown names alike, throttling and locks."""

import pytest

from lapor_bencana import audit
from lapor_bencana.accounts import passwords
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.demo import DEMO_PASSWORD, seed
from tests.accounts import PASSWORD, make_user, post_form, session_cookie, sign_in

WRONG = "Nomor HP/nama pengguna atau kata sandi salah."


def too_many(minutes: int) -> str:
    return f"Terlalu banyak percobaan. Coba lagi dalam {minutes} menit."


async def whoami(client) -> str:
    """The name the page header shows, or '' for an anonymous visitor."""
    page = await client.get("/")
    marker = 'data-testid="nav-user">'
    return page.text.split(marker, 1)[1].split("<", 1)[0] if marker in page.text else ""


@pytest.mark.parametrize("typed", ["081234567890", "+6281234567890", "6281234567890", "0812-3456-7890"])
async def test_a_volunteer_signs_in_with_the_phone_number_in_any_indonesian_form(client, typed):
    await make_user("budi", phone="081234567890", full_name="Budi Santoso")
    response = await sign_in(client, typed)
    assert response.status_code == 303
    assert response.headers["location"] == "/relawan"
    assert session_cookie(client)
    assert await whoami(client) == "Budi Santoso"


async def test_staff_sign_in_with_a_username_in_any_case_and_land_on_the_coordinator_desk(client):
    await make_user("siti", Role.KOORDINATOR, full_name="Siti Aminah")
    response = await sign_in(client, " Siti ")
    assert response.headers["location"] == "/koordinator"
    assert (await client.get("/koordinator")).status_code == 200


async def test_the_demo_accounts_sign_in_with_the_demo_password(client):
    await seed("63.11")
    response = await sign_in(client, "koordinator", DEMO_PASSWORD)
    assert response.headers["location"] == "/koordinator"


async def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(client):
    await make_user("budi", phone="081234567890")
    wrong = await sign_in(client, "budi", "salah-sekali")
    unknown = await sign_in(client, "tidak-ada", PASSWORD)
    unknown_phone = await sign_in(client, "0899999999", PASSWORD)
    for response in (wrong, unknown, unknown_phone):
        assert response.status_code == 422
        assert WRONG in response.text
    assert session_cookie(client) is None


async def test_the_name_typed_is_kept_but_never_the_password(client):
    response = await sign_in(client, "budi", "rahasia-yang-salah")
    assert 'value="budi"' in response.text
    assert "rahasia-yang-salah" not in response.text


async def test_an_unknown_name_costs_an_argon2_check_like_a_known_one(client, monkeypatch):
    checked = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda *args: checked.append(args) or real_verify(*args))
    await sign_in(client, "tidak-ada", "coba-coba")
    [(dummy_hash, typed)] = checked
    assert dummy_hash.startswith("$argon2id$") and typed == "coba-coba"


async def test_failures_slow_down_then_lock_the_account_and_are_audited(client, clock):
    user = await make_user("budi")
    answers = [(await sign_in(client, "budi", "salah")).text for _ in range(3)]
    assert WRONG in answers[0] and WRONG in answers[1]
    # The third failure makes the next attempt wait 30 seconds.
    assert too_many(1) in answers[2]
    assert too_many(1) in (await sign_in(client, "budi", PASSWORD)).text
    clock.advance(seconds=31)
    assert too_many(1) in (await sign_in(client, "budi", "salah")).text  # now a 1-minute wait
    clock.advance(seconds=61)
    locked = await sign_in(client, "budi", "salah")
    assert too_many(15) in locked.text
    # Even the right password is refused while the lock lasts.
    clock.advance(minutes=14)
    assert too_many(1) in (await sign_in(client, "budi", PASSWORD)).text
    [event] = [e for e in await audit.history("user", user.id) if e.action == "user.lock"]
    assert event.actor == audit.SYSTEM and event.after["failed_logins"] == 5


async def test_the_account_opens_again_when_the_lock_is_over_and_the_count_starts_afresh(client, clock):
    await make_user("budi")
    for _ in range(3):
        await sign_in(client, "budi", "salah")
    clock.advance(seconds=31)
    await sign_in(client, "budi", "salah")
    clock.advance(seconds=61)
    assert too_many(15) in (await sign_in(client, "budi", "salah")).text
    clock.advance(minutes=15, seconds=1)
    assert WRONG in (await sign_in(client, "budi", "salah")).text
    assert (await sign_in(client, "budi", PASSWORD)).status_code == 303
    stored = await User.objects().where(User.username == "budi").first().run()
    assert (stored.failed_logins, stored.locked_until) == (0, None)


async def test_an_unknown_name_is_throttled_exactly_like_a_real_account(client):
    await make_user("budi")
    real = [(await sign_in(client, "budi", "salah")).text for _ in range(3)]
    unknown = [(await sign_in(client, "bukan-siapa", "salah")).text for _ in range(3)]
    assert [WRONG in text for text in real] == [WRONG in text for text in unknown] == [True, True, False]
    assert too_many(1) in unknown[2]


async def test_a_correct_password_clears_the_count(client):
    await make_user("budi")
    for _ in range(2):
        await sign_in(client, "budi", "salah")
    assert (await sign_in(client, "budi", PASSWORD)).status_code == 303
    await post_form(client, "/keluar")
    answers = [(await sign_in(client, "budi", "salah")).text for _ in range(2)]
    assert all(WRONG in text for text in answers)


async def test_guessing_many_accounts_from_one_address_is_slowed_down(client):
    for number in range(10):
        assert WRONG in (await sign_in(client, f"tebakan{number}", "salah")).text
    # Each name failed once only, but the address has failed ten times.
    assert too_many(1) in (await sign_in(client, "tebakan-baru", "salah")).text


async def test_successful_sign_ins_from_one_address_do_not_add_up(client):
    for number in range(12):
        await make_user(f"relawan{number}")
    for number in range(12):
        response = await sign_in(client, f"relawan{number}")
        assert response.status_code == 303, response.text
        await post_form(client, "/keluar")


async def test_a_deactivated_account_cannot_sign_in(client):
    await make_user("budi", active=False)
    response = await sign_in(client, "budi")
    assert response.status_code == 422
    assert "Akun ini dinonaktifkan" in response.text
    assert session_cookie(client) is None


async def test_a_wrong_password_on_a_deactivated_account_gets_the_usual_answer(client):
    await make_user("budi", active=False)
    assert WRONG in (await sign_in(client, "budi", "salah")).text


async def test_an_outdated_password_hash_is_replaced_at_sign_in(client, monkeypatch):
    user = await make_user("budi")
    old_hash = user.password_hash
    monkeypatch.setattr("lapor_bencana.accounts.signin.needs_rehash", lambda _hash: True)
    assert (await sign_in(client, "budi")).status_code == 303
    stored = await User.objects().where(User.id == user.id).first().run()
    assert stored.password_hash != old_hash
    assert passwords.verify_password(stored.password_hash, PASSWORD)


async def test_sign_in_returns_to_the_page_that_asked_for_it(client):
    await make_user("siti", Role.KOORDINATOR)
    asked = await client.get("/koordinator/akun?status=menunggu")
    assert asked.headers["location"] == "/masuk?next=/koordinator/akun%3Fstatus%3Dmenunggu"
    form = await client.get(asked.headers["location"])
    assert 'name="next" value="/koordinator/akun?status=menunggu"' in form.text
    response = await sign_in(client, "siti", next="/koordinator/akun?status=menunggu")
    assert response.headers["location"] == "/koordinator/akun?status=menunggu"


async def test_a_field_account_asked_for_a_staff_page_lands_on_its_own_page_instead(client):
    await make_user("budi", Role.PETUGAS)
    response = await sign_in(client, "budi", next="/koordinator/kejadian/ABCD2345")
    assert response.headers["location"] == "/relawan"
    signed_in = await client.get("/masuk", params={"next": "/admin/standar"})
    assert signed_in.headers["location"] == "/relawan"
    field_page = await client.get("/masuk", params={"next": "/kejadian/ABCD2345"})
    assert field_page.headers["location"] == "/kejadian/ABCD2345"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
async def test_sign_in_never_sends_anyone_to_another_site(client, target):
    await make_user("siti", Role.KOORDINATOR)
    response = await sign_in(client, "siti", next=target)
    assert response.headers["location"] == "/koordinator"


async def test_the_sign_in_page_sends_a_signed_in_person_on(client):
    await make_user("budi")
    await sign_in(client, "budi")
    response = await client.get("/masuk")
    assert (response.status_code, response.headers["location"]) == (303, "/relawan")


async def test_a_sign_in_without_the_csrf_token_is_refused(client):
    await make_user("budi")
    response = await client.post("/masuk", data={"identifier": "budi", "password": PASSWORD})
    assert response.status_code == 403
    assert session_cookie(client) is None


async def test_the_sign_in_page_labels_its_fields(client):
    page = await client.get("/masuk")
    assert page.status_code == 200
    assert '<label for="identifier">Nomor HP atau nama pengguna' in page.text
    assert 'autocomplete="current-password"' in page.text
    assert 'href="/daftar"' in page.text
