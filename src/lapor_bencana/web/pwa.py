"""What makes the site an installable app: the manifest and the service worker."""

import hashlib
import json

from litestar import Request, get
from litestar.response import Response, Template

from lapor_bencana.i18n import gettext as _
from lapor_bencana.paths import SERVICE_WORKER_DIR
from lapor_bencana.regions import service as regions
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


@get("/manifest.webmanifest", opt={"access": "public", "skip_session": True}, include_in_schema=False)
async def manifest_route(request: Request) -> Response[dict]:
    return Response(
        manifest(request.app.state.regency_name),
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


# The app shell: what the report form needs to open and work with no connection at all.
SHELL_PAGES = ("/", "/lapor", "/offline")
SHELL_STATIC = (
    "css/app.css",
    "vendor/htmx-2.0.11.min.js",
    "js/app.js",
    "js/report-delivery.js",
    "js/report-queue.js",
    "js/exif.js",
    "js/report-form.js",
    "icons/hazards.svg",
    "icons/icon-192.png",
)
# Loaded into the worker itself (it sends queued reports with the same code as the pages).
WORKER_SCRIPTS = ("js/report-delivery.js", "js/report-queue.js")
# The badge is the small monochrome mark in the status bar: only its transparency counts.
NOTIFICATION_ICONS = {"icon": "icons/icon-192.png", "badge": "icons/badge-96.png"}


def worker_preamble(district_codes: list[str], release: str) -> str:
    precache = [
        *SHELL_PAGES,
        *(static_url(path) for path in SHELL_STATIC),
        *(f"/wilayah/desa?kecamatan={code}" for code in district_codes),
    ]
    scripts = [static_url(path) for path in WORKER_SCRIPTS]
    notification = {name: static_url(path) for name, path in NOTIFICATION_ICONS.items()}
    worker_source = (SERVICE_WORKER_DIR / "sw.js").read_text()
    version = hashlib.sha256(json.dumps([precache, release, notification, worker_source]).encode()).hexdigest()[:12]
    config = {"version": version, "precache": precache, "scripts": scripts, "notification": notification}
    return f"self.LAPOR = {json.dumps(config)};\n{worker_source}"


@get("/sw.js", opt={"access": "public", "skip_session": True}, include_in_schema=False)
async def service_worker(request: Request) -> Response:
    state = request.app.state
    districts = await regions.districts(state.settings.regency_code)
    body = worker_preamble([d["code"] for d in districts], state.settings.release)
    return Response(
        body,
        media_type="text/javascript",
        # The worker must always be revalidated, or an update can take a day to reach phones.
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )


@get("/offline", opt={"access": "public", "skip_session": True}, include_in_schema=False)
async def offline_page() -> Template:
    return Template("pages/offline.html")
