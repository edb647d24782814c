from enum import StrEnum

from piccolo.columns import Boolean, Float, ForeignKey, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from lapor_bencana.accounts.tables import User
from lapor_bencana.impact import ImpactCounts
from lapor_bencana.regions.tables import Region


class IncidentStatus(StrEnum):
    DILAPORKAN = "dilaporkan"
    TERVERIFIKASI = "terverifikasi"
    DITANGANI = "ditangani"
    SELESAI = "selesai"


class Priority(StrEnum):
    RENDAH = "rendah"
    SEDANG = "sedang"
    TINGGI = "tinggi"
    KRITIS = "kritis"


class EmergencyStatus(StrEnum):
    """Set by the bupati's decree (shared domain notes); most incidents never get one."""

    NONE = ""
    SIAGA = "siaga_darurat"
    TANGGAP = "tanggap_darurat"
    TRANSISI = "transisi_darurat"


class Incident(Table, tablename="incident"):
    """One real-world event that one or more reports describe."""

    code = Varchar(length=16, unique=True)
    hazard = Varchar(length=32)
    title = Varchar(length=160)
    status = Varchar(length=16, choices=IncidentStatus, default=IncidentStatus.DILAPORKAN)
    priority = Varchar(length=8, choices=Priority, default=Priority.SEDANG)
    emergency_status = Varchar(length=20, choices=EmergencyStatus, default=EmergencyStatus.NONE)
    village = ForeignKey(references=Region, null=True)
    # The village was not picked but derived from the position (regions.boundaries).
    village_derived = Boolean(default=False)
    latitude = Float(null=True, default=None)
    longitude = Float(null=True, default=None)
    # How far a call for help reaches by default.
    radius_km = Float(default=10.0)
    # The needs calculation's planning horizon and whether a public kitchen feeds the displaced.
    planning_days = SmallInt(default=7)
    public_kitchen = Boolean(default=True)
    occurred_at = Timestamptz()
    verified_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    is_demo = Boolean(default=False)


class Assessment(ImpactCounts, Table, tablename="assessment"):
    """A dated rapid assessment (kaji cepat) snapshot; the incident's figures are the latest verified one."""

    incident = ForeignKey(references=Incident, on_delete=OnDelete.cascade, index=True)
    recorded_by = ForeignKey(references=User, null=True)
    recorded_at = Timestamptz(default=TimestamptzNow())
    verified = Boolean(default=False)
    verified_by = ForeignKey(references=User, null=True)
    verified_at = Timestamptz(null=True, default=None)
    houses_flooded = Integer(null=True, default=None)
    schools_damaged = Integer(null=True, default=None)
    health_facilities_damaged = Integer(null=True, default=None)
    worship_places_damaged = Integer(null=True, default=None)
    public_facilities_damaged = Integer(null=True, default=None)
    situation_note = Text(default="")
    needs_note = Text(default="")
