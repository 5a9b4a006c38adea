"""Every achievements list takes a fixed number of queries at any page size."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from achievements import services
from achievements.patent_numbers import check_digit
from tests.factories import PersonFactory
from tests.lists import ListCase, each_list
from tests.world import shared_data

pytestmark = pytest.mark.django_db


def fresh(person):
    """The person as a new request loads them (no scope cached by the fixtures)."""
    return type(person).objects.get(pk=person.pk)


def patent_number(serial: int) -> str:
    digits = f"20212{serial:07d}"
    return f"{digits}.{check_digit(digits)}"


@shared_data(needs=("studios",))
def many(built):
    """25 of each record on the dust studio, each with people attached."""
    studios = built.get("studios")
    lead, official = studios.lead_a, studios.org.group_official
    conference = services.conference_create(
        by=official, name="展会", held_on=datetime.date(2025, 5, 1), organiser=studios.org.group
    )
    achievements = []
    for index in range(25):
        helper = PersonFactory(org_unit=studios.org.team_a101)
        problem = services.problem_create(
            by=lead,
            studio=studios.dust,
            title=f"课题{index}",
            category="dust_control",
            team=[lead, helper],
        )
        achievement = services.achievement_create(
            by=official,
            studio=studios.dust,
            title=f"成果{index}",
            kind="software",
            completed_on=datetime.date(2024, 1, 1),
            origin_problem=problem,
            contributors=[(lead, Decimal(50)), (helper, Decimal(50))],
            promotion="group",
        )
        # Verified by the office, so the list names a verifier on every row.
        services.achievement_verify_benefit(
            achievement_id=achievement.pk,
            by=official,
            verified_benefit=Decimal(1000),
            evidence="财务",
        )
        achievements.append(achievement)
        services.patent_create(
            by=lead,
            studio=studios.dust,
            application_no=patent_number(index),
            title=f"专利{index}",
            patent_type="utility_model",
            filed_on=datetime.date(2021, 1, 1),
            holder="公司",
            inventors=[lead, helper],
            achievement=achievement,
        )
        services.adoption_record(
            by=official,
            achievement=achievement,
            org_unit=studios.org.team_b101,
            adopted_on=datetime.date(2025, 1, 1),
        )
    services.conference_show_achievements(
        conference_id=conference.pk, by=official, achievements=achievements
    )
    # Earlier conferences, so their lists run over more than one page too.
    for index in range(24):
        earlier = services.conference_create(
            by=official,
            name=f"展会{index}",
            held_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=index),
            organiser=studios.org.group,
        )
        services.conference_show_achievements(
            conference_id=earlier.pk, by=official, achievements=achievements[:2]
        )
    return studios


# API: the viewer's scope (grants, own unit; the unit filter needs it even on
# public lists), COUNT, the page, and one prefetch for the people on each
# record. Pages add the session and the user, and the unit filter's choices.
LISTS = [
    ListCase("/api/v1/problems/", 5, viewer="lead_a"),
    ListCase("/api/v1/achievements/", 5, viewer="lead_a"),
    ListCase("/api/v1/patents/", 5, viewer="lead_a"),
    ListCase("/api/v1/adoptions/", 4, viewer="lead_a"),
    ListCase("/api/v1/conferences/", 4, viewer="lead_a"),
    ListCase("achievements:achievement-list", 6, viewer="lead_a"),
    ListCase("achievements:problem-list", 6, viewer="lead_a"),
    ListCase("achievements:patent-list", 7, viewer="lead_a"),
    ListCase("achievements:conference-list", 6, viewer="lead_a"),
]


@each_list(LISTS)
def test_every_list_takes_the_same_queries_at_any_page_size(lists, many, case, page_size):
    lists.read(case, many, page_size)


@pytest.mark.parametrize("page_size", [5, 20])
def test_conference_page_queries(as_person, many, django_assert_num_queries, page_size):
    from achievements.models import PromotionConference

    conference = PromotionConference.objects.get(name="展会")
    client = as_person(fresh(many.lead_a))
    with django_assert_num_queries(7):
        response = client.get(
            reverse("achievements:conference-detail", args=[conference.pk]),
            {"page_size": page_size},
        )
    assert len(response.context["achievements"]) == page_size
