"""The audit trail in the reader's words: one sentence per event and its changes with labels.

Every page that shows audit events goes through :func:`describe`, so an action code
(``incident.status``), a field name (``houses_flooded``) or a stored code (``ditangani``) never
reaches a reader. An action without a sentence of its own still reads as a sentence (see
``tests/test_history_words.py``, which fails when the code records an action that has none).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from datetime import datetime
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from lapor_bencana import audit, labels
from lapor_bencana.accounts.service import ROLE_LABELS
from lapor_bencana.aid.items import item_name
from lapor_bencana.audit.chain import canonical_json
from lapor_bencana.hazards import get_hazard
from lapor_bencana.i18n import N_, current_locale
from lapor_bencana.i18n import gettext as _
from lapor_bencana.impact import FIGURES
from lapor_bencana.incidents.triage import REJECTION_LABELS
from lapor_bencana.needs.rules import FIELD_LABELS as RULE_FIELD_LABELS
from lapor_bencana.needs.rules import bundled_standards
from lapor_bencana.needs.words import UNIT_LABELS
from lapor_bencana.volunteers.calls import RESPONSE_LABELS
from lapor_bencana.volunteers.skills import SKILLS

# What each recorded action did, with the actor's name in front ("Sari mengubah status kejadian").
ACTION_SENTENCES = {
    "incident.create": N_("%(actor)s memverifikasi laporan dan membuat kejadian"),
    "incident.status": N_("%(actor)s mengubah status kejadian menjadi %(status)s"),
    "incident.update": N_("%(actor)s mengubah pengaturan kejadian"),
    "report.verify": N_("%(actor)s memverifikasi laporan"),
    "report.merge": N_("%(actor)s menggabungkan laporan ke kejadian"),
    "report.reject": N_("%(actor)s menolak laporan"),
    "report.assign": N_("%(actor)s menugaskan petugas untuk memeriksa laporan"),
    "assessment.create": N_("%(actor)s mencatat kaji cepat"),
    "assessment.verify": N_("%(actor)s memverifikasi kaji cepat"),
    "call.create": N_("%(actor)s mengirim panggilan relawan"),
    "call.answer": N_("%(actor)s menjawab panggilan relawan"),
    "aid.deliver": N_("%(actor)s mencatat penyaluran bantuan"),
    "stock.in": N_("%(actor)s mencatat barang masuk gudang"),
    "stock.out": N_("%(actor)s mencatat barang keluar gudang"),
    "warehouse.create": N_("%(actor)s menambahkan gudang"),
    "warehouse.update": N_("%(actor)s mengubah status gudang"),
    "standards.save": N_("%(actor)s menyimpan versi baru standar kebutuhan"),
    "retention.erase": N_("%(actor)s menghapus data pribadi yang melewati masa simpan"),
    "user.register": N_("%(actor)s mendaftar sebagai pengguna baru"),
    "user.create": N_("%(actor)s membuat akun"),
    "user.approve": N_("%(actor)s menyetujui akun"),
    "user.deactivate": N_("%(actor)s menonaktifkan akun"),
    "user.reactivate": N_("%(actor)s mengaktifkan kembali akun"),
    "user.role_change": N_("%(actor)s mengubah peran akun"),
    "user.password_reset": N_("%(actor)s mengatur ulang kata sandi akun"),
    "user.password_change": N_("%(actor)s mengganti kata sandinya"),
    "user.lock": N_("%(actor)s mengunci akun setelah terlalu banyak percobaan masuk"),
    "volunteer.update": N_("%(actor)s mengubah profil relawan"),
}

# What an action of unknown verb changed, for the fallback sentence.
ENTITY_NAMES = {
    "incident": N_("kejadian"),
    "report": N_("laporan"),
    "user": N_("akun"),
    "warehouse": N_("gudang"),
    "stock_movement": N_("stok gudang"),
    "aid_delivery": N_("penyaluran bantuan"),
    "needs_standards": N_("standar kebutuhan"),
    "personal_data": N_("data pribadi"),
    "call_recipient": N_("jawaban panggilan"),
}

FIELD_LABELS = {
    **{figure.name: figure.label for figure in FIGURES},
    "active": N_("Aktif"),
    "approved": N_("Disetujui"),
    "arrival_position": N_("Posisi saat tiba dikirim"),
    "arrivals": N_("Posisi kedatangan dihapus"),
    "assessment": N_("Nomor kaji cepat"),
    "assigned_officer": N_("Petugas yang ditugaskan"),
    "call": N_("Nomor panggilan"),
    "code": N_("Kode"),
    "delivered_on": N_("Tanggal penyaluran"),
    "delivery": N_("Nomor penyaluran"),
    "destination": N_("Tujuan"),
    "destination_kind": N_("Jenis tujuan"),
    "destination_village": N_("Desa tujuan"),
    "direction": N_("Arah"),
    "district": N_("Kecamatan"),
    "donor": N_("Donatur"),
    "emergency_status": N_("Status keadaan darurat"),
    "failed_logins": N_("Percobaan masuk gagal"),
    "from_report": N_("Dari laporan"),
    "full_name": N_("Nama lengkap"),
    "hazard": N_("Jenis bencana"),
    "incident": N_("Kejadian"),
    "is_demo": N_("Data contoh"),
    "item_code": N_("Kode barang"),
    "item_name": N_("Barang"),
    "lives_at_risk": N_("Nyawa terancam"),
    "locked_until": N_("Terkunci sampai"),
    "messages": N_("Pesan terkirim"),
    "moved_on": N_("Tanggal"),
    "name": N_("Nama"),
    "note": N_("Catatan"),
    "organisation": N_("Organisasi"),
    "password": N_("Kata sandi"),
    "password_temporary": N_("Kata sandi sementara"),
    "people_needed": N_("Relawan dibutuhkan"),
    "photo_key": N_("Foto"),
    "planning_days": N_("Lama perencanaan (hari)"),
    "priority": N_("Prioritas"),
    "public_kitchen": N_("Dapur umum"),
    "quantity": N_("Jumlah"),
    "radius_km": N_("Radius panggilan (km)"),
    "reason": N_("Alasan"),
    "recipient": N_("Penerima"),
    "recorded_by": N_("Dicatat oleh (nomor pengguna)"),
    "reports": N_("Laporan yang kontaknya dihapus"),
    "responded_at": N_("Waktu menjawab"),
    "response": N_("Jawaban"),
    "retention_days": N_("Masa simpan (hari)"),
    "role": N_("Peran"),
    "skills": N_("Keahlian"),
    "source": N_("Asal"),
    "source_kind": N_("Sumber bantuan"),
    "status": N_("Status"),
    "targets": N_("Relawan yang dihubungi"),
    "thumbnail_key": N_("Foto kecil"),
    "title": N_("Judul"),
    "unit": N_("Satuan"),
    "username": N_("Nama pengguna"),
    "verified": N_("Terverifikasi"),
    "version": N_("Versi"),
    "village": N_("Desa"),
    "warehouse": N_("Nomor gudang"),
}

# Stored codes whose names the reader knows: the value ``ditangani`` shows as "Sedang ditangani".
_VALUE_LABELS: dict[str, Mapping[str, str]] = {
    "emergency_status": labels.EMERGENCY_STATUS,
    "priority": labels.PRIORITY,
    "reason": REJECTION_LABELS,
    "response": RESPONSE_LABELS,
    "role": ROLE_LABELS,
    "skills": {skill.code: skill.label for skill in SKILLS},
    "unit": UNIT_LABELS,
}
_STATUS_LABELS = {"report": labels.REPORT_STATUS, "incident": labels.INCIDENT_STATUS}
# Stored hashes of photos: that a photo came or went is what a reader can use.
_HIDDEN_VALUES = frozenset({"photo_key", "thumbnail_key"})

TimeFormatter = Callable[[datetime], str]


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str | None  # None: the field had no value (or the entity did not exist)
    after: str | None


@dataclass(frozen=True)
class Described:
    sentence: str
    changes: tuple[FieldChange, ...]
    created: bool  # the entity did not exist before: only the values it got are worth showing
    removed: bool


def sentence(entry: audit.HistoryEntry) -> str:
    """What happened, in one sentence of the current language ("Sari mengubah status kejadian
    menjadi Sedang ditangani"); the chronology of a situation report uses it alone."""
    template = ACTION_SENTENCES.get(entry.action)
    if template is None:
        entity = ENTITY_NAMES.get(entry.entity_type)
        return _("%(actor)s mengubah data %(entity)s", actor=entry.actor.name, entity=_(entity) if entity else _("lain"))
    status = str((entry.after or {}).get("status", ""))
    return _(template, actor=entry.actor.name, status=_named(entry, "status", status) or status)


def describe(entry: audit.HistoryEntry, format_time: TimeFormatter) -> Described:
    """The event as a sentence and the changed fields with their labels, in the current language."""
    changes = tuple(
        FieldChange(
            field_label(change.field),
            _value(entry, change.field, change.before, format_time),
            _value(entry, change.field, change.after, format_time),
        )
        for change in entry.changes
    )
    return Described(sentence(entry), changes, created=entry.before is None, removed=entry.after is None)


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    if label is not None:
        return _(label)
    rule, _dot, key = name.partition(".")
    if key in RULE_FIELD_LABELS:
        # A field of one rule of the needs standards ("beras.quantity"): the rule, then the field.
        return _("%(rule)s: %(field)s", rule=_humane(rule, _rule_labels()), field=_(RULE_FIELD_LABELS[key]))
    return _humane(name, {})


def _humane(code: str, labels: Mapping[str, str]) -> str:
    # A code this module has no label for still reads as words rather than as a code.
    if code in labels:
        return _(labels[code])
    words = code.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@cache
def _rule_labels() -> dict[str, str]:
    # The bundled standards name every rule an administrator starts from; a rule added later keeps its code.
    return {rule.code: rule.label for rule in bundled_standards().rules}


def raw_record(entry: audit.HistoryEntry) -> str:
    """The event as the trail stores it, for auditors: canonical JSON with the codes as recorded,
    one field a line (the stored line has no space to wrap at on a phone)."""
    stored = canonical_json(
        {
            "seq": entry.seq,
            "action": entry.action,
            "entity_type": entry.entity_type,
            "entity_id": entry.entity_id,
            "actor_id": entry.actor.user_id,
            "actor_label": entry.actor.label,
            "before": entry.before,
            "after": entry.after,
        }
    )
    return json.dumps(json.loads(stored), indent=1, ensure_ascii=False)


def _value(entry: audit.HistoryEntry, field: str, value: Any, format_time: TimeFormatter) -> str | None:
    if value is None:
        return None
    if field in _HIDDEN_VALUES:
        return _("ada") if value else None
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, int | float):
        return format_decimal(value, locale=current_locale.get())
    if isinstance(value, list):
        return ", ".join(_value(entry, field, item, format_time) or "—" for item in value)
    if isinstance(value, dict):
        return canonical_json(value)
    text = str(value)
    named = _named(entry, field, text)
    if named is not None:
        return named
    moment = _timestamp(text)
    return format_time(moment) if moment is not None else text


def _named(entry: audit.HistoryEntry, field: str, code: str) -> str | None:
    if field == "item_name":
        return item_name(str((entry.after or entry.before or {}).get("item_code", "")), code)
    if field == "hazard":
        hazard = get_hazard(code)
        return _(hazard.label) if hazard else None
    if field == "quantity":
        try:
            return format_decimal(Decimal(code), locale=current_locale.get())
        except ArithmeticError:
            return None
    names = _STATUS_LABELS.get(entry.entity_type) if field == "status" else _VALUE_LABELS.get(field)
    label = names.get(code) if names else None
    return _(label) if label else None


def _timestamp(text: str) -> datetime | None:
    # Times are stored as UTC ISO text ending in "Z" (audit.chain.plain); dates stay as they are.
    if len(text) < 20 or text[10] != "T":
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else None
