"""Every competitions list and the screening queue take a fixed number of
queries at any page size."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from competitions import services
from competitions.selectors import screening_queue, similar_for_each
from tests.competitions.conftest import COMPLETE
from tests.factories import PersonFactory
from tests.world import shared_data

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
TITLES = [
    "井下喷雾降尘装置节水改造",
    "皮带机托辊更换工具改进",
    "采煤机截齿快速更换",
    "主扇风机节能改造",
]


def fresh(person):
    """The person as a new request loads them (no scope cached by the fixtures)."""
    return type(person).objects.get(pk=person.pk)


@shared_data(needs=("org", "campaigns"))
def many(built):
    """30 submitted proposals in company A (two each by 15 workers, the second
    related to the first), each with worker_a as co-author and a title like a
    few others."""
    org = built.get("org")
    campaigns = built.get("campaigns")
    for index in range(30):
        if index % 2 == 0:
            unit = org.team_a101 if index % 4 else org.team_a102
            author, previous = PersonFactory(org_unit=unit), None
        proposal = services.proposal_create(
            by=author,
            campaign=campaigns.open,
            **{**COMPLETE, "title": f"{TITLES[index % len(TITLES)]}（{index}）"},
            author_share=Decimal(70),
            co_authors=[(org.worker_a, Decimal(30))],
            related_to=[previous] if previous else [],
        )
        previous = services.proposal_submit(proposal_id=proposal.pk, by=author)
    return org


@shared_data(needs=("org", "campaigns"))
def many_campaigns(built):
    """30 earlier campaigns besides the four of the fixture, each with prizes."""
    org = built.get("org")
    built.get("campaigns")  # the four campaigns of the fixture come first
    now = timezone.now()
    for index in range(30):
        services.campaign_create(
            by=org.group_official,
            org_unit=org.group,
            name=f"历年五小竞赛 {index}",
            year=2000 + index,
            opens_at=now - (400 + index) * DAY,
            closes_at=now - (300 + index) * DAY,
            review_deadline=timezone.localdate() - 200 * DAY,
            grades=[("first", 1, Decimal(1000)), ("second", None, Decimal(500))],
        )
    return org


# Before the list itself: the viewer's scope (their unit's path and their
# grants), which the campaign filter's choices read too; a superuser has no
# unit, so only the grants.
BEFORE_THE_LIST = {"group_official": 2, "official_a": 2, "worker_a": 2, "admin": 1}
# COUNT, the page, and one prefetch each for the co-authors (with their people),
# the related proposals and the awards (not joined: see ProposalViewSet).
PROPOSAL_PAGE = 5
# COUNT, the page, and one prefetch each for the rubric and the grades.
CAMPAIGN_PAGE = 4


@pytest.mark.parametrize("role", ["group_official", "official_a", "worker_a", "admin"])
@pytest.mark.parametrize("page_size", [5, 25])
def test_proposal_list_takes_the_same_queries_at_any_page_size(
    api, many, django_assert_num_queries, role, page_size
):
    api.force_authenticate(fresh(getattr(many, role)))
    with django_assert_num_queries(BEFORE_THE_LIST[role] + PROPOSAL_PAGE):
        response = api.get("/api/v1/proposals/", {"page_size": page_size})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] > 25
    assert len(body["results"]) == min(page_size, body["count"])


@pytest.mark.parametrize("role", ["group_official", "worker_a"])
@pytest.mark.parametrize("page_size", [5, 25])
def test_filtered_proposal_list_takes_the_same_queries_at_any_page_size(
    api, many, django_assert_num_queries, role, page_size
):
    api.force_authenticate(fresh(getattr(many, role)))
    params = {"page_size": page_size, "org_unit": many.company_a.pk, "status": "submitted"}
    # the unit filter looks the unit up among those the viewer may see
    with django_assert_num_queries(BEFORE_THE_LIST[role] + 1 + PROPOSAL_PAGE):
        response = api.get("/api/v1/proposals/", params)
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, response.json()["count"])


@pytest.mark.parametrize("role", ["group_official", "worker_a", "admin"])
@pytest.mark.parametrize("page_size", [5, 25])
def test_campaign_list_takes_the_same_queries_at_any_page_size(
    api, many_campaigns, django_assert_num_queries, role, page_size
):
    api.force_authenticate(fresh(getattr(many_campaigns, role)))
    with django_assert_num_queries(BEFORE_THE_LIST[role] + CAMPAIGN_PAGE):
        response = api.get("/api/v1/campaigns/", {"page_size": page_size})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] > 25
    assert len(body["results"]) == page_size


@pytest.mark.parametrize(
    ("role", "queries"), [("group_official", 5), ("official_a", 5), ("admin", 4)]
)
@pytest.mark.parametrize("page_size", [5, 25])
def test_screening_queue_with_its_hints_takes_the_same_queries_at_any_page_size(
    many, django_assert_num_queries, role, queries, page_size
):
    # the scope (unit and grants; a superuser has no unit), the page of the
    # queue, the pairs of shared grams, and the similar proposals themselves
    official = fresh(getattr(many, role))
    with django_assert_num_queries(queries):
        page = list(screening_queue(official)[:page_size])
        hints = similar_for_each(official, page)
    assert len(page) == page_size
    assert all(hints.get(entry.pk) for entry in page)


def test_similar_endpoint_takes_a_fixed_number_of_queries(api, many, django_assert_num_queries):
    api.force_authenticate(fresh(many.official_a))
    # The viewer's scope and unit, the shared grams, which of those titles the
    # viewer may see, and the best of them.
    with django_assert_num_queries(5):
        response = api.get("/api/v1/proposals/similar/", {"title": TITLES[0]})
    assert len(response.json()) == 5
