"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106's recommendations)."""

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 8
# No 0/o, 1/l/i: a temporary password is read aloud over the phone.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_GROUPS = 3
TEMPORARY_GROUP_LENGTH = 4


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def verify_nothing(password: str) -> bool:
    """Costs what checking a real account costs, so that response times do not tell unknown
    names from known ones. Always False."""
    verify_password(_dummy_hash(), password)
    return False


def temporary_password() -> str:
    """Like ``k7qm-3xhp-9tfw``: about 59 bits, easy to read out and type on a phone."""
    groups = (
        "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_GROUP_LENGTH))
        for _ in range(TEMPORARY_GROUPS)
    )
    return "-".join(groups)
