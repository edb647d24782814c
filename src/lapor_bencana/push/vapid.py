"""The server's VAPID identity (RFC 8292): its P-256 key pair and the tokens push services ask for.

Browsers bind each subscription to the public key (the "application server key"), so the key must
stay the same for as long as the subscriptions live: it is configured or generated once and kept.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

# RFC 8292 §2: a push service may reject a token whose "exp" lies more than 24 hours ahead.
TOKEN_LIFETIME_S = 12 * 3600
# A token is replaced this long before it expires, so one in flight never arrives expired.
TOKEN_REFRESH_MARGIN_S = 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_private_key() -> str:
    """A new key as the configuration holds it: the raw 32-byte scalar, base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """Reads a P-256 private key given as a raw base64url scalar, base64url DER (PKCS8) or PEM."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = b64url_decode("".join(text.split()))
            if len(raw) == 32:
                key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError):
        raise ValueError("expected a P-256 private key: raw or DER in base64url, or PEM") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("the VAPID key must be an elliptic-curve key on P-256")
    return key


@dataclass(frozen=True)
class VapidKeys:
    private_key: ec.EllipticCurvePrivateKey
    # The uncompressed public point, base64url: what pushManager.subscribe() takes.
    application_server_key: str


@cache
def keys_from_text(text: str) -> VapidKeys:
    private_key = load_private_key(text)
    point = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidKeys(private_key=private_key, application_server_key=b64url(point))


class VapidSigner:
    """Builds the ``Authorization: vapid t=…, k=…`` header once per push-service origin and reuses
    it while it is valid: signing costs about as much as encrypting a message."""

    def __init__(self, keys: VapidKeys, subject: str, clock=time.time) -> None:
        self._vapid = Vapid02(private_key=keys.private_key)
        self._subject = subject
        self._clock = clock
        self._headers: dict[str, tuple[str, float]] = {}

    def authorization(self, origin: str) -> str:
        now = self._clock()
        cached = self._headers.get(origin)
        if cached is not None and now < cached[1] - TOKEN_REFRESH_MARGIN_S:
            return cached[0]
        expires = int(now) + TOKEN_LIFETIME_S
        # A fresh claims dict per origin: py_vapid and pywebpush fill in and keep "aud" otherwise.
        header = self._vapid.sign({"aud": origin, "sub": self._subject, "exp": expires})["Authorization"]
        self._headers[origin] = (header, expires)
        return header
