"""The push worker's HTTP/1.1 client against small local servers that answer exactly as scripted."""

from __future__ import annotations

import asyncio
import datetime
import ssl
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from yarl import URL

from lapor_bencana.push.http import Client, NoAnswer, ProtocolError

CREATED = b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
HANG = object()
CLOSE = object()


class Server:
    """Reads POSTs with a Content-Length body; ``answers`` says what each request gets, in order
    (bytes to write, ``CLOSE`` to drop the connection unanswered, ``HANG``); then ``CREATED``.
    Bytes followed by ``CLOSE`` in a tuple are written and the connection closed."""

    def __init__(self, *answers, ssl_context: ssl.SSLContext | None = None) -> None:
        self.answers = list(answers)
        self.ssl_context = ssl_context
        self.connections = 0
        self.open = 0
        self.requests: list[tuple[int, bytes, bytes]] = []
        self._writers: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> Server:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info) -> None:
        for writer in self._writers:
            writer.transport.abort()
        self._server.close()
        await self._server.wait_closed()

    def url(self, path: str = "/push/abc", scheme: str = "http", host: str = "127.0.0.1") -> URL:
        return URL(f"{scheme}://{host}:{self.port}{path}")

    def close_idle_connections(self) -> None:
        for writer in self._writers:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open += 1
        number = self.connections
        self._writers.append(writer)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.lower().split(b"\r\n")
                    if line.startswith(b"content-length:")
                )
                body = await reader.readexactly(length)
                self.requests.append((number, head, body))
                answer = self.answers.pop(0) if self.answers else CREATED
                if answer is HANG:
                    await reader.read()  # until the client gives up and closes
                    return
                if answer is CLOSE:
                    return
                data, close = (answer[0], True) if isinstance(answer, tuple) else (answer, False)
                writer.write(data)
                await writer.drain()
                if close:
                    return
        finally:
            self.open -= 1
            writer.close()


def client(**options) -> Client:
    return Client(max_idle_per_origin=10, body_limit=options.pop("body_limit", 20), **options)


async def post(client: Client, url: URL, body: bytes = b"secret", timeout_s: float = 5.0):
    return await client.post(url, {"TTL": "60", "Urgency": "high"}, body, timeout_s)


async def test_a_request_goes_out_as_http_1_1_and_the_connection_is_reused():
    async with Server() as server, client() as http:
        for _ in range(5):
            assert (await post(http, server.url("/push/abc?x=1"))).status == 201
        assert (server.connections, http.connections_opened) == (1, 1)
    head, body = server.requests[0][1], server.requests[0][2]
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /push/abc?x=1 HTTP/1.1"
    assert f"Host: 127.0.0.1:{server.port}" in lines
    assert {"TTL: 60", "Urgency: high", "Content-Length: 6"} <= set(lines)
    assert body == b"secret"


async def test_concurrent_requests_open_connections_side_by_side_then_reuse_them():
    async with Server() as server, client() as http:
        for _ in range(3):
            replies = await asyncio.gather(*(post(http, server.url()) for _ in range(4)))
            assert [reply.status for reply in replies] == [201] * 4
        assert server.connections == http.connections_opened == 4
        assert len(server.requests) == 12


async def test_a_chunked_answer_is_read_whole_and_its_start_kept():
    chunked = (
        b"HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\nRetry-After: 7\r\n\r\n"
        b"c\r\nslow down, p\r\n10\r\nlease: too many \r\n5\r\nreqs!\r\n0\r\n\r\n"
    )
    async with Server(chunked) as server, client() as http:
        reply = await post(http, server.url())
        assert (reply.status, reply.headers["retry-after"]) == (429, "7")
        assert reply.body == b"slow down, please: t"  # the first 20 bytes
        # The whole answer was read: the connection carries the next request.
        assert (await post(http, server.url())).status == 201
        assert server.connections == 1


async def test_an_answer_without_length_ends_with_the_connection():
    async with Server((b"HTTP/1.1 500 Oops\r\n\r\nbroken", CLOSE)) as server, client() as http:
        reply = await post(http, server.url())
        assert (reply.status, reply.body) == (500, b"broken")
        assert (await post(http, server.url())).status == 201
        assert server.connections == 2


async def test_connection_close_is_honoured():
    answer = b"HTTP/1.1 410 Gone\r\nConnection: close\r\nContent-Length: 4\r\n\r\ngone"
    async with Server(answer) as server, client() as http:
        assert (await post(http, server.url())).body == b"gone"
        await asyncio.sleep(0.05)
        assert server.open == 0
        assert (await post(http, server.url())).status == 201
        assert server.connections == 2


