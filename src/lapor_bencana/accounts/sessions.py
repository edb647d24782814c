"""Server-side sessions kept in the database, so that every app process sees every session.

Only signing in creates a session: an anonymous visitor costs no row and gets no session cookie,
whatever page it reads or report it sends. Signing in always issues a new session id and drops the
old one, so an id planted before sign-in (session fixation) is worth nothing after it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, Message, Scope, ScopeSession

from lapor_bencana import timeutil
from lapor_bencana.accounts.tables import WebSession

STORE_NAME = "sessions"
COOKIE_NAME = "session"
# Idle time after which a browser must sign in again; each visit pushes it back.
MAX_AGE = timedelta(days=14)
# Pushing the expiry back costs a write, so it is done at most this often per session.
RENEW_STEP = timedelta(hours=1)
USER_ID = "user_id"
# A random value of each session that its CSRF tokens are bound to (see web/csrf.py).
CSRF_NONCE = "csrf"
_RENEW_FLAG = "lapor.renew_session"
_LOADED = "lapor.session_loaded"
_ON_CHANGE = "lapor.on_session_change"

Clock = Callable[[], datetime]


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _expiry(now: datetime, expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    return now + (expires_in if isinstance(expires_in, timedelta) else timedelta(seconds=expires_in))


def session_owner(data: bytes) -> int | None:
    """The account a stored session belongs to (sessions are JSON, see ``BaseSessionBackend``)."""
    try:
        value = json.loads(data)
    except ValueError:
        return None
    owner = value.get(USER_ID) if isinstance(value, dict) else None
    return owner if isinstance(owner, int) else None


class DatabaseStore(Store):
    """A Litestar ``Store`` in the ``web_session`` table; keys are stored as SHA-256 digests.

    ``owner_of`` names the account a value belongs to, so that :func:`end_all_of` can end every
    session of one account. Expired values are removed when they are read and by
    :meth:`delete_expired`.
    """

    def __init__(self, *, clock: Clock = timeutil.now, owner_of: Callable[[bytes], int | None] = session_owner):
        self.clock = clock
        self.owner_of = owner_of

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        row = WebSession(
            key_digest=_digest(key),
            data=data,
            expires_at=_expiry(self.clock(), expires_in),
            owner=self.owner_of(data),
        )
        await (
            WebSession.insert(row)
            .on_conflict(
                target=WebSession.key_digest,
                action="DO UPDATE",
                values=[WebSession.data, WebSession.expires_at, WebSession.owner],
            )
            .run()
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = await self._live_row(key)
        if row is None:
            return None
        renewed = _expiry(self.clock(), renew_for)
        if row["expires_at"] is not None and renewed is not None and renewed - row["expires_at"] >= RENEW_STEP:
            await WebSession.update({WebSession.expires_at: renewed}).where(WebSession.id == row["id"]).run()
        return bytes(row["data"])

    async def delete(self, key: str) -> None:
        await WebSession.delete().where(WebSession.key_digest == _digest(key)).run()

    async def delete_all(self) -> None:
        await WebSession.delete(force=True).run()

    async def exists(self, key: str) -> bool:
        return await self._live_row(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await self._live_row(key)
        if row is None or row["expires_at"] is None:
            return None
        return int((row["expires_at"] - self.clock()).total_seconds())

    async def delete_expired(self) -> None:
        await WebSession.delete().where(WebSession.expires_at <= self.clock()).run()

    async def _live_row(self, key: str) -> dict[str, Any] | None:
        row = await (
            WebSession.select(WebSession.id, WebSession.data, WebSession.expires_at)
            .where(WebSession.key_digest == _digest(key))
            .first()
            .run()
        )
        if row is not None and row["expires_at"] is not None and row["expires_at"] <= self.clock():
            await WebSession.delete().where(WebSession.id == row["id"]).run()
            return None
        return row


class SessionBackend(ServerSideSessionBackend):
    """Litestar's server-side backend, except that an empty session is never stored or sent, and
    that :func:`begin` moves the session to a fresh id."""

    def get_session_id(self, connection: ASGIConnection) -> str | None:  # type: ignore[override]
        # Ids are made only when a session is first stored (store_in_message), never per request.
        session_id = connection.cookies.get(self.config.key)
        return session_id if session_id and session_id != "null" else None

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        session_id = self.get_session_id(connection)
        data = await self.get(session_id, store=self._store(connection)) if session_id else None
        if data is None:
            return {}
        connection.scope["state"][_LOADED] = data
        return self.deserialize_data(data)

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        store = self._store(connection)
        headers = MutableScopeHeaders.from_message(message)
        state = connection.scope["state"]
        old_id = self.get_session_id(connection)
        if scope_session is Empty or not scope_session:
            if old_id:
                await store.delete(old_id)
                headers.add("Set-Cookie", self._cookie("null", expires=0))
            return
        data = self.serialize_data(scope_session, connection.scope)
        session_id = old_id
        if old_id is None or state.pop(_RENEW_FLAG, False):
            if old_id:
                await store.delete(old_id)
            session_id = self.generate_session_id()
            await self.set(session_id, data, store)
        elif data != state.get(_LOADED):
            await self.set(session_id, data, store)
        # Sent again with every answer so that the browser's expiry slides along with the row's.
        headers.add("Set-Cookie", self._cookie(session_id))

    def _store(self, connection: ASGIConnection) -> Store:
        return self.config.get_store_from_app(connection.scope["app"])

    def _cookie(self, value: str, **extra: Any) -> str:
        config = self.config
        return Cookie(
            key=config.key,
            value=value,
            path=config.path,
            max_age=None if extra else config.max_age,
            secure=config.secure,
            httponly=config.httponly,
            samesite=config.samesite,
            **extra,
        ).to_header(header="")


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = SessionBackend  # type: ignore[assignment]


def session_config(*, secure: bool) -> SessionConfig:
    return SessionConfig(
        key=COOKIE_NAME,
        store=STORE_NAME,
        max_age=int(MAX_AGE.total_seconds()),
        renew_on_access=True,
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def store_of(connection: ASGIConnection) -> DatabaseStore:
    return connection.app.stores.get(STORE_NAME)  # type: ignore[return-value]


def begin(connection: ASGIConnection, user_id: int) -> None:
    """Signs ``user_id`` in on this browser under a new session id and CSRF nonce; the old id
    and the CSRF tokens made for it stop working."""
    connection.scope["state"][_RENEW_FLAG] = True
    connection.set_session({USER_ID: user_id, CSRF_NONCE: secrets.token_urlsafe(32)})
    _changed(connection.scope)


def end(connection: ASGIConnection) -> None:
    connection.clear_session()
    _changed(connection.scope)


def on_change(scope: Scope, callback: Callable[[], None]) -> None:
    """Calls ``callback`` when :func:`begin` or :func:`end` changes this request's session."""
    scope["state"][_ON_CHANGE] = callback


def _changed(scope: Scope) -> None:
    if callback := scope["state"].get(_ON_CHANGE):
        callback()


def csrf_nonce(scope: Scope) -> str:
    """The nonce the session's CSRF tokens are bound to; '' without a session. A session stored
    before sessions had one gets one now (and keeps it)."""
    session = scope.get("session")
    if not isinstance(session, dict) or not session:
        return ""
    if not isinstance(session.get(CSRF_NONCE), str):
        session[CSRF_NONCE] = secrets.token_urlsafe(32)
    return session[CSRF_NONCE]


async def end_all_of(user_id: int) -> None:
    """Signs the account out everywhere (it was deactivated, or its password changed)."""
    await WebSession.delete().where(WebSession.owner == user_id).run()


def user_id_of(scope: Scope) -> int | None:
    session = scope.get("session")
    user_id = session.get(USER_ID) if isinstance(session, dict) else None
    return user_id if isinstance(user_id, int) else None
