"""Calls for help and the answers to them; field officers told of new reports in their kecamatan.

A coordinator's call selects its targets (``targeting.select_targets``), stores one recipient row
per target and queues one push message per target's device through the outbox, all in the audited
transaction that stores the call: the call exists exactly when its messages are queued. Volunteers
answer on the incident's field page; each answer moves their recipient rows along :func:`allowed`.
"""

from __future__ import annotations

import inspect
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import structlog
from piccolo.query.functions.aggregate import Count

from lapor_bencana import audit, i18n
from lapor_bencana.accounts.tables import User
from lapor_bencana.hazards import HAZARDS_BY_CODE
from lapor_bencana.i18n import N_, ngettext
from lapor_bencana.i18n import gettext as _
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.incidents.triage import Context
from lapor_bencana.needs.calculator import NeedsResult
from lapor_bencana.needs.rules import Unit
from lapor_bencana.push import outbox
from lapor_bencana.push.subscriptions import users_with_devices
from lapor_bencana.push.outbox import PushMessage
from lapor_bencana.push.tables import JobStatus, PushJob, Urgency
from lapor_bencana.regions.service import names as region_names
from lapor_bencana.reports.validation import Invalid, clean_coordinate
from lapor_bencana.timeutil import now
from lapor_bencana.volunteers import skills as skill_catalogue
from lapor_bencana.volunteers.profiles import MAX_RADIUS_KM, MIN_RADIUS_KM
from lapor_bencana.volunteers.tables import CallForHelp, CallRecipient, Response
from lapor_bencana.volunteers.targeting import Place, officers_of_district, select_targets

log = structlog.get_logger(__name__)

# A call is still worth receiving for a few hours; after that the coordinator calls again.
MESSAGE_TTL_S = 6 * 3600
MAX_PEOPLE = 500
MESSAGE_LIMIT = 200
FAILED = (JobStatus.GONE, JobStatus.FAILED, JobStatus.EXPIRED)

RESPONSE_LABELS = {
    Response.NONE: N_("Belum menjawab"),
    Response.WILLING: N_("Bersedia"),
    Response.ON_THE_WAY: N_("Berangkat"),
    Response.ARRIVED: N_("Tiba di lokasi"),
    Response.DONE: N_("Selesai"),
    Response.CANNOT: N_("Tidak bisa"),
}
ANSWERS = (Response.WILLING, Response.ON_THE_WAY, Response.ARRIVED, Response.DONE, Response.CANNOT)
_STEP = {Response.NONE: 0, Response.WILLING: 1, Response.ON_THE_WAY: 2, Response.ARRIVED: 3, Response.DONE: 4}


class CallError(ValueError):
    """The call or answer cannot be taken; the message says why, in Indonesian."""


@dataclass(frozen=True)
class CallRequest:
    skills: int
    radius_km: float
    people_needed: int
    message: str
    lives_at_risk: bool


@dataclass(frozen=True)
class Sent:
    call: CallForHelp
    targets: int
    messages: int


def validate(data: Mapping[str, Any], default_radius_km: float) -> tuple[CallRequest | None, dict[str, str]]:
    """``data["skills"]`` is the list of chosen skill codes; the other fields are form text."""
    errors: dict[str, str] = {}
    chosen = [code for code in data.get("skills") or [] if code]
    if not chosen:
        errors["skills"] = _("Pilih paling sedikit satu keahlian yang dibutuhkan.")
    elif any(code not in skill_catalogue.SKILLS_BY_CODE for code in chosen):
        errors["skills"] = _("Keahlian tidak dikenal.")
    radius = _number(data.get("radius_km"), default_radius_km)
    if radius is None or not MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM:
        errors["radius_km"] = _("Jangkauan 1 sampai 200 km.")
    people = _number(data.get("people_needed"), 1)
    if people is None or people != int(people) or not 1 <= people <= MAX_PEOPLE:
        errors["people_needed"] = _("Jumlah orang 1 sampai %(n)s.", n=MAX_PEOPLE)
    message = " ".join(str(data.get("message") or "").split())
    if len(message) > MESSAGE_LIMIT:
        errors["message"] = _("Pesan paling panjang %(n)s karakter.", n=MESSAGE_LIMIT)
    if errors:
        return None, errors
    lives = str(data.get("lives_at_risk", "")).lower() in ("1", "on", "true", "ya")
    return CallRequest(skill_catalogue.mask(chosen), float(radius), int(people), message, lives), {}


