from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from lapor_bencana.incidents.tables import Incident


class CapMessage(Table, tablename="cap_message"):
    """One CAP message issued for an incident (sitrep/cap.py): a new one each time the alert's
    content changes, numbered per incident. Unique on (incident, sequence) (migration
    "unique CAP message numbers"), which concurrent issuers rely on."""

    incident = ForeignKey(references=Incident, on_delete=OnDelete.cascade)
    sequence = Integer()
    # SHA-256 of the alert's content without identifier, sent, msgType and references.
    digest = Varchar(length=64)
    sent = Timestamptz()
