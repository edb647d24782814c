from enum import StrEnum

from piccolo.columns import Boolean, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Role(StrEnum):
    ADMIN = "admin"
    KOORDINATOR = "koordinator"
    PETUGAS = "petugas"
    RELAWAN = "relawan"


class User(Table, tablename="app_user"):
    username = Varchar(length=64, unique=True)
    phone = Varchar(length=20, null=True, default=None, unique=True)
    full_name = Varchar(length=120)
    organisation = Varchar(length=120, default="")
    role = Varchar(length=16, choices=Role)
    password_hash = Varchar(length=200)
    # Self-registered volunteers wait for a coordinator's approval.
    approved = Boolean(default=False)
    active = Boolean(default=True)
    failed_logins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    is_demo = Boolean(default=False)
