"""Live updates for coordinator screens: changes are published on one channel and streamed to
every open screen as Server-Sent Events; htmx then re-fetches what the event names.

In-memory within one process; PostgreSQL LISTEN/NOTIFY when several processes share a database,
so a change made through one process reaches screens connected to another.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator

from litestar import Request, get
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.asyncpg import AsyncPgChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.response import ServerSentEvent, ServerSentEventMessage

from lapor_bencana.database import is_sqlite

CHANNEL = "koordinator"
# A comment line every so often keeps proxies and phones from closing an idle stream.
KEEPALIVE_S = 15


def channels_plugin(database_url: str) -> ChannelsPlugin:
    backend = MemoryChannelsBackend() if is_sqlite(database_url) else AsyncPgChannelsBackend(dsn=database_url)
    return ChannelsPlugin(backend=backend, channels=[CHANNEL], arbitrary_channels_allowed=False)


def publish(request: Request, event: str, **data: object) -> None:
    """Tells every open coordinator screen that something changed (``report-changed``,
    ``incident-42``, …); screens re-fetch the parts that listen for that event."""
    request.app.plugins.get(ChannelsPlugin).publish(json.dumps({"event": event, **data}), CHANNEL)


@get("/koordinator/langsung", opt={"access": "staff"}, include_in_schema=False)
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
                    yield ServerSentEventMessage(event=message["event"], data=json.dumps(message))

    return ServerSentEvent(stream())
