"""Every list page that offers Excel and CSV exports the rows it shows: the
same number, through the API list's export with the page's filters."""

import re

import pytest
from django.urls import reverse

from tests.exports import exported_rows

pytestmark = pytest.mark.django_db

PAGES = [
    "competitions:proposal-list",
    "competitions:campaign-list",
    "accounts:person-list",
    "accounts:orgunit-list",
    "achievements:achievement-list",
    "achievements:problem-list",
    "achievements:patent-list",
    "achievements:conference-list",
    "studios:studio-list",
    "studios:recognitionlist-list",
    "apprenticeships:pairing-list",
    "showcase:story-list",
]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_export_holds_the_rows_the_page_counts(client, studios, name, kind):
    client.force_login(studios.org.official_a)
    page = client.get(reverse(name))
    assert page.status_code == 200
    links = {url.rsplit("as=", 1)[1]: url for _label, url in page.context["export_links"]}
    answer = client.get(links[kind])
    assert answer.status_code == 200
    rows = exported_rows(answer, kind)
    assert rows[0] and all(rows[0])  # every column has a header
    # in Chinese: no English word left from a field without a translated label
    assert [h for h in rows[0] if re.search(r"[A-Za-z]{2,}", str(h))] == []
    assert len(rows) - 1 == page.context["paginator"].count
