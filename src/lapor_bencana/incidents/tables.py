from enum import StrEnum

from piccolo.columns import Boolean, Float, ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from lapor_bencana.regions.tables import Region


class IncidentStatus(StrEnum):
    DILAPORKAN = "dilaporkan"
    TERVERIFIKASI = "terverifikasi"
    DITANGANI = "ditangani"
    SELESAI = "selesai"


class Incident(Table, tablename="incident"):
    """One real-world event that one or more reports describe."""

    code = Varchar(length=16, unique=True)
    hazard = Varchar(length=32)
    title = Varchar(length=160)
    status = Varchar(length=16, choices=IncidentStatus, default=IncidentStatus.DILAPORKAN)
    village = ForeignKey(references=Region, null=True)
    latitude = Float(null=True, default=None)
    longitude = Float(null=True, default=None)
    occurred_at = Timestamptz()
    verified_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    is_demo = Boolean(default=False)