def _number(text: Any, default: float) -> float | None:
    if text in (None, ""):
        return float(default)
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def place_of(incident: Incident) -> Place:
    district = incident.village.rsplit(".", 1)[0] if incident.village else ""
    return Place(incident.latitude, incident.longitude, district)


async def create_call(incident: Incident, request: CallRequest, ctx: Context) -> Sent:
    """Stores the call with its recipients and their queued messages. A call that matched nobody is
    stored too (the coordinator sees it did, and volunteers who hear of it otherwise may still answer)."""
    if incident.status == IncidentStatus.SELESAI:
        raise CallError(_("Kejadian ini sudah selesai; panggilan tidak dapat dikirim."))
    targets = await select_targets(place_of(incident), request.skills, request.radius_km)
    where = await _place_name(incident.village)
    async with audit.transaction():
        call = CallForHelp(
            incident=incident.id,
            skills=request.skills,
            radius_km=request.radius_km,
            people_needed=request.people_needed,
            message=request.message,
            lives_at_risk=request.lives_at_risk,
            created_by=ctx.actor.id,
        )
        await call.save().run()
        # In slices: one statement's parameters are limited (SQLite 32,766, PostgreSQL 32,767).
        for start in range(0, len(targets), outbox.CHUNK):
            chunk = targets[start : start + outbox.CHUNK]
            await CallRecipient.insert(
                *(CallRecipient(call=call.id, user=t.user_id, distance_km=t.distance_km) for t in chunk)
            ).run()
        messages = 0
        # The distance in the message differs per volunteer: one message per distance in whole km.
        by_distance: dict[int | None, list[int]] = defaultdict(list)
        for target in targets:
            by_distance[None if target.distance_km is None else round(target.distance_km)].append(target.user_id)
        for distance, user_ids in by_distance.items():
            messages += await outbox.enqueue_for_users(call_message(incident, call, where, distance), user_ids)
        await audit.record(
            action="call.create", entity_type="incident", entity_id=incident.id, actor=ctx.actor,
            after={
                "call": call.id, "skills": skill_catalogue.codes(request.skills), "radius_km": request.radius_km,
                "people_needed": request.people_needed, "lives_at_risk": request.lives_at_risk,
                "targets": len(targets), "messages": messages,
            },
            client_address=ctx.client_address,
        )
    return Sent(call, len(targets), messages)


async def _place_name(village_code: str | None) -> str:
    if not village_code:
        return ""
    return (await region_names({village_code})).get(village_code, "")


def payload(*, kind: str, title: str, body: str, url: str, tag: str, **ids: int | str) -> str:
    """The JSON the service worker receives; its shape is shared with ``service-worker/sw.js``."""
    return json.dumps({"title": title, "body": body, "url": url, "tag": tag, "kind": kind, **ids}, ensure_ascii=False)


@contextmanager
def _default_locale():
    # Messages go to many phones whose language is unknown here: the app's own language it is.
    token = i18n.current_locale.set(i18n.DEFAULT_LOCALE)
    try:
        yield
    finally:
        i18n.current_locale.reset(token)


def _headline(prefix: str, hazard_code: str, where: str) -> str:
    hazard = HAZARDS_BY_CODE.get(hazard_code)
    what = _(hazard.label) if hazard else hazard_code
    return (f"{prefix}: {what} " + _("di Desa %(place)s", place=where)) if where else f"{prefix}: {what}"


def call_message(incident: Incident, call: CallForHelp, where: str, distance_km: int | None) -> PushMessage:
    with _default_locale():
        needed = ", ".join(_(s.label) for s in skill_catalogue.SKILLS if call.skills & s.bit)
        parts = [_("Nyawa terancam.")] if call.lives_at_risk else []
        parts.append(ngettext("Dibutuhkan %(num)s orang: %(skills)s.", "Dibutuhkan %(num)s orang: %(skills)s.", call.people_needed, skills=needed))
        if distance_km is not None:
            parts.append(_("Sekitar %(km)s km dari Anda.", km=max(distance_km, 1)))
        if call.message:
            parts.append(call.message)
        text = payload(
            kind="call",
            title=_headline(_("Panggilan bantuan"), incident.hazard, where),
            body=" ".join(parts),
            url=f"/kejadian/{incident.code}",
            tag=f"kejadian-{incident.code}",
            call=call.id,
        )
    return PushMessage(
        payload=text,
        ttl=MESSAGE_TTL_S,
        urgency=Urgency.HIGH if call.lives_at_risk else Urgency.NORMAL,
        topic=f"kejadian-{incident.code}",
        call_id=call.id,
    )


