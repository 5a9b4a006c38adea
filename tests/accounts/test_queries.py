"""Lists take a fixed number of queries whatever the page size (no N+1)."""

import pytest

from tests.factories import PersonFactory
from tests.lists import ListCase, each_list
from tests.world import shared_data

pytestmark = pytest.mark.django_db


@shared_data(needs=("org",))
def many_people(built):
    org = built.get("org")
    PersonFactory.create_batch(60, org_unit=org.team_a101)
    return org


# API: scope (official grants, own unit), COUNT, the page. The page adds the
# session and the user (the org-unit filter is a picker: no list of units).
LISTS = [
    ListCase("/api/v1/people/", 4),
    ListCase("accounts:person-list", 6),
]


@each_list(LISTS, sizes=(5, 50))
def test_every_list_takes_the_same_queries_at_any_page_size(lists, many_people, case, page_size):
    lists.read(case, many_people, page_size)


# The group has eight units: pages of three and six.
@each_list([ListCase("/api/v1/org-units/", 4, viewer="group_official")], sizes=(3, 6))
def test_the_unit_list_takes_the_same_queries_at_any_page_size(lists, many_people, case, page_size):
    lists.read(case, many_people, page_size)
