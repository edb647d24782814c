from litestar import Request, get
from litestar.datastructures import CacheControlHeader

from lapor_bencana.push.vapid import keys_from_text


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
