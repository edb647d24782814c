"""Tracking codes: short, and unambiguous when read aloud over a phone.

Digits 0/1 and letters I, L, O are left out because they are confused with one another.
Eight characters from 31 give about 8.5 × 10^11 codes: guessing one is impractical.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
_CONFUSABLE = str.maketrans({"0": "O", "1": "I"})
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    # One draw from the system's random source (not one per character): codes are made per report.
    number = secrets.randbelow(len(ALPHABET) ** LENGTH)
    characters = []
    for _ in range(LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[digit])
    return "".join(characters)


def display(code: str) -> str:
    """``K7QM3XHP`` → ``K7QM-3XHP``: two groups are easier to read out and type."""
    return f"{code[:4]}-{code[4:]}"


def normalise(text: str) -> str | None:
    """What a person typed (any case, dashes, spaces) → the stored code, or None if it cannot be one."""
    candidate = re.sub(r"[\s\-]", "", text).upper()
    return candidate if _VALID.match(candidate) else None
