"""Coordinators manage accounts: approve volunteers, create, deactivate, change roles, reset passwords.

What an actor may do to an account is decided by ``service.may_manage`` through :func:`_managed`,
the one way these handlers get hold of an account.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from lapor_bencana.accounts import service
from lapor_bencana.accounts.passwords import temporary_password
from lapor_bencana.accounts.routes import client_address, form_values
from lapor_bencana.accounts.service import AccountError, AccountFilter, NotPermitted
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.i18n import gettext as _
from lapor_bencana.web.access import STAFF, AccessRefused, current_user
from lapor_bencana.web.pages import safe_next

ACCOUNTS_PATH = "/koordinator/akun"
NEW_ACCOUNT_FIELDS = ("full_name", "username", "phone", "organisation", "role")


@get(ACCOUNTS_PATH, opt={"access": STAFF}, include_in_schema=False)
async def account_list(request: Request, status: FromQuery[str] = AccountFilter.ALL.value) -> Template:
    chosen = AccountFilter(status) if status in AccountFilter._value2member_map_ else AccountFilter.ALL
    actor = current_user(request)
    return Template(
        "pages/accounts.html",
        context={
            "accounts": await service.list_accounts(actor, chosen),
            "status": chosen,
            "filters": AccountFilter,
            **account_card_context(request, actor),
        },
    )


def account_card_context(request: Request, actor: User) -> dict[str, Any]:
    """What fragments/account_card.html needs besides the account."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return {"grantable": service.roles_managed_by(actor), "here": here}


def _new_account_page(actor: User, values: dict[str, Any], errors: dict[str, str], status_code: int = 200) -> Template:
    return Template(
        "pages/account_new.html",
        context={"values": values, "errors": errors, "roles": service.roles_managed_by(actor)},
        status_code=status_code,
    )


@get(f"{ACCOUNTS_PATH}/baru", opt={"access": STAFF}, include_in_schema=False)
async def new_account_page(request: Request) -> Template:
    return _new_account_page(current_user(request), {"role": Role.RELAWAN}, {})


@post(f"{ACCOUNTS_PATH}/baru", opt={"access": STAFF}, include_in_schema=False)
async def create_account(request: Request) -> Template:
    actor = current_user(request)
    submitted = await form_values(request)
    values = {name: submitted.get(name, "") for name in NEW_ACCOUNT_FIELDS}
    password = temporary_password()
    try:
        account = await service.create_user(
            **values, password=password, password_temporary=True, actor=actor, client_address=client_address(request)
        )
    except AccountError as error:
        status_code = 403 if isinstance(error, NotPermitted) else 422
        return _new_account_page(actor, values, {error.field: str(error)}, status_code=status_code)
    return _temporary_password_page(account, password, created=True)


def _temporary_password_page(account: User, password: str, *, created: bool) -> Template:
    return Template(
        "pages/temporary_password.html", context={"account": account, "password": password, "created": created}
    )


async def _managed(request: Request, user_id: int) -> User:
    target = await service.get_user(user_id)
    if target is None:
        raise NotFoundException()
    if not service.may_manage(current_user(request), target):
        raise AccessRefused(detail=_("Anda tidak boleh mengubah akun ini."))
    return target


async def _act(request: Request, user_id: int, change: Callable[..., Awaitable[Any]], *args: Any) -> Redirect:
    target = await _managed(request, user_id)
    values = await form_values(request)
    await change(target, *args, actor=current_user(request), client_address=client_address(request))
    return Redirect(safe_next(values.get("next") or ACCOUNTS_PATH), status_code=303)


@post(f"{ACCOUNTS_PATH}/{{user_id:int}}/setujui", opt={"access": STAFF}, include_in_schema=False)
async def approve_account(request: Request, user_id: FromPath[int]) -> Redirect:
    return await _act(request, user_id, service.approve)


@post(f"{ACCOUNTS_PATH}/{{user_id:int}}/nonaktifkan", opt={"access": STAFF}, include_in_schema=False)
async def deactivate_account(request: Request, user_id: FromPath[int]) -> Redirect:
    return await _act(request, user_id, service.set_active, False)


@post(f"{ACCOUNTS_PATH}/{{user_id:int}}/aktifkan", opt={"access": STAFF}, include_in_schema=False)
async def reactivate_account(request: Request, user_id: FromPath[int]) -> Redirect:
    return await _act(request, user_id, service.set_active, True)


@post(f"{ACCOUNTS_PATH}/{{user_id:int}}/peran", opt={"access": STAFF}, include_in_schema=False)
async def change_account_role(request: Request, user_id: FromPath[int]) -> Redirect:
    role = (await form_values(request)).get("role", "")
    try:
        return await _act(request, user_id, service.change_role, role)
    except NotPermitted as error:
        raise AccessRefused(detail=str(error)) from None


@post(f"{ACCOUNTS_PATH}/{{user_id:int}}/reset-sandi", opt={"access": STAFF}, include_in_schema=False)
async def reset_account_password(request: Request, user_id: FromPath[int]) -> Template:
    target = await _managed(request, user_id)
    password = await service.reset_password(target, actor=current_user(request), client_address=client_address(request))
    return _temporary_password_page(target, password, created=False)
