"""Message encryption for Web Push: one aes128gcm record (RFC 8188) keyed as RFC 8291 §3 says.

Written against ``cryptography`` and the standard library's HMAC rather than through ``http_ece``:
it is the per-message cost of a fan-out, and this is about a third cheaper. The tests decrypt
every message with ``http_ece`` as a browser would.
"""

from __future__ import annotations

import hmac
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

RECORD_SIZE = 4096
TAG_SIZE = 16
# RFC 8291 §4: salt (16) + record size (4) + key id length (1) + the sender's public key (65).
HEADER_SIZE = 86
# RFC 8291 §4: one record of at most 4096 octets, so at most 3993 octets of plaintext.
MAX_PLAINTEXT = RECORD_SIZE - HEADER_SIZE - TAG_SIZE - 1
P256_POINT_SIZE = 65
AUTH_SECRET_SIZE = 16

_CURVE = ec.SECP256R1()
_X962 = serialization.Encoding.X962
_UNCOMPRESSED = serialization.PublicFormat.UncompressedPoint


def encrypt(plaintext: bytes, p256dh: bytes, auth_secret: bytes) -> bytes:
    """The request body for one subscription (its ``keys.p256dh`` and ``keys.auth``, decoded)."""
    if len(plaintext) > MAX_PLAINTEXT:
        raise ValueError(f"a push message holds at most {MAX_PLAINTEXT} bytes")
    receiver = ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, p256dh)
    # RFC 8291 §3.1: a new key pair for every message; its public half travels in the header.
    sender = ec.generate_private_key(_CURVE)
    sender_public = sender.public_key().public_bytes(_X962, _UNCOMPRESSED)
    shared_secret = sender.exchange(ec.ECDH(), receiver)
    # RFC 8291 §3.3-3.4: IKM from the shared secret and the subscription's auth secret.
    prk_key = hmac.digest(auth_secret, shared_secret, "sha256")
    ikm = _expand(prk_key, b"WebPush: info\x00" + p256dh + sender_public, 32)
    # RFC 8188 §2.2-2.3: content-encryption key and nonce from a random salt.
    salt = os.urandom(16)
    prk = hmac.digest(salt, ikm, "sha256")
    key = _expand(prk, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _expand(prk, b"Content-Encoding: nonce\x00", 12)
    # RFC 8188 §2: the last (here the only) record ends with the delimiter octet 0x02.
    ciphertext = AESGCM(key).encrypt(nonce, plaintext + b"\x02", None)
    header = salt + RECORD_SIZE.to_bytes(4, "big") + bytes([len(sender_public)]) + sender_public
    return header + ciphertext


def _expand(prk: bytes, info: bytes, length: int) -> bytes:
    # HKDF-Expand (RFC 5869 §2.3) for one block: every output here is at most 32 octets.
    return hmac.digest(prk, info + b"\x01", "sha256")[:length]
