"""Signing in and out, volunteers registering themselves, and one's own account."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from lapor_bencana.accounts import service, sessions, signin
from lapor_bencana.accounts.service import AccountError
from lapor_bencana.accounts.tables import User
from lapor_bencana.i18n import gettext as _
from lapor_bencana.web.access import (
    OWN_PASSWORD, PASSWORD_PATH, PUBLIC, SIGN_IN_PATH, current_user, home_of, may_open,
)
from lapor_bencana.web.pages import safe_next


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _wanted(target: str | None) -> str:
    """The page on this site that the person asked for before signing in, or ''."""
    return target if target and safe_next(target) == target else ""


def _destination(user: User, wanted: str | None) -> str:
    if user.password_temporary:
        return PASSWORD_PATH
    target = _wanted(wanted)
    # A field account that followed a link to a staff page lands on its own page, not a refusal.
    return target if target and may_open(user, target) else home_of(user)


def _sign_in_page(values: dict[str, Any], problem: str = "", status_code: int = 200) -> Template:
    context = {"values": values, "problem": problem, "next": _wanted(values.get("next"))}
    return Template("pages/sign_in.html", context=context, status_code=status_code)


@get(SIGN_IN_PATH, opt={"access": PUBLIC}, include_in_schema=False)
async def sign_in_page(request: Request, next: FromQuery[str | None] = None) -> Template | Redirect:
    if user := current_user(request):
        return Redirect(_destination(user, next), status_code=303)
    return _sign_in_page({"next": next})


@post(SIGN_IN_PATH, opt={"access": PUBLIC}, include_in_schema=False)
async def sign_in(request: Request) -> Template | Redirect:
    values = await form_values(request)
    result = await signin.authenticate(
        values.get("identifier", ""),
        values.get("password", ""),
        client_address=client_address(request),
        now=request.app.state.clock(),
    )
    if result.user is None:
        kept = {"identifier": values.get("identifier", ""), "next": values.get("next")}
        return _sign_in_page(kept, result.problem, status_code=422)
    # Signing in is rare enough, and frequent enough, to sweep away sessions nobody came back to.
    await sessions.store_of(request).delete_expired()
    sessions.begin(request, result.user.id)
    return Redirect(_destination(result.user, values.get("next")), status_code=303)


@post("/keluar", opt={"access": PUBLIC}, include_in_schema=False)
async def sign_out(request: Request) -> Redirect:
    sessions.end(request)
    return Redirect("/", status_code=303)


def _register_page(values: dict[str, Any], errors: dict[str, str], status_code: int = 200) -> Template:
    return Template("pages/register.html", context={"values": values, "errors": errors}, status_code=status_code)


@get("/daftar", opt={"access": PUBLIC}, include_in_schema=False)
async def register_page(request: Request) -> Template | Redirect:
    if user := current_user(request):
        return Redirect(home_of(user), status_code=303)
    return _register_page({}, {})


@post("/daftar", opt={"access": PUBLIC}, include_in_schema=False)
async def register(request: Request) -> Template | Redirect:
    if user := current_user(request):
        return Redirect(home_of(user), status_code=303)
    values = await form_values(request)
    kept = {name: values.get(name, "") for name in ("full_name", "phone", "organisation")}
    if values.get("password", "") != values.get("password_repeat", ""):
        return _register_page(kept, {"password_repeat": _("Kedua kata sandi tidak sama.")}, status_code=422)
    try:
        await service.register_volunteer(
            **kept, password=values.get("password", ""), client_address=client_address(request)
        )
    except AccountError as error:
        return _register_page(kept, {error.field: str(error)}, status_code=422)
    # The same answer whether the number was new or already had an account (see register_volunteer),
    # so the new account is not signed in here either: its owner signs in as usual.
    return Template("pages/registered.html")


def _password_page(errors: dict[str, str], changed: bool = False, status_code: int = 200) -> Template:
    context = {"errors": errors, "changed": changed}
    return Template("pages/change_password.html", context=context, status_code=status_code)


@get(PASSWORD_PATH, opt={"access": OWN_PASSWORD}, include_in_schema=False)
async def change_password_page() -> Template:
    return _password_page({})


@post(PASSWORD_PATH, opt={"access": OWN_PASSWORD}, include_in_schema=False)
async def change_password(request: Request) -> Template:
    user = current_user(request)
    values = await form_values(request)
    current, new = values.get("current_password", ""), values.get("new_password", "")
    if problem := await signin.check_current_password(user, current, now=request.app.state.clock()):
        return _password_page({"current_password": problem}, status_code=422)
    if new != values.get("new_password_repeat", ""):
        return _password_page({"new_password_repeat": _("Kedua kata sandi tidak sama.")}, status_code=422)
    if new == current:
        return _password_page({"new_password": _("Kata sandi baru harus berbeda dari yang lama.")}, status_code=422)
    try:
        await service.change_own_password(user, new, client_address=client_address(request))
    except AccountError as error:
        return _password_page({"new_password": str(error)}, status_code=422)
    # Every other session of the account has ended; this browser goes on under a new id.
    sessions.begin(request, user.id)
    return _password_page({}, changed=True)
