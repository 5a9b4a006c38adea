"""Rules a review of the apprenticeships found missing: nobody runs or grades
their own apprenticeship, the innovation link never names a blind proposal's
author, periods are ASCII, a group session shows only attendees the reader may
see, the skill history is personal, and a term has an outer bound."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import SkillLevel, SkillLevelChange
from apprenticeships import services
from apprenticeships.models import Evaluation
from competitions import services as competition_services
from competitions.models import Campaign, Proposal
from studios import services as studio_services
from tests.apprenticeships.conftest import SCORES, days_ago, final_passed
from tests.competitions import conftest as competitions
from tests.competitions.states import proposal_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

campaigns = competitions.campaigns
make_proposal = competitions.make_proposal


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


@pytest.mark.parametrize("period", ["２０２６-11", "٢٠٢٦-11", "2026-1", "2026-13"])
def test_a_period_in_other_digits_or_out_of_range_is_refused(mentoring, period):
    with pytest.raises(ValidationError) as refused:
        services.evaluation_record(
            pairing_id=mentoring.active.pk,
            by=mentoring.member_a,
            level=Evaluation.Level.MENTOR_MONTHLY,
            period=period,
            **SCORES,
        )
    assert "period" in refused.value.message_dict
    assert not Evaluation.objects.exists()


def test_the_innovation_link_leaves_out_a_blind_review_assignment(
    mentoring, make_proposal, campaigns, as_person
):
    """A reviewer who also mentors the author must not learn the author there."""
    org = mentoring.org
    Campaign.objects.filter(pk=campaigns.open.pk).update(blind_review=True)
    reviewer = PersonFactory(org_unit=org.plant_b1)
    proposal = proposal_in(
        Proposal.Status.UNDER_REVIEW,
        org=org,
        make_proposal=make_proposal,
        author=mentoring.apprentice_b,
        title="盲评中的秘密提案",
    )
    competition_services.reviewers_assign(
        proposal_id=proposal.pk, by=org.official_b, reviewers=[reviewer]
    )
    pairing = services.pairing_propose(
        by=org.official_b,
        mentor=reviewer,
        apprentice=mentoring.apprentice_b,
        org_unit=org.plant_b1,
        starts_on=days_ago(20),
        planned_end_on=days_ago(20) + datetime.timedelta(days=365),
        target_skill_level=SkillLevel.SENIOR,
    )
    page = as_person(reviewer).get(reverse("apprenticeships:pairing-detail", args=[pairing.pk]))
    assert page.status_code == 200
    assert "盲评中的秘密提案" not in page.content.decode()
    # The official over the author sees it in the link.
    page = as_person(org.official_b).get(
        reverse("apprenticeships:pairing-detail", args=[pairing.pk])
    )
    assert "盲评中的秘密提案" in page.content.decode()


def test_a_group_session_lists_only_attendees_the_reader_may_see(mentoring, api):
    org = mentoring.org
    washing_apprentice = PersonFactory(org_unit=org.team_a102)
    studio_services.membership_add(
        studio_id=mentoring.washing.pk, by=org.group_official, person=mentoring.member_a
    )
    other = mentoring.pair(
        org.colleague_a, mentoring.member_a, washing_apprentice, mentoring.washing
    )
    session = services.session_log(
        by=mentoring.member_a,
        pairings=[mentoring.active, other],
        held_on=days_ago(1),
        hours=2,
        format="on_site",
        topic="两个工作室的集体带教",
    )
    api.force_authenticate(org.colleague_a)  # leads the washing studio only
    body = api.get(f"/api/v1/sessions/{session.pk}/").json()
    assert [a["pairing_id"] for a in body["attendances"]] == [other.pk]
    api.force_authenticate(mentoring.member_a)  # the mentor sees both
    body = api.get(f"/api/v1/sessions/{session.pk}/").json()
    assert sorted(a["pairing_id"] for a in body["attendances"]) == sorted(
        [mentoring.active.pk, other.pk]
    )


def test_the_skill_history_is_shown_to_oneself_and_officials_only(mentoring, as_person):
    final_passed(mentoring.active, mentoring.org.group_official)
    url = reverse("accounts:person-detail", args=[mentoring.apprentice_a.pk])
    for viewer, shown in (
        (mentoring.apprentice_a, True),
        (mentoring.org.official_a, True),
        (mentoring.org.worker_a, False),
        (mentoring.member_a, False),
    ):
        page = as_person(viewer).get(url).content.decode()
        assert ('data-testid="skill-change"' in page) is shown, viewer.employee_no


def test_a_term_beyond_five_years_is_a_typo(mentoring):
    with pytest.raises(ValidationError) as refused:
        services.pairing_extend(
            pairing_id=mentoring.active.pk,
            by=mentoring.lead_a,
            planned_end_on=datetime.date(9999, 12, 31),
            reason="笔误",
        )
    assert "planned_end_on" in refused.value.message_dict
