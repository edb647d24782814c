"""A volunteer's own profile: skills, home area, position and radius, availability."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lapor_bencana import audit
from lapor_bencana.accounts.service import MAX_NAME_LENGTH
from lapor_bencana.accounts.tables import User
from lapor_bencana.i18n import gettext as _
from lapor_bencana.regions.service import village_in_regency
from lapor_bencana.reports.validation import Invalid, clean_coordinate
from lapor_bencana.timeutil import now
from lapor_bencana.volunteers import skills as skill_catalogue
from lapor_bencana.volunteers.tables import VolunteerProfile

MIN_RADIUS_KM, MAX_RADIUS_KM = 1.0, 200.0
# Kept on the account (the coordinator's lists show it), edited here with the profile.
ACCOUNT_FIELDS = ("organisation",)


async def stored_profile(user_id: int) -> VolunteerProfile | None:
    return await VolunteerProfile.objects().where(VolunteerProfile.user == user_id).first().run()


async def profile_of(user_id: int) -> VolunteerProfile:
    """The stored profile, or a fresh unsaved one with the defaults."""
    return await stored_profile(user_id) or VolunteerProfile(user=user_id)


async def validate(data: Mapping[str, Any], regency_code: str) -> tuple[dict[str, Any], dict[str, str]]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if "organisation" in data:
        organisation = str(data.get("organisation") or "").strip()
        if len(organisation) > MAX_NAME_LENGTH:
            errors["organisation"] = _("Nama organisasi paling panjang %(n)s karakter.", n=MAX_NAME_LENGTH)
        cleaned["organisation"] = organisation
    chosen = data.get("skills") or []
    chosen = [chosen] if isinstance(chosen, str) else list(chosen)
    unknown = [code for code in chosen if code not in skill_catalogue.SKILLS_BY_CODE]
    if unknown:
        errors["skills"] = _("Keahlian tidak dikenal.")
    else:
        cleaned["skills"] = skill_catalogue.mask(chosen)
    village_code = (data.get("home_village") or "").strip()
    if village_code:
        if await village_in_regency(village_code, regency_code) is None:
            errors["home_village"] = _("Desa ini tidak ada di wilayah kabupaten ini.")
        else:
            cleaned["home_village"] = village_code
            cleaned["home_district"] = village_code.rsplit(".", 1)[0]
    else:
        district = (data.get("home_district") or "").strip()
        if district and not district.startswith(regency_code + "."):
            errors["home_district"] = _("Kecamatan tidak dikenal.")
        cleaned["home_village"], cleaned["home_district"] = None, district
    for name, axis in (("latitude", "lat"), ("longitude", "lon")):
        try:
            cleaned[name] = clean_coordinate(data.get(name), axis)
        except Invalid as problem:
            errors["latitude"] = str(problem)
    if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
        errors["latitude"] = _("Garis lintang dan bujur harus diisi keduanya.")
    try:
        radius = float(data.get("radius_km") or 15)
        if not MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM:
            raise ValueError
        cleaned["radius_km"] = radius
    except (TypeError, ValueError):
        errors["radius_km"] = _("Jarak 1 sampai 200 km.")
    cleaned["available"] = str(data.get("available", "")).lower() in ("1", "true", "on", "ya")
    return cleaned, errors


async def save(user: User, values: dict[str, Any], actor: User, client_address: str | None = None) -> VolunteerProfile:
    """Stores the profile (and the account's organisation, when given) with one audit event."""
    account_values = {name: values[name] for name in ACCOUNT_FIELDS if name in values}
    profile_values = {name: value for name, value in values.items() if name not in ACCOUNT_FIELDS}
    async with audit.transaction():
        profile = await profile_of(user.id)
        current = {name: getattr(profile, name) for name in profile_values}
        current |= {name: getattr(user, name) for name in account_values}
        before, after = audit.changed_fields(current, values)
        for name, value in profile_values.items():
            setattr(profile, name, value)
        profile.updated_at = now()
        await profile.save().run()
        if account_values:
            await User.update(account_values).where(User.id == user.id).run()
            for name, value in account_values.items():
                setattr(user, name, value)
        if after:
            await audit.record(
                action="volunteer.update", entity_type="user", entity_id=user.id, actor=actor,
                before=before, after=after, client_address=client_address,
            )
    return profile
