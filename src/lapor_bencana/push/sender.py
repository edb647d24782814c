"""One HTTP request per message to its push service (RFC 8030 §5), over one shared connection pool."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import aiohttp

from lapor_bencana.push.encryption import encrypt
from lapor_bencana.push.endpoints import EndpointPolicy
from lapor_bencana.push.outbox import ClaimedJob
from lapor_bencana.push.vapid import VapidSigner, b64url_decode
from lapor_bencana.timeutil import now

# Enough of an error answer to say what went wrong, never a whole page.
ERROR_BODY_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Reply:
    """The push service's answer, or ``error`` when there was none (timeout, refused connection)."""

    status: int | None = None
    retry_after: float | None = None
    body: str = ""
    error: str = ""


class Sender:
    def __init__(self, signer: VapidSigner, policy: EndpointPolicy, *, concurrency: int, timeout_s: float) -> None:
        self._signer = signer
        self._policy = policy
        self._concurrency = concurrency
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Sender:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._concurrency),
            timeout=self._timeout,
            # Push services set no cookies worth keeping; the jar only costs time per request.
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._session.close()

    async def send(self, job: ClaimedJob, ttl: int) -> Reply:
        """Encrypts and posts one message. Raises ``EndpointRefused`` for an endpoint the policy
        does not accept (checked again here: the list may have changed since it was saved)."""
        url = self._policy.checked(job.endpoint)
        body = encrypt(job.payload.encode(), b64url_decode(job.p256dh), b64url_decode(job.auth))
        headers = {
            "Authorization": self._signer.authorization(str(url.origin())),
            "TTL": str(ttl),
            "Urgency": job.urgency,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
        }
        if job.topic:
            headers["Topic"] = job.topic
        try:
            # A redirect would lead the request past the endpoint allow-list.
            async with self._session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                text = "" if response.status < 300 else await _start_of(response)
                return Reply(response.status, _retry_after(response.headers.get("Retry-After")), text)
        except TimeoutError:
            return Reply(error="timed out")
        except aiohttp.ClientError as error:
            return Reply(error=f"{type(error).__name__}: {error}")


async def _start_of(response: aiohttp.ClientResponse) -> str:
    return (await response.content.read(ERROR_BODY_LIMIT)).decode(errors="replace")


def _retry_after(value: str | None) -> float | None:
    """RFC 9110 §10.2.3: a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - now()).total_seconds())
    except (TypeError, ValueError):
        return None
