from litestar import Request, get
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from lapor_bencana import __version__, database
from lapor_bencana.web.errors import DATABASE_RETRY_AFTER_S


@get("/healthz", opt={"access": "public", "skip_session": True}, include_in_schema=False, cache=False)
async def healthz(request: Request) -> Response[dict]:
    try:
        await database.ping(request.app.state.engine)
    except database.DatabaseUnavailable as error:
        return Response(
            {"status": "error", "database": str(error), "version": __version__},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
        )
    return Response({"status": "ok", "database": "ok", "version": __version__}, status_code=HTTP_200_OK)
