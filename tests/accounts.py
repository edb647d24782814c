"""Accounts, signed-in clients and a clock that tests move on, for the account tests."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx

from lapor_bencana import timeutil
from lapor_bencana.accounts.service import create_user
from lapor_bencana.accounts.tables import Role, User, WebSession

PASSWORD = "rahasia-123"
CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


class Clock:
    def __init__(self) -> None:
        self.now: datetime = timeutil.now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def make_user(
    username: str, role: Role = Role.RELAWAN, *, approved: bool = True, phone: str | None = None, **extra
) -> User:
    active = extra.pop("active", True)
    user = await create_user(
        username=username,
        password=extra.pop("password", PASSWORD),
        full_name=extra.pop("full_name", username.title()),
        role=role,
        phone=phone,
        approved=approved,
        **extra,
    )
    if not active:
        await User.update({User.active: False}).where(User.id == user.id).run()
        user.active = False
    return user


def client_of(app) -> httpx.AsyncClient:
    """Another browser on the same app."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def csrf_token(client: httpx.AsyncClient) -> str:
    """The token of the client's CSRF cookie, as the app's forms carry it (the report form always has one)."""
    page = await client.get("/lapor")
    return CSRF_INPUT.search(page.text).group(1)


async def post_form(client: httpx.AsyncClient, path: str, data: dict[str, str] | None = None) -> httpx.Response:
    return await client.post(path, data={"_csrf_token": await csrf_token(client), **(data or {})})


async def sign_in(client: httpx.AsyncClient, identifier: str, password: str = PASSWORD, **extra: str) -> httpx.Response:
    return await post_form(client, "/masuk", {"identifier": identifier, "password": password, **extra})


def session_cookie(client: httpx.AsyncClient) -> str | None:
    return client.cookies.get("session")


async def session_rows() -> int:
    return await WebSession.count()
