"""Officials set a per-unit limit of active apprentices per mentor; the nearest
unit above the mentor wins; the skill history shows on the person's page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprenticeships.models import MentorCapacity
from apprenticeships.selectors import mentor_capacity
from tests.apprenticeships.conftest import final_passed

pytestmark = pytest.mark.django_db

URL = reverse("apprenticeships:mentor-capacity")


def test_official_sets_a_limit_for_a_unit_they_manage(as_person, mentoring):
    org = mentoring.org
    response = as_person(org.official_a).post(
        URL, {"org_unit": org.mine_a1.pk, "max_active_apprentices": 2}, follow=True
    )
    assert response.status_code == 200
    assert MentorCapacity.objects.get(org_unit=org.mine_a1).max_active_apprentices == 2
    assert mentor_capacity(mentoring.member_a) == 2


def test_nearest_unit_wins_over_a_wider_one(as_person, mentoring):
    org = mentoring.org
    client = as_person(org.group_official)
    client.post(URL, {"org_unit": org.group.pk, "max_active_apprentices": 8})
    assert mentor_capacity(mentoring.member_a) == 8
    client.post(URL, {"org_unit": org.team_a101.pk, "max_active_apprentices": 3})
    assert mentor_capacity(mentoring.member_a) == 3
    assert mentor_capacity(mentoring.org.worker_b) == 8


def test_a_unit_outside_the_officials_scope_is_refused(as_person, mentoring):
    org = mentoring.org
    response = as_person(org.official_b).post(
        URL, {"org_unit": org.mine_a1.pk, "max_active_apprentices": 2}
    )
    assert response.status_code == 400
    assert not MentorCapacity.objects.exists()


@pytest.mark.parametrize("value", ["0", "51", "x"])
def test_a_limit_out_of_range_is_refused(as_person, mentoring, value):
    response = as_person(mentoring.org.official_a).post(
        URL, {"org_unit": mentoring.org.mine_a1.pk, "max_active_apprentices": value}
    )
    assert response.status_code == 400
    assert not MentorCapacity.objects.exists()


@pytest.mark.parametrize("who", ["lead_a", "member_a", "apprentice_a"])
def test_only_officials_reach_the_limits_page(as_person, mentoring, who):
    assert as_person(getattr(mentoring, who)).get(URL).status_code == 403


def test_the_official_sees_only_limits_in_their_scope(as_person, mentoring):
    org = mentoring.org
    MentorCapacity.objects.create(org_unit=org.mine_a1, max_active_apprentices=2)
    MentorCapacity.objects.create(org_unit=org.plant_b1, max_active_apprentices=4)
    response = as_person(org.official_b).get(URL)
    assert [s.org_unit for s in response.context["settings"]] == [org.plant_b1]


def test_the_persons_page_shows_how_the_skill_level_was_reached(as_person, mentoring):
    final_passed(mentoring.active, mentoring.org.group_official)
    response = as_person(mentoring.org.official_a).get(
        reverse("accounts:person-detail", args=[mentoring.apprentice_a.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert 'data-testid="skill-change"' in page
    assert "Junior worker → Intermediate worker" in page


def test_the_limits_page_takes_the_same_queries_however_many_limits(client, mentoring):
    # given an official over company A, first with two limits, then with eight
    org = mentoring.org
    units = [org.company_a, org.mine_a1, org.team_a101, org.team_a102]
    counts = []
    for extra in (units[:2], [*units[2:], org.group]):
        for unit in extra:
            MentorCapacity.objects.create(org_unit=unit, max_active_apprentices=4)
        viewer = type(org.group_official).objects.get(pk=org.group_official.pk)
        client.force_login(viewer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        counts.append((len(response.context["settings"]), len(queries)))
    # then the page lists them all in the same number of queries
    assert [listed for listed, _ in counts] == [2, 5]
    assert counts[0][1] == counts[1][1]