def report_message(report: Mapping[str, Any], where: str) -> PushMessage:
    """For field officers: the public status page (``/laporan/CODE``) is the report's page they may
    open; it shows the place and the hazard, never the reporter's name or phone."""
    with _default_locale():
        text = payload(
            kind="report",
            title=_headline(_("Laporan baru"), report["hazard"], where),
            body=_("Belum diverifikasi. Mohon dicek di lapangan bila memungkinkan."),
            url=f"/laporan/{report['code']}",
            tag=f"laporan-{report['code']}",
            report=report["code"],
        )
    return PushMessage(payload=text, ttl=MESSAGE_TTL_S, topic=f"laporan-{report['code']}")


async def tell_officers_of_report(report: Mapping[str, Any]) -> int:
    """Queues a message to the field officers of the report's kecamatan; answers how many. Never
    raises: the report is stored already, and its intake must not fail over a notification."""
    village = report.get("village")
    if not village:
        return 0
    try:
        officers = [o for o in await officers_of_district(village.rsplit(".", 1)[0]) if o != report.get("reporter")]
        if not officers:
            return 0
        return await outbox.enqueue_for_users(report_message(report, await _place_name(village)), officers)
    except Exception as error:  # noqa: BLE001 - any failure here only costs the notification
        log.warning("officers not told of a new report", report=report.get("id"), error=str(error))
        return 0


# Answers -----------------------------------------------------------------------------------------


def allowed(current: str, new: str) -> bool:
    """Answers move forward (skipping steps is fine); "selesai" only after "tiba"; "tidak bisa" any
    time before arriving, and one who could not may still come. The same answer again is an update."""
    current, new = Response(current), Response(new)
    if current == Response.DONE or new == Response.DONE:
        return current in (Response.ARRIVED, Response.DONE) and new == Response.DONE
    if new == Response.CANNOT:
        return current != Response.ARRIVED
    return current == Response.CANNOT or _STEP[new] >= _STEP[current]


@dataclass(frozen=True)
class Answer:
    response: Response
    latitude: float | None = None
    longitude: float | None = None


def parse_answer(data: Mapping[str, Any]) -> Answer:
    try:
        response = Response(str(data.get("response", "")))
    except ValueError:
        response = Response.NONE
    if response not in ANSWERS:
        raise CallError(_("Pilih salah satu jawaban."))
    if response != Response.ARRIVED:
        return Answer(response)
    try:
        latitude, longitude = clean_coordinate(data.get("latitude"), "lat"), clean_coordinate(data.get("longitude"), "lon")
    except Invalid:
        # A bad position from a phone must not stop the arrival being recorded.
        latitude = longitude = None
    if latitude is None or longitude is None:
        latitude = longitude = None
    return Answer(response, latitude, longitude)


async def answer(incident: Incident, user: User, given: Answer, ctx: Context) -> list[int]:
    """Records the answer on the user's recipient rows of the incident where it fits; answers
    their ids. One not called who is willing joins the latest call."""
    if incident.status == IncidentStatus.SELESAI:
        raise CallError(_("Kejadian ini sudah selesai ditangani."))
    at = now()
    async with audit.transaction():
        rows = await _rows_of(incident.id, user.id)
        if not rows:
            rows = await _join_latest_call(incident.id, user.id, given.response)
        fitting = [row for row in rows if allowed(row.response, given.response)]
        if not fitting:
            raise CallError(_refusal(rows[0].response, given.response))
        for row in fitting:
            before = _answer_fields(row)
            row.response = given.response
            row.responded_at = at
            if given.response == Response.ARRIVED:
                row.arrived_at, row.arrival_latitude, row.arrival_longitude = at, given.latitude, given.longitude
            elif given.response == Response.DONE:
                row.done_at = at
            await row.save().run()
            changed_before, changed_after = audit.changed_fields(before, _answer_fields(row))
            await audit.record(
                action="call.answer", entity_type="call_recipient", entity_id=row.id, actor=ctx.actor,
                before=changed_before, after=changed_after, client_address=ctx.client_address,
            )
    return [row.id for row in fitting]


