"""Storing and removing the browser subscriptions of signed-in users.

``data`` is the standard JSON of a PushSubscription (``subscription.toJSON()`` in the browser):
``{"endpoint": "https://…", "keys": {"p256dh": "…", "auth": "…"}}``.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from lapor_bencana.i18n import gettext as _
from lapor_bencana.push import outbox
from lapor_bencana.push.encryption import AUTH_SECRET_SIZE, P256_POINT_SIZE
from lapor_bencana.push.endpoints import EndpointPolicy, EndpointRefused
from lapor_bencana.push.tables import PushSubscription
from lapor_bencana.push.vapid import b64url, b64url_decode

MAX_ENDPOINT_LENGTH = 2048
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


class SubscriptionError(ValueError):
    """Bad subscription data; ``field`` names the offending JSON field for a 422 answer."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


async def save_subscription(user_id: int, data: object, policy: EndpointPolicy) -> PushSubscription:
    """Stores the subscription for the user; a known endpoint (the same browser) is updated, and
    belongs from then on to whoever saved it last."""
    endpoint, p256dh, auth = _validated(data, policy)
    await (
        PushSubscription.insert(PushSubscription(user=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth))
        .on_conflict(
            target=PushSubscription.endpoint,
            action="DO UPDATE",
            values=[PushSubscription.user, PushSubscription.p256dh, PushSubscription.auth],
        )
        .run()
    )
    return await PushSubscription.objects().get(PushSubscription.endpoint == endpoint).run()


async def remove_subscription(user_id: int, endpoint: str) -> bool:
    """Removes the user's subscription with that endpoint; its undelivered messages are dropped.
    Answers whether there was one."""
    rows = await PushSubscription.select(PushSubscription.id).where(
        (PushSubscription.user == user_id) & (PushSubscription.endpoint == endpoint)
    )
    if not rows:
        return False
    await outbox.forget_subscriptions([row["id"] for row in rows])
    return True


async def users_with_devices(user_ids: list[int]) -> int:
    """How many of these users have a device with notifications on (a push could reach them)."""
    reached: set[int] = set()
    for start in range(0, len(user_ids), outbox.CHUNK):
        rows = await (
            PushSubscription.select(PushSubscription.user)
            .where(PushSubscription.user.is_in(list(user_ids[start : start + outbox.CHUNK])))
            .distinct()
            .run()
        )
        reached.update(row["user"] for row in rows)
    return len(reached)


async def devices_of(user_id: int) -> list[dict]:
    """The user's subscriptions, newest first, each with the push service's host to name it by."""
    rows = await (
        PushSubscription.select(PushSubscription.endpoint, PushSubscription.created_at, PushSubscription.last_success_at)
        .where(PushSubscription.user == user_id)
        .order_by(PushSubscription.created_at, ascending=False)
        .run()
    )
    for row in rows:
        row["service"] = urlsplit(row["endpoint"]).hostname or ""
    return rows


def _validated(data: object, policy: EndpointPolicy) -> tuple[str, str, str]:
    if not isinstance(data, Mapping):
        raise SubscriptionError("subscription", _("Data langganan push harus berupa objek JSON."))
    endpoint = data.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        raise SubscriptionError("endpoint", _("Endpoint langganan push wajib diisi."))
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise SubscriptionError("endpoint", _("Endpoint langganan push terlalu panjang."))
    try:
        policy.checked(endpoint)
    except EndpointRefused as refusal:
        raise SubscriptionError("endpoint", str(refusal)) from None
    keys = data.get("keys")
    if not isinstance(keys, Mapping):
        raise SubscriptionError("keys", _("Kunci langganan push (keys.p256dh dan keys.auth) wajib diisi."))
    p256dh = _decoded(keys.get("p256dh"), P256_POINT_SIZE)
    if p256dh is None or not _is_p256_point(p256dh):
        raise SubscriptionError("keys.p256dh", _("Kunci keys.p256dh bukan kunci publik P-256 yang valid."))
    auth = _decoded(keys.get("auth"), AUTH_SECRET_SIZE)
    if auth is None:
        raise SubscriptionError("keys.auth", _("Kunci keys.auth harus 16 byte dalam base64url."))
    return endpoint, b64url(p256dh), b64url(auth)


def _decoded(value: object, size: int) -> bytes | None:
    if not isinstance(value, str) or not _BASE64URL.match(value):
        return None
    try:
        raw = b64url_decode(value.rstrip("="))
    except binascii.Error:
        return None
    return raw if len(raw) == size else None


def _is_p256_point(raw: bytes) -> bool:
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return False
    return True
