"""Aid delivered, as reports show it: totals per item and the list of deliveries up to a day.
Reads the aid module's records (aid.service); carries only what a report may print (no
recipients, no photos, no one who recorded it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lapor_bencana.aid import service
from lapor_bencana.aid.items import quantity_text
from lapor_bencana.aid.panel import date_text
from lapor_bencana.aid.tables import AidDelivery


@dataclass(frozen=True)
class AidTotal:
    item_code: str
    item_name: str
    unit: str
    quantity: Decimal

    @property
    def text(self) -> str:
        return quantity_text(self.unit, self.quantity)


@dataclass(frozen=True)
class DeliveryLine:
    delivered_on: date
    item_code: str
    item_name: str
    unit: str
    quantity: Decimal
    destination: str
    recorded_at: datetime

    @property
    def text(self) -> str:
        return quantity_text(self.unit, self.quantity)

    @property
    def date_text(self) -> str:
        return date_text(self.delivered_on)


async def deliveries_until(incident_id: int, day: date) -> list[DeliveryLine]:
    """Deliveries dated up to and including ``day``, oldest first."""
    rows = [row for row in await service.deliveries_of(incident_id) if row["delivered_on"] <= day]
    return [_line(row) for row in reversed(rows)]


def _line(row: dict) -> DeliveryLine:
    return DeliveryLine(
        row["delivered_on"], row["item_code"], row["item_name"], row["unit"], Decimal(str(row["quantity"])),
        row["destination"], row["created_at"],
    )


def totals(rows: Iterable[DeliveryLine]) -> list[AidTotal]:
    """Summed per item (an item code has one unit), in the order items were first delivered."""
    summed: dict[str, AidTotal] = {}
    for row in rows:
        known = summed.get(row.item_code)
        quantity = (known.quantity if known else Decimal(0)) + row.quantity
        summed[row.item_code] = AidTotal(row.item_code, row.item_name, row.unit, quantity)
    return list(summed.values())


async def totals_by_incident(incident_ids: list[int]) -> dict[int, list[AidTotal]]:
    """Every delivery ever recorded, per incident: what the public transparency page shows."""
    if not incident_ids:
        return {}
    rows = await (
        AidDelivery.select(
            AidDelivery.incident, AidDelivery.delivered_on, AidDelivery.item_code, AidDelivery.item_name,
            AidDelivery.unit, AidDelivery.quantity, AidDelivery.destination, AidDelivery.created_at,
        )
        .where(AidDelivery.incident.is_in(incident_ids))
        .order_by(AidDelivery.delivered_on)
        .order_by(AidDelivery.id)
        .run()
    )
    by_incident: dict[int, list[DeliveryLine]] = {}
    for row in rows:
        by_incident.setdefault(row["incident"], []).append(_line(row))
    return {incident: totals(items) for incident, items in by_incident.items()}