def _answer_fields(row: CallRecipient) -> dict[str, Any]:
    # Whether a position came, never the position: the trail keeps no personal data that the
    # retention period erases from the tables (see retention.py).
    return {
        "response": str(row.response),
        "arrival_position": row.arrival_latitude is not None,
        "responded_at": row.responded_at,
    }


def _refusal(current: str, new: Response) -> str:
    if new == Response.DONE:
        return _("Jawab \"Tiba\" dahulu sebelum \"Selesai\".")
    if current == Response.DONE:
        return _("Tugas Anda di kejadian ini sudah tercatat selesai.")
    if current == Response.ARRIVED and new == Response.CANNOT:
        return _("Anda sudah tercatat tiba di lokasi; jawab \"Selesai\" bila tugas sudah selesai.")
    return _("Jawaban ini tidak bisa mundur dari \"%(current)s\".", current=_(RESPONSE_LABELS[Response(current)]))


async def _rows_of(incident_id: int, user_id: int) -> list[CallRecipient]:
    return await (
        CallRecipient.objects()
        .where((CallRecipient.call.incident == incident_id) & (CallRecipient.user == user_id))
        .order_by(CallRecipient.call, ascending=False)
        .run()
    )


async def _join_latest_call(incident_id: int, user_id: int, response: Response) -> list[CallRecipient]:
    latest = await latest_call(incident_id)
    if latest is None:
        raise CallError(_("Belum ada panggilan bantuan untuk kejadian ini."))
    if response != Response.WILLING:
        raise CallError(_("Anda belum tercatat untuk kejadian ini: jawab \"Bersedia\" dahulu."))
    row = CallRecipient(call=latest.id, user=user_id)
    await row.save().run()
    return [row]


async def latest_call(incident_id: int) -> CallForHelp | None:
    return await (
        CallForHelp.objects().where(CallForHelp.incident == incident_id).order_by(CallForHelp.id, ascending=False).first().run()
    )


# What the pages show -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    sent: int = 0
    delivered: int = 0
    failed: int = 0


async def delivery_counts(call_ids: Iterable[int]) -> dict[int, Counts]:
    """Per call: messages queued, delivered to the push service, and failed for good."""
    ids = list(call_ids)
    if not ids:
        return {}
    rows = await (
        PushJob.select(PushJob.call_id, PushJob.status, Count(alias="n"))
        .where(PushJob.call_id.is_in(ids))
        .group_by(PushJob.call_id, PushJob.status)
        .run()
    )
    totals: dict[int, dict[str, int]] = defaultdict(lambda: {"sent": 0, "delivered": 0, "failed": 0})
    for row in rows:
        total = totals[row["call_id"]]
        total["sent"] += row["n"]
        if row["status"] == JobStatus.SENT:
            total["delivered"] += row["n"]
        elif row["status"] in FAILED:
            total["failed"] += row["n"]
    return {call_id: Counts(**total) for call_id, total in totals.items()}


async def calls_of(incident_id: int) -> list[dict[str, Any]]:
    """The incident's calls, newest first, each with its delivery counts and recipients."""
    calls = await (
        CallForHelp.select(*CallForHelp._meta.columns, CallForHelp.created_by.full_name.as_alias("created_by_name"))
        .where(CallForHelp.incident == incident_id)
        .order_by(CallForHelp.id, ascending=False)
        .run()
    )
    if not calls:
        return []
    ids = [call["id"] for call in calls]
    recipients = await (
        CallRecipient.select(*CallRecipient._meta.columns, CallRecipient.user.full_name.as_alias("name"))
        .where(CallRecipient.call.is_in(ids))
        .order_by(CallRecipient.id)
        .run()
    )
    by_call: dict[int, list[dict]] = defaultdict(list)
    for row in sorted(recipients, key=lambda r: (r["distance_km"] is None, r["distance_km"] or 0.0)):
        by_call[row["call"]].append(row)
    counts = await delivery_counts(ids)
    return [
        call | {"skill_codes": skill_catalogue.codes(call["skills"]), "recipients": by_call[call["id"]],
                "counts": counts.get(call["id"], Counts())}
        for call in calls
    ]


