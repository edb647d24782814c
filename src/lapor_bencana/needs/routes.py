"""The administrator's page for the needs standards: the current rules with their sources, the
figures (not the structure) editable, saved as a new version with a note; the list of versions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from lapor_bencana import live
from lapor_bencana.i18n import gettext as _
from lapor_bencana.needs import words
from lapor_bencana.needs.rules import FIELD_LABELS, NeedsError, Standards, parse_rules
from lapor_bencana.needs.service import current_standards, get_standards, list_versions, save_standards
from lapor_bencana.web.access import ADMIN, current_user

PATH = "/admin/standar"
# The figures an administrator may change; code, name, unit, kind and who is counted stay as
# the bundled file defines them, so that deliveries and past calculations keep their meaning.
EDITABLE = ("quantity", "per_people", "every_days", "round_to", "per_people_after", "after_days", "source")


def field_name(code: str, key: str) -> str:
    return f"{code}__{key}"


def edited_rules(current: Standards, form: Mapping[str, str]) -> list[dict[str, Any]]:
    """The current rules with the editable fields the form sent; a field left out keeps its value."""
    rules = []
    for rule in current.rules:
        data = rule.to_data()
        for key in EDITABLE:
            name = field_name(rule.code, key)
            if name in form and (key in data or form[name].strip()):
                data[key] = _decimal_point(form[name].strip()) if key != "source" else form[name].strip()
        rules.append(data)
    return rules


def _decimal_point(text: str) -> str:
    # Indonesians write 0,4; the standards store 0.4.
    return text.replace(",", ".") if "." not in text else text


async def _page(request: Request, standards: Standards, *, values=None, problems=(), status_code=200, viewing=False) -> Template:
    current = await current_standards()
    return Template(
        "pages/admin/standards.html",
        context={
            "standards": standards,
            "current_version": current.version,
            "viewing_old": viewing and standards.version != current.version,
            "versions": await list_versions(),
            "values": values or {},
            "problems": list(problems),
            "field_name": field_name,
            "field_labels": FIELD_LABELS,
            "describe": words.describe,
            "unit_labels": words.UNIT_LABELS,
            "saved": request.query_params.get("tersimpan"),
        },
        status_code=status_code,
    )


@get(PATH, opt={"access": ADMIN}, include_in_schema=False)
async def standards_page(request: Request, versi: FromQuery[int | None] = None) -> Template:
    standards = await get_standards(versi) if versi else None
    return await _page(request, standards or await current_standards(), viewing=standards is not None)


@post(PATH, opt={"access": ADMIN}, include_in_schema=False)
async def save_standards_form(request: Request) -> Template | Redirect:
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    current = await current_standards()
    rules = edited_rules(current, form)
    try:
        based_on = int(form.get("based_on", ""))
    except ValueError:
        based_on = current.version
    try:
        if parse_rules(rules) == current.rules:
            raise NeedsError([_("Tidak ada angka yang diubah; tidak ada versi baru yang disimpan.")])
        user = current_user(request)
        version = await save_standards(
            rules, user.id, form.get("note", ""), based_on=based_on,
            client_address=request.client.host if request.client else None,
        )
    except NeedsError as problem:
        return await _page(request, current, values=form, problems=problem.problems, status_code=422)
    # Every open incident page recalculates with the new version.
    live.publish(request, "incident-changed", standards=version)
    return Redirect(f"{PATH}?tersimpan={version}", status_code=303)
