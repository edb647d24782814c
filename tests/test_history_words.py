"""Every action the code records has its own sentence; field names and stored codes become words."""

import ast
from datetime import UTC, datetime
from pathlib import Path

from lapor_bencana import audit, history, i18n
from lapor_bencana.audit.service import ACTION_PATTERN
from lapor_bencana.impact import FIGURES

SOURCE = Path(history.__file__).parent
SOME_TIME = datetime(2026, 1, 5, 3, 45, tzinfo=UTC)


def _strings(node: ast.AST) -> set[str]:
    return {
        part.value for part in ast.walk(node)
        if isinstance(part, ast.Constant) and isinstance(part.value, str) and ACTION_PATTERN.fullmatch(part.value)
    }


def recorded_actions() -> dict[str, str]:
    """Every action written in the code, with where: ``action=`` arguments, ``action = …``
    assignments and the action argument of ``audit.record`` wrappers (``_record(ctx, "…", …)``)."""
    found: dict[str, str] = {}
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            places: list[ast.AST] = []
            if isinstance(node, ast.Call):
                places += [keyword.value for keyword in node.keywords if keyword.arg == "action"]
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name.endswith("record"):
                    places += node.args
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "action" for t in node.targets):
                places.append(node.value)
            for place in places:
                # An action built at run time could not be checked here: the code writes them out.
                assert not any(isinstance(part, ast.JoinedStr) for part in ast.walk(place)), (
                    f"{path}:{node.lineno}: write the action out instead of formatting it"
                )
                found |= {action: f"{path.name}:{node.lineno}" for action in _strings(place)}
    return found


def test_every_action_the_code_records_has_its_own_sentence():
    actions = recorded_actions()
    # The scan itself works: it finds actions of every area that records them.
    assert {"incident.status", "report.reject", "stock.in", "stock.out", "user.deactivate", "user.lock"} <= set(actions)
    missing = {action: where for action, where in actions.items() if action not in history.ACTION_SENTENCES}
    assert not missing, f"actions without a sentence in history.ACTION_SENTENCES: {missing}"


def test_every_sentence_names_its_actor():
    for action, sentence in history.ACTION_SENTENCES.items():
        assert "%(actor)s" in sentence, action


def entry(action: str, entity_type: str = "incident", before=None, after=None, actor=audit.SYSTEM):
    return audit.HistoryEntry(
        seq=1, occurred_at=SOME_TIME, actor=actor, action=action, entity_type=entity_type, entity_id="1",
        before=before, after=after, client_address=None,
    )


def describe(event: audit.HistoryEntry) -> history.Described:
    return history.describe(event, format_time=lambda moment: f"<{moment.isoformat()}>")


def test_every_figure_has_its_label_from_the_one_list():
    changes = describe(entry("assessment.create", after={f.name: 1 for f in FIGURES})).changes
    assert {change.label for change in changes} == {f.label for f in FIGURES}


def test_stored_codes_show_as_the_labels_of_their_field():
    event = entry(
        "report.reject", "report",
        before={"status": "baru"}, after={"status": "ditolak", "reason": "bukan_bencana", "note": "Cuma genangan"},
    )
    changes = {change.label: (change.before, change.after) for change in describe(event).changes}
    assert changes["Status"] == ("Baru", "Ditolak")
    assert changes["Alasan"] == (None, "Bukan kejadian bencana")
    assert changes["Catatan"] == (None, "Cuma genangan")


def test_an_incident_status_uses_the_incident_labels_in_the_sentence_too():
    event = entry("incident.status", before={"status": "terverifikasi"}, after={"status": "ditangani"})
    described = describe(event)
    assert described.sentence == "sistem mengubah status kejadian menjadi Sedang ditangani"
    (change,) = described.changes
    assert (change.label, change.before, change.after) == ("Status", "Terverifikasi", "Sedang ditangani")


def test_times_in_values_are_formatted_like_the_page_and_lists_are_words():
    event = entry(
        "call.answer", "call_recipient",
        before={"response": "bersedia", "responded_at": None},
        after={"response": "tiba", "responded_at": "2026-01-05T03:45:00.000000Z", "skills": ["evakuasi", "dapur_umum"]},
    )
    changes = {change.label: change.after for change in describe(event).changes}
    assert changes["Waktu menjawab"] == "<2026-01-05T03:45:00+00:00>"
    assert changes["Jawaban"] == "Tiba di lokasi"
    assert changes["Keahlian"] == "Evakuasi, Dapur umum"


def test_a_field_of_the_needs_standards_names_its_rule_and_field():
    event = entry(
        "standards.save", "needs_standards",
        before={"beras.quantity": "0.4", "paket_baru.every_days": 0}, after={"beras.quantity": "0.5", "paket_baru.every_days": 7},
    )
    labels = [change.label for change in describe(event).changes]
    assert labels == ["Beras: Jumlah", "Paket baru: Diulang tiap berapa hari"]


def test_an_unknown_field_still_reads_as_words():
    (change,) = describe(entry("report.update", "report", before={"public_note": "a"}, after={"public_note": "b"})).changes
    assert change.label == "Public note"


def test_sentences_follow_the_language():
    token = i18n.current_locale.set("en")
    try:
        described = describe(entry("user.deactivate", "user", before={"active": True}, after={"active": False}))
    finally:
        i18n.current_locale.reset(token)
    assert described.sentence == "system deactivated the account"
    assert [(c.label, c.before, c.after) for c in described.changes] == [("Active", "yes", "no")]