async def test_interim_answers_are_skipped():
    answer = b"HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\nHTTP/1.1 201 Created\r\nLocation: /m/1\r\nContent-Length: 0\r\n\r\n"
    async with Server(answer) as server, client() as http:
        reply = await post(http, server.url())
        assert (reply.status, reply.headers) == (201, {"location": "/m/1", "content-length": "0"})
        assert (await post(http, server.url())).status == 201
        assert server.connections == 1


async def test_an_idle_connection_the_server_closed_is_replaced():
    async with Server() as server, client() as http:
        await post(http, server.url())
        server.close_idle_connections()
        await asyncio.sleep(0.05)
        assert (await post(http, server.url())).status == 201
        assert server.connections == http.connections_opened == 2


async def test_a_request_on_a_connection_dropped_as_it_is_sent_is_tried_once_more_on_a_new_one():
    # The second request finds the kept connection dropped without an answer (a server closing it
    # as it went idle): it is sent again on a fresh connection.
    async with Server(CREATED, CLOSE) as server, client() as http:
        await post(http, server.url())
        assert (await post(http, server.url())).status == 201
        assert [number for number, _, _ in server.requests] == [1, 1, 2]


async def test_a_new_connection_dropped_without_answer_is_not_retried():
    async with Server(CLOSE, CLOSE) as server, client() as http:
        with pytest.raises(NoAnswer):
            await post(http, server.url())
        assert len(server.requests) == 1


async def test_a_connection_dropped_mid_answer_is_an_error_not_a_retry():
    cut = (b"HTTP/1.1 201 Created\r\nContent-Length: 50\r\n\r\nonly part", CLOSE)
    async with Server(CREATED, cut) as server, client() as http:
        await post(http, server.url())
        with pytest.raises(ConnectionError) as raised:
            await post(http, server.url())
        assert not isinstance(raised.value, NoAnswer)
        assert len(server.requests) == 2


async def test_a_server_that_does_not_answer_times_out_and_its_connection_is_closed():
    async with Server(HANG) as server, client() as http:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await post(http, server.url(), timeout_s=0.3)
        assert 0.3 <= time.monotonic() - started < 1.0
        await asyncio.sleep(0.05)
        assert server.open == 0
        assert (await post(http, server.url())).status == 201


async def test_garbage_is_a_protocol_error_and_the_connection_is_dropped():
    async with Server(b"SMTP ready\r\n\r\n") as server, client() as http:
        with pytest.raises(ProtocolError):
            await post(http, server.url())
        assert (await post(http, server.url())).status == 201
        assert server.connections == 2


async def test_plain_http_only_to_loopback():
    async with client() as http:
        with pytest.raises(ValueError):
            await post(http, URL("http://fcm.googleapis.com/fcm/send/abc"))


async def test_no_line_break_gets_into_the_request():
    async with Server() as server, client() as http:
        with pytest.raises(ValueError):
            await http.post(server.url(), {"Topic": "a\r\nX-Evil: 1"}, b"", 5)
        assert server.requests == []


def self_signed(host: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(host)]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


@pytest.fixture
def tls(tmp_path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a new self-signed certificate for localhost, and a client context
    that trusts it (and nothing else)."""
    certificate, key = self_signed("localhost")
    (tmp_path / "cert.pem").write_bytes(certificate)
    (tmp_path / "key.pem").write_bytes(key)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server, ssl.create_default_context(cadata=certificate.decode())


async def test_https_with_a_trusted_certificate_keeps_the_connection(tls):
    server_context, client_context = tls
    async with Server(ssl_context=server_context) as server, client(ssl_context=client_context) as http:
        for _ in range(3):
            assert (await post(http, server.url(scheme="https", host="localhost"))).status == 201
        assert server.connections == 1
    assert f"Host: localhost:{server.port}".encode() in server.requests[0][1]
    assert server.requests[0][2] == b"secret"


async def test_https_refuses_a_certificate_it_does_not_trust(tls):
    server_context, _ = tls
    async with Server(ssl_context=server_context) as server, client() as http:
        with pytest.raises(ssl.SSLCertVerificationError):
            await post(http, server.url(scheme="https", host="localhost"))
        assert server.requests == []


async def test_https_checks_the_name_in_the_certificate(tmp_path):
    # Trusted, but made out to another host: refused all the same.
    certificate, key = self_signed("push.example")
    (tmp_path / "cert.pem").write_bytes(certificate)
    (tmp_path / "key.pem").write_bytes(key)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    trusting = ssl.create_default_context(cadata=certificate.decode())
    async with Server(ssl_context=server_context) as server, client(ssl_context=trusting) as http:
        with pytest.raises(ssl.SSLCertVerificationError, match="localhost"):
            await post(http, server.url(scheme="https", host="localhost"))
