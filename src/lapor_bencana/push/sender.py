"""One HTTP request per message to its push service (RFC 8030 §5), over kept-alive connections."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from lapor_bencana.push import http
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
    def __init__(
        self,
        signer: VapidSigner,
        policy: EndpointPolicy,
        *,
        concurrency: int,
        timeout_s: float,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._signer = signer
        self._policy = policy
        self._timeout_s = timeout_s
        self._client = http.Client(
            max_idle_per_origin=concurrency, body_limit=ERROR_BODY_LIMIT, ssl_context=ssl_context
        )

    async def __aenter__(self) -> Sender:
        return self

    async def __aexit__(self, *exc_info) -> None:
        self._client.close()

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
            response = await self._client.post(url, headers, body, self._timeout_s)
        except TimeoutError:
            return Reply(error="timed out")
        except (OSError, http.ProtocolError) as error:
            return Reply(error=f"{type(error).__name__}: {error}")
        text = "" if response.status < 300 else response.body.decode(errors="replace")
        return Reply(response.status, _retry_after(response.headers.get("retry-after")), text)


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
