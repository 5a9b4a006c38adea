"""Studio lists and pages take a fixed number of queries, whatever the page size
or the number of members, honours and assessments."""

import datetime

import pytest
from django.urls import reverse

from studios import services
from studios.models import RecognitionList, Studio
from tests.factories import PersonFactory
from tests.lists import ListCase, each_list
from tests.world import shared_data

pytestmark = pytest.mark.django_db


@shared_data(needs=("org",))
def many(built):
    """25 studios at mine A1, each with a member, an honour and an assessment."""
    org = built.get("org")
    by = org.group_official
    recognition_list = services.recognition_list_create(
        by=by,
        title="big list",
        level=RecognitionList.Level.ENTERPRISE,
        conferred_by="group",
        year=2024,
        total_named=100,
    )
    for year in range(2000, 2024):  # earlier lists, so that list runs over pages too
        services.recognition_list_create(
            by=by,
            title=f"{year} list",
            level=RecognitionList.Level.ENTERPRISE,
            conferred_by="group",
            year=year,
            total_named=10,
        )
    for index in range(25):
        leader = PersonFactory(org_unit=org.team_a101)
        studio = services.studio_create(
            by=by,
            name=f"工作室{index}",
            code=f"S{index:03d}",
            kind=Studio.Kind.EMPLOYEE,
            leader=leader,
            org_unit=org.team_a101,
            speciality="x",
            founded_on=datetime.date(2020, 1, 1),
        )
        services.studio_change_status(studio_id=studio.pk, by=by, status="established")
        services.membership_add(
            studio_id=studio.pk, by=by, person=PersonFactory(org_unit=org.team_a101)
        )
        services.honour_create(by=by, recognition_list=recognition_list, studio=studio)
        services.assessment_record(by=by, studio=studio, year=2025, score=80, grade="good")
    return org


# Scoped lists: the viewer's scope (grants, own unit), COUNT, the page.
# Recognition lists are public: COUNT and the page only.
LISTS = [
    ListCase("/api/v1/studios/", 4),
    ListCase("/api/v1/memberships/", 4),
    ListCase("/api/v1/recognition-lists/", 2),
    ListCase("/api/v1/honours/", 4),
    ListCase("/api/v1/assessments/", 4),
]


@each_list(LISTS)
def test_every_list_takes_the_same_queries_at_any_page_size(lists, many, case, page_size):
    lists.read(case, many, page_size)


@pytest.mark.parametrize("page_size", [5, 20])
def test_studio_directory_page_queries(as_person, many, django_assert_num_queries, page_size):
    client = as_person(many.official_a)
    with django_assert_num_queries(6):
        response = client.get(reverse("studios:studio-list"), {"page_size": page_size})
    assert len(response.context["studios"]) == page_size


@pytest.mark.parametrize("extra_members", [1, 12])
def test_studio_detail_page_queries_do_not_grow_with_members(
    as_person, many, django_assert_max_num_queries, extra_members
):
    studio = Studio.objects.get(code="S000")
    for _ in range(extra_members):
        services.membership_add(
            studio_id=studio.pk,
            by=many.group_official,
            person=PersonFactory(org_unit=many.team_a101),
        )
    client = as_person(many.official_a)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("studios:studio-detail", args=[studio.pk]))
    assert len(response.context["members"]) == 2 + extra_members
