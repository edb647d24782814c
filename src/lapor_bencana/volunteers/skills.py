"""What volunteers can do (shared domain notes: Tagana, PMI and village volunteers' roles).

Stored as bits of one integer, so "has any of these skills" is a single indexed-row test in SQL
on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from lapor_bencana.i18n import N_


@dataclass(frozen=True)
class Skill:
    code: str
    label: str
    bit: int


SKILLS = (
    Skill("evakuasi", N_("Evakuasi"), 1 << 0),
    Skill("dapur_umum", N_("Dapur umum"), 1 << 1),
    Skill("hunian", N_("Hunian sementara / pengungsian"), 1 << 2),
    Skill("psikososial", N_("Dukungan psikososial"), 1 << 3),
    Skill("logistik", N_("Logistik"), 1 << 4),
    Skill("medis", N_("Pertolongan pertama / medis"), 1 << 5),
    Skill("sar", N_("Pencarian dan pertolongan (SAR)"), 1 << 6),
    Skill("kaji_cepat", N_("Kaji cepat (asesmen)"), 1 << 7),
)
SKILLS_BY_CODE = {skill.code: skill for skill in SKILLS}


def mask(codes: list[str] | tuple[str, ...] | set[str]) -> int:
    """Unknown codes raise KeyError: callers validate what people chose first."""
    value = 0
    for code in codes:
        value |= SKILLS_BY_CODE[code].bit
    return value


def codes(value: int) -> list[str]:
    return [skill.code for skill in SKILLS if value & skill.bit]

# The skill each personnel line of the needs standards asks for (rule code → skill code), so that
# a call for help starts from what the calculation wants. A rule added without an entry here still
# counts its people; the coordinator ticks its skill by hand.
FOR_PERSONNEL = {
    "petugas_evakuasi": "evakuasi",
    "petugas_dapur_umum": "dapur_umum",
    "pendamping_psikososial": "psikososial",
    "tenaga_kesehatan": "medis",
}
