"""Creating and finding accounts."""

from __future__ import annotations

import re

from lapor_bencana.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.i18n import gettext as _

USERNAME_PATTERN = re.compile(r"^[a-z0-9_.-]{3,64}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9]{8,15}$")


class AccountError(ValueError):
    pass


def normalise_phone(phone: str) -> str:
    """Indonesian numbers as +62…: ``0812-3456 789`` and ``62812…`` become ``+62812…``."""
    digits = re.sub(r"[\s\-()]", "", phone)
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62"):
        digits = "+" + digits
    return digits


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
) -> User:
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise AccountError(_("Nama pengguna 3–64 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_("Kata sandi minimal %(n)s karakter.", n=MIN_PASSWORD_LENGTH))
    if phone:
        phone = normalise_phone(phone)
        if not PHONE_PATTERN.match(phone):
            raise AccountError(_("Nomor HP tidak valid."))
    if await User.exists().where(User.username == username).run():
        raise AccountError(_("Nama pengguna %(name)s sudah dipakai.", name=username))
    if phone and await User.exists().where(User.phone == phone).run():
        raise AccountError(_("Nomor HP %(phone)s sudah terdaftar.", phone=phone))
    user = User(
        username=username,
        phone=phone or None,
        full_name=full_name.strip() or username,
        organisation=organisation,
        role=role,
        password_hash=hash_password(password),
        approved=approved,
        is_demo=is_demo,
    )
    await user.save().run()
    return user
