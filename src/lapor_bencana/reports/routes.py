from litestar import Request, get
from litestar.response import Template

from lapor_bencana.regions import service as regions


@get("/lapor", opt={"access": "public"}, include_in_schema=False)
async def report_form(request: Request) -> Template:
    districts = await regions.districts(request.app.state.settings.regency_code)
    return Template("pages/report_form.html", context={"districts": districts, "values": {}, "errors": {}})
