"""The one next thing to do on an incident, so that a coordinator needs no training to move it on:
verify the reports still waiting → record (or verify) the first rapid assessment → call volunteers
for the computed personnel → record aid until nothing is missing → close.

A plain function of what the incident page already knows; the page shows the step with its button.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lapor_bencana.incidents.tables import IncidentStatus


class Step(StrEnum):
    VERIFY_REPORTS = "verifikasi-laporan"
    CONFIRM = "konfirmasi"
    ASSESS = "kaji-cepat"
    VERIFY_ASSESSMENT = "verifikasi-kaji-cepat"
    CALL = "panggilan"
    AID = "bantuan"
    CLOSE = "tutup"


@dataclass(frozen=True)
class Progress:
    status: IncidentStatus
    new_reports: int  # new reports near it, not yet verified, merged or rejected
    verified_assessment: bool
    unverified_assessments: int
    personnel_needed: int  # people the needs calculation asks for
    calls_sent: int
    items_missing: int  # kinds of goods still short of the need


@dataclass(frozen=True)
class NextStep:
    step: Step
    count: int = 0  # what the step is about: reports, assessments, people or kinds of goods


def next_step(progress: Progress) -> NextStep | None:
    """None once the incident is closed."""
    if progress.status == IncidentStatus.SELESAI:
        return None
    if progress.new_reports:
        return NextStep(Step.VERIFY_REPORTS, progress.new_reports)
    if progress.status == IncidentStatus.DILAPORKAN:
        return NextStep(Step.CONFIRM)
    if not progress.verified_assessment:
        if progress.unverified_assessments:
            return NextStep(Step.VERIFY_ASSESSMENT, progress.unverified_assessments)
        return NextStep(Step.ASSESS)
    if progress.personnel_needed and not progress.calls_sent:
        return NextStep(Step.CALL, progress.personnel_needed)
    if progress.items_missing:
        return NextStep(Step.AID, progress.items_missing)
    return NextStep(Step.CLOSE)
