"""The query-count check every list gets, fed by a table: a new list is one row.

    LISTS = [ListCase("/api/v1/problems/", 5, viewer="lead_a"),
             ListCase("achievements:problem-list", 7, viewer="lead_a")]

    @each_list(LISTS)
    def test_every_list_takes_the_same_queries_at_any_page_size(lists, many, case, page_size):
        lists.read(case, many, page_size)

A case is an API path (signed in with a token, as API clients are) or a page's
URL name (signed in with a session); it must take exactly `queries` queries at
both page sizes, each over a full page with more rows beyond it, so an N+1
query fails it.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.roles import person

PAGE_SIZES = (5, 20)


@dataclass(frozen=True)
class ListCase:
    url: str  # "/api/v1/…" or a page's URL name
    queries: int
    viewer: str = "official_a"
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.url}-{self.viewer}"


def each_list(cases, sizes=PAGE_SIZES):
    """Parametrise a test over `cases` and the page sizes."""

    def decorate(test):
        test = pytest.mark.parametrize("page_size", sizes)(test)
        return pytest.mark.parametrize("case", cases, ids=str)(test)

    return decorate


@dataclass
class ListReader:
    client: object
    assert_num_queries: object

    def read(self, case: ListCase, world, page_size: int) -> list:
        """Read the list as `case.viewer` and check its queries and its page."""
        # As a new request loads them: no scope cached from building the data.
        viewer = type(person(world, case.viewer)).objects.get(pk=person(world, case.viewer).pk)
        params = {**case.params, "page_size": page_size}
        if case.url.startswith("/api/"):
            api = APIClient()
            api.force_authenticate(viewer)
            with self.assert_num_queries(case.queries):
                response = api.get(case.url, params)
            assert response.status_code == 200, response.content
            body = response.json()
            rows, count = body["results"], body["count"]
        else:
            self.client.force_login(viewer)
            with self.assert_num_queries(case.queries):
                response = self.client.get(reverse(case.url), params)
            assert response.status_code == 200
            page = response.context["page_obj"]
            rows, count = list(page.object_list), page.paginator.count
        # A full page with more rows beyond it: the count is that of a page.
        assert count > page_size, "too few rows to tell a page from the whole list"
        assert len(rows) == page_size
        return rows
