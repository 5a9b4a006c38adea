"""A section of a record's page that lists other records (a studio's members,
a pairing's sessions) offers them as Excel and CSV through the API list's
export with the record as filter: the file holds the section's rows."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from apprenticeships import services as apprenticeship_services
from tests.apprenticeships import conftest as apprenticeships
from tests.exports import exported_rows

pytestmark = pytest.mark.django_db

# The mentoring world of the apprenticeship tests.
mentoring = apprenticeships.mentoring


def _export_counts(client, page_url) -> dict[str, int]:
    """Rows of each CSV export a page offers, by the API list it comes from."""
    page = client.get(page_url)
    assert page.status_code == 200
    links = re.findall(r'href="([^"]+as=csv)"', page.content.decode())
    counts = {}
    for url in (link.replace("&amp;", "&") for link in links):
        answer = client.get(url)
        assert answer.status_code == 200, url
        counts[url.split("?")[0]] = len(exported_rows(answer, "csv")) - 1
    return counts


def test_a_studio_page_exports_its_members_and_honours(client, studios):
    client.force_login(studios.org.official_a)
    counts = _export_counts(client, reverse("studios:studio-detail", args=[studios.dust.pk]))
    assert counts["/api/v1/memberships/export/"] == 2  # the leader and member_a
    assert counts["/api/v1/honours/export/"] == 0


def test_a_pairing_page_exports_its_sessions_and_evaluations(client, mentoring):
    pairing = mentoring.active
    for days in (3, 1):
        apprenticeship_services.session_log(
            by=mentoring.member_a,
            pairings=[pairing],
            held_on=datetime.date.today() - datetime.timedelta(days=days),
            hours=Decimal("2"),
            format="on_site",
            topic="粉尘检测仪使用",
        )
    client.force_login(mentoring.org.official_a)
    counts = _export_counts(client, reverse("apprenticeships:pairing-detail", args=[pairing.pk]))
    assert counts["/api/v1/sessions/export/"] == 2
    assert counts["/api/v1/evaluations/export/"] == 0


def test_the_runs_page_exports_the_runs_it_lists(client, org):
    client.force_login(org.official_a)
    page = client.get(reverse("reports:run-list"))
    links = dict(page.context["export_links"])
    assert client.get(links["导出 CSV"]).status_code == 200
