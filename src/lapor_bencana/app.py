"""``create_app()``: the single entry point that assembles Lapor Bencana."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.logging.config import StructLoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router

from lapor_bencana import __version__, database
from lapor_bencana.config import Settings, load_settings
from lapor_bencana.paths import STATIC_DIR
from lapor_bencana.regions import routes as region_routes
from lapor_bencana.regions.importer import regency_name
from lapor_bencana.reports import api as report_api
from lapor_bencana.reports import routes as report_routes
from lapor_bencana.storage import LocalBlobStore
from lapor_bencana.timeutil import zone_for_region
from lapor_bencana.web import health, pages, pwa
from lapor_bencana.web.errors import EXCEPTION_HANDLERS
from lapor_bencana.web.locale import LocaleMiddleware
from lapor_bencana.web.rate_limit import PublicWriteRateLimit
from lapor_bencana.web.security import SecurityHeadersMiddleware, content_security_policy
from lapor_bencana.web.templating import template_config

ONE_YEAR = 365 * 24 * 3600

# JSON clients authenticate with headers they set themselves, never with an ambient cookie.
CSRF_EXEMPT_PATHS = ["/api/v1/reports"]


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    engine = database.create_engine(settings.effective_database_url)
    database.bind(engine)
    name = regency_name(settings.regency_code) or settings.regency_code
    local_zone = zone_for_region(settings.regency_code)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await database.start(engine)
        try:
            yield
        finally:
            await database.stop(engine)

    static_files = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        # Every page links static files with a content hash (see templating.static_url).
        cache_control=CacheControlHeader(max_age=ONE_YEAR, public=True),
        opt={"access": "public"},
    )
    return Litestar(
        route_handlers=[
            pages.home,
            pages.switch_language,
            health.healthz,
            pwa.manifest_route,
            pwa.service_worker,
            pwa.offline_page,
            report_routes.report_form,
            report_routes.submit_report_form,
            report_routes.check_field,
            report_routes.find_report,
            report_routes.report_status,
            report_routes.report_photo,
            report_api.create_report,
            report_api.get_report,
            report_api.add_photo,
            region_routes.village_options,
            static_files,
        ],
        state=State(
            {
                "settings": settings,
                "engine": engine,
                "regency_name": name,
                "local_zone": local_zone,
                "blob_store": LocalBlobStore(settings.data_dir / "files"),
            }
        ),
        lifespan=[lifespan],
        template_config=template_config(local_zone, name),
        plugins=[HTMXPlugin()],
        middleware=[
            SecurityHeadersMiddleware(
                csp=content_security_policy(), hsts=settings.base_url.startswith("https://")
            ),
            LocaleMiddleware(),
            PublicWriteRateLimit(settings.rate_limit_per_minute),
        ],
        csrf_config=CSRFConfig(
            secret=settings.effective_secret_key,
            cookie_httponly=True,
            cookie_secure=settings.base_url.startswith("https://"),
            exclude=CSRF_EXEMPT_PATHS,
        ),
        compression_config=CompressionConfig(backend="gzip", minimum_size=512, gzip_compress_level=6),
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(title="Lapor Bencana API", version=__version__, path="/schema"),
        logging_config=StructLoggingConfig(log_exceptions="never"),
        debug=settings.debug,
    )
