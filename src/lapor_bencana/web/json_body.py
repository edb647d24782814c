"""A JSON body nested deeper than any form of this app needs is refused before a handler parses it.

Python's ``json`` parser recurses once per level: ``[[[[…]]]]`` five thousand deep ends in a
RecursionError, which would be a 500 to a sender whose request is simply malformed. Checked here,
once, for every route that takes JSON.
"""

from __future__ import annotations

import re
from itertools import accumulate

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import ClientException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

# The deepest body the app takes is a report with a location object: four levels. Well below
# the parser's recursion limit, and far above any honest request.
MAX_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(byte for byte in range(256) if byte not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def depth(body: bytes) -> int:
    """How deep arrays and objects nest in ``body`` (brackets inside strings do not count)."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_A_BRACKET)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


class JSONDepthLimit(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Request = scope["app"].request_class(scope=scope, receive=receive)
        # The body read here is kept in the scope: the handler reads the same bytes.
        if is_json(request.content_type[0]) and depth(await request.body()) > MAX_DEPTH:
            raise ClientException()
        await next_app(scope, receive, send)
