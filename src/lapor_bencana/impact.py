"""The impact figures of a disaster, shared by reports (what a resident saw) and rapid
assessments (what an officer counted). Names follow contract.md; the people/house split follows
BNPB's DIBI records (see shared domain notes)."""

from __future__ import annotations

from piccolo.columns import Integer

from lapor_bencana.i18n import N_

PEOPLE_COUNTS = (
    "dead", "missing", "injured", "displaced", "affected_families", "affected_people",
    "infants", "elderly", "pregnant", "disabled",
)
HOUSE_COUNTS = ("houses_heavily_damaged", "houses_moderately_damaged", "houses_lightly_damaged")
COUNT_FIELDS = PEOPLE_COUNTS + HOUSE_COUNTS
COUNT_LABELS = {
    "dead": N_("Meninggal"),
    "missing": N_("Hilang"),
    "injured": N_("Luka-luka"),
    "displaced": N_("Mengungsi"),
    "affected_families": N_("Keluarga terdampak (KK)"),
    "affected_people": N_("Jiwa terdampak"),
    "houses_heavily_damaged": N_("Rumah rusak berat"),
    "houses_moderately_damaged": N_("Rumah rusak sedang"),
    "houses_lightly_damaged": N_("Rumah rusak ringan"),
    "infants": N_("Bayi dan balita"),
    "elderly": N_("Lansia"),
    "pregnant": N_("Ibu hamil"),
    "disabled": N_("Penyandang disabilitas"),
}


class ImpactCounts:
    """Piccolo copies these columns into each table that inherits this mixin.

    ``None`` means "not known", which is different from 0 ("counted, none").
    """

    dead = Integer(null=True, default=None)
    missing = Integer(null=True, default=None)
    injured = Integer(null=True, default=None)
    displaced = Integer(null=True, default=None)
    affected_families = Integer(null=True, default=None)
    affected_people = Integer(null=True, default=None)
    houses_heavily_damaged = Integer(null=True, default=None)
    houses_moderately_damaged = Integer(null=True, default=None)
    houses_lightly_damaged = Integer(null=True, default=None)
    infants = Integer(null=True, default=None)
    elderly = Integer(null=True, default=None)
    pregnant = Integer(null=True, default=None)
    disabled = Integer(null=True, default=None)
