"""The home page and the language switch."""

from __future__ import annotations

from litestar import Request, get
from litestar.datastructures import Cookie
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from lapor_bencana.i18n import LOCALE_COOKIE, LOCALES
from lapor_bencana.incidents import service as incidents


@get("/", opt={"access": "public"}, include_in_schema=False)
async def home() -> Template:
    return Template("pages/home.html", context={"incidents": await incidents.recent_verified(limit=10)})


def safe_next(target: str | None) -> str:
    """Only a path on this site, so the switch cannot be used to send people elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@get("/bahasa/{locale:str}", opt={"access": "public"}, include_in_schema=False)
async def switch_language(locale: FromPath[str], request: Request, next: FromQuery[str | None] = None) -> Redirect:
    chosen = locale if locale in LOCALES else "id"
    return Redirect(
        safe_next(next),
        status_code=303,
        cookies=[Cookie(key=LOCALE_COOKIE, value=chosen, max_age=365 * 24 * 3600, samesite="lax", httponly=True)],
    )
