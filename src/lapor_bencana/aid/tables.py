from enum import StrEnum

from piccolo.columns import Boolean, Date, ForeignKey, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from lapor_bencana.accounts.tables import User
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.regions.tables import Region

# Quantities keep three decimals, as the needs standards do (0,4 kg of rice).
QUANTITY_DIGITS = (14, 3)


class Warehouse(Table, tablename="aid_warehouse"):
    """A gudang of the office (or a partner) from which aid is sent."""

    name = Varchar(length=120, unique=True)
    district = Varchar(length=8, default="")  # kecamatan code, e.g. 63.11.06
    village = ForeignKey(references=Region, null=True)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    is_demo = Boolean(default=False)


class Direction(StrEnum):
    IN = "masuk"
    OUT = "keluar"


class SourceKind(StrEnum):
    WAREHOUSE = "gudang"
    DONOR = "donatur"


class DestinationKind(StrEnum):
    POST = "posko"
    VILLAGE = "desa"
    SHELTER = "pengungsian"


class AidDelivery(Table, tablename="aid_delivery"):
    """Aid handed over for an incident. Rows are only added; the totals per item feed the
    need / delivered / still missing table."""

    incident = ForeignKey(references=Incident, on_delete=OnDelete.cascade, index=True)
    # A needs-standards item code, or ``lain_…`` for an item the standards do not list.
    item_code = Varchar(length=40, index=True)
    item_name = Varchar(length=120)
    quantity = Numeric(digits=QUANTITY_DIGITS)
    unit = Varchar(length=12)
    source_kind = Varchar(length=12, choices=SourceKind)
    warehouse = ForeignKey(references=Warehouse, null=True, on_delete=OnDelete.restrict)
    donor = Varchar(length=160, default="")
    destination_kind = Varchar(length=12, choices=DestinationKind)
    destination = Varchar(length=160)
    destination_village = ForeignKey(references=Region, null=True)
    delivered_on = Date()
    recipient = Varchar(length=120)
    photo_key = Varchar(length=64, default="")
    thumbnail_key = Varchar(length=64, default="")
    note = Text(default="")
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class StockMovement(Table, tablename="aid_stock_movement"):
    """Goods into or out of a warehouse; the balance is the sum of these rows, never stored."""

    warehouse = ForeignKey(references=Warehouse, on_delete=OnDelete.restrict, index=True)
    item_code = Varchar(length=40, index=True)
    item_name = Varchar(length=120)
    quantity = Numeric(digits=QUANTITY_DIGITS)
    unit = Varchar(length=12)
    direction = Varchar(length=8, choices=Direction)
    moved_on = Date()
    # Who gave or sold the goods (stock in), or where they went (stock out).
    source = Varchar(length=160, default="")
    note = Text(default="")
    # Set on the "out" movement a delivery from this warehouse made.
    delivery = ForeignKey(references=AidDelivery, null=True, on_delete=OnDelete.restrict)
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
