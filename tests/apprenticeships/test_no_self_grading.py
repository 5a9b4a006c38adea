"""Nobody runs or grades their own apprenticeship: an official neither activates
nor graduates their own, and a mentor who is also a lead or an official leaves
the department's quarterly and the final appraisal to someone else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import SkillLevel, SkillLevelChange
from apprenticeships import services
from apprenticeships.models import Evaluation
from tests.apprenticeships.conftest import SCORES, days_ago, final_passed
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officials_own(mentoring):
    """company A's official is an apprentice of `member_a` (proposed by the
    group official, so it is in company A's official's scope)."""
    org = mentoring.org
    return services.pairing_propose(
        by=org.group_official,
        mentor=mentoring.member_a,
        apprentice=org.official_a,
        studio=mentoring.dust,
        starts_on=days_ago(40),
        planned_end_on=days_ago(40) + 365 * datetime.timedelta(days=1),
        target_skill_level=SkillLevel.SENIOR,
    )


def test_an_official_cannot_activate_their_own_apprenticeship(mentoring, officials_own):
    with pytest.raises(PermissionDenied):
        services.pairing_activate(
            pairing_id=officials_own.pk,
            by=mentoring.org.official_a,
            agreement_signed_on=days_ago(40),
        )


def test_an_official_cannot_graduate_themself(mentoring, officials_own):
    services.pairing_activate(
        pairing_id=officials_own.pk,
        by=mentoring.org.group_official,
        agreement_signed_on=days_ago(40),
    )
    with pytest.raises(PermissionDenied):
        final_passed(officials_own, mentoring.org.official_a, SkillLevel.SENIOR_TECHNICIAN)
    assert not SkillLevelChange.objects.exists()


def test_a_lead_who_mentors_does_not_also_give_the_departments_quarterly(mentoring):
    quarter = f"{days_ago(0).year}-Q{(days_ago(0).month - 1) // 3 + 1}"
    with pytest.raises(PermissionDenied):
        services.evaluation_record(
            pairing_id=mentoring.active_b.pk,
            by=mentoring.lead_b,
            level=Evaluation.Level.DEPARTMENT_QUARTERLY,
            period=quarter,
            **SCORES,
        )
    # Company B's official still may.
    services.evaluation_record(
        pairing_id=mentoring.active_b.pk,
        by=mentoring.org.official_b,
        level=Evaluation.Level.DEPARTMENT_QUARTERLY,
        period=quarter,
        **SCORES,
    )


def test_an_official_who_mentors_does_not_give_the_final_appraisal(mentoring):
    org = mentoring.org
    mentee = PersonFactory(org_unit=org.team_a102)
    pairing = services.pairing_propose(
        by=org.official_a,
        mentor=org.official_a,
        apprentice=mentee,
        org_unit=org.mine_a1,
        starts_on=days_ago(30),
        planned_end_on=days_ago(30) + datetime.timedelta(days=365),
        target_skill_level=SkillLevel.SENIOR,
        agreement_signed_on=days_ago(30),
    )
    services.pairing_activate(pairing_id=pairing.pk, by=org.official_a)
    with pytest.raises(PermissionDenied):
        final_passed(pairing, org.official_a)
    final_passed(pairing, org.group_official)
