from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from lapor_bencana.regions import service


@get("/wilayah/desa", opt={"access": "public"}, include_in_schema=False)
async def village_options(request: Request, kecamatan: FromQuery[str] = "") -> Template:
    """The desa choices of one kecamatan, for the cascading picker."""
    regency = request.app.state.settings.regency_code
    villages = await service.children(kecamatan) if kecamatan.startswith(regency + ".") else []
    return Template("fragments/village_options.html", context={"villages": villages})
