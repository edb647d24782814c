from enum import StrEnum

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from lapor_bencana.accounts.tables import User


class Urgency(StrEnum):
    """RFC 8030 §5.3: how soon the device should wake for the message; ``high`` when lives are at risk."""

    VERY_LOW = "very-low"
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class JobStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    # The push service said the subscription no longer exists (404 or 410).
    GONE = "gone"
    FAILED = "failed"
    # Its time to live ran out before it could be delivered.
    EXPIRED = "expired"


class PushSubscription(Table, tablename="push_subscription"):
    """A browser's PushSubscription: one per device a user turned notifications on in."""

    user = ForeignKey(references=User, null=False, on_delete=OnDelete.cascade, index=True)
    endpoint = Varchar(length=2048, unique=True)
    # The browser's P-256 public key and auth secret, base64url as the browser gives them.
    p256dh = Varchar(length=100)
    auth = Varchar(length=50)
    created_at = Timestamptz(default=TimestamptzNow())
    last_success_at = Timestamptz(null=True, default=None)


class PushJob(Table, tablename="push_job"):
    """The outbox: one message to one subscription, drained by the push worker."""

    # Kept (emptied) when the subscription goes, as the record of what happened.
    subscription = ForeignKey(references=PushSubscription, null=True, on_delete=OnDelete.set_null, index=True)
    # The call for help this message belongs to, when it belongs to one.
    call_id = Integer(null=True, default=None, index=True)
    payload = Text()
    ttl = Integer()
    urgency = Varchar(length=8, choices=Urgency, default=Urgency.NORMAL)
    topic = Varchar(length=32, null=True, default=None)
    status = Varchar(length=8, choices=JobStatus, default=JobStatus.PENDING)
    attempts = Integer(default=0)
    # When a worker may take the job: its (next) try while pending, the end of the claiming worker's
    # lease while sending, none once finished, so the claim query's index holds only live jobs.
    next_attempt_at = Timestamptz(null=True, default=TimestamptzNow(), index=True)
    claimed_by = Varchar(length=64, null=True, default=None)
    last_status = Integer(null=True, default=None)
    last_error = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
