"""Lists take a fixed number of queries whatever the page size (no N+1)."""

import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from tests.world import shared_data

pytestmark = pytest.mark.django_db

# scope (official grants, own unit), COUNT, the page
PEOPLE_API_QUERIES = 4
ORG_UNITS_API_QUERIES = 4
# session, user, scope (2), COUNT, the page, the org-unit filter's choices
PEOPLE_PAGE_QUERIES = 7


@shared_data(needs=("org",))
def many_people(built):
    org = built.get("org")
    PersonFactory.create_batch(60, org_unit=org.team_a101)
    return org


@pytest.mark.parametrize("page_size", [5, 50])
def test_people_api_list_query_count_does_not_grow_with_page_size(
    api, many_people, django_assert_num_queries, page_size
):
    api.force_authenticate(many_people.official_a)
    with django_assert_num_queries(PEOPLE_API_QUERIES):
        response = api.get("/api/v1/people/", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [5, 50])
def test_people_page_query_count_does_not_grow_with_page_size(
    as_person, many_people, django_assert_num_queries, page_size
):
    client = as_person(many_people.official_a)
    with django_assert_num_queries(PEOPLE_PAGE_QUERIES):
        response = client.get(reverse("accounts:person-list"), {"page_size": page_size})
    assert len(response.context["people"]) == page_size


@pytest.mark.parametrize("page_size", [3, 6])
def test_org_units_api_list_query_count_does_not_grow_with_page_size(
    api, many_people, django_assert_num_queries, page_size
):
    api.force_authenticate(many_people.group_official)
    with django_assert_num_queries(ORG_UNITS_API_QUERIES):
        response = api.get("/api/v1/org-units/", {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
