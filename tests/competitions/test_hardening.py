"""Rules added after a review of the first five-small release: each test is a
hole someone found, now closed."""

import datetime
import os
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleGrant
from competitions import services
from competitions.models import Proposal
from core.attachments import attachment_create
from core.exceptions import Conflict
from studios import services as studio_services
from studios.models import Membership
from tests.competitions.test_pages import form_data, jpeg, new_url, url

pytestmark = pytest.mark.django_db
Status = Proposal.Status


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_showcase_reader_is_not_told_the_studio_they_may_not_see(
    as_person, api, studios, make_proposal
):
    # lead_a's proposal under the dust studio (established, not named: not public).
    proposal = make_proposal(studios.lead_a, studio=studios.dust)
    Proposal.objects.filter(pk=proposal.pk).update(status=Status.AWARDED)
    worker_b = studios.org.worker_b
    page = as_person(worker_b).get(url("proposal-detail", proposal)).content.decode()
    assert studios.dust.name not in page
    api.force_authenticate(worker_b)
    assert api.get(f"/api/v1/proposals/{proposal.pk}/").json()["studio_id"] is None


def test_an_official_who_leaves_office_no_longer_reads_what_they_entered(as_person, org, campaigns):
    proposal = services.proposal_create(
        by=org.official_a,
        campaign=campaigns.open,
        author=org.worker_a,
        title="井下喷雾降尘装置节水改造",
    )
    RoleGrant.objects.filter(user=org.official_a).delete()
    client = as_person(type(org.official_a).objects.get(pk=org.official_a.pk))
    assert client.get(url("proposal-detail", proposal)).status_code == 404


