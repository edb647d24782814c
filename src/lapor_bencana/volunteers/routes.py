"""/relawan: a volunteer's or field officer's own page (profile, notifications, incidents near
them) and, for every signed-in person, their account."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from lapor_bencana.accounts.routes import client_address
from lapor_bencana.accounts.tables import User
from lapor_bencana.i18n import gettext as _
from lapor_bencana.push.subscriptions import devices_of
from lapor_bencana.regions import service as regions
from lapor_bencana.volunteers import profiles
from lapor_bencana.volunteers.nearby import incidents_near
from lapor_bencana.volunteers.skills import SKILLS, codes
from lapor_bencana.volunteers.tables import VolunteerProfile
from lapor_bencana.volunteers.targeting import FIELD_ROLES
from lapor_bencana.web.access import SIGNED_IN, AccessRefused, current_user

PAGE_PATH = "/relawan"
TEXT_FIELDS = ("organisation", "kecamatan", "home_village", "latitude", "longitude", "radius_km", "available")


def _number(value: float | None) -> str:
    return "" if value is None else f"{round(value, 6):g}"


def stored_values(user: User, profile: VolunteerProfile) -> dict[str, Any]:
    """The form's fields as the stored account and profile fill them."""
    return {
        "organisation": user.organisation,
        "skills": codes(profile.skills),
        "kecamatan": profile.home_district,
        "home_village": profile.home_village or "",
        "latitude": _number(profile.latitude),
        "longitude": _number(profile.longitude),
        "radius_km": _number(profile.radius_km),
        "available": "1" if profile.available else "0",
    }


async def _page(
    request: Request, user: User, values: dict[str, Any] | None, errors: dict[str, str],
    saved: bool = False, status_code: int = 200,
) -> Template:
    context: dict[str, Any] = {"account": user, "is_field": user.role in FIELD_ROLES, "saved": saved, "errors": errors}
    if context["is_field"]:
        stored = await profiles.stored_profile(user.id)
        profile = stored or VolunteerProfile(user=user.id)
        values = values if values is not None else stored_values(user, profile)
        regency = request.app.state.settings.regency_code
        context |= {
            "values": values,
            "skills": SKILLS,
            "districts": await regions.districts(regency),
            "villages": await regions.children(values["kecamatan"]) if values["kecamatan"].startswith(regency + ".") else [],
            "has_profile": stored is not None,
            # Calls reach approved accounts only; a pending one sees no incidents yet.
            "nearby": await incidents_near(stored) if user.approved and stored else [],
            "devices": await devices_of(user.id),
        }
    return Template("pages/volunteer.html", context=context, status_code=status_code)


@get(PAGE_PATH, opt={"access": SIGNED_IN}, include_in_schema=False)
async def volunteer_page(request: Request, tersimpan: FromQuery[str] = "") -> Template:
    return await _page(request, current_user(request), None, {}, saved=bool(tersimpan))


@post(PAGE_PATH, opt={"access": SIGNED_IN}, include_in_schema=False)
async def save_profile(request: Request) -> Template | Redirect:
    user = current_user(request)
    if user.role not in FIELD_ROLES:
        raise AccessRefused(detail=_("Profil relawan hanya untuk relawan dan petugas."))
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name) or "") for name in TEXT_FIELDS}
    for name in ("latitude", "longitude", "radius_km"):
        # Phones set to Indonesian type a decimal comma.
        values[name] = values[name].strip().replace(",", ".")
    values["skills"] = [code for code in form.getall("skills", []) if isinstance(code, str)]
    if not values["home_village"].startswith(values["kecamatan"] + "."):
        # Without JavaScript the desa list still belongs to the kecamatan chosen before.
        values["home_village"] = ""
    cleaned, errors = await profiles.validate(
        values | {"home_district": values["kecamatan"]}, request.app.state.settings.regency_code
    )
    if errors:
        return await _page(request, user, values, errors, status_code=422)
    await profiles.save(user, cleaned, actor=user, client_address=client_address(request))
    return Redirect(f"{PAGE_PATH}?tersimpan=1", status_code=303)


@get(f"{PAGE_PATH}/perangkat", opt={"access": SIGNED_IN}, include_in_schema=False)
async def device_list(request: Request) -> Template:
    """The devices notifications go to, re-fetched after this browser turns them on or off."""
    return Template("fragments/push_devices.html", context={"devices": await devices_of(current_user(request).id)})
