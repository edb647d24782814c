"""Checking a sign-in: throttled per client address and per account, and silent about which
accounts exist (an unknown name costs the same time and gets the same answers as a known one)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from lapor_bencana import audit
from lapor_bencana.accounts import throttle
from lapor_bencana.accounts.passwords import needs_rehash, verify_nothing, verify_password
from lapor_bencana.accounts.service import find_by_identifier, rehash_password, sign_in_name
from lapor_bencana.accounts.tables import User
from lapor_bencana.i18n import gettext as _
from lapor_bencana.i18n import ngettext


@dataclass(frozen=True)
class SignIn:
    user: User | None = None
    problem: str = ""


def wrong_credentials() -> str:
    return _("Nomor HP/nama pengguna atau kata sandi salah.")


def too_many_attempts(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return ngettext(
        "Terlalu banyak percobaan. Coba lagi dalam %(num)s menit.", "Terlalu banyak percobaan. Coba lagi dalam %(num)s menit.", minutes
    )


async def authenticate(identifier: str, password: str, *, client_address: str, now: datetime) -> SignIn:
    address_key = f"alamat:{client_address}"
    from_address = await throttle.count_key(address_key, throttle.ADDRESS, now)
    if not from_address.allowed:
        return SignIn(problem=too_many_attempts(from_address.wait))
    user = await find_by_identifier(identifier)
    attempt = await _count(user, identifier, now)
    if not attempt.allowed:
        return SignIn(problem=too_many_attempts(attempt.wait))
    if user is None or not verify_password(user.password_hash, password):
        if user is None:
            verify_nothing(password)
        return await _failed(user, attempt, client_address)
    await throttle.clear_account(user.id)
    await throttle.take_back(address_key)
    if not user.active:
        return SignIn(problem=_("Akun ini dinonaktifkan. Hubungi koordinator Dinas Sosial."))
    if needs_rehash(user.password_hash):
        await rehash_password(user, password)
    return SignIn(user=user)


async def check_current_password(user: User, password: str, *, now: datetime) -> str:
    """For a signed-in change of password: counted like a sign-in. Returns the problem, or ''."""
    attempt = await throttle.count_account(user.id, now)
    if not attempt.allowed:
        return too_many_attempts(attempt.wait)
    if not verify_password(user.password_hash, password):
        return (await _failed(user, attempt, client_address=None)).problem
    await throttle.clear_account(user.id)
    return ""


async def _count(user: User | None, identifier: str, now: datetime) -> throttle.Attempt:
    if user is not None:
        return await throttle.count_account(user.id, now)
    return await throttle.count_key(f"nama:{sign_in_name(identifier)[:120]}", throttle.ACCOUNT, now)


async def _failed(user: User | None, attempt: throttle.Attempt, client_address: str | None) -> SignIn:
    if user is not None and attempt.locks:
        await audit.record(
            action="user.lock",
            entity_type="user",
            entity_id=user.id,
            actor=audit.SYSTEM,
            after={"failed_logins": attempt.counter.failed_logins, "locked_until": attempt.counter.locked_until},
            client_address=client_address,
        )
    if attempt.wait:
        return SignIn(problem=too_many_attempts(attempt.wait))
    return SignIn(problem=wrong_credentials())
