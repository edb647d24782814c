"""Settings, read once from ``LAPOR_*`` environment variables (and a ``.env`` file).

Secrets that are not configured are generated on first run and kept in the data directory,
so a fresh install works and keeps working across restarts.
"""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path

import structlog
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = structlog.get_logger(__name__)

REGION_CODE_PATTERN = r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LAPOR_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = ""
    regency_code: str = Field(default="63.11", pattern=r"^\d{2}\.\d{2}$")
    secret_key: str = ""
    vapid_private_key: str = ""
    vapid_subject: str = "mailto:dinsos@balangankab.go.id"
    base_url: str = "http://127.0.0.1:8000"
    default_locale: str = "id"
    # Names a deployment; a new value gives phones a new service worker (and fresh cached pages).
    release: str = ""
    # Per client address. Generous: in a disaster whole villages share one carrier's NAT address.
    rate_limit_per_minute: int = Field(default=60, ge=1)
    debug: bool = False
    # Set only by the test suite: lets push subscriptions point at a local push service.
    testing: bool = False

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if value and not value.startswith(("sqlite://", "postgres://", "postgresql://")):
            raise ValueError("LAPOR_DATABASE_URL must start with sqlite:// or postgresql://")
        return value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'lapor.sqlite3'}"

    @cached_property
    def effective_secret_key(self) -> str:
        """The configured secret, or one generated once and stored in the data directory."""
        if self.secret_key:
            return self.secret_key
        return _stored_secret(self.data_dir / "secret_key", lambda: secrets.token_urlsafe(48))


def _stored_secret(path: Path, generate) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = generate()
    # Created with owner-only permissions before anything is written into it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    log.warning("secret generated", path=str(path), hint="set LAPOR_SECRET_KEY to manage it yourself")
    return value


def load_settings(**overrides) -> Settings:
    return Settings(**overrides)
