"""The hazard catalogue: one internal code per hazard, its class under Law 24/2007, its label.

BNPB's official reference code list was not available, so the codes are internal (see
shared domain notes) and can be mapped later. The order is the order of the report form's tiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lapor_bencana.i18n import N_


class HazardClass(StrEnum):
    ALAM = "alam"
    NONALAM = "nonalam"
    SOSIAL = "sosial"


@dataclass(frozen=True, slots=True)
class Hazard:
    code: str
    label: str
    hazard_class: HazardClass
    # Shown as a big tile on the report form; the rest sit behind "lainnya".
    common: bool = False


HAZARDS: tuple[Hazard, ...] = (
    Hazard("kebakaran", N_("Kebakaran rumah"), HazardClass.SOSIAL, common=True),
    Hazard("banjir", N_("Banjir"), HazardClass.ALAM, common=True),
    Hazard("tanah_longsor", N_("Tanah longsor"), HazardClass.ALAM, common=True),
    Hazard("angin_puting_beliung", N_("Angin puting beliung"), HazardClass.ALAM, common=True),
    Hazard("kekeringan", N_("Kekeringan"), HazardClass.ALAM, common=True),
    Hazard("kebakaran_hutan_lahan", N_("Kebakaran hutan dan lahan"), HazardClass.ALAM, common=True),
    Hazard("gempa_bumi", N_("Gempa bumi"), HazardClass.ALAM, common=True),
    Hazard("banjir_bandang", N_("Banjir bandang"), HazardClass.ALAM),
    Hazard("gelombang_pasang", N_("Gelombang pasang / abrasi"), HazardClass.ALAM),
    Hazard("tsunami", N_("Tsunami"), HazardClass.ALAM),
    Hazard("letusan_gunung_api", N_("Letusan gunung api"), HazardClass.ALAM),
    Hazard("wabah_penyakit", N_("Wabah penyakit"), HazardClass.NONALAM),
    Hazard("kegagalan_teknologi", N_("Kegagalan teknologi"), HazardClass.NONALAM),
    Hazard("konflik_sosial", N_("Konflik sosial"), HazardClass.SOSIAL),
    Hazard("lainnya", N_("Lainnya"), HazardClass.SOSIAL, common=True),
)

HAZARDS_BY_CODE: dict[str, Hazard] = {hazard.code: hazard for hazard in HAZARDS}


def get_hazard(code: str) -> Hazard | None:
    return HAZARDS_BY_CODE.get(code)
