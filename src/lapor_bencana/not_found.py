"""A 404 that says what was not found; raised by a look-up in any layer, answered by ``web/errors.py``."""

from __future__ import annotations

from litestar.exceptions import NotFoundException


class NotFoundPage(NotFoundException):
    """A 404 for a code that names nothing (a tracking code, an incident, a place): it says what
    was not found, and its page offers the way on (the lookup form) instead of a dead end."""

    def __init__(self, message: str, template: str = "pages/error.html", **context) -> None:
        super().__init__(detail=message)
        self.message = message
        self.template = template
        self.context = context
