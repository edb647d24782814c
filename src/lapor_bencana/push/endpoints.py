"""Which addresses a push subscription may name.

The server POSTs every message to the endpoint a browser gave it. Accepting any URL would let
whoever can save a subscription aim the server at internal or foreign addresses (server-side request
forgery), so only known push services are accepted: by name, over https, on the standard port.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from yarl import URL

from lapor_bencana.i18n import gettext as _

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
_WHITESPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
# Hosts such as 2130706433, 0x7f000001 or 127.1 are IP addresses to some resolvers.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]+|[0-9]+)$")


class EndpointRefused(ValueError):
    pass


@dataclass(frozen=True)
class EndpointPolicy:
    allowed_hosts: tuple[str, ...]
    # Only the test suite's local push service lives on a loopback address. No setting turns this
    # on: the tests build such a policy themselves and hand it to the app and the worker.
    allow_loopback: bool = False

    @classmethod
    def from_settings(cls, settings) -> EndpointPolicy:
        return cls(allowed_hosts=settings.push_allowed_hosts)

    def checked(self, endpoint: str) -> URL:
        """The endpoint, parsed, when the policy accepts it; raises ``EndpointRefused`` otherwise.
        Its ``origin()`` is what a VAPID token's ``aud`` names."""
        url = _parse(endpoint)
        host = url.host
        if self.allow_loopback and host in LOOPBACK_HOSTS and url.scheme in ("http", "https"):
            return url
        if url.scheme != "https":
            raise EndpointRefused(_("Endpoint harus memakai https."))
        if _is_ip_literal(host):
            raise EndpointRefused(_("Endpoint harus memakai nama layanan push, bukan alamat IP."))
        if url.explicit_port not in (None, 443):
            raise EndpointRefused(_("Endpoint tidak boleh memakai port selain 443."))
        if not any(_matches(host, pattern) for pattern in self.allowed_hosts):
            raise EndpointRefused(_("Layanan push %(host)s tidak dikenal.", host=host))
        return url


def _parse(endpoint: str) -> URL:
    if not endpoint.isascii() or _WHITESPACE_OR_CONTROL.search(endpoint):
        raise EndpointRefused(_("Alamat endpoint tidak valid."))
    try:
        # The sender's HTTP client connects to this parsed URL: the host checked is the host contacted.
        url = URL(endpoint)
        # Decoding the host can fail too (an "xn--" label that is not valid punycode: UnicodeError).
        valid = url.is_absolute() and bool(url.host) and url.user is None and url.password is None
    except ValueError:
        valid = False
    if not valid:
        raise EndpointRefused(_("Alamat endpoint tidak valid."))
    return url


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(_NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]))
    return True


def _matches(host: str, pattern: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern
