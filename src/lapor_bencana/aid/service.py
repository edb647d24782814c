"""Warehouses, stock movements and aid deliveries: validation, audited writes, totals.

Stock balances are never stored: they are the sum of a warehouse's movements, read inside the
audited write transaction (which holds the audit chain's lock), so two deliveries cannot both
take the last sack.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from lapor_bencana import audit
from lapor_bencana.aid.items import (
    MAX_NAME_LENGTH,
    OLDEST_DATE,
    AidError,
    Item,
    parse_date,
    parse_quantity,
    quantity_text,
    resolve_item,
)
from lapor_bencana.aid.tables import AidDelivery, DestinationKind, Direction, SourceKind, StockMovement, Warehouse
from lapor_bencana.i18n import gettext as _
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.incidents.triage import Context
from lapor_bencana.needs.rules import Unit
from lapor_bencana.needs.words import UNIT_LABELS
from lapor_bencana.regions.service import village_in_regency
from lapor_bencana.reports.photos import ProcessedPhoto
from lapor_bencana.storage import BlobStore

MAX_TEXT = 160
MAX_NOTE = 1000


def _text(data: Mapping[str, str], key: str, limit: int, errors: dict[str, str], required: str | None = None) -> str:
    value = " ".join((data.get(key) or "").split())
    if required and not value:
        errors[key] = required
    elif len(value) > limit:
        errors[key] = _("Paling panjang %(n)s karakter.", n=limit)
    return value


def _note(data: Mapping[str, str], errors: dict[str, str]) -> str:
    value = (data.get("note") or "").strip()
    if len(value) > MAX_NOTE:
        errors["note"] = _("Catatan paling panjang %(n)s karakter.", n=MAX_NOTE)
    return value


def _quantity(data: Mapping[str, str], item: Item | None, errors: dict[str, str]) -> Decimal | None:
    try:
        return parse_quantity(data.get("quantity"), item.unit if item else None)
    except AidError as problem:
        errors.update(problem.errors)
        return None


def _date(data: Mapping[str, str], today: date, earliest: date | None, errors: dict[str, str]) -> date | None:
    try:
        return parse_date(data.get("date"), today, earliest or OLDEST_DATE)
    except AidError as problem:
        errors.update(problem.errors)
        return None


async def _check_unit(item: Item, errors: dict[str, str]) -> None:
    """An item outside the standards keeps the unit it was first recorded in, so that its totals add up."""
    if "item_name" in errors or "unit" in errors:
        return
    for table in (AidDelivery, StockMovement):
        row = await table.select(table.unit).where(table.item_code == item.code).first().run()
        if row and row["unit"] != item.unit:
            errors["unit"] = _(
                "%(item)s sudah pernah dicatat dalam %(unit)s; pakai satuan yang sama.", item=item.name, unit=_(UNIT_LABELS[Unit(row["unit"])])
            )
            return


def _decimal(value: Any) -> Decimal:
    # Through str(): a float read back from SQLite becomes 0.4, not its binary approximation.
    return value if isinstance(value, Decimal) else Decimal(str(value))


# --- Warehouses ---


async def warehouses(active_only: bool = False) -> list[dict[str, Any]]:
    query = Warehouse.select(
        Warehouse.id, Warehouse.name, Warehouse.district, Warehouse.village, Warehouse.active,
        Warehouse.village.name.as_alias("village_name"),
    ).order_by(Warehouse.name)
    if active_only:
        query = query.where(Warehouse.active == True)  # noqa: E712
    return await query.run()


async def create_warehouse(data: Mapping[str, str], regency_code: str, ctx: Context, *, is_demo: bool = False) -> int:
    errors: dict[str, str] = {}
    name = _text(data, "name", MAX_NAME_LENGTH, errors, required=_("Tulis nama gudang."))
    village = (data.get("village") or "").strip()
    district = (data.get("kecamatan") or "").strip()
    if village:
        if await village_in_regency(village, regency_code) is None:
            errors["village"] = _("Desa ini tidak ada di wilayah kabupaten ini.")
        district = village.rsplit(".", 1)[0]
    elif district and not (district.startswith(regency_code + ".") and len(district) == len(regency_code) + 3):
        errors["kecamatan"] = _("Kecamatan tidak dikenal.")
    # Compared here: SQLite has no ILIKE, and LIKE would read "_" in a name as a wildcard.
    if name and name.casefold() in {row["name"].casefold() for row in await Warehouse.select(Warehouse.name).run()}:
        errors["name"] = _("Sudah ada gudang bernama %(name)s.", name=name)
    if errors:
        raise AidError(errors)
    values = {"name": name, "district": district, "village": village or None, "active": True, "is_demo": is_demo}
    async with audit.transaction():
        row = (await Warehouse.insert(Warehouse(**values)).returning(Warehouse.id).run())[0]
        await audit.record(
            action="warehouse.create", entity_type="warehouse", entity_id=row["id"], actor=ctx.actor,
            after=values, client_address=ctx.client_address,
        )
    return row["id"]


async def set_warehouse_active(warehouse_id: int, active: bool, ctx: Context) -> None:
    async with audit.transaction():
        row = await Warehouse.select(Warehouse.active).where(Warehouse.id == warehouse_id).first().run()
        if row is None:
            raise AidError({"form": _("Gudang tidak ditemukan.")})
        if row["active"] == active:
            return
        await Warehouse.update({Warehouse.active: active}).where(Warehouse.id == warehouse_id).run()
        await audit.record(
            action="warehouse.update", entity_type="warehouse", entity_id=warehouse_id, actor=ctx.actor,
            before={"active": row["active"]}, after={"active": active}, client_address=ctx.client_address,
        )


async def _active_warehouse(warehouse_id: Any, errors: dict[str, str], field: str = "warehouse") -> dict | None:
    try:
        key = int(warehouse_id)
    except (TypeError, ValueError):
        errors[field] = _("Pilih gudang.")
        return None
    row = await Warehouse.select(Warehouse.id, Warehouse.name, Warehouse.active).where(Warehouse.id == key).first().run()
    if row is None or not row["active"]:
        errors[field] = _("Pilih gudang yang aktif.")
        return None
    return row


# --- Stock ---


@dataclass(frozen=True, slots=True)
class Balance:
    warehouse_id: int
    warehouse_name: str
    item_code: str
    item_name: str
    unit: str
    stock_in: Decimal
    stock_out: Decimal

    @property
    def balance(self) -> Decimal:
        return self.stock_in - self.stock_out


async def stock_balances(warehouse_id: int | None = None) -> list[Balance]:
    """In, out and balance per warehouse and item, sorted by warehouse then item name.

    Summed here rather than in SQL: SQLite would add the quantities as binary floats."""
    query = StockMovement.select(
        StockMovement.warehouse, StockMovement.warehouse.name.as_alias("warehouse_name"), StockMovement.item_code,
        StockMovement.item_name, StockMovement.unit, StockMovement.direction, StockMovement.quantity,
    ).order_by(StockMovement.id)
    if warehouse_id is not None:
        query = query.where(StockMovement.warehouse == warehouse_id)
    sums: dict[tuple[int, str], dict[str, Any]] = {}
    for row in await query.run():
        entry = sums.setdefault(
            (row["warehouse"], row["item_code"]),
            {"name": row["warehouse_name"], "item": row["item_name"], "unit": row["unit"], "in": Decimal(0), "out": Decimal(0)},
        )
        entry["item"] = row["item_name"]
        entry["in" if row["direction"] == Direction.IN else "out"] += _decimal(row["quantity"])
    balances = [
        Balance(warehouse, entry["name"], code, entry["item"], entry["unit"], entry["in"], entry["out"])
        for (warehouse, code), entry in sums.items()
    ]
    return sorted(balances, key=lambda b: (b.warehouse_name.lower(), b.item_name.lower()))


async def balance_of(warehouse_id: int, item_code: str) -> Decimal:
    return next((b.balance for b in await stock_balances(warehouse_id) if b.item_code == item_code), Decimal(0))


async def _check_stock(warehouse: Mapping[str, Any], item: Item, quantity: Decimal, errors: dict[str, str]) -> None:
    """What leaves a warehouse can be at most what it holds."""
    balance = await balance_of(warehouse["id"], item.code)
    if quantity > balance:
        errors["quantity"] = _(
            "Stok %(item)s di %(warehouse)s tinggal %(balance)s, tidak cukup untuk %(wanted)s.",
            item=item.name,
            warehouse=warehouse["name"],
            balance=quantity_text(item.unit, balance),
            wanted=quantity_text(item.unit, quantity),
        )


async def record_stock_movement(
    data: Mapping[str, str], items: list[Item], direction: Direction, ctx: Context, today: date
) -> int:
    """Goods into (a purchase, a donation, a Kemensos allocation) or out of a warehouse (damaged,
    lent to another office); an "out" that would leave less than nothing is refused."""
    errors: dict[str, str] = {}
    item = resolve_item(data, items, errors)
    quantity = _quantity(data, item, errors)
    moved_on = _date(data, today, None, errors)
    source = _text(data, "source", MAX_TEXT, errors, required=_("Tulis asal barang.") if direction == Direction.IN else None)
    note = _note(data, errors)
    if item is not None:
        await _check_unit(item, errors)
    async with audit.transaction():
        warehouse = await _active_warehouse(data.get("warehouse"), errors)
        if not errors and direction == Direction.OUT:
            await _check_stock(warehouse, item, quantity, errors)
        if errors:
            raise AidError(errors)
        values = {
            "warehouse": warehouse["id"], "item_code": item.code, "item_name": item.label, "quantity": quantity,
            "unit": item.unit.value, "direction": direction.value, "moved_on": moved_on, "source": source,
            "note": note, "recorded_by": ctx.actor.id,
        }
        row = (await StockMovement.insert(StockMovement(**values)).returning(StockMovement.id).run())[0]
        await audit.record(
            action="stock.in" if direction == Direction.IN else "stock.out", entity_type="stock_movement",
            entity_id=row["id"], actor=ctx.actor, after=values, client_address=ctx.client_address,
        )
    return row["id"]


async def record_stock_in(data: Mapping[str, str], items: list[Item], ctx: Context, today: date) -> int:
    return await record_stock_movement(data, items, Direction.IN, ctx, today)


async def record_stock_out(data: Mapping[str, str], items: list[Item], ctx: Context, today: date) -> int:
    return await record_stock_movement(data, items, Direction.OUT, ctx, today)


async def movements(warehouse_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The latest movements, newest first."""
    query = StockMovement.select(
        StockMovement.all_columns(),
        StockMovement.warehouse.name.as_alias("warehouse_name"),
        StockMovement.recorded_by.full_name.as_alias("recorded_by_name"),
        StockMovement.delivery.incident.code.as_alias("incident_code"),
    ).order_by(StockMovement.id, ascending=False).limit(limit)
    if warehouse_id is not None:
        query = query.where(StockMovement.warehouse == warehouse_id)
    return await query.run()


# --- Deliveries ---


async def record_delivery(
    incident_id: int,
    data: Mapping[str, str],
    items: list[Item],
    ctx: Context,
    *,
    regency_code: str,
    today: date,
    earliest: date | None = None,
    photo: ProcessedPhoto | None = None,
    store: BlobStore | None = None,
) -> int:
    """Stores a delivery; one from a warehouse takes its goods out of that warehouse's stock in the
    same transaction, and is refused when the stock is short. ``earliest`` is the first day the
    incident could have received aid (the day it happened)."""
    errors: dict[str, str] = {}
    item = resolve_item(data, items, errors)
    quantity = _quantity(data, item, errors)
    delivered_on = _date(data, today, earliest, errors)
    try:
        source_kind = SourceKind(data.get("source_kind") or "")
    except ValueError:
        source_kind = None
        errors["source_kind"] = _("Pilih asal bantuan: gudang atau donatur.")
    donor = _text(data, "donor", MAX_TEXT, errors, required=_("Tulis nama donatur.") if source_kind == SourceKind.DONOR else None)
    try:
        destination_kind = DestinationKind(data.get("destination_kind") or "")
    except ValueError:
        destination_kind = None
        errors["destination_kind"] = _("Pilih jenis tujuan.")
    destination = _text(data, "destination", MAX_TEXT, errors, required=_("Tulis tujuan, misalnya nama posko atau desa."))
    village = (data.get("destination_village") or "").strip()
    if village and await village_in_regency(village, regency_code) is None:
        errors["destination_village"] = _("Desa ini tidak ada di wilayah kabupaten ini.")
    recipient = _text(data, "recipient", MAX_NAME_LENGTH, errors, required=_("Tulis nama penerima."))
    note = _note(data, errors)
    if item is not None:
        await _check_unit(item, errors)
    keys = (store.put(photo.jpeg), store.put(photo.thumbnail)) if photo and store else ("", "")
    async with audit.transaction():
        if not await Incident.exists().where(Incident.id == incident_id).run():
            raise AidError({"form": _("Kejadian tidak ditemukan.")})
        warehouse = None
        if source_kind == SourceKind.WAREHOUSE:
            warehouse = await _active_warehouse(data.get("warehouse"), errors)
            if warehouse and not errors:
                await _check_stock(warehouse, item, quantity, errors)
        if errors:
            raise AidError(errors)
        values = {
            "incident": incident_id, "item_code": item.code, "item_name": item.label, "quantity": quantity,
            "unit": item.unit.value, "source_kind": source_kind.value, "warehouse": warehouse["id"] if warehouse else None,
            "donor": donor if source_kind == SourceKind.DONOR else "", "destination_kind": destination_kind.value,
            "destination": destination, "destination_village": village or None, "delivered_on": delivered_on,
            "recipient": recipient, "photo_key": keys[0], "thumbnail_key": keys[1], "note": note,
            "recorded_by": ctx.actor.id,
        }
        delivery_id = (await AidDelivery.insert(AidDelivery(**values)).returning(AidDelivery.id).run())[0]["id"]
        await audit.record(
            action="aid.deliver", entity_type="aid_delivery", entity_id=delivery_id, actor=ctx.actor,
            after=values, client_address=ctx.client_address,
        )
        if warehouse:
            await _take_out_for(delivery_id, values, ctx)
    return delivery_id


async def _take_out_for(delivery_id: int, delivery: Mapping[str, Any], ctx: Context) -> None:
    movement = {
        "warehouse": delivery["warehouse"], "item_code": delivery["item_code"], "item_name": delivery["item_name"],
        "quantity": delivery["quantity"], "unit": delivery["unit"], "direction": Direction.OUT.value,
        "moved_on": delivery["delivered_on"], "source": delivery["destination"], "note": "",
        "delivery": delivery_id, "recorded_by": ctx.actor.id,
    }
    row = (await StockMovement.insert(StockMovement(**movement)).returning(StockMovement.id).run())[0]
    await audit.record(
        action="stock.out", entity_type="stock_movement", entity_id=row["id"], actor=ctx.actor,
        after=movement, client_address=ctx.client_address,
    )


async def deliveries_of(incident_id: int) -> list[dict[str, Any]]:
    """Every delivery to the incident, newest first, with warehouse, village and recorder names."""
    rows = await (
        AidDelivery.select(
            AidDelivery.all_columns(),
            AidDelivery.warehouse.name.as_alias("warehouse_name"),
            AidDelivery.destination_village.name.as_alias("village_name"),
            AidDelivery.recorded_by.full_name.as_alias("recorded_by_name"),
        )
        .where(AidDelivery.incident == incident_id)
        .order_by(AidDelivery.delivered_on, ascending=False)
        .order_by(AidDelivery.id, ascending=False)
        .run()
    )
    for row in rows:
        row["quantity"] = _decimal(row["quantity"])
    return rows


async def delivered_totals(incident_id: int) -> dict[str, Decimal]:
    """Quantity delivered per item code (each code has one unit), summed exactly."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    rows = await AidDelivery.select(AidDelivery.item_code, AidDelivery.quantity).where(AidDelivery.incident == incident_id).run()
    for row in rows:
        totals[row["item_code"]] += _decimal(row["quantity"])
    return dict(totals)


async def delivery_photo_key(delivery_id: int, thumbnail: bool) -> str | None:
    column = AidDelivery.thumbnail_key if thumbnail else AidDelivery.photo_key
    row = await AidDelivery.select(column).where(AidDelivery.id == delivery_id).first().run()
    return (row[column._meta.name] or None) if row else None
