"""Record ids named in a path stay within what the database can store.

A route such as ``/koordinator/laporan/{report_id:int}`` accepts any integer; one beyond a 64-bit
column would reach the database as an error (a 500) instead of "no such record". One guard for
every route, so a new route with an id in its path needs nothing of its own.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers import BaseRouteHandler

# Piccolo's Serial and Integer columns are 64-bit on PostgreSQL and SQLite alike.
LARGEST_ID = 2**63 - 1


def ids_in_range(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    for value in connection.path_params.values():
        if isinstance(value, int) and not 0 <= value <= LARGEST_ID:
            raise NotFoundException()
