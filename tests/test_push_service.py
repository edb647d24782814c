"""The local push service the delivery tests rely on refuses what a real push service refuses:
a test passing against it means something only if a wrong request would fail."""

import os
import time

import aiohttp
import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from tests.push_service import PushService
from py_vapid import Vapid02

from lapor_bencana.push.vapid import generate_private_key, keys_from_text

APP_KEY = keys_from_text(generate_private_key())
OTHER_KEY = keys_from_text(generate_private_key())


@pytest.fixture
async def service():
    service = PushService(APP_KEY.application_server_key)
    await service.start()
    yield service
    await service.stop()


def authorization(signing_key=APP_KEY, advertised_key=None, **claims) -> str:
    """A VAPID header signed with ``signing_key`` that names ``advertised_key`` (by default the same)."""
    vapid = Vapid02(private_key=signing_key.private_key, conf={"no-strict": True})
    token = vapid.sign(claims)["Authorization"].split("t=", 1)[1].split(",k=", 1)[0]
    return f"vapid t={token}, k={(advertised_key or signing_key).application_server_key}"


def good_claims(service: PushService) -> dict:
    return {"aud": service.origin, "sub": "mailto:dinsos@balangankab.go.id", "exp": int(time.time()) + 3600}


def encrypted_for(subscriber, payload: bytes) -> bytes:
    sender_key = ec.generate_private_key(ec.SECP256R1())
    receiver = subscriber.private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return http_ece.encrypt(
        payload, private_key=sender_key, dh=receiver, auth_secret=subscriber.auth, version="aes128gcm"
    )


async def post(service: PushService, subscriber, headers: dict, body: bytes) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.post(subscriber.endpoint, data=body, headers=headers) as response:
            return response.status


def headers_for(service: PushService, **changes) -> dict:
    headers = {"Authorization": authorization(**good_claims(service)), "TTL": "60", "Content-Encoding": "aes128gcm"}
    return {name: value for name, value in {**headers, **changes}.items() if value is not None}


async def test_it_accepts_a_correct_message_and_decrypts_it(service):
    subscriber = service.subscribe()
    status = await post(service, subscriber, headers_for(service), encrypted_for(subscriber, b"halo relawan"))
    assert status == 201
    assert service.payloads(subscriber) == [b"halo relawan"]
    assert service.received[subscriber.endpoint][0].claims["aud"] == service.origin


@pytest.mark.parametrize(
    ("why", "authorization_for", "expected"),
    [
        ("no authorization", lambda s: None, 401),
        ("another server's key", lambda s: authorization(OTHER_KEY, **good_claims(s)), 403),
        ("signed with another key", lambda s: authorization(OTHER_KEY, APP_KEY, **good_claims(s)), 401),
        (
            "aud of another service",
            lambda s: authorization(**{**good_claims(s), "aud": "https://fcm.googleapis.com"}),
            401,
        ),
        ("expired", lambda s: authorization(**{**good_claims(s), "exp": int(time.time()) - 10}), 401),
        ("exp beyond 24 h", lambda s: authorization(**{**good_claims(s), "exp": int(time.time()) + 25 * 3600}), 401),
        ("sub not a contact", lambda s: authorization(**{**good_claims(s), "sub": "dinsos"}), 401),
    ],
)
async def test_it_rejects_a_bad_vapid_authorization(service, why, authorization_for, expected):
    subscriber = service.subscribe()
    headers = headers_for(service, Authorization=authorization_for(service))
    assert await post(service, subscriber, headers, encrypted_for(subscriber, b"x")) == expected, why
    assert service.payloads(subscriber) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"TTL": None}, 400),
        ({"Content-Encoding": "aesgcm"}, 415),
        ({"Urgency": "urgent"}, 400),
        ({"Topic": "a b"}, 400),
    ],
)
async def test_it_rejects_missing_or_bad_headers(service, changes, expected):
    subscriber = service.subscribe()
    headers = headers_for(service, **changes)
    assert await post(service, subscriber, headers, encrypted_for(subscriber, b"x")) == expected
    assert service.payloads(subscriber) == []


async def test_it_rejects_a_body_it_cannot_decrypt(service):
    subscriber, someone_else = service.subscribe(), service.subscribe()
    assert await post(service, subscriber, headers_for(service), encrypted_for(someone_else, b"x")) == 400
    assert await post(service, subscriber, headers_for(service), os.urandom(120)) == 400
    assert service.payloads(subscriber) == []
