from enum import StrEnum

from piccolo.columns import Boolean, Float, ForeignKey, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from lapor_bencana.accounts.tables import User
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.regions.tables import Region


class VolunteerProfile(Table, tablename="volunteer_profile"):
    """Where a volunteer or field officer is and what they can do; one per account."""

    user = ForeignKey(references=User, unique=True, on_delete=OnDelete.cascade)
    skills = Integer(default=0)  # bits of volunteers.skills.SKILLS
    home_district = Varchar(length=8, default="", index=True)  # kecamatan code, e.g. 63.11.06
    home_village = ForeignKey(references=Region, null=True)
    # Covered by the index volunteer_profile_position (see its migration) for "who is near".
    latitude = Float(null=True, default=None)
    longitude = Float(null=True, default=None)
    radius_km = Float(default=15.0)
    available = Boolean(default=True, index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class CallForHelp(Table, tablename="call_for_help"):
    incident = ForeignKey(references=Incident, on_delete=OnDelete.cascade, index=True)
    skills = Integer(default=0)
    radius_km = Float()
    people_needed = SmallInt(default=1)
    message = Text(default="")
    lives_at_risk = Boolean(default=False)
    created_by = ForeignKey(references=User, null=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Response(StrEnum):
    NONE = ""
    WILLING = "bersedia"
    ON_THE_WAY = "berangkat"
    ARRIVED = "tiba"
    DONE = "selesai"
    CANNOT = "tidak_bisa"


class CallRecipient(Table, tablename="call_recipient"):
    """One volunteer called, and what they answered: the deployment record of an incident."""

    call = ForeignKey(references=CallForHelp, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    distance_km = Float(null=True, default=None)
    response = Varchar(length=12, choices=Response, default=Response.NONE)
    responded_at = Timestamptz(null=True, default=None)
    arrived_at = Timestamptz(null=True, default=None)
    arrival_latitude = Float(null=True, default=None)
    arrival_longitude = Float(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)
