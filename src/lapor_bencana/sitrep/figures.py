"""The impact figures of many incidents at once: each one's latest verified rapid assessment,
optionally as it stood at a moment in the past (a situation report for an earlier day)."""

from __future__ import annotations

from datetime import datetime

from lapor_bencana.impact import View, figures_in
from lapor_bencana.incidents.tables import Assessment


async def latest_verified(incident_ids: list[int], until: datetime | None = None) -> dict[int, dict]:
    """Incident id → its current figures; the same choice as incidents.assessments.latest_verified."""
    if not incident_ids:
        return {}
    query = Assessment.select().where(
        Assessment.incident.is_in(incident_ids) & (Assessment.verified == True)  # noqa: E712
    )
    if until is not None:
        query = query.where(Assessment.verified_at < until)
    rows = await query.order_by(Assessment.verified_at).order_by(Assessment.id).run()
    # Ordered oldest first, so the last row written for each incident is its latest.
    return {row["incident"]: row for row in rows}


def totals(figures: list[dict]) -> dict[str, int | None]:
    """Counts added up over incidents; a count nobody has given stays unknown (None), not 0."""
    summed: dict[str, int | None] = {}
    for figure in figures_in(View.SITREP):
        known = [row[figure.name] for row in figures if row.get(figure.name) is not None]
        summed[figure.name] = sum(known) if known else None
    return summed
