"""What makes the site an installable app: the manifest and the service worker."""

from litestar import Request, get
from litestar.response import File, Response

from lapor_bencana.i18n import gettext as _
from lapor_bencana.paths import SERVICE_WORKER_DIR
from lapor_bencana.web.templating import static_url

THEME_COLOUR = "#b71c1c"
BACKGROUND_COLOUR = "#ffffff"


def manifest(regency_name: str) -> dict:
    return {
        "name": _("Lapor Bencana %(regency)s", regency=regency_name),
        "short_name": _("Lapor Bencana"),
        "description": _("Laporkan bencana di sekitar Anda, juga saat tanpa sinyal."),
        "lang": "id",
        "id": "/",
        "start_url": "/?sumber=aplikasi",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static_url("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        "shortcuts": [{"name": _("Lapor bencana"), "url": "/lapor"}],
    }


@get("/manifest.webmanifest", opt={"access": "public"}, include_in_schema=False)
async def manifest_route(request: Request) -> Response[dict]:
    return Response(
        manifest(request.app.state.regency_name),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


@get("/sw.js", opt={"access": "public"}, include_in_schema=False)
async def service_worker() -> File:
    return File(
        SERVICE_WORKER_DIR / "sw.js",
        media_type="text/javascript",
        content_disposition_type="inline",
        # The worker must always be revalidated, or an update can take a day to reach phones.
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )
