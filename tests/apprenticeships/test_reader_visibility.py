"""What a reader of an apprenticeship may see: the innovation link never names
a blind proposal's author, a group session shows only attendees the reader may
see, and the skill history is personal."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import SkillLevel
from apprenticeships import services
from competitions import services as competition_services
from competitions.models import Campaign, Proposal
from studios import services as studio_services
from tests.apprenticeships.conftest import days_ago, final_passed
from tests.competitions import conftest as competitions
from tests.competitions.states import proposal_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

campaigns = competitions.campaigns

make_proposal = competitions.make_proposal


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
