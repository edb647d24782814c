import json

from litestar import Request, delete, get, post
from litestar.datastructures import CacheControlHeader
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from lapor_bencana.i18n import gettext as _
from lapor_bencana.push import schema
from lapor_bencana.push.subscriptions import SubscriptionError, remove_subscription, save_subscription
from lapor_bencana.push.vapid import keys_from_text
from lapor_bencana.web.access import SIGNED_IN, current_user

# A subscription is an endpoint (at most 2 KiB) and two short keys.
MAX_SUBSCRIPTION_BODY = 8 * 1024
SUBSCRIPTIONS_PATH = "/api/v1/push/subscriptions"


@get(
    "/api/v1/push/public-key",
    opt={"access": "public"},
    # The key changes only when an administrator replaces it; a few minutes' staleness is harmless.
    cache_control=CacheControlHeader(max_age=300, public=True),
)
async def public_key(request: Request) -> dict[str, str]:
    """The VAPID application server key (base64url), for ``pushManager.subscribe()``."""
    settings = request.app.state.settings
    return {"public_key": keys_from_text(settings.effective_vapid_private_key).application_server_key}


async def _json_body(request: Request) -> object:
    """The parsed body; raises ``ValueError`` for a body that is not JSON."""
    try:
        return json.loads(await request.body())
    except UnicodeDecodeError as problem:
        raise ValueError from problem


def _bad_json() -> Response:
    return Response({"detail": _("Isi permintaan bukan JSON yang valid.")}, status_code=400)


def _refused(error: SubscriptionError) -> Response:
    return Response({"detail": str(error), "errors": {error.field: str(error)}}, status_code=422)


@post(
    SUBSCRIPTIONS_PATH,
    opt={"access": SIGNED_IN},
    tags=["push"],
    summary="Store this browser's push subscription",
    description=(
        "The body is the browser's `PushSubscription.toJSON()`: `endpoint`, `keys.p256dh`, `keys.auth`. "
        "Saving a known endpoint again updates it. An endpoint outside the known push services answers 422."
    ),
    request_max_body_size=MAX_SUBSCRIPTION_BODY,
    status_code=HTTP_201_CREATED,
    responses=schema.STORE_RESPONSES,
    operation_class=schema.StoreSubscriptionOperation,
)
async def store_subscription(request: Request) -> Response:
    try:
        data = await _json_body(request)
    except ValueError:
        return _bad_json()
    try:
        saved = await save_subscription(current_user(request).id, data, request.app.state.push_endpoints)
    except SubscriptionError as error:
        return _refused(error)
    return Response(
        {"endpoint": saved.endpoint, "created_at": saved.created_at.isoformat()}, status_code=HTTP_201_CREATED
    )


@delete(
    SUBSCRIPTIONS_PATH,
    opt={"access": SIGNED_IN},
    tags=["push"],
    summary="Remove one of the signed-in user's push subscriptions",
    description=(
        "The body names it: `{\"endpoint\": \"https://…\"}`. Answers 204; an endpoint the user has not "
        "stored answers 404."
    ),
    request_max_body_size=MAX_SUBSCRIPTION_BODY,
    # Litestar refuses a declared 204 on a handler that may also answer with a body (404, 422).
    status_code=HTTP_200_OK,
    responses=schema.REMOVE_RESPONSES,
    operation_class=schema.RemoveSubscriptionOperation,
)
async def delete_subscription(request: Request) -> Response:
    try:
        data = await _json_body(request)
    except ValueError:
        return _bad_json()
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        return _refused(SubscriptionError("endpoint", _("Endpoint langganan push wajib diisi.")))
    if not await remove_subscription(current_user(request).id, endpoint):
        return Response({"detail": _("Perangkat ini tidak terdaftar untuk notifikasi akun Anda.")}, status_code=404)
    return Response(None, status_code=HTTP_204_NO_CONTENT)
