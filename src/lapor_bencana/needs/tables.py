from piccolo.columns import JSON, ForeignKey, Integer, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from lapor_bencana.accounts.tables import User


class StandardsVersion(Table, tablename="needs_standards_version"):
    """One saved set of needs standards. Rows are only added: a calculation names the version it
    used, so an old version must keep meaning what it meant."""

    version = Integer(unique=True)
    # Every rule in the form rules.Rule.to_data() writes and rules.parse_rules() reads.
    rules = JSON()
    note = Text(default="")
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
