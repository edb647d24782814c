from piccolo.columns import Integer, Varchar
from piccolo.table import Table


class RateWindow(Table, tablename="rate_window"):
    """Public writes per client address per clock minute, counted by every app process together
    (PostgreSQL only; see web/rate_limit.py). Unique on (address, minute), see its migration."""

    address = Varchar(length=64)
    minute = Integer(index=True)  # minutes since the Unix epoch
    requests = Integer(default=0)
