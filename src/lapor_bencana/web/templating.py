"""The one Jinja environment (Litestar's), with translations and the helpers every page uses."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format_datetime
from jinja2 import Environment
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from lapor_bencana import history, i18n, labels
from lapor_bencana.accounts.service import ROLE_LABELS
from lapor_bencana.aid.items import item_name, quantity_text
from lapor_bencana.web import access
from lapor_bencana.hazards import HAZARDS, HAZARDS_BY_CODE
from lapor_bencana.overview.mapdata import marker_of
from lapor_bencana.paths import STATIC_DIR, TEMPLATES_DIR


@cache
def static_url(path: str) -> str:
    """A cache-busting URL: the content hash changes whenever the file does."""
    digest = hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:12]
    return f"/static/{path}?v={digest}"


def html_datetime(value: datetime) -> str:
    """For ``<time datetime>``: HTML allows at most milliseconds, and seconds are plenty here."""
    return value.isoformat(timespec="seconds")


# Day, month, year and time, as pages show the moments of an incident.
TIME_FORMAT = "d MMM yyyy HH:mm"


def template_config(local_zone: ZoneInfo, regency_name: str) -> TemplateConfig:
    def format_datetime(value: datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        return babel_format_datetime(value, format=fmt, tzinfo=local_zone, locale=i18n.current_locale.get())

    def format_time(value: datetime) -> str:
        # The pages' own date-and-time form, so that a history reads like the page around it.
        return format_datetime(value, TIME_FORMAT)

    def configure(engine: JinjaTemplateEngine) -> None:
        env: Environment = engine.engine
        env.add_extension("jinja2.ext.i18n")
        # Newstyle: Jinja fills in the variables (``num`` and any other) after translating.
        env.install_gettext_callables(i18n.gettext, i18n.plural_form, newstyle=True)  # type: ignore[attr-defined]
        env.globals.update(
            static_url=static_url,
            hazards=HAZARDS,
            hazards_by_code=HAZARDS_BY_CODE,
            locales=i18n.LOCALES,
            current_locale=i18n.current_locale.get,
            regency_name=regency_name,
            **labels.TEMPLATE_GLOBALS,
            current_user=access.current_user,
            home_of=access.home_of,
            role_labels=ROLE_LABELS,
            map_marker=marker_of,
            describe_event=lambda entry: history.describe(entry, format_time=format_time),
            raw_record=history.raw_record,
            item_name=item_name,
            quantity_text=quantity_text,
        )
        env.filters["datetime"] = format_datetime
        env.filters["html_datetime"] = html_datetime

    return TemplateConfig(directory=TEMPLATES_DIR, engine=JinjaTemplateEngine, engine_callback=configure)
