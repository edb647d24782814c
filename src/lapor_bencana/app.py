"""``create_app()``: the single entry point that assembles Lapor Bencana."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.logging.config import StructLoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router

from lapor_bencana import __version__, database, live, retention, timeutil
from lapor_bencana.accounts import management as account_management
from lapor_bencana.accounts import routes as account_routes
from lapor_bencana.accounts import sessions
from lapor_bencana.aid import routes as aid_routes
from lapor_bencana.config import Settings, load_settings
from lapor_bencana.needs import routes as needs_routes
from lapor_bencana.paths import STATIC_DIR
from lapor_bencana.push import routes as push_routes
from lapor_bencana.push import worker as push_worker
from lapor_bencana.push.endpoints import EndpointPolicy
from lapor_bencana.regions import boundaries
from lapor_bencana.regions import routes as region_routes
from lapor_bencana.regions.importer import regency_name
from lapor_bencana.guide import routes as guide
from lapor_bencana.incidents import routes as desk
from lapor_bencana.overview import public as public_incidents
from lapor_bencana.overview import routes as overview
from lapor_bencana.reports import api as report_api
from lapor_bencana.reports import routes as report_routes
from lapor_bencana.sitrep import routes as sitrep_routes
from lapor_bencana.storage import files_of
from lapor_bencana.timeutil import zone_for_region
from lapor_bencana.volunteers import call_routes, calls
from lapor_bencana.volunteers import routes as volunteer_routes
from lapor_bencana.web import access, health, options, pages, pwa, record_ids
from lapor_bencana.web.csrf import CSRFMiddleware, CSRFRefused, handle_csrf_refused
from lapor_bencana.web.errors import EXCEPTION_HANDLERS
from lapor_bencana.web.json_body import JSONDepthLimit
from lapor_bencana.web.locale import LocaleMiddleware
from lapor_bencana.web.rate_limit import PublicWriteRateLimit
from lapor_bencana.web.security import SecurityHeaders, content_security_policy, tile_sources
from lapor_bencana.web.templating import template_config

ONE_YEAR = 365 * 24 * 3600

# JSON clients authenticate with headers they set themselves, never with an ambient cookie. The
# public incidents feed and the kecamatan outlines are cacheable by shared caches, so they must not
# set a CSRF cookie either.
CSRF_EXEMPT_PATHS = ("^/api/v1/reports", "^/api/v1/incidents", "^/wilayah/kecamatan.geojson$")


def create_app(
    settings: Settings | None = None, clock: sessions.Clock = timeutil.now, push_endpoints: EndpointPolicy | None = None
) -> Litestar:
    """The app; ``clock`` tells the time to sessions and sign-in throttling (tests move it on), and
    ``push_endpoints`` lets the tests' local push service in (no setting can)."""
    settings = settings or load_settings()
    push_endpoints = push_endpoints or EndpointPolicy.from_settings(settings)
    https = settings.base_url.startswith("https://")
    engine = database.create_engine(settings.effective_database_url)
    database.bind(engine)
    name = regency_name(settings.regency_code) or settings.regency_code
    local_zone = zone_for_region(settings.regency_code)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await database.start(engine)
        await boundaries.warn_if_missing(settings.regency_code)
        try:
            announce = partial(calls.announce_deliveries, publish=partial(live.publish_to, app))
            worker = push_worker.embedded(settings, push_endpoints, on_calls_finished=announce)
            async with worker, retention.periodic(settings):
                yield
        finally:
            await database.stop(engine)

    static_files = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        # Every page links static files with a content hash (see templating.static_url).
        cache_control=CacheControlHeader(max_age=ONE_YEAR, public=True),
        opt={"access": access.PUBLIC, "skip_session": True},
    )
    return Litestar(
        route_handlers=[
            pages.home,
            pages.switch_language,
            guide.guide,
            guide.poster_index,
            guide.poster,
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
            public_incidents.list_incidents,
            public_incidents.incidents_geojson,
            desk.desk,
            desk.report_detail,
            desk.search_incidents,
            desk.verify_report,
            desk.merge_report,
            desk.reject_report,
            desk.assign_report,
            desk.incident_page,
            desk.incident_status,
            desk.incident_settings,
            desk.record_assessment,
            desk.verify_assessment,
            overview.desk_map,
            overview.desk_dashboard,
            aid_routes.record_delivery,
            aid_routes.delivery_photo,
            aid_routes.warehouse_page,
            aid_routes.record_stock,
            aid_routes.create_warehouse,
            aid_routes.warehouse_status,
            needs_routes.standards_page,
            needs_routes.save_standards_form,
            live.live_events,
            sitrep_routes.export_page,
            sitrep_routes.export_file,
            sitrep_routes.cap_alert,
            sitrep_routes.regency_situation,
            sitrep_routes.regency_situation_pdf,
            sitrep_routes.incident_situation,
            sitrep_routes.incident_situation_pdf,
            sitrep_routes.letterhead_emblem,
            sitrep_routes.transparency_page,
            region_routes.village_options,
            region_routes.district_boundaries,
            account_routes.sign_in_page,
            account_routes.sign_in,
            account_routes.sign_out,
            account_routes.register_page,
            account_routes.register,
            volunteer_routes.volunteer_page,
            volunteer_routes.save_profile,
            volunteer_routes.device_list,
            account_routes.change_password_page,
            account_routes.change_password,
            account_management.account_list,
            account_management.new_account_page,
            account_management.create_account,
            account_management.approve_account,
            account_management.deactivate_account,
            account_management.reactivate_account,
            account_management.change_account_role,
            account_management.reset_account_password,
            push_routes.public_key,
            push_routes.store_subscription,
            push_routes.delete_subscription,
            call_routes.send_call,
            call_routes.call_reach,
            call_routes.field_incident,
            call_routes.answer_call,
            static_files,
        ],
        # Access first: a visitor who may not use the route learns nothing about its ids.
        guards=[access.guard, record_ids.ids_in_range],
        state=State(
            {
                "settings": settings,
                "engine": engine,
                "regency_name": name,
                "local_zone": local_zone,
                "blob_store": files_of(settings.data_dir),
                "clock": clock,
                "push_endpoints": push_endpoints,
                # Reports announce themselves; field officers of the kecamatan hear of each new one.
                "on_new_report": calls.tell_officers_of_report if settings.notify_officers_of_reports else None,
            }
        ),
        stores={sessions.STORE_NAME: sessions.DatabaseStore(clock=clock)},
        lifespan=[lifespan],
        template_config=template_config(local_zone, name),
        plugins=[HTMXPlugin(), live.channels_plugin(settings.effective_database_url)],
        before_send=[
            SecurityHeaders(csp=content_security_policy(tile_sources(settings.map_tile_url)), hsts=https),
            options.complete_allow_header,
        ],
        middleware=[
            LocaleMiddleware(),
            PublicWriteRateLimit(
                settings.rate_limit_per_minute, shared=not database.is_sqlite(settings.effective_database_url)
            ),
            sessions.session_config(secure=https).middleware,
            access.CurrentUserMiddleware(),
            CSRFMiddleware(settings.effective_secret_key, secure=https, exempt_paths=CSRF_EXEMPT_PATHS),
            JSONDepthLimit(),
        ],
        compression_config=CompressionConfig(backend="gzip", minimum_size=512, gzip_compress_level=6),
        exception_handlers={**EXCEPTION_HANDLERS, **access.EXCEPTION_HANDLERS, CSRFRefused: handle_csrf_refused},
        openapi_config=OpenAPIConfig(
            title="Lapor Bencana API",
            version=__version__,
            openapi_router=Router(
                    "/schema", route_handlers=[], opt={"access": access.PUBLIC, "skip_session": True}, include_in_schema=False
                ),
        ),
        logging_config=StructLoggingConfig(log_exceptions="never"),
        debug=settings.debug,
    )
