"""Volunteers deployed to incidents: the called volunteers who said yes, with their arrival and
finish times (volunteers.tables.CallRecipient is the deployment record).

A recipient row keeps only its latest answer time (``responded_at``), arrival and finish; when a
volunteer said yes or set off is read from the audit trail, which records every answer
(``call.answer``) with its time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from lapor_bencana import audit
from lapor_bencana.volunteers.tables import CallRecipient, Response

# "Cannot" and no answer yet are not deployments.
DEPLOYED = (Response.WILLING, Response.ON_THE_WAY, Response.ARRIVED, Response.DONE)


async def deployments(
    *, incident_ids: list[int] | None = None, since: datetime | None = None, until: datetime | None = None
) -> list[dict]:
    """One row per volunteer and call, oldest answer first; ``since``/``until`` bound the answer time."""
    query = CallRecipient.select(
        CallRecipient.id,
        CallRecipient.user.as_alias("user_id"),
        CallRecipient.call.incident.as_alias("incident_id"),
        CallRecipient.call.incident.code.as_alias("incident_code"),
        CallRecipient.call.incident.title.as_alias("incident_title"),
        CallRecipient.call.created_at.as_alias("called_at"),
        CallRecipient.user.full_name.as_alias("name"),
        CallRecipient.user.role.as_alias("role"),
        CallRecipient.user.organisation.as_alias("organisation"),
        CallRecipient.user.phone.as_alias("phone"),
        CallRecipient.response,
        CallRecipient.responded_at,
        CallRecipient.arrived_at,
        CallRecipient.done_at,
        CallRecipient.distance_km,
    ).where(CallRecipient.response.is_in(list(DEPLOYED)))
    if incident_ids is not None:
        query = query.where(CallRecipient.call.incident.is_in(incident_ids or [0]))
    if since is not None:
        query = query.where(CallRecipient.responded_at >= since)
    if until is not None:
        query = query.where(CallRecipient.responded_at < until)
    return await query.order_by(CallRecipient.responded_at).order_by(CallRecipient.id).run()


def as_of(rows: list[dict], until: datetime) -> list[dict]:
    """The volunteers deployed as things stood at ``until``: one row per volunteer (their latest
    answer before then, as the incident page counts them), with no arrival or finish after it."""
    latest: dict[int, dict] = {}
    for row in rows:
        if row["responded_at"] is not None and row["responded_at"] < until:
            latest[row["user_id"]] = dict(row)
    for row in latest.values():
        for name in ("arrived_at", "done_at"):
            if row[name] is not None and row[name] >= until:
                row[name] = None
        if row["done_at"] is None and row["response"] == Response.DONE:
            row["response"] = Response.ARRIVED if row["arrived_at"] else Response.WILLING
        elif row["arrived_at"] is None and row["response"] == Response.ARRIVED:
            row["response"] = Response.WILLING
    return sorted(latest.values(), key=lambda row: (row["responded_at"], row["id"]))


@dataclass(frozen=True)
class Answer:
    recipient_id: int
    at: datetime
    response: Response


async def answers(recipient_ids: Iterable[int]) -> list[Answer]:
    """Every answer the recipients gave, oldest first."""
    found = []
    for entry in await audit.histories("call_recipient", recipient_ids, "call.answer"):
        try:
            response = Response((entry.after or {}).get("response"))
        except ValueError:  # an answer that changed only other fields (an arrival position)
            continue
        found.append(Answer(int(entry.entity_id), entry.occurred_at, response))
    return found


async def with_answer_times(rows: list[dict]) -> list[dict]:
    """The rows with ``first_answer_at`` (their first answer) and ``departed_at`` (when they set off)."""
    first: dict[int, datetime] = {}
    departed: dict[int, datetime] = {}
    for answer in await answers(row["id"] for row in rows):
        first.setdefault(answer.recipient_id, answer.at)
        if answer.response == Response.ON_THE_WAY:
            departed.setdefault(answer.recipient_id, answer.at)
    for row in rows:
        # A row with no recorded answers (made outside the app) has only its latest answer time.
        row["first_answer_at"] = first.get(row["id"], row["responded_at"])
        row["departed_at"] = departed.get(row["id"])
    return rows
