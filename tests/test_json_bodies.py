"""Malformed JSON is the sender's mistake, answered 400 or 422 on every JSON route, never 500."""

from __future__ import annotations

import re

from lapor_bencana.accounts.tables import Role
from lapor_bencana.web.json_body import MAX_DEPTH, depth
from tests.accounts import csrf_token, make_user, sign_in

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def test_depth_counts_arrays_and_objects_but_not_brackets_in_strings():
    assert depth(b'{"a": [1, {"b": []}]}') == 4
    assert depth(b'{"a": "[[[[\\"[[["}') == 1
    assert depth(b"12") == 0
    assert depth(b"[" * 5000 + b"]" * 5000) == 5000


async def test_deeply_nested_json_is_refused_on_every_json_route(app, client):
    await make_user("budi", Role.PETUGAS)
    await sign_in(client, "budi")
    client.headers["x-csrftoken"] = await csrf_token(client)
    routes = [
        (method, re.sub(r"\{\w+:int\}", "1", re.sub(r"\{\w+:str\}", "x", path)))
        for path, handlers in app.route_handler_method_map.items()
        if path.startswith("/api/")
        for method in set(handlers) & WRITES
    ]
    assert ("DELETE", "/api/v1/push/subscriptions") in routes and ("POST", "/api/v1/reports") in routes
    # Small enough for every route's body limit, deep enough for a RecursionError in the parser.
    for body in ("[" * 3000 + "]" * 3000, '{"a":' * 1200 + "1" + "}" * 1200, "[" * (MAX_DEPTH + 1)):
        for method, path in routes:
            response = await client.request(method, path, content=body, headers={"content-type": "application/json"})
            assert response.status_code == 400, (method, path, response.text)
            assert response.json()["detail"]


async def test_a_push_endpoint_whose_host_is_not_punycode_is_refused(client):
    await make_user("budi")
    await sign_in(client, "budi")
    client.headers["x-csrftoken"] = await csrf_token(client)
    subscription = {
        "endpoint": "https://xn--fcm-googleapis-com.example/x",
        "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
    }
    response = await client.post("/api/v1/push/subscriptions", json=subscription)
    assert response.status_code == 422
    assert response.json()["errors"]["endpoint"]
