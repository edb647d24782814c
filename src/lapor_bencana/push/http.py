"""A small HTTP/1.1 client for the push worker: POSTs over kept-alive connections, a pool per origin.

A fan-out is thousands of small POSTs to a handful of push services. aiohttp spent about 400 µs of
CPU on each (more than encrypting the message); this client, asyncio protocols with httptools
(llhttp, the C parser Node.js uses) reading the answers, spends a fraction of that. It does only
what the push worker needs: one request at a time per connection, no redirects (a redirect would
lead past the endpoint allow-list), no cookies, no proxies, no compression.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from dataclasses import dataclass

import httptools
from yarl import URL

from lapor_bencana.push.endpoints import LOOPBACK_HOSTS

# A connection unused for longer is closed rather than reused: servers drop idle ones (nginx after
# 75 s, many after 60 s), and one dropped as we write costs a retry.
IDLE_S = 50.0
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    # Header names in lower case; of a repeated header, the last.
    headers: dict[str, str]
    # The start of the body, at most the client's ``body_limit`` bytes; the rest is read and dropped.
    body: bytes


class ProtocolError(Exception):
    """The server's answer could not be read as HTTP/1.1."""


class NoAnswer(ConnectionError):
    """The connection closed before any byte of an answer came back."""


class Client:
    """Connections are kept per origin (scheme, host, port) and reused; one that fails in any way,
    or that the server means to close, is closed. Plain http is only for loopback addresses.
    ``ssl_context`` defaults to the system's trusted certificates (tests pass their own)."""

    def __init__(self, *, max_idle_per_origin: int, body_limit: int, ssl_context: ssl.SSLContext | None = None) -> None:
        self._max_idle = max_idle_per_origin
        self._body_limit = body_limit
        self._ssl = ssl_context or ssl.create_default_context()
        self._idle: dict[tuple[str, str, int], list[tuple[_Connection, float]]] = {}
        # Every open connection, idle or busy, so that close() ends them all.
        self._open: set[_Connection] = set()
        self._closed = False
        # How many connections were opened, for the tests and the curious.
        self.connections_opened = 0

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True
        for connection in list(self._open):
            connection.close()
        self._idle.clear()

    async def post(self, url: URL, headers: Mapping[str, str], body: bytes, timeout_s: float) -> Response:
        """Raises ``TimeoutError`` after ``timeout_s`` (the connection is then closed), ``OSError``
        when the server cannot be reached or the connection breaks, ``ProtocolError`` on garbage."""
        if self._closed:
            raise RuntimeError("the client is closed")
        origin = _origin(url)
        data = _request(url, headers, body)
        async with asyncio.timeout(timeout_s):
            connection = self._take_idle(origin)
            if connection is not None:
                try:
                    return await self._exchange(origin, connection, data)
                except NoAnswer:
                    # The server closed the idle connection as the request went out: it has not
                    # answered, so the request goes once more, on a fresh connection.
                    pass
            return await self._exchange(origin, await self._connect(origin), data)

    async def _exchange(self, origin, connection: _Connection, data: bytes) -> Response:
        try:
            response = await connection.request(data)
        except BaseException:  # a timeout or cancellation mid-answer leaves the connection unusable
            connection.close()
            raise
        if connection.reusable and not self._closed:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < self._max_idle:
                idle.append((connection, asyncio.get_running_loop().time()))
                return response
        connection.close()
        return response

    def _take_idle(self, origin) -> _Connection | None:
        idle = self._idle.get(origin)
        now = asyncio.get_running_loop().time()
        while idle:
            # The most recently used first: the least likely to have been dropped by the server.
            connection, since = idle.pop()
            if not connection.closed and now - since < IDLE_S:
                return connection
            connection.close()
        return None

    async def _connect(self, origin) -> _Connection:
        scheme, host, port = origin
        loop = asyncio.get_running_loop()
        tls = self._ssl if scheme == "https" else None
        _, connection = await loop.create_connection(
            lambda: _Connection(self._body_limit, self._open),
            host,
            port,
            ssl=tls,
            server_hostname=host if tls else None,
        )
        self.connections_opened += 1
        return connection


