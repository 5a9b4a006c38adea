import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import SkillLevel
from apprenticeships import services
from apprenticeships.models import Evaluation
from tests.apprenticeships.api import DAY
from tests.factories import PersonFactory
from tests.world import shared_data

SCORES = {"theory": 80, "practice": 85, "safety": 90, "attitude": 88, "innovation": 70}


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@shared_data(needs=("studios",))
def mentoring(built):
    """In the dust studio (company A, led by `lead_a`): the core member
    `member_a` mentors `apprentice_a` (active, started 10 days ago) and
    `apprentice_a2` (proposed); in company B, `lead_b` mentors `apprentice_b`
    (active) in the turbine studio."""
    studios = built.get("studios")
    org = studios.org
    apprentice_a = PersonFactory(
        employee_no="apprentice_a", org_unit=org.team_a101, skill_level=SkillLevel.JUNIOR
    )
    apprentice_a2 = PersonFactory(employee_no="apprentice_a2", org_unit=org.team_a102)
    apprentice_b = PersonFactory(employee_no="apprentice_b", org_unit=org.team_b101)

    def pair(by, mentor, apprentice, studio, *, started=10, activate=True):
        pairing = services.pairing_propose(
            by=by,
            mentor=mentor,
            apprentice=apprentice,
            studio=studio,
            starts_on=days_ago(started),
            planned_end_on=days_ago(started) + datetime.timedelta(days=365),
            target_skill_level=SkillLevel.INTERMEDIATE,
            goals="掌握粉尘检测",
        )
        if activate:
            pairing = services.pairing_activate(
                pairing_id=pairing.pk, by=by, agreement_signed_on=days_ago(started)
            )
        return pairing

    return SimpleNamespace(
        **vars(studios),
        apprentice_a=apprentice_a,
        apprentice_a2=apprentice_a2,
        apprentice_b=apprentice_b,
        active=pair(studios.lead_a, studios.member_a, apprentice_a, studios.dust),
        proposed=pair(
            studios.lead_a, studios.member_a, apprentice_a2, studios.dust, activate=False
        ),
        active_b=pair(studios.lead_b, studios.lead_b, apprentice_b, studios.turbine),
        pair=pair,
    )


def final_passed(pairing, by, level=SkillLevel.INTERMEDIATE):
    return services.evaluation_record(
        pairing_id=pairing.pk,
        by=by,
        level=Evaluation.Level.FINAL,
        outcome=Evaluation.Outcome.PASSED,
        skill_level_reached=level,
        **SCORES,
    )


# --- The plan -----------------------------------------------------------------------


@pytest.fixture
def step(mentoring):
    return services.milestone_create(
        pairing_id=mentoring.active.pk,
        by=mentoring.member_a,
        title="独立完成粉尘采样",
        due_on=days_ago(-14),
        skill="粉尘检测",
        method="现场示范",
    )


@pytest.fixture
def session(mentoring):
    return services.session_log(
        by=mentoring.member_a,
        pairings=[mentoring.active],
        held_on=days_ago(1),
        hours=2,
        format="on_site",
        topic="呼吸性粉尘采样实操",
    )


@pytest.fixture
def plan(mentoring):
    """One step of `apprentice_a`'s plan, due in a week."""
    return make_plan(mentoring)


def make_plan(mentoring):
    """The `plan` fixture's step, for a level."""
    return services.milestone_create(
        pairing_id=mentoring.active.pk,
        by=mentoring.member_a,
        title="掌握粉尘采样器使用",
        due_on=timezone.localdate() + 7 * DAY,
        skill="粉尘检测",
        method="现场示范",
    )


@pytest.fixture
def ended(mentoring):
    """`member_a`'s two pairings ended: the active one completed (passed final),
    the proposed one terminated; returns the namespace."""
    final_passed(mentoring.active, mentoring.org.official_a)
    services.pairing_terminate(pairing_id=mentoring.proposed.pk, by=mentoring.lead_a, reason="调岗")
    return mentoring
