"""Every message in code and templates must have an English translation (see scripts/update-translations)."""

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from lapor_bencana import i18n
from lapor_bencana.paths import LOCALES_DIR, PACKAGE_DIR, TEMPLATES_DIR

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def extracted_messages() -> set[str]:
    found = set()
    for folder, method in ((PACKAGE_DIR, "python"), (TEMPLATES_DIR, "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _file, _line, message, _comments, _context in extract_from_dir(
            folder, method_map=[(pattern, method)], keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_scan_finds_messages_in_code_and_templates():
    messages = extracted_messages()
    assert "Kebakaran rumah" in messages  # from hazards.py
    assert "Kirim laporan" in messages  # from a template


def test_every_message_has_an_english_translation():
    with (LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    missing = sorted(extracted_messages() - translated)
    assert not missing, f"untranslated (run scripts/update-translations): {missing}"


def test_gettext_follows_the_current_locale():
    token = i18n.current_locale.set("en")
    try:
        assert i18n.gettext("Kebakaran rumah") == "House fire"
        assert i18n.gettext("Kode: %(code)s", code=404) == "Code: 404"
    finally:
        i18n.current_locale.reset(token)
    assert i18n.gettext("Kebakaran rumah") == "Kebakaran rumah"


def test_only_known_locales_are_chosen():
    assert i18n.negotiate("en") == "en"
    assert i18n.negotiate("fr") == "id"
    assert i18n.negotiate(None) == "id"