def _origin(url: URL) -> tuple[str, str, int]:
    scheme, host = url.scheme, url.host
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        raise ValueError("plain http is only for loopback addresses")
    if scheme not in _DEFAULT_PORTS or not host:
        raise ValueError(f"not an http(s) URL: {url}")
    return scheme, host, url.port


def _request(url: URL, headers: Mapping[str, str], body: bytes) -> bytes:
    lines = [f"POST {url.raw_path_qs} HTTP/1.1", f"Host: {url.host_port_subcomponent}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    head = "\r\n".join(lines)
    # A line break smuggled into a header or the path would start a request of someone else's.
    if head.count("\n") != len(lines) - 1 or head.count("\r") != len(lines) - 1:
        raise ValueError("line break in a request header or path")
    return head.encode("ascii") + b"\r\n\r\n" + body


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection, one request at a time, its answer parsed as it arrives."""

    def __init__(self, body_limit: int, registry: set[_Connection]) -> None:
        self._body_limit = body_limit
        self._registry = registry
        self._parser = httptools.HttpResponseParser(self)
        self._transport: asyncio.Transport | None = None
        self._waiter: asyncio.Future | None = None
        self.closed = False
        # Whether the connection may carry another request, as the last answer said.
        self.reusable = False
        self._reset()

    def _reset(self) -> None:
        self._answered = False
        self._status: int | None = None
        self._headers: dict[str, str] = {}
        self._body = b""

    def request(self, data: bytes) -> asyncio.Future:
        if self.closed:
            raise NoAnswer("connection already closed")
        self._reset()
        self.reusable = False
        self._waiter = asyncio.get_running_loop().create_future()
        self._transport.write(data)
        return self._waiter

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.reusable = False
            self._registry.discard(self)
            if self._transport is not None:
                self._transport.abort()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._registry.add(self)

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:
            # Nothing was asked: whatever this is (a 408 before closing, say), the connection's
            # state is no longer known.
            self.close()
            return
        self._answered = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(ProtocolError(f"malformed answer: {error}"))

    def eof_received(self) -> bool:
        # The server is done with this connection: no new request goes on it (an answer that ends
        # with the connection is completed in connection_lost, which follows).
        self.closed = True
        self.reusable = False
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.reusable = False
        self._registry.discard(self)
        if self._waiter is None:
            return
        if self._status is not None and not {"content-length", "transfer-encoding"} & self._headers.keys():
            # RFC 9112 §6.3: without either header the body ends where the connection does.
            self._complete()
        elif not self._answered:
            self._fail(NoAnswer(f"connection closed before an answer ({exc or 'end of stream'})"))
        else:
            self._fail(ConnectionError(f"connection closed mid-answer ({exc or 'end of stream'})"))

    # httptools callbacks

    def on_message_begin(self) -> None:
        if self._waiter is None:
            # An answer to nothing, right behind the last one: the connection is out of step.
            self.close()
        # A new dict: the last answer's may already be in a Response.
        self._headers = {}

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        if status >= 200:
            self._status = status
        else:
            # RFC 9110 §15.2: an interim answer (100 Continue, 103 Early Hints); the real one follows.
            self._headers = {}

    def on_body(self, body: bytes) -> None:
        room = self._body_limit - len(self._body)
        if room > 0:
            self._body += body[:room]

    def on_message_complete(self) -> None:
        if self._status is None:  # the end of an interim answer
            return
        self.reusable = self._parser.should_keep_alive()
        self._complete()

    def _complete(self) -> None:
        waiter, self._waiter = self._waiter, None
        if not self.reusable:
            self.close()
        if waiter is not None and not waiter.done():
            waiter.set_result(Response(self._status, self._headers, self._body))

    def _fail(self, error: Exception) -> None:
        waiter, self._waiter = self._waiter, None
        self.close()
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
