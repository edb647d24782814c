from enum import StrEnum

from piccolo.columns import Boolean, Bytea, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
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
    # Set by a coordinator's reset: someone else knows it, so it must be changed before anything else.
    password_temporary = Boolean(default=False)
    # Self-registered volunteers wait for a coordinator's approval.
    approved = Boolean(default=False)
    active = Boolean(default=True)
    # Sign-in throttling (accounts/throttle.py); the same three columns as SignInThrottle.
    failed_logins = Integer(default=0)
    last_failed_login_at = Timestamptz(null=True, default=None)
    locked_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    is_demo = Boolean(default=False)


class WebSession(Table, tablename="web_session"):
    """A signed-in browser (accounts/sessions.py). Anonymous visitors never get a row."""

    # SHA-256 of the id in the cookie: a copy of this table opens no session.
    key_digest = Varchar(length=64, unique=True)
    data = Bytea()
    expires_at = Timestamptz(null=True, default=None, index=True)
    # Lets every session of an account end at once (deactivation, password change).
    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.cascade, index=True)


class SignInThrottle(Table, tablename="sign_in_throttle"):
    """Failed sign-ins of one client address, or of one name that matches no account (so that
    unknown names are throttled exactly like real accounts and do not give themselves away)."""

    key = Varchar(length=160, unique=True)
    failed_logins = Integer(default=0)
    last_failed_login_at = Timestamptz(null=True, default=None, index=True)
    locked_until = Timestamptz(null=True, default=None)
