"""Small builders shared by the push tests."""

from __future__ import annotations

import asyncio
import inspect
import secrets
import time

from tests.push_service import PushService, Subscriber

from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.config import Settings
from lapor_bencana.push.endpoints import EndpointPolicy
from lapor_bencana.push.subscriptions import save_subscription
from lapor_bencana.push.tables import PushJob


async def new_volunteer() -> int:
    user = User(username=f"relawan-{secrets.token_hex(4)}", full_name="Relawan", role=Role.RELAWAN, password_hash="-")
    await user.save()
    return user.id


def local_push(settings: Settings) -> EndpointPolicy:
    """The settings' push services, and the tests' local one on a loopback address."""
    return EndpointPolicy(allowed_hosts=settings.push_allowed_hosts, allow_loopback=True)


async def subscribed(service: PushService, settings: Settings, user_id: int | None = None) -> Subscriber:
    """A browser that subscribed at ``service`` and saved its subscription for the user."""
    subscriber = service.subscribe()
    await save_subscription(user_id or await new_volunteer(), subscriber.as_json(), local_push(settings))
    return subscriber


def fast(settings: Settings, **changes) -> Settings:
    """The settings with the worker's waits shortened to test speed."""
    quick = {"push_poll_s": 0.05, "push_retry_base_s": 0.2, "push_timeout_s": 1.0, "push_lease_s": 4.0}
    return settings.model_copy(update={**quick, **changes})


async def jobs_by_status() -> dict[str, int]:
    rows = await PushJob.select(PushJob.status)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


async def eventually(condition, timeout: float = 10.0) -> None:
    """Waits until ``condition()`` (plain or async) is true; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s")
        await asyncio.sleep(0.02)
