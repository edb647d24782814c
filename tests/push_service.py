"""A local push service for the tests: a real HTTP server on 127.0.0.1 that checks what real ones do.

It verifies the VAPID authorisation (RFC 8292) against the app's public key with its own code, not
py_vapid's; requires ``TTL`` and ``Content-Encoding: aes128gcm``; and decrypts each message with
``http_ece`` using subscriber keys made here as a browser makes them. So a test sees exactly what a
service worker would receive. Per subscriber it can be told to answer other statuses, or to hang.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

HANG = "hang"
URGENCIES = {"very-low", "low", "normal", "high"}
TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscriber:
    """The browser's half: its key pair and auth secret, as ``pushManager.subscribe()`` makes them."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def as_json(self) -> dict:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)},
        }


@dataclass(frozen=True)
class Received:
    payload: bytes
    headers: dict[str, str]
    claims: dict
    token: str


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class PushService:
    def __init__(self, application_server_key: str) -> None:
        self.application_server_key = application_server_key
        self.origin = ""
        self.received: dict[str, list[Received]] = defaultdict(list)
        # When each request reached the service (time.monotonic()), answered or not.
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.refusals: list[tuple[int, str]] = []
        self._subscribers: dict[str, Subscriber] = {}
        self._answers: dict[str, deque] = defaultdict(deque)
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_post("/push/{token}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.origin = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        self._release.set()
        await self._runner.cleanup()

    async def go_down(self) -> None:
        """Closes the port: connections are refused, as when the push service is unreachable."""
        await self._runner.cleanup()

    async def come_back(self) -> None:
        await self.start(port=int(self.origin.rsplit(":", 1)[1]))

    def subscribe(self) -> Subscriber:
        token = secrets.token_urlsafe(12)
        subscriber = Subscriber(endpoint=f"{self.origin}/push/{token}")
        self._subscribers[token] = subscriber
        return subscriber

    def answer(self, subscriber: Subscriber, *answers) -> None:
        """The next answers for this subscriber, in order: a status, ``(status, headers)`` or
        ``HANG``; afterwards 201 again."""
        self._answers[subscriber.endpoint].extend(answers)

    def payloads(self, subscriber: Subscriber) -> list[bytes]:
        return [message.payload for message in self.received[subscriber.endpoint]]

    async def _handle(self, request: web.Request) -> web.Response:
        subscriber = self._subscribers.get(request.match_info["token"])
        if subscriber is None:
            return web.Response(status=404)
        self.arrivals[subscriber.endpoint].append(time.monotonic())
        body = await request.read()
        try:
            claims, token = self._verified_claims(request.headers.get("Authorization", ""))
            self._check_headers(request.headers)
        except Refused as refusal:
            self.refusals.append((refusal.status, str(refusal)))
            return web.Response(status=refusal.status, text=str(refusal))
        answer = self._answers[subscriber.endpoint].popleft() if self._answers[subscriber.endpoint] else 201
        if answer == HANG:
            await self._release.wait()
            return web.Response(status=503)
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        if status != 201:
            return web.Response(status=status, headers=headers)
        try:
            payload = http_ece.decrypt(
                body, private_key=subscriber.private_key, auth_secret=subscriber.auth, version="aes128gcm"
            )
        except Exception as error:  # any failure to decrypt is the sender's fault
            self.refusals.append((400, f"cannot decrypt: {error}"))
            return web.Response(status=400, text="cannot decrypt")
        kept = {name: request.headers[name] for name in ("TTL", "Urgency", "Topic") if name in request.headers}
        self.received[subscriber.endpoint].append(Received(payload, kept, claims, token))
        return web.Response(status=201, headers={"Location": f"{self.origin}/message/{secrets.token_hex(8)}"})

    def _verified_claims(self, authorization: str) -> tuple[dict, str]:
        """RFC 8292 §3: ``vapid t=<JWT>, k=<public key>``; the JWT is ES256-signed with that key."""
        scheme, _, parameters = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise Refused(401, "no vapid authorization")
        fields = dict(part.strip().split("=", 1) for part in parameters.split(",") if "=" in part)
        token, key = fields.get("t", ""), fields.get("k", "")
        if key != self.application_server_key:
            raise Refused(403, "k is not the key the subscription was made with")
        try:
            header_part, claims_part, signature_part = token.split(".")
            header = json.loads(b64url_decode(header_part))
            claims = json.loads(b64url_decode(claims_part))
            signature = b64url_decode(signature_part)
        except ValueError:
            raise Refused(401, "malformed token") from None
        if header.get("alg") != "ES256" or len(signature) != 64:
            raise Refused(401, "not an ES256 token")
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        try:
            public_key.verify(
                encode_dss_signature(r, s), f"{header_part}.{claims_part}".encode(), ec.ECDSA(hashes.SHA256())
            )
        except InvalidSignature:
            raise Refused(401, "bad signature") from None
        if claims.get("aud") != self.origin:
            raise Refused(401, f"aud {claims.get('aud')!r} is not {self.origin}")
        exp = claims.get("exp")
        if not isinstance(exp, int) or not time.time() < exp <= time.time() + 24 * 3600:
            raise Refused(401, "exp is not within the next 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise Refused(401, "sub is not a mailto: or https: contact")
        return claims, token

    def _check_headers(self, headers) -> None:
        if not headers.get("TTL", "").isdigit():
            raise Refused(400, "TTL header missing")
        if headers.get("Content-Encoding") != "aes128gcm":
            raise Refused(415, "Content-Encoding must be aes128gcm")
        if headers.get("Urgency", "normal") not in URGENCIES:
            raise Refused(400, "bad Urgency")
        if "Topic" in headers and not TOPIC.match(headers["Topic"]):
            raise Refused(400, "bad Topic")
