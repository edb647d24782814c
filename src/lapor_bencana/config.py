"""Settings, read once from ``LAPOR_*`` environment variables (and a ``.env`` file).

Secrets that are not configured are generated on first run and kept in the data directory,
so a fresh install works and keeps working across restarts.
"""

from __future__ import annotations

import os
import re
import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated

import structlog
from PIL import Image, UnidentifiedImageError
from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

log = structlog.get_logger(__name__)

REGION_CODE_PATTERN = r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$"
VAPID_SUBJECT_PATTERN = re.compile(r"^(mailto:[^@\s]+@[\w-]+(\.[\w-]+)+|https://[\w-]+(\.[\w-]+)+)$")

# The push services of the browsers volunteers use: Chrome and other Chromium browsers (FCM),
# Firefox (Mozilla autopush), Edge (Windows Push Notification Services) and Safari (Apple).
DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "*.push.services.mozilla.com",
    "*.notify.windows.com",
    "web.push.apple.com",
)


# The letterhead's coat of arms: the formats fpdf2 embeds and browsers show.
EMBLEM_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
# A civil servant's NIP (Nomor Induk Pegawai).
NIP_DIGITS = 18


def check_emblem(path: Path) -> str:
    """The emblem's media type; a ValueError saying what is wrong with the file otherwise."""
    try:
        with Image.open(path) as image:
            kind = image.format
            image.verify()
    except (OSError, UnidentifiedImageError, SyntaxError) as error:
        raise ValueError(f"cannot read the coat of arms image {path}: {error}") from None
    if kind not in EMBLEM_FORMATS:
        raise ValueError(f"the coat of arms image {path} must be PNG or JPEG, not {kind}")
    return EMBLEM_FORMATS[kind]


