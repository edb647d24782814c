from litestar import Request, get
from litestar.datastructures import CacheControlHeader
from litestar.params import FromQuery
from litestar.response import Response, Template

from lapor_bencana.regions import boundaries, service


@get("/wilayah/desa", opt={"access": "public"}, include_in_schema=False)
async def village_options(request: Request, kecamatan: FromQuery[str] = "") -> Template:
    """The desa choices of one kecamatan, for the cascading picker."""
    regency = request.app.state.settings.regency_code
    villages = await service.children(kecamatan) if kecamatan.startswith(regency + ".") else []
    return Template("fragments/village_options.html", context={"villages": villages})


@get(
    "/wilayah/kecamatan.geojson",
    opt={"access": "public", "skip_session": True},
    cache_control=CacheControlHeader(max_age=3600, public=True),
    include_in_schema=False,
)
async def district_boundaries(request: Request) -> Response:
    """The regency's kecamatan boundaries (public reference data) for the maps; an empty collection
    before they are imported."""
    collection = await boundaries.districts_geojson(request.app.state.settings.regency_code)
    return Response(collection, media_type="application/geo+json")
