"""Who reads what of a five-small proposal: a showcase reader is not told of a
studio they may not see, an official who leaves office stops reading what they
entered, each person's prize is for the authors and the office, and the office
sees late reviews and reaches the board and awards from the front door."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleGrant
from competitions import services
from competitions.models import Proposal
from tests.competitions.pages import url

pytestmark = pytest.mark.django_db

Status = Proposal.Status


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
