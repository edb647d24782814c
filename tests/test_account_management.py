"""Coordinators manage accounts at /koordinator/akun; admins may do everything, nobody manages
accounts above their own role or their own account, and every change is audited."""

import re

import pytest

from lapor_bencana import audit
from lapor_bencana.accounts.passwords import verify_password
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.audit.tables import AuditEvent
from tests.accounts import client_of, make_user, post_form, session_rows, sign_in

TEMPORARY = re.compile(r'data-testid="temporary-password">([a-z0-9-]+)<')


@pytest.fixture
async def coordinator(client):
    user = await make_user("siti", Role.KOORDINATOR, full_name="Siti Aminah")
    await sign_in(client, "siti")
    return user


@pytest.fixture
async def admin(client):
    user = await make_user("admin", Role.ADMIN)
    await sign_in(client, "admin")
    return user


async def stored(user_id: int) -> User:
    return await User.objects().where(User.id == user_id).first().run()


async def actions_on(user: User) -> list[str]:
    return [event.action for event in reversed(await audit.history("user", user.id))]


async def test_a_coordinator_sees_the_accounts_it_manages_and_filters_the_pending_ones(client, coordinator):
    await make_user("budi", full_name="Budi Relawan", approved=False)
    await make_user("ani", Role.PETUGAS, full_name="Ani Petugas")
    await make_user("boss", Role.ADMIN, full_name="Kepala Dinas")
    everyone = await client.get("/koordinator/akun")
    assert "Budi Relawan" in everyone.text and "Ani Petugas" in everyone.text
    assert "Kepala Dinas" not in everyone.text and "Siti Aminah</h3>" not in everyone.text
    pending = await client.get("/koordinator/akun", params={"status": "menunggu"})
    assert "Budi Relawan" in pending.text and "Ani Petugas" not in pending.text


async def test_a_coordinator_cannot_create_an_admin_or_another_coordinator(client, coordinator):
    form = await client.get("/koordinator/akun/baru")
    assert 'value="admin"' not in form.text and 'value="koordinator"' not in form.text
    for role in ("admin", "koordinator"):
        form = {"full_name": "X", "username": "x" + role, "role": role}
        response = await post_form(client, "/koordinator/akun/baru", form)
        assert response.status_code == 403
        assert "Anda tidak boleh memberi peran ini." in response.text
    assert not await User.exists().where(User.username.like("x%")).run()


async def test_an_admin_may_create_a_coordinator(client, admin):
    response = await post_form(
        client, "/koordinator/akun/baru", {"full_name": "Dewi", "username": "dewi", "role": "koordinator"}
    )
    assert response.status_code == 200
    created = await User.objects().where(User.username == "dewi").first().run()
    assert (created.role, created.approved, created.password_temporary) == (Role.KOORDINATOR, True, True)


async def test_a_created_account_gets_a_temporary_password_shown_once_and_must_change_it(app, client, coordinator):
    response = await post_form(
        client,
        "/koordinator/akun/baru",
        {"full_name": "Ani", "username": "ani", "phone": "0813 1111 2222", "organisation": "Dinsos", "role": "petugas"},
    )
    password = TEMPORARY.search(response.text).group(1)
    created = await User.objects().where(User.username == "ani").first().run()
    assert verify_password(created.password_hash, password)
    assert password not in str(await AuditEvent.select().run())
    async with client_of(app) as officer:
        signed_in = await sign_in(officer, "081311112222", password)
        assert signed_in.headers["location"] == "/akun/kata-sandi"
        # Until the password is changed, every page that needs an account leads back to the change.
        assert (await officer.get("/relawan")).headers["location"] == "/akun/kata-sandi"
        assert (await officer.get("/akun/kata-sandi")).status_code == 200
        changed = await post_form(
            officer,
            "/akun/kata-sandi",
            {"current_password": password, "new_password": "milik-ani-99", "new_password_repeat": "milik-ani-99"},
        )
        assert "Kata sandi sudah diganti." in changed.text
        assert (await officer.get("/relawan")).status_code == 200


async def test_a_reset_gives_a_temporary_password_and_ends_the_accounts_sessions(app, client, coordinator):
    volunteer = await make_user("budi")
    async with client_of(app) as phone:
        await sign_in(phone, "budi")
        response = await post_form(client, f"/koordinator/akun/{volunteer.id}/reset-sandi")
        password = TEMPORARY.search(response.text).group(1)
        assert (await phone.get("/relawan")).status_code == 303
        assert (await sign_in(phone, "budi", password)).headers["location"] == "/akun/kata-sandi"
    assert (await stored(volunteer.id)).password_temporary
    assert await actions_on(volunteer) == ["user.create", "user.password_reset"]


