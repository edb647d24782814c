"""The coordinators' map and dashboard pages."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from lapor_bencana.overview import dashboard, mapdata, stats
from lapor_bencana.web.access import STAFF

STAFF_ONLY = {"access": STAFF}


@get("/koordinator/peta", opt=STAFF_ONLY, include_in_schema=False)
async def desk_map(request: Request) -> Template:
    items = await mapdata.map_items()
    context = {"items": items, "markers": [item.marker() for item in items if item.located]}
    # A live update asks for the list alone (it carries the markers too).
    live = request.headers.get("HX-Request") and request.headers.get("HX-Target") == "map-list"
    return Template("fragments/desk/map_list.html" if live else "pages/desk/map.html", context=context)


@get("/koordinator/dasbor", opt=STAFF_ONLY, include_in_schema=False)
async def desk_dashboard(request: Request) -> Template:
    requested = request.query_params.get("hari", "")
    days = int(requested) if requested in {str(period) for period in stats.PERIODS} else stats.PERIODS[-1]
    context = await dashboard.build(days, request.app.state.local_zone, request.app.state.settings.regency_code)
    return Template("pages/desk/dashboard.html", context=context)
