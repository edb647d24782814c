"""Translations: Indonesian is the source language, English the second locale.

Messages are written in Indonesian in templates and code; ``locales/en/LC_MESSAGES/messages.po``
holds their English text. The .po file is compiled in memory at first use, so there is no build
step and no compiled file to forget.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from lapor_bencana.paths import LOCALES_DIR

DEFAULT_LOCALE = "id"
LOCALES = {"id": "Bahasa Indonesia", "en": "English"}
LOCALE_COOKIE = "lang"

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    po_path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    if locale == DEFAULT_LOCALE or not po_path.exists():
        return _gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def gettext(message: str, **variables) -> str:
    text = translations(current_locale.get()).gettext(message)
    return text % variables if variables else text


def plural_form(singular: str, plural: str, n: int) -> str:
    """The translated form for ``n``, its variables not yet filled in (Jinja's newstyle gettext
    fills them in itself, with every variable the template passes)."""
    return translations(current_locale.get()).ngettext(singular, plural, n)


def ngettext(singular: str, plural: str, n: int, **variables) -> str:
    return plural_form(singular, plural, n) % {"num": n, **variables}


@contextmanager
def in_locale(locale: str) -> Iterator[None]:
    """Text for a reader whose language is fixed, whatever the request's (a CAP alert)."""
    token = current_locale.set(locale)
    try:
        yield
    finally:
        current_locale.reset(token)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def negotiate(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in LOCALES else DEFAULT_LOCALE