def clean_nip(text: str) -> str | None:
    """A NIP (Nomor Induk Pegawai) as its 18 digits, written grouped or not; "" stays ""; None if invalid."""
    digits = "".join(text.split())
    if not digits:
        return ""
    return digits if digits.isdigit() and len(digits) == NIP_DIGITS else None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LAPOR_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = ""
    regency_code: str = Field(default="63.11", pattern=r"^\d{2}\.\d{2}$")
    secret_key: str = ""
    vapid_private_key: str = ""
    vapid_subject: str = "mailto:dinsos@balangankab.go.id"
    # Where people reach this server: every absolute link (tracking link, WhatsApp share, poster QR
    # code, CAP <web>) starts with it. `lapor run` sets it from --host and --port when it is not set.
    base_url: str = "http://127.0.0.1:8000"
    default_locale: str = "id"
    # Names a deployment; a new value gives phones a new service worker (and fresh cached pages).
    release: str = ""
    # Per client address. Generous: in a disaster whole villages share one carrier's NAT address.
    rate_limit_per_minute: int = Field(default=60, ge=1)
    # Days after an incident is closed (or a report rejected) that reporters' contacts and
    # volunteers' arrival positions are kept; 0 keeps them. See retention.py.
    personal_data_retention_days: int = Field(default=180, ge=0, le=3650)
    debug: bool = False
    # The server sends a request to whatever address a subscription names: only these push
    # services are accepted ("*.example.com" means its subdomains). Comma-separated in the variable.
    push_allowed_hosts: Annotated[tuple[str, ...], NoDecode] = DEFAULT_PUSH_HOSTS
    # Run the push worker inside the app; turn off where `lapor push worker` processes send instead.
    push_worker_embedded: bool = True
    push_concurrency: int = Field(default=50, ge=1, le=1000)
    push_batch_size: int = Field(default=200, ge=1, le=5000)
    push_timeout_s: float = Field(default=10.0, gt=0)
    push_lease_s: float = Field(default=120.0, gt=0)
    push_poll_s: float = Field(default=1.0, gt=0)
    push_retry_base_s: float = Field(default=10.0, gt=0)
    # Map tiles: a Leaflet URL template ({z}/{x}/{y}, optionally {s} and {r}); empty means no tiles,
    # maps then show their markers on a plain background. Its origin is added to the CSP img-src.
    map_tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    # Shown in the map's corner; HTML allowed (a link to the tile licence), so only the operator sets it.
    map_attribution: str = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    # Where maps open when they have nothing to show ("latitude,longitude"), and how close.
    map_center: Annotated[tuple[float, float], NoDecode] = (-2.33, 115.55)
    map_zoom: int = Field(default=10, ge=1, le=18)
    # Who CAP alerts name as their sender (CAP 1.2 §3.2.1: unique to the originator, no spaces,
    # commas or "<&"); empty means the e-mail address of LAPOR_VAPID_SUBJECT, else the host.
    cap_sender: str = Field(default="", pattern=r"^[^\s,<&]*$")
    # Tell the field officers (petugas) of a kecamatan by push of each new report there.
    notify_officers_of_reports: bool = True
    # The letterhead (kop surat) of situation reports: the coat of arms (a PNG or JPEG file; none
    # gives a text-only letterhead), the office under "Pemerintah <regency>", and its address.
    letterhead_emblem: Path | None = None
    letterhead_office: str = Field(default="Dinas Sosial", min_length=1, max_length=120)
    letterhead_address: str = Field(default="", max_length=200)
    # Starts every situation report number: the archive classification code (360 is "Bencana").
    document_number_prefix: str = Field(default="360", pattern=r"^[0-9A-Za-z.\-]{1,20}$")
    # Who signs situation reports (the report page can name someone else for one report), and the
    # place written before the date; an empty place means the regency's name.
    signatory_name: str = Field(default="", max_length=120)
    signatory_position: str = Field(default="Kepala Dinas Sosial", max_length=120)
    signatory_nip: str = ""
    signature_place: str = Field(default="", max_length=60)

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if value and not value.startswith(("sqlite://", "postgres://", "postgresql://")):
            raise ValueError("LAPOR_DATABASE_URL must start with sqlite:// or postgresql://")
        return value

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("vapid_private_key")
    @classmethod
    def _readable_vapid_key(cls, value: str) -> str:
        from lapor_bencana.push.vapid import load_private_key

        if value:
            load_private_key(value)
        return value

    @field_validator("vapid_subject")
    @classmethod
    def _contactable_subject(cls, value: str) -> str:
        # RFC 8292 §2.1: the "sub" claim is a mailto: or https: contact for the push service
        # (py-vapid refuses to sign with anything else, so a bad one must stop the start-up).
        if not VAPID_SUBJECT_PATTERN.match(value):
            raise ValueError("must be a mailto: address or an https:// site, e.g. mailto:dinsos@balangankab.go.id")
        return value

    @field_validator("letterhead_emblem", mode="before")
    @classmethod
    def _no_emblem_when_empty(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("letterhead_emblem")
    @classmethod
    def _readable_emblem(cls, value: Path | None) -> Path | None:
        if value is not None:
            check_emblem(value)
        return value

    @field_validator("signatory_nip")
    @classmethod
    def _eighteen_digit_nip(cls, value: str) -> str:
        nip = clean_nip(value)
        if nip is None:
            raise ValueError("must be the 18 digits of a civil servant's NIP, or empty")
        return nip

    @field_validator("push_allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value):
        if isinstance(value, str):
            value = value.split(",")
        return tuple(host.strip().lower() for host in value if host.strip())

    @field_validator("push_lease_s")
    @classmethod
    def _lease_outlasts_a_request(cls, value: float, info: ValidationInfo) -> float:
        # A claimed job is sent, answered and recorded before its lease ends (see push.worker): a
        # request takes up to one timeout, and the worker needs time besides to start and record it.
        if value < 2 * info.data.get("push_timeout_s", 0):
            raise ValueError("must be at least twice LAPOR_PUSH_TIMEOUT_S")
        return value

    @field_validator("map_tile_url")
    @classmethod
    def _tile_template(cls, value: str) -> str:
        from lapor_bencana.web.security import tile_sources

        value = value.strip()
        if value:
            tile_sources(value)
        return value

    @field_validator("map_center", mode="before")
    @classmethod
    def _latitude_longitude(cls, value):
        if isinstance(value, str):
            parts = value.split(",")
            if len(parts) != 2:
                raise ValueError("must be latitude,longitude, e.g. -2.33,115.55")
            value = tuple(float(part) for part in parts)
        latitude, longitude = value
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValueError("latitude must lie within ±90 and longitude within ±180")
        return (float(latitude), float(longitude))

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'lapor.sqlite3'}"

    def link(self, path: str) -> str:
        """The absolute URL of ``path`` (which starts with "/") on this server."""
        return self.base_url + path

    @property
    def effective_cap_sender(self) -> str:
        if self.cap_sender:
            return self.cap_sender
        if self.vapid_subject.startswith("mailto:"):
            return self.vapid_subject.removeprefix("mailto:")
        return self.vapid_subject.removeprefix("https://")

    @cached_property
    def effective_secret_key(self) -> str:
        """The configured secret, or one generated once and stored in the data directory."""
        if self.secret_key:
            return self.secret_key
        return _stored_secret(self.data_dir / "secret_key", lambda: secrets.token_urlsafe(48), "LAPOR_SECRET_KEY")

    @cached_property
    def effective_vapid_private_key(self) -> str:
        """The configured Web Push key, or one generated once and stored in the data directory."""
        from lapor_bencana.push.vapid import generate_private_key

        if self.vapid_private_key:
            return self.vapid_private_key
        return _stored_secret(self.data_dir / "vapid_private_key", generate_private_key, "LAPOR_VAPID_PRIVATE_KEY")


def _stored_secret(path: Path, generate, variable: str) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = generate()
    # Written in full to an owner-only file first, then linked into place: a process starting at the
    # same moment either finds no file or the complete one, and the first link wins.
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    try:
        os.link(draft, path)
    except FileExistsError:
        return path.read_text().strip()
    finally:
        draft.unlink()
    log.warning("secret generated", path=str(path), hint=f"set {variable} to manage it yourself")
    return value


def served_base_url(host: str, port: int) -> str:
    """The base URL of a server listening on ``host`` and ``port``. A wildcard address names no host
    that anybody can reach; its links say 127.0.0.1 until LAPOR_BASE_URL is set."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def load_settings(**overrides) -> Settings:
    return Settings(**overrides)