def test_a_prize_quota_beyond_reason_is_400_not_500(api, org):
    api.force_authenticate(org.group_official)
    now = timezone.now()
    response = api.post(
        "/api/v1/campaigns/",
        {
            "name": "五小",
            "year": now.year,
            "org_unit_id": org.group.pk,
            "opens_at": now.isoformat(),
            "closes_at": (now + datetime.timedelta(days=9)).isoformat(),
            "review_deadline": (now + datetime.timedelta(days=30)).date().isoformat(),
            "grades": [{"grade": "first", "quota": 10**12, "amount": "1"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "grades" in response.json()["errors"]


def test_a_half_typed_co_author_row_stops_the_submission(as_person, org, campaigns):
    data = form_data(
        "submit",
        **{
            "co_authors-TOTAL_FORMS": "1",
            "co_authors-0-person": str(org.colleague_a.pk),
            "co_authors-0-share": "",
        },
    )
    response = as_person(org.worker_a).post(new_url(campaigns.open), data)
    assert response.status_code == 400
    assert not Proposal.objects.exclude(status=Status.DRAFT).exists()


def test_autosave_of_a_proposal_submitted_meanwhile_moves_the_whole_page(
    as_person, org, make_proposal
):
    proposal = make_proposal(org.worker_a)
    response = as_person(org.worker_a).post(
        url("proposal-edit", proposal), form_data(title="改名"), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == url("proposal-detail", proposal)
    proposal.refresh_from_db()
    assert proposal.title != "改名"


def test_unit_and_year_are_fixed_once_proposals_are_in(org, campaigns, make_proposal):
    make_proposal(org.worker_a)
    with pytest.raises(Conflict):
        services.campaign_update(
            campaign_id=campaigns.open.pk, by=org.group_official, org_unit=org.company_b
        )
    with pytest.raises(Conflict):
        services.campaign_update(campaign_id=campaigns.open.pk, by=org.group_official, year=2001)
    # Other settings may still change.
    services.campaign_update(campaign_id=campaigns.open.pk, by=org.group_official, name="新名")


def test_the_original_of_a_duplicate_is_the_earlier_proposal(org, make_proposal):
    older = make_proposal(org.worker_a)
    newer = make_proposal(org.colleague_a)
    with pytest.raises(ValidationError) as refused:
        services.proposal_mark_duplicate(
            proposal_id=older.pk, by=org.official_a, duplicate_of=newer
        )
    assert "duplicate_of" in refused.value.message_dict
    assert Proposal.objects.get(pk=older.pk).status == Status.SUBMITTED


def test_deleting_a_draft_removes_its_photos_from_disk(org, make_proposal, media):
    draft = make_proposal(org.worker_a, submit=False)
    attachment = attachment_create(owner=draft, upload=jpeg(), by=org.worker_a)
    path = attachment.file.path
    services.proposal_delete(proposal_id=draft.pk, by=org.worker_a)
    assert not os.path.exists(path)


def test_a_worker_files_only_under_a_studio_they_belong_to(studios, make_proposal):
    with pytest.raises(ValidationError) as refused:
        make_proposal(studios.org.worker_b, submit=False, studio=studios.turbine)
    assert "studio" in refused.value.message_dict
    studio_services.membership_add(
        studio_id=studios.turbine.pk,
        by=studios.org.group_official,
        person=studios.org.worker_b,
        role=Membership.Role.MEMBER,
    )
    proposal = make_proposal(studios.org.worker_b, submit=False, studio=studios.turbine)
    assert proposal.studio == studios.turbine


def test_an_official_does_not_screen_what_they_entered(org, campaigns):
    proposal = services.proposal_create(
        by=org.official_a,
        campaign=campaigns.open,
        author=org.worker_a,
        title="井下喷雾降尘装置节水改造",
        category="innovation",
        post="泵站",
        current_situation="费水",
        improvement="感应阀",
        expected_effect="节水",
    )
    services.proposal_submit(proposal_id=proposal.pk, by=org.official_a)
    with pytest.raises(PermissionDenied):
        services.proposal_screen(proposal_id=proposal.pk, by=org.official_a)
    services.proposal_screen(proposal_id=proposal.pk, by=org.group_official)
    assert Decimal(Proposal.objects.get(pk=proposal.pk).author_share) == 100


def test_a_reviewer_from_the_authors_workshop_is_recused(org, make_proposal):
    from accounts.models import OrgUnit
    from competitions.selectors import recusal_reason
    from tests.factories import PersonFactory, make_unit

    workshop = make_unit("A1W", org.mine_a1, OrgUnit.Kind.WORKSHOP)
    team = make_unit("A1W1", workshop, OrgUnit.Kind.TEAM)
    author = PersonFactory(employee_no="author_w", org_unit=team)
    head = PersonFactory(employee_no="head_w", org_unit=workshop)
    elsewhere = PersonFactory(employee_no="other_w", org_unit=org.team_a102)
    proposal = make_proposal(author)
    assert recusal_reason(proposal, head)
    assert recusal_reason(proposal, elsewhere) is None


def test_only_the_authors_and_the_office_see_each_persons_prize(api, as_person, org, make_proposal):
    from accounts.models import OrgUnit
    from tests.competitions.review_steps import decided
    from tests.factories import PersonFactory, make_unit

    company_c = make_unit("C", org.group, OrgUnit.Kind.COMPANY)
    reviewers = [PersonFactory(employee_no=f"rv{i}", org_unit=company_c) for i in range(3)]
    proposal = make_proposal(org.worker_a, co_authors=[(org.colleague_a, Decimal(30))])
    services.proposal_screen(proposal_id=proposal.pk, by=org.group_official)
    decided(proposal, org.group_official, reviewers, to=Status.AWARDED)

    api.force_authenticate(org.worker_b)
    award = api.get(f"/api/v1/proposals/{proposal.pk}/").json()["award"]
    assert award["grade"] == "first" and "shares" not in award
    page = as_person(org.worker_b).get(url("proposal-detail", proposal)).content.decode()
    # The grade and the prize show; who receives how much does not (30 % of 5000).
    assert 'data-testid="award"' in page and "1,500.00" not in page

    api.force_authenticate(org.colleague_a)
    shares = api.get(f"/api/v1/proposals/{proposal.pk}/").json()["award"]["shares"]
    assert [share["person"]["id"] for share in shares] == [org.worker_a.pk, org.colleague_a.pk]


def test_the_office_sees_who_is_late_with_a_review(as_person, org, make_proposal):
    from accounts.models import OrgUnit
    from competitions.models import ReviewAssignment
    from tests.competitions.review_steps import assign, review
    from tests.factories import PersonFactory, make_unit

    company_c = make_unit("C", org.group, OrgUnit.Kind.COMPANY)
    experts = [PersonFactory(employee_no=f"late{i}", org_unit=company_c) for i in range(2)]
    proposal = make_proposal(org.worker_a)
    services.proposal_screen(proposal_id=proposal.pk, by=org.group_official)
    assign(proposal, org.group_official, experts)
    review(proposal, experts[0])
    ReviewAssignment.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    page = as_person(org.group_official).get(url("proposal-detail", proposal)).content.decode()
    assert page.count('data-testid="overdue"') == 1  # the one who has not scored


def test_the_office_reaches_board_and_awards_from_the_front_door(as_person, org, campaigns):
    page = as_person(org.official_a).get(reverse("competitions:home")).content.decode()
    assert reverse("competitions:campaign-board", args=[campaigns.open.pk]) in page
    assert reverse("competitions:campaign-awards", args=[campaigns.open.pk]) in page
