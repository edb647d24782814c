from enum import StrEnum

from piccolo.columns import Boolean, Float, ForeignKey, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from lapor_bencana.accounts.tables import User
from lapor_bencana.impact import ImpactCounts
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.regions.tables import Region


class ReportStatus(StrEnum):
    BARU = "baru"
    TERVERIFIKASI = "terverifikasi"
    DIGABUNG = "digabung"
    DITANGANI = "ditangani"
    SELESAI = "selesai"
    DITOLAK = "ditolak"


class ReportSource(StrEnum):
    WARGA = "warga"
    PETUGAS = "petugas"
    RELAWAN = "relawan"
    API = "api"


class ReportChannel(StrEnum):
    """How a report reached us: the app's own form (sent at once, or later from the phone's outbox)
    or another system through the API."""

    FORM = "formulir"
    OUTBOX = "antrean"
    API = "api"


class LocationSource(StrEnum):
    NONE = ""
    DEVICE = "perangkat"
    PHOTO = "foto"


class RejectionReason(StrEnum):
    NONE = ""
    HOAX = "hoaks"
    DUPLICATE = "duplikat"
    NOT_A_DISASTER = "bukan_bencana"
    OUTSIDE_AREA = "luar_wilayah"


class Report(ImpactCounts, Table, tablename="report"):
    """What one person (or gateway) told us; coordinators turn reports into incidents."""

    code = Varchar(length=16, unique=True)
    # One report per client-generated key, even under concurrent retries.
    idempotency_key = Varchar(length=128, null=True, default=None, unique=True)
    # SHA-256 of the first request's canonical content: the same key with other content is refused.
    idempotency_fingerprint = Varchar(length=64, null=True, default=None)
    hazard = Varchar(length=32)
    occurred_at = Timestamptz()
    received_at = Timestamptz(default=TimestamptzNow())
    latitude = Float(null=True, default=None)
    longitude = Float(null=True, default=None)
    accuracy_m = Float(null=True, default=None)
    # Where the coordinates came from: the phone's GPS, or the GPS data of an attached photo.
    location_source = Varchar(length=16, choices=LocationSource, default=LocationSource.NONE)
    village = ForeignKey(references=Region, null=True)
    # The village was not picked but derived from the position (regions.boundaries).
    village_derived = Boolean(default=False)
    address = Varchar(length=300, default="")
    description = Text(default="")
    reporter_name = Varchar(length=120, default="")
    reporter_phone = Varchar(length=20, default="")
    reporter = ForeignKey(references=User, null=True)
    source = Varchar(length=16, choices=ReportSource, default=ReportSource.WARGA)
    channel = Varchar(length=16, choices=ReportChannel, default=ReportChannel.FORM)
    # The name another system gave itself (X-Client-Name) when the channel is the API.
    client_name = Varchar(length=64, default="")
    status = Varchar(length=16, choices=ReportStatus, default=ReportStatus.BARU)
    incident = ForeignKey(references=Incident, null=True)
    # Triage: who checks on site, and why a report was not followed up.
    assigned_officer = ForeignKey(references=User, null=True)
    rejection_reason = Varchar(length=16, choices=RejectionReason, default=RejectionReason.NONE)
    rejection_note = Varchar(length=300, default="")
    triaged_at = Timestamptz(null=True, default=None)
    is_demo = Boolean(default=False)


class ReportPhoto(Table, tablename="report_photo"):
    report = ForeignKey(references=Report, on_delete=OnDelete.cascade)
    position = SmallInt(default=0)
    image_key = Varchar(length=64)
    thumbnail_key = Varchar(length=64)
    width = Integer()
    height = Integer()
    size_bytes = Integer()
    created_at = Timestamptz(default=TimestamptzNow())


class ReportStatusChange(Table, tablename="report_status_change"):
    """The public timeline of a report: what the reporter sees on the tracking page."""

    report = ForeignKey(references=Report, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=16, choices=ReportStatus)
    changed_at = Timestamptz(default=TimestamptzNow())
    public_note = Varchar(length=300, default="")
