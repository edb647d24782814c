"""The guided desk's plain functions: the next step in every state of an incident, the call form's
defaults from the personnel needs, the first assessment's counts from the reports."""

import pytest

from lapor_bencana.incidents.assessments import largest_counts
from lapor_bencana.incidents.next_step import NextStep, Progress, Step, next_step
from lapor_bencana.incidents.tables import IncidentStatus
from lapor_bencana.needs.calculator import NeedsInputs, calculate
from lapor_bencana.needs.rules import bundled_standards
from lapor_bencana.volunteers import skills
from lapor_bencana.volunteers.calls import MAX_PEOPLE, CallDefaults, defaults_from_needs

# Verified, assessed, volunteers called, every item delivered: only closing is left.
DONE = Progress(
    status=IncidentStatus.DITANGANI, new_reports=0, verified_assessment=True, unverified_assessments=0,
    personnel_needed=17, calls_sent=1, items_missing=0,
)


def progress(**changes) -> Progress:
    return Progress(**{**DONE.__dict__, **changes})


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"new_reports": 3, "verified_assessment": False, "calls_sent": 0, "items_missing": 4}, NextStep(Step.VERIFY_REPORTS, 3)),
        ({"status": IncidentStatus.DILAPORKAN, "verified_assessment": False}, NextStep(Step.CONFIRM)),
        ({"status": IncidentStatus.TERVERIFIKASI, "verified_assessment": False, "calls_sent": 0}, NextStep(Step.ASSESS)),
        ({"verified_assessment": False, "unverified_assessments": 2}, NextStep(Step.VERIFY_ASSESSMENT, 2)),
        ({"calls_sent": 0, "items_missing": 4}, NextStep(Step.CALL, 17)),
        ({"items_missing": 4}, NextStep(Step.AID, 4)),
        # Nobody to call for (no displaced people counted): straight on to the aid.
        ({"personnel_needed": 0, "calls_sent": 0, "items_missing": 2}, NextStep(Step.AID, 2)),
        ({}, NextStep(Step.CLOSE)),
        ({"status": IncidentStatus.TERVERIFIKASI}, NextStep(Step.CLOSE)),
    ],
)
def test_the_next_step_follows_the_incident_along(changes, expected):
    assert next_step(progress(**changes)) == expected


def test_a_closed_incident_has_no_next_step_even_with_new_reports_nearby():
    assert next_step(progress(status=IncidentStatus.SELESAI, new_reports=2, items_missing=1)) is None


def test_the_call_defaults_to_the_computed_personnel_and_their_skills():
    needs = calculate(NeedsInputs(days=3, displaced=45), bundled_standards())
    # 5 evacuation, 10 public kitchen, 1 psychosocial, 1 health worker (see standards/v1.toml).
    assert defaults_from_needs(needs, already_coming=0) == CallDefaults(("evakuasi", "dapur_umum", "psikososial", "medis"), 17)
    assert defaults_from_needs(needs, already_coming=5).people_needed == 12
    assert defaults_from_needs(needs, already_coming=40).people_needed == 1


def test_without_a_public_kitchen_no_cook_is_asked_for():
    needs = calculate(NeedsInputs(days=3, displaced=45, public_kitchen=False), bundled_standards())
    assert defaults_from_needs(needs, already_coming=0) == CallDefaults(("evakuasi", "psikososial", "medis"), 7)


def test_without_needs_the_call_starts_empty_for_one_person():
    assert defaults_from_needs(None, already_coming=0) == CallDefaults((), 1)


def test_a_huge_camp_asks_for_no_more_people_than_a_call_may_take():
    needs = calculate(NeedsInputs(days=3, displaced=200_000), bundled_standards())
    assert defaults_from_needs(needs, already_coming=0).people_needed == MAX_PEOPLE


def test_every_personnel_rule_of_the_bundled_standards_names_a_known_skill():
    personnel = {rule.code for rule in bundled_standards().rules if rule.kind == "personel"}
    assert set(skills.FOR_PERSONNEL) == personnel
    assert set(skills.FOR_PERSONNEL.values()) <= set(skills.SKILLS_BY_CODE)


def test_the_first_assessment_takes_each_count_at_its_largest_and_leaves_unknown_ones_out():
    reports = [{"displaced": 45, "dead": None, "injured": 2}, {"displaced": 30, "dead": 1, "injured": None}, {}]
    assert largest_counts(reports) == {"displaced": 45, "dead": 1, "injured": 2}
