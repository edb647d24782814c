"""An id in a path beyond what the database stores is "not found", on every route that takes one."""

from __future__ import annotations

import re

from litestar.routes import HTTPRoute

from lapor_bencana.accounts.tables import Role
from tests.accounts import client_of, csrf_token, make_user, sign_in
from tests.test_access_matrix import SAMPLES

TOO_LARGE = str(2**64)
INTEGER_PARAMETER = re.compile(r"\{(\w+):int\}")
OTHER_PARAMETER = re.compile(r"\{(\w+):\w+\}")


def paths_with_an_id(app) -> list[tuple[str, str]]:
    found = []
    for app_route in app.routes:
        assert isinstance(app_route, HTTPRoute)
        if not INTEGER_PARAMETER.search(app_route.path):
            continue
        path = INTEGER_PARAMETER.sub(TOO_LARGE, app_route.path)
        path = OTHER_PARAMETER.sub(lambda match: SAMPLES[match.group(1)], path)
        found += [(method, path) for handler in app_route.route_handlers for method in handler.http_methods
                  if method != "OPTIONS"]
    return found


async def test_an_id_too_large_for_the_database_is_not_found_on_every_route(app):
    await make_user("admin", Role.ADMIN)
    admin = client_of(app)
    assert (await sign_in(admin, "admin")).status_code == 303
    token = await csrf_token(admin)
    routes = paths_with_an_id(app)
    assert ("GET", f"/koordinator/laporan/{TOO_LARGE}") in routes
    answers = {
        (method, path): (await admin.request(method, path, data={"_csrf_token": token} if method == "POST" else None)).status_code
        for method, path in routes
    }
    assert answers == dict.fromkeys(routes, 404)
    await admin.aclose()