@dataclass(frozen=True)
class CallDefaults:
    skills: tuple[str, ...]
    people_needed: int


def defaults_from_needs(needs: NeedsResult | None, already_coming: int) -> CallDefaults:
    """The call form's starting point: the people the needs calculation asks for, less those who
    already said they are coming, with the skills its personnel lines name."""
    lines = [line for line in needs.personnel if line.quantity > 0] if needs else []
    people = int(sum(line.quantity for line in lines if line.unit == Unit.ORANG))
    wanted = {skill_catalogue.FOR_PERSONNEL[line.code] for line in lines if line.code in skill_catalogue.FOR_PERSONNEL}
    skills = tuple(skill.code for skill in skill_catalogue.SKILLS if skill.code in wanted)
    return CallDefaults(skills, min(max(people - already_coming, 1), MAX_PEOPLE))


@dataclass(frozen=True)
class Reach:
    """Who a call would reach now: matching volunteers in range, and how many of them have a device
    with notifications on (the others would be called, but hear nothing)."""

    volunteers: int
    with_device: int


async def reach(incident: Incident, chosen: Mapping[str, Any]) -> Reach | None:
    """``chosen`` holds the form's skills and radius; None while they are not a valid call."""
    wanted, _errors = validate({"skills": chosen.get("skills"), "radius_km": chosen.get("radius_km")}, incident.radius_km)
    if wanted is None:
        return None
    targets = await select_targets(place_of(incident), wanted.skills, wanted.radius_km)
    return Reach(len(targets), await users_with_devices([target.user_id for target in targets]))


async def desk_view(incident: Incident, needs: NeedsResult | None, already_coming: int) -> dict[str, Any]:
    """What the coordinator's incident page needs for its calls section."""
    defaults = defaults_from_needs(needs, already_coming)
    return {
        "defaults": defaults,
        "reach": await reach(incident, {"skills": list(defaults.skills), "radius_km": incident.radius_km}),
        "calls": await calls_of(incident.id),
        "skills": skill_catalogue.SKILLS,
        "skill_labels": {skill.code: skill.label for skill in skill_catalogue.SKILLS},
        "response_labels": RESPONSE_LABELS,
    }


async def calls_for(incident_id: int, user_id: int) -> list[dict[str, Any]]:
    """The calls of the incident that reached this user, newest first, with the user's own answer;
    the latest call (unanswered, not theirs) when none did."""
    rows = await (
        CallRecipient.select(*CallRecipient._meta.columns, *CallRecipient.call.all_columns(exclude=["id"]))
        .where((CallRecipient.call.incident == incident_id) & (CallRecipient.user == user_id))
        .order_by(CallRecipient.call, ascending=False)
        .run()
    )
    mine = [_call_fields(row, "call.") | {"id": row["call"], "mine": row} for row in rows]
    if mine:
        return mine
    latest = await latest_call(incident_id)
    return [latest.to_dict() | {"mine": None}] if latest else []


def _call_fields(row: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {key.removeprefix(prefix): value for key, value in row.items() if key.startswith(prefix)}


def current_answer(calls: list[dict[str, Any]]) -> Response:
    """The answer shown as the user's: that of their newest call."""
    for call in calls:
        if call["mine"] is not None:
            return Response(call["mine"]["response"])
    return Response.NONE


async def announce_deliveries(call_ids: set[int], publish: Callable[..., Awaitable[None] | None]) -> None:
    """Tells coordinator screens that calls' delivery counts moved: once per incident per batch."""
    for incident_id in sorted(await incidents_of_calls(call_ids)):
        published = publish("incident-changed", incident=incident_id)
        if inspect.isawaitable(published):
            await published


async def incidents_of_calls(call_ids: Iterable[int]) -> set[int]:
    ids = list(set(call_ids))
    if not ids:
        return set()
    rows = await CallForHelp.select(CallForHelp.incident).where(CallForHelp.id.is_in(ids)).run()
    return {row["incident"] for row in rows}
