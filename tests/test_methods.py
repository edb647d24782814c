"""What each method of a path answers: OPTIONS lists them all, a GET is a GET whatever its headers."""

from __future__ import annotations

import re


async def test_a_get_with_a_form_content_type_is_answered_as_a_get(client):
    for path in ("/", "/lapor", "/api/v1/push/public-key"):
        for content_type in (
            "multipart/form-data", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"
        ):
            response = await client.get(path, headers={"content-type": content_type})
            assert response.status_code == 200, (path, content_type)


async def test_options_names_every_method_of_a_path_with_several_handlers(app, client):
    several = {path: set(methods) for path, methods in app.route_handler_method_map.items() if len(methods) > 2}
    assert "/api/v1/push/subscriptions" in several
    for template, methods in several.items():
        path = re.sub(r"\{\w+:int\}", "1", re.sub(r"\{\w+:(str|path)\}", "x", template))
        response = await client.options(path)
        assert response.status_code == 204, path
        assert set(response.headers["allow"].split(", ")) == methods, path
