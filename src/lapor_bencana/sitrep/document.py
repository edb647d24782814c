"""What makes a situation report an official document: the letterhead (kop surat), its number
and the signature block.

Numbering: ``<prefix>/LAPSIT/<subject>/<yyyymmdd>``, e.g. ``360/LAPSIT/KABU-0042/20261202``, where the
prefix is the archive classification code (``LAPOR_DOCUMENT_NUMBER_PREFIX``), the subject is the
incident's code or ``KAB`` for the regency report, and the date is the day the report describes.
The number is derived, not drawn from a sequence: the same report downloaded twice carries the same
number, nothing has to be stored, and no gaps appear when a report is only looked at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from lapor_bencana.config import NIP_DIGITS, clean_nip
from lapor_bencana.i18n import gettext as _

REGENCY_SUBJECT = "KAB"
# The report page's form fields that name another signatory for one report.
SIGNATORY_FIELDS = {"penandatangan": "name", "jabatan": "position", "nip": "nip"}


@dataclass(frozen=True)
class Letterhead:
    government: str
    office: str
    address: str
    emblem: Path | None


@dataclass(frozen=True)
class Signatory:
    name: str
    position: str
    nip: str
    place: str


def letterhead_of(settings, regency_name: str) -> Letterhead:
    return Letterhead(
        government=_("Pemerintah %(regency)s", regency=regency_name).upper(),
        office=settings.letterhead_office.upper(),
        address=settings.letterhead_address,
        emblem=settings.letterhead_emblem,
    )


def signatory_of(settings, regency_name: str, asked: Mapping[str, str]) -> Signatory:
    """The configured signatory, with what the report form asked for in place of it.

    Raises ValueError with an Indonesian message for a NIP that is not 18 digits."""
    signatory = Signatory(
        name=settings.signatory_name,
        position=settings.signatory_position,
        nip=settings.signatory_nip,
        place=settings.signature_place or regency_name.removeprefix("Kabupaten ").removeprefix("Kota "),
    )
    changes = {field: asked[key].strip()[:120] for key, field in SIGNATORY_FIELDS.items() if asked.get(key, "").strip()}
    if "nip" in changes:
        nip = clean_nip(changes["nip"])
        if nip is None:
            raise ValueError(_("NIP harus 18 angka, misalnya 198001012005011001."))
        changes["nip"] = nip
    return replace(signatory, **changes)


def number(prefix: str, incident_code: str | None, day: date) -> str:
    subject = f"{incident_code[:4]}-{incident_code[4:]}" if incident_code else REGENCY_SUBJECT
    return f"{prefix}/LAPSIT/{subject}/{day:%Y%m%d}"


def nip_text(nip: str) -> str:
    """Grouped as printed on Indonesian documents: birth date, appointment month, sex, serial."""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" if len(nip) == NIP_DIGITS else nip


@dataclass(frozen=True)
class Paper:
    """What every situation report of this deployment is printed with."""

    letterhead: Letterhead
    signatory: Signatory
    number_prefix: str


def paper_of(settings, regency_name: str, asked: Mapping[str, str]) -> Paper:
    """The deployment's letterhead and signatory, with the signatory the report form named; a
    ValueError (Indonesian message) for a malformed NIP."""
    return Paper(
        letterhead=letterhead_of(settings, regency_name),
        signatory=signatory_of(settings, regency_name, asked),
        number_prefix=settings.document_number_prefix,
    )
