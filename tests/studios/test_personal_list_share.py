"""A personal-honour list (May Day medals, craftsmen, model workers) counts our
people on it, as a studio list counts our studios: on the list and record
pages and in the API's `ours` and `share_percent` (the dashboard's shares:
tests/reports/test_dashboard_output_figures.py)."""

import pytest
from django.urls import reverse

from studios import services
from studios.models import Honour
from studios.selectors import list_share

pytestmark = pytest.mark.django_db

MEDAL = Honour.PersonalTitle.MAY_DAY_MEDAL


@pytest.fixture
def medals(org, provincial_list):
    """The 2022 provincial May Day medals (900 named): two of company A's
    people and one of company B's."""
    medals = services.recognition_list_update(
        list_id=provincial_list.pk,
        by=org.group_official,
        title="2022 省五一劳动奖章",
        total_named=900,
    )
    for person in (org.worker_a, org.colleague_a, org.worker_b):
        services.honour_create(
            by=org.group_official, recognition_list=medals, person=person, personal_title=MEDAL
        )
    return medals


@pytest.mark.parametrize(
    "unit, ours, percent",
    [(None, 3, "0.3"), ("company_a", 2, "0.2"), ("team_a102", 1, "0.1"), ("company_b", 1, "0.1")],
)
def test_our_people_on_a_personal_list_are_counted(org, medals, unit, ours, percent):
    share = list_share(medals, getattr(org, unit) if unit else None)
    assert (share.ours, share.total, str(share.percent)) == (ours, 900, percent)


def test_a_person_who_moved_counts_in_their_new_unit(org, medals):
    org.worker_b.org_unit = org.team_a101
    org.worker_b.save(update_fields=["org_unit"])
    assert (list_share(medals, org.company_a).ours, list_share(medals, org.company_b).ours) == (
        3,
        0,
    )


def test_the_api_gives_the_share_of_a_personal_list(api, org, medals):
    api.force_authenticate(org.group_official)
    [row] = api.get("/api/v1/recognition-lists/").json()["results"]
    assert (row["ours"], row["total_named"], row["share_percent"]) == (3, 900, 0.3)
    url = f"/api/v1/recognition-lists/?org_unit={org.company_a.pk}"
    [row] = api.get(url).json()["results"]
    assert (row["ours"], row["share_percent"]) == (2, 0.2)


def test_the_list_page_shows_our_people_on_a_personal_list(as_person, org, medals):
    page = as_person(org.worker_b).get(reverse("studios:recognitionlist-list"))
    assert "3 / 900" in page.content.decode()


def test_the_record_page_counts_our_people_and_hides_nothing(as_person, org, medals):
    page = as_person(org.worker_b).get(reverse("studios:recognitionlist-detail", args=[medals.pk]))
    text = page.content.decode()
    assert "该名单共 900 人，本集团 3 人，占 0.3%。" in text
    # Every person of ours on it is listed, so nothing is said to be hidden,
    # and a list of people says nothing of studios.
    assert all(person.full_name in text for person in (org.worker_a, org.worker_b))
    assert "不显示名称" not in text
    assert "名单中的本集团工作室" not in text
