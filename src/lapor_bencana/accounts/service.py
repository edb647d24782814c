"""Creating, finding and managing accounts; every change is audited (``audit.record``).

Who may manage whom is decided here, once: :func:`roles_managed_by` and :func:`may_manage`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from lapor_bencana import audit, database
from lapor_bencana.accounts import sessions
from lapor_bencana.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, temporary_password
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.i18n import N_
from lapor_bencana.i18n import gettext as _

USERNAME_PATTERN = re.compile(r"^[a-z0-9_.-]{3,64}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9]{8,15}$")
# What people type as a phone number: digits with an optional +, spaces, dashes or brackets.
PHONE_LIKE = re.compile(r"^\+?[0-9][0-9\s\-()]{6,}$")
# What the audit trail keeps of an account: never the password hash, never the phone number.
AUDITED_FIELDS = ("username", "full_name", "organisation", "role", "approved", "active")
MAX_NAME_LENGTH = 120
ROLE_LABELS = {
    Role.ADMIN: N_("Admin"),
    Role.KOORDINATOR: N_("Koordinator"),
    Role.PETUGAS: N_("Petugas"),
    Role.RELAWAN: N_("Relawan"),
}
STAFF_ROLES = frozenset({Role.ADMIN, Role.KOORDINATOR})


class AccountError(ValueError):
    def __init__(self, message: str, field: str = "form") -> None:
        super().__init__(message)
        self.field = field


class NotPermitted(AccountError):
    """The acting account may not do this to that account."""


class AccountFilter(StrEnum):
    ALL = "semua"
    PENDING = "menunggu"
    ACTIVE = "aktif"
    INACTIVE = "nonaktif"


def normalise_phone(phone: str) -> str:
    """Indonesian numbers as +62…: ``0812-3456 789`` and ``62812…`` become ``+62812…``."""
    digits = re.sub(r"[\s\-()]", "", phone)
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62"):
        digits = "+" + digits
    return digits


def sign_in_name(identifier: str) -> str:
    """What someone typed to sign in, in the form it is stored: a phone number or a username."""
    identifier = identifier.strip()
    return normalise_phone(identifier) if PHONE_LIKE.match(identifier) else identifier.lower()


async def find_by_identifier(identifier: str) -> User | None:
    """The account with this phone number (in any Indonesian form) or username; the phone wins."""
    name = sign_in_name(identifier)
    if not name:
        return None
    candidates = await User.objects().where((User.phone == name) | (User.username == name)).run()
    return min(candidates, key=lambda user: user.phone != name, default=None)


async def get_user(user_id: int) -> User | None:
    return await User.objects().where(User.id == user_id).first().run()


def roles_managed_by(actor: User) -> tuple[Role, ...]:
    """The roles whose accounts ``actor`` may create and manage."""
    if actor.role == Role.ADMIN:
        return tuple(Role)
    if actor.role == Role.KOORDINATOR:
        return (Role.PETUGAS, Role.RELAWAN)
    return ()


def may_manage(actor: User, target: User) -> bool:
    # Nobody manages their own account here: a slip would lock its only administrator out.
    return actor.id != target.id and target.role in roles_managed_by(actor)


def audited_values(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in AUDITED_FIELDS}


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Kata sandi minimal %(n)s karakter.", n=MIN_PASSWORD_LENGTH), field="password")


def _checked_phone(phone: str | None) -> str | None:
    if not phone or not phone.strip():
        return None
    normalised = normalise_phone(phone.strip())
    if not PHONE_PATTERN.match(normalised):
        raise AccountError(_("Nomor HP tidak valid."), field="phone")
    return normalised


def _checked_name(full_name: str) -> str:
    name = full_name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise AccountError(_("Nama paling panjang %(n)s karakter.", n=MAX_NAME_LENGTH), field="full_name")
    return name


async def create_user(
    *,
    username: str,
    password: str,
    full_name: str,
    role: Role,
    phone: str | None = None,
    organisation: str = "",
    approved: bool = True,
    is_demo: bool = False,
    password_temporary: bool = False,
    actor: audit.Actor | User = audit.SYSTEM,
    client_address: str | None = None,
) -> User:
    if isinstance(actor, User) and role not in roles_managed_by(actor):
        raise NotPermitted(_("Anda tidak boleh memberi peran ini."), field="role")
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise AccountError(
            _("Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung."),
            field="username",
        )
    _check_password(password)
    user = User(
        username=username,
        phone=_checked_phone(phone),
        full_name=_checked_name(full_name) or username,
        organisation=organisation.strip()[:MAX_NAME_LENGTH],
        role=Role(role),
        password_hash=hash_password(password),
        password_temporary=password_temporary,
        approved=approved,
        is_demo=is_demo,
    )
    return await _insert(user, action="user.create", actor=actor, client_address=client_address)


async def register_volunteer(
    *, full_name: str, phone: str, organisation: str, password: str, client_address: str | None
) -> User | None:
    """A volunteer's own registration: the account can sign in but waits for a coordinator.

    A number that already has an account gets None and nothing is stored. The caller must answer
    both the same way, and both cost the same time (the password is hashed either way): whoever
    tries numbers at /daftar learns nothing about who has an account, as at sign-in.
    """
    name = _checked_name(full_name)
    if not name:
        raise AccountError(_("Isi nama lengkap Anda."), field="full_name")
    checked_phone = _checked_phone(phone)
    if checked_phone is None:
        raise AccountError(_("Isi nomor HP Anda."), field="phone")
    _check_password(password)
    password_hash = hash_password(password)
    user = User(
        username=await _free_username(name),
        phone=checked_phone,
        full_name=name,
        organisation=organisation.strip()[:MAX_NAME_LENGTH],
        role=Role.RELAWAN,
        password_hash=password_hash,
        approved=False,
    )
    try:
        return await _insert(user, action="user.register", actor=None, client_address=client_address)
    except AccountError:
        if await User.exists().where(User.phone == checked_phone).run():
            return None
        raise


async def _insert(user: User, *, action: str, actor: audit.Actor | User | None, client_address: str | None) -> User:
    try:
        async with audit.transaction():
            await _refuse_duplicates(user)
            await user.save().run()
            await audit.record(
                action=action,
                entity_type="user",
                entity_id=user.id,
                actor=actor or user,
                after=audited_values(user),
                client_address=client_address,
            )
    except Exception as error:
        if database.is_unique_violation(error):
            # Someone took the name or number between the check and the insert.
            raise AccountError(_("Nama pengguna atau nomor HP sudah terdaftar.")) from None
        raise
    return user


async def _refuse_duplicates(user: User) -> None:
    if await User.exists().where(User.username == user.username).run():
        raise AccountError(_("Nama pengguna %(name)s sudah dipakai.", name=user.username), field="username")
    if user.phone and await User.exists().where(User.phone == user.phone).run():
        raise AccountError(_("Nomor HP %(phone)s sudah terdaftar.", phone=user.phone), field="phone")


async def _free_username(full_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", ".", ascii_name).strip(".")[:40] or "relawan"
    base = base if len(base) >= 3 else f"relawan.{base}"
    taken = {row["username"] for row in await User.select(User.username).where(User.username.like(f"{base}%")).run()}
    return next(name for name in (base, *(f"{base}{n}" for n in range(2, len(taken) + 3))) if name not in taken)


async def list_accounts(actor: User, status: AccountFilter) -> list[User]:
    """The accounts ``actor`` may manage, pending ones first, then by name."""
    query = User.objects().where(User.role.is_in(list(roles_managed_by(actor)) or [""]))
    conditions = {
        AccountFilter.PENDING: (User.approved == False) & (User.active == True),  # noqa: E712
        AccountFilter.ACTIVE: (User.approved == True) & (User.active == True),  # noqa: E712
        AccountFilter.INACTIVE: User.active == False,  # noqa: E712
    }
    if status in conditions:
        query = query.where(conditions[status])
    accounts = await query.order_by(User.full_name).run()
    return sorted(accounts, key=lambda user: user.approved)


async def pending_accounts(actor: User) -> list[User]:
    return await list_accounts(actor, AccountFilter.PENDING)


async def _change(
    target: User, changes: Mapping[Any, Any], *, action: str, actor: User, client_address: str | None
) -> None:
    before = audited_values(target)
    for column, value in changes.items():
        setattr(target, column._meta.name, value)
    old, new = audit.changed_fields(before, audited_values(target))
    if not new:
        return  # a second click on the same button changes nothing and records nothing
    async with audit.transaction():
        await User.update(dict(changes)).where(User.id == target.id).run()
        await audit.record(
            action=action,
            entity_type="user",
            entity_id=target.id,
            actor=actor,
            before=old,
            after=new,
            client_address=client_address,
        )


async def approve(target: User, *, actor: User, client_address: str | None) -> None:
    await _change(target, {User.approved: True}, action="user.approve", actor=actor, client_address=client_address)


async def set_active(target: User, active: bool, *, actor: User, client_address: str | None) -> None:
    action = "user.reactivate" if active else "user.deactivate"
    await _change(target, {User.active: active}, action=action, actor=actor, client_address=client_address)
    if not active:
        await sessions.end_all_of(target.id)


async def change_role(target: User, role: str, *, actor: User, client_address: str | None) -> None:
    if role not in roles_managed_by(actor):
        raise NotPermitted(_("Anda tidak boleh memberi peran ini."), field="role")
    await _change(
        target, {User.role: Role(role)}, action="user.role_change", actor=actor, client_address=client_address
    )


async def reset_password(target: User, *, actor: User, client_address: str | None) -> str:
    """Gives ``target`` a temporary password, to be changed at its next sign-in; returns it."""
    password = temporary_password()
    await _set_password(
        target, password, temporary=True, action="user.password_reset", actor=actor, client_address=client_address
    )
    return password


async def change_own_password(user: User, new_password: str, *, client_address: str | None) -> None:
    """The caller has checked the current password; every session of the account ends."""
    _check_password(new_password)
    await _set_password(
        user, new_password, temporary=False, action="user.password_change", actor=user, client_address=client_address
    )


async def _set_password(
    target: User, password: str, *, temporary: bool, action: str, actor: User, client_address: str | None
) -> None:
    password_hash = hash_password(password)  # slow on purpose: before the chain's lock is taken
    async with audit.transaction():
        await User.update({User.password_hash: password_hash, User.password_temporary: temporary}).where(
            User.id == target.id
        ).run()
        # The action says that the password changed; the trail never holds it or its hash.
        await audit.record(
            action=action,
            entity_type="user",
            entity_id=target.id,
            actor=actor,
            before={"password_temporary": target.password_temporary},
            after={"password_temporary": temporary},
            client_address=client_address,
        )
    target.password_temporary = temporary
    await sessions.end_all_of(target.id)


async def rehash_password(user: User, password: str) -> None:
    """Stores the hash again with today's parameters (not a change of password: not audited)."""
    await User.update({User.password_hash: hash_password(password)}).where(User.id == user.id).run()
