"""What the aid section of the incident page shows: need / delivered / still missing, personnel
against the volunteers who answered, the deliveries and the form to record one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date

from lapor_bencana.aid import deployments, service
from lapor_bencana.aid.items import OTHER, catalogue, item_name
from lapor_bencana.aid.tables import DestinationKind, SourceKind
from lapor_bencana.i18n import N_, current_locale
from lapor_bencana.i18n import gettext as _
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.needs.calculator import Fulfilment, NeedsResult, compare_delivered
from lapor_bencana.needs.rules import Unit
from lapor_bencana.needs.service import current_standards
from lapor_bencana.needs.words import UNIT_LABELS
from lapor_bencana.regions import service as regions
from lapor_bencana.timeutil import now, zone_for_region

SOURCE_LABELS = {SourceKind.WAREHOUSE: N_("Gudang"), SourceKind.DONOR: N_("Donatur")}
DESTINATION_LABELS = {
    DestinationKind.POST: N_("Posko"),
    DestinationKind.VILLAGE: N_("Desa"),
    DestinationKind.SHELTER: N_("Tempat pengungsian"),
}


def date_text(value: date) -> str:
    return format_date(value, "d MMM yyyy", locale=current_locale.get())


def local_today(region_code: str | None) -> date:
    """Today where the incident is (the regency's zone), which is the last day aid can be dated."""
    return now().astimezone(zone_for_region(region_code or "")).date()


def fulfilment_rows(
    needs: NeedsResult | None, totals: Mapping[str, Decimal], deliveries: list[dict[str, Any]]
) -> list[Fulfilment]:
    """Goods only (personnel are counted from the volunteers' answers, not delivered)."""
    names = {row["item_code"]: (item_name(row["item_code"], row["item_name"]), Unit(row["unit"])) for row in reversed(deliveries)}
    if needs is None:
        return [
            Fulfilment(code, *names[code], needed=Decimal(0), delivered=amount, missing=Decimal(0), surplus=amount)
            for code, amount in totals.items()
        ]
    personnel = {line.code for line in needs.personnel}
    # Items neither needed nor delivered (baby kits where no infant was counted) would only crowd
    # a phone screen.
    return [
        row for row in compare_delivered(needs, totals, names)
        if row.code not in personnel and (row.needed or row.delivered)
    ]


def delivered_totals_of(deliveries: list[dict[str, Any]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for row in deliveries:
        totals[row["item_code"]] = totals.get(row["item_code"], Decimal(0)) + row["quantity"]
    return totals


async def aid_context(incident: Incident, needs: NeedsResult | None) -> dict[str, Any]:
    """Everything the aid fragment (fragments/desk/incident_aid.html) reads."""
    deliveries = await service.deliveries_of(incident.id)
    deployed = await deployments.deployments_of(incident.id)
    needed_people = int(sum(line.quantity for line in needs.personnel if line.unit == Unit.ORANG)) if needs else 0
    district = incident.village.rsplit(".", 1)[0] if incident.village else ""
    return {
        "aid_rows": fulfilment_rows(needs, delivered_totals_of(deliveries), deliveries),
        "aid_deliveries": deliveries,
        "aid_deployments": deployed,
        "aid_personnel": deployments.personnel_summary(needed_people, deployed),
        "aid_items": catalogue(await current_standards()),
        "aid_other": OTHER,
        "aid_units": [(unit.value, _(UNIT_LABELS[unit])) for unit in Unit if unit not in (Unit.ORANG, Unit.TIM)],
        "aid_warehouses": await service.warehouses(active_only=True),
        "aid_villages": await regions.children(district) if district else [],
        "aid_source_labels": SOURCE_LABELS,
        "aid_destination_labels": DESTINATION_LABELS,
        "aid_today": local_today(incident.village).isoformat(),
        "aid_date": date_text,
        "aid_response_labels": deployments.RESPONSE_LABELS,
    }
