"""The ``Allow`` header of Litestar's automatic OPTIONS answers, naming every method of the path.

Litestar builds that answer with the route made for a path's first handler; registering a second
handler (POST beside GET, DELETE beside POST) makes a new route but keeps the old answer, which
then leaves the later methods out.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope

_AUTOMATIC_OPTIONS = HTTPRoute.create_options_handler.__qualname__


def is_automatic_options(handler) -> bool:
    return getattr(handler, "http_methods", None) == {"OPTIONS"} and handler.fn.__qualname__.startswith(
        _AUTOMATIC_OPTIONS
    )


async def complete_allow_header(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook of the app."""
    if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
        return
    handler = scope.get("route_handler")
    if handler is None or not is_automatic_options(handler):
        return
    handlers_by_path = scope["app"].route_handler_method_map
    methods = {method for path in handler.paths for method in handlers_by_path.get(path, {})}
    MutableScopeHeaders.from_message(message)["Allow"] = ", ".join(sorted(methods))
