"""/panduan (how to report and what happens next) and /poster (A4 posters per kecamatan or desa).

Both are public: a village head or a Tagana volunteer can print a poster for their own village.
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from lapor_bencana.guide.qr import qr_svg
from lapor_bencana.i18n import gettext as _
from lapor_bencana.not_found import NotFoundPage
from lapor_bencana.regions import service as regions
from lapor_bencana.regions.tables import Region, RegionLevel

PUBLIC = {"access": "public"}


def report_url(request: Request) -> str:
    return request.app.state.settings.link("/lapor")


@get("/panduan", opt=PUBLIC, include_in_schema=False)
async def guide(request: Request) -> Template:
    return Template("pages/guide.html", context={"report_url": report_url(request)})


@get("/poster", opt=PUBLIC, include_in_schema=False)
async def poster_index(request: Request) -> Template:
    districts = await regions.districts(request.app.state.settings.regency_code)
    villages = await (
        Region.select(Region.code, Region.name, Region.parent_code)
        .where(Region.parent_code.is_in([d["code"] for d in districts] or [""]))
        .order_by(Region.name)
        .run()
    )
    by_district = {d["code"]: [] for d in districts}
    for village in villages:
        by_district[village["parent_code"]].append(village)
    return Template("pages/poster_index.html", context={"districts": districts, "villages": by_district})


@get("/poster/{code:str}", opt=PUBLIC, include_in_schema=False)
async def poster(request: Request, code: FromPath[str]) -> Template:
    """A poster for one kecamatan or desa of this regency."""
    regency = request.app.state.settings.regency_code
    place = await Region.select(Region.code, Region.name, Region.level, Region.parent_code).where(Region.code == code).first().run()
    if place is None or not code.startswith(regency + ".") or place["level"] not in (RegionLevel.DISTRICT, RegionLevel.VILLAGE):
        raise NotFoundPage(
            _("Wilayah poster ini tidak ditemukan di kabupaten ini."), next_url="/poster", next_label=_("Pilih poster lain")
        )
    district_name = None
    if place["level"] == RegionLevel.VILLAGE:
        district_name = (await regions.names({place["parent_code"]})).get(place["parent_code"])
    url = report_url(request)
    # The form opens with this place chosen (reports/routes.py reads these parameters).
    form_url = f"{url}?{urlencode({'desa' if place['level'] == RegionLevel.VILLAGE else 'kecamatan': code})}"
    return Template(
        "pages/poster.html",
        context={
            "place": place,
            "is_village": place["level"] == RegionLevel.VILLAGE,
            "district_name": district_name,
            "report_url": url,
            "form_url": form_url,
            "qr": qr_svg(form_url, _("Kode QR menuju %(url)s", url=form_url)),
        },
    )
