"""Live updates for coordinator screens: changes are published on one channel and streamed to
every open screen as Server-Sent Events; htmx then re-fetches what the event names.

In-memory within one process; PostgreSQL LISTEN/NOTIFY when several processes share a database,
so a change made through one process reaches screens connected to another.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator

import asyncpg
import structlog

from litestar import Litestar, Request, get
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.asyncpg import AsyncPgChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.response import ServerSentEvent, ServerSentEventMessage

from lapor_bencana.database import is_sqlite
from lapor_bencana.push.tables import PushJob

log = structlog.get_logger(__name__)

CHANNEL = "koordinator"
# A comment line every so often keeps proxies and phones from closing an idle stream.
KEEPALIVE_S = 15
# After missed notifications, the events that make every screen re-fetch what it shows.
RESYNC_EVENTS = ("report-changed", "incident-changed")
RESYNC = json.dumps({"event": "resync"}).encode()


class PostgresChannels(AsyncPgChannelsBackend):
    """LISTEN/NOTIFY that lets the app start, and keep serving, while the database is away: live
    updates pause and resume once it answers again.

    The listening connection is watched: when it drops (database restarted, connection killed) it
    is re-opened within ``RELISTEN_S``, and open screens are told to refresh everything, since
    notifications sent in between are lost (NOTIFY keeps nothing for absent listeners).
    """

    RELISTEN_S = 2.0

    async def on_startup(self) -> None:
        self._listener_lock = asyncio.Lock()
        self._queue = asyncio.Queue()
        self._listener_conn = None
        self._wanted: set[str] = set()
        self._watchdog = asyncio.create_task(self._keep_listening())

    async def on_shutdown(self) -> None:
        self._watchdog.cancel()
        if self._listener_conn is not None and not self._listener_conn.is_closed():
            await super().on_shutdown()

    async def subscribe(self, channels) -> None:
        self._wanted = set(channels)
        await self._listen()

    async def unsubscribe(self, channels) -> None:
        # Listening goes on while the process runs, with or without screens: the app has one
        # channel, and the plugin's UNLISTEN when the last screen closes can interleave with the
        # subscription of a screen opening at that moment (a page navigating to the next one),
        # which then finds the channel still listened to and stays deaf once the UNLISTEN runs.
        return

    def _listening(self) -> bool:
        return self._listener_conn is not None and not self._listener_conn.is_closed()

    async def _listen(self) -> bool:
        """Makes sure the wanted channels are listened to; True when it had to re-open the connection."""
        reopened = False
        try:
            async with self._listener_lock:
                if not self._listening():
                    reopened = self._listener_conn is not None
                    self._listener_conn = await self._connect()
                    self._subscribed_channels.clear()
            await super().subscribe(self._wanted)
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("live updates paused: database unreachable", error=str(error))
            return False
        return reopened

    async def _keep_listening(self) -> None:
        while True:
            await asyncio.sleep(self.RELISTEN_S)
            if self._wanted and not self._listening() and await self._listen():
                log.info("live updates resumed: listening again")
                for channel in self._wanted:
                    self._queue.put_nowait((channel, RESYNC))

    async def publish(self, data: bytes, channels) -> None:
        # Publishing is also a moment to notice the database is back.
        await self._listen()
        try:
            await super().publish(data, channels)
        except (OSError, asyncpg.PostgresError) as error:
            log.warning("live update not published: database unreachable", error=str(error))


def channels_plugin(database_url: str) -> ChannelsPlugin:
    backend = MemoryChannelsBackend() if is_sqlite(database_url) else PostgresChannels(dsn=database_url)
    return ChannelsPlugin(backend=backend, channels=[CHANNEL], arbitrary_channels_allowed=False)


def publish(request: Request, event: str, **data: object) -> None:
    """Tells every open coordinator screen that something changed (``report-changed``,
    ``incident-42``, …); screens re-fetch the parts that listen for that event."""
    publish_to(request.app, event, **data)


def publish_to(app: Litestar, event: str, **data: object) -> None:
    """:func:`publish` from outside a request (the embedded push worker)."""
    app.plugins.get(ChannelsPlugin).publish(json.dumps({"event": event, **data}), CHANNEL)


async def publish_through_database(event: str, **data: object) -> None:
    """:func:`publish` from a process without the app (``lapor push worker``): PostgreSQL's NOTIFY
    reaches the app processes' listeners directly. With SQLite there is only the app's process."""
    if PushJob._meta.db.engine_type == "postgres":
        await PushJob.raw("SELECT pg_notify({}, {})", CHANNEL, json.dumps({"event": event, **data})).run()


@get("/koordinator/langsung", opt={"access": "staff", "stream": True}, include_in_schema=False)
async def live_events(request: Request) -> ServerSentEvent:
    channels = request.app.plugins.get(ChannelsPlugin)

    async def stream() -> AsyncGenerator[ServerSentEventMessage, None]:
        received: asyncio.Queue[bytes] = asyncio.Queue()
        async with channels.start_subscription([CHANNEL]) as subscriber:
            async with subscriber.run_in_background(received.put):
                while True:
                    try:
                        raw = await asyncio.wait_for(received.get(), KEEPALIVE_S)
                    except TimeoutError:
                        yield ServerSentEventMessage(comment="keepalive")
                        continue
                    message = json.loads(raw)
                    events = RESYNC_EVENTS if message["event"] == "resync" else (message["event"],)
                    for event in events:
                        yield ServerSentEventMessage(event=event, data=json.dumps(message))

    return ServerSentEvent(stream())