async def test_deactivating_signs_the_account_out_and_reactivating_lets_it_back_in(app, client, coordinator):
    volunteer = await make_user("budi")
    async with client_of(app) as phone:
        await sign_in(phone, "budi")
        back = {"next": "/koordinator/akun"}
        response = await post_form(client, f"/koordinator/akun/{volunteer.id}/nonaktifkan", back)
        assert response.headers["location"] == "/koordinator/akun"
        assert (await phone.get("/relawan")).status_code == 303
        assert "dinonaktifkan" in (await sign_in(phone, "budi")).text
        await post_form(client, f"/koordinator/akun/{volunteer.id}/aktifkan")
        assert (await sign_in(phone, "budi")).status_code == 303
    assert await actions_on(volunteer) == ["user.create", "user.deactivate", "user.reactivate"]


async def test_a_coordinator_turns_a_volunteer_into_a_petugas_but_not_into_an_admin(client, coordinator):
    volunteer = await make_user("budi")
    await post_form(client, f"/koordinator/akun/{volunteer.id}/peran", {"role": "petugas"})
    assert (await stored(volunteer.id)).role == Role.PETUGAS
    refused = await post_form(client, f"/koordinator/akun/{volunteer.id}/peran", {"role": "admin"})
    assert refused.status_code == 403
    assert (await stored(volunteer.id)).role == Role.PETUGAS
    [change] = [e for e in await audit.history("user", volunteer.id) if e.action == "user.role_change"]
    assert (change.before, change.after) == ({"role": "relawan"}, {"role": "petugas"})
    assert change.actor == audit.Actor(user_id=coordinator.id, label="siti")


@pytest.mark.parametrize("action", ["setujui", "nonaktifkan", "reset-sandi"])
async def test_a_coordinator_cannot_touch_admins_other_coordinators_or_itself(client, coordinator, action):
    others = [await make_user("boss", Role.ADMIN), await make_user("dewi", Role.KOORDINATOR), coordinator]
    for other in others:
        response = await post_form(client, f"/koordinator/akun/{other.id}/{action}")
        assert response.status_code == 403, (other.username, action)
        assert await actions_on(other) == ["user.create"]


async def test_approving_twice_records_one_approval(client, coordinator):
    volunteer = await make_user("budi", approved=False)
    for _ in range(2):
        assert (await post_form(client, f"/koordinator/akun/{volunteer.id}/setujui")).status_code == 303
    assert await actions_on(volunteer) == ["user.create", "user.approve"]


async def test_an_unknown_account_is_a_404(client, coordinator):
    assert (await post_form(client, "/koordinator/akun/99999/setujui")).status_code == 404


async def test_account_changes_need_the_csrf_token(client, coordinator):
    volunteer = await make_user("budi", approved=False)
    for action in ("setujui", "nonaktifkan", "reset-sandi"):
        assert (await client.post(f"/koordinator/akun/{volunteer.id}/{action}")).status_code == 403
    assert await actions_on(volunteer) == ["user.create"]


async def test_field_officers_cannot_manage_accounts(client):
    volunteer = await make_user("budi", approved=False)
    await make_user("ani", Role.PETUGAS)
    await sign_in(client, "ani")
    assert (await post_form(client, f"/koordinator/akun/{volunteer.id}/setujui")).status_code == 403
    assert not (await stored(volunteer.id)).approved


async def test_the_audit_trail_holds_every_change_and_never_a_password(client, admin):
    form = {"full_name": "Ani", "username": "ani", "role": "relawan"}
    created = await post_form(client, "/koordinator/akun/baru", form)
    account = await User.objects().where(User.username == "ani").first().run()
    for action in ("nonaktifkan", "aktifkan", "reset-sandi"):
        await post_form(client, f"/koordinator/akun/{account.id}/{action}")
    await post_form(client, f"/koordinator/akun/{account.id}/peran", {"role": "koordinator"})
    assert await actions_on(account) == [
        "user.create",
        "user.deactivate",
        "user.reactivate",
        "user.password_reset",
        "user.role_change",
    ]
    trail = str(await AuditEvent.select().run())
    assert "argon2" not in trail and TEMPORARY.search(created.text).group(1) not in trail
    assert (await audit.verify()).ok
    assert await session_rows() == 1
