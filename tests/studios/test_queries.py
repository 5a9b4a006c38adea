"""Studio lists and pages take a fixed number of queries, whatever the page size
or the number of members, honours and assessments."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from studios import services
from studios.models import Honour, RecognitionList, Studio
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


def revoke_every_honour(org) -> None:
    """As de-listing leaves them (when, why, by whom), the studios left named:
    only the rows' columns matter to the queries."""
    Honour.objects.update(
        revoked_on=datetime.date(2025, 3, 1), revoked_reason="摘牌", revoked_by=org.official_a
    )


# Revoked honours show who revoked them to the officials over the studio, why
# to its members too, and the list filters by revocation.
REVOKED_HONOURS = [
    ListCase("/api/v1/honours/", 4, params={"revoked": "true"}),
    ListCase("/api/v1/honours/", 4, viewer="group_official"),
    ListCase("/api/v1/honours/", 4, viewer="worker_a"),
]


@each_list(REVOKED_HONOURS)
def test_revoked_honours_take_the_same_queries_at_any_page_size(lists, many, case, page_size):
    revoke_every_honour(many)
    rows = lists.read(case, many, page_size)
    assert all(row["revoked_on"] == "2025-03-01" for row in rows)


@pytest.mark.parametrize("viewer", ["official_a", "worker_a"])
def test_a_recognition_list_page_takes_the_same_queries_for_1_or_25_honours(
    as_person, many, django_assert_num_queries, viewer
):
    """The big list names 25 studios (their honours revoked, each with its
    certificate link or badge); a small one names one studio and one person."""
    by = many.group_official
    small = services.recognition_list_create(
        by=by,
        title="small list",
        level=RecognitionList.Level.MUNICIPAL,
        conferred_by="city",
        year=2024,
        total_named=10,
    )
    services.honour_create(
        by=by, recognition_list=small, person=many.worker_a, personal_title="craftsman"
    )
    big = RecognitionList.objects.get(title="big list")
    services.honour_create(by=by, recognition_list=small, studio=big.honours.first().studio)
    revoke_every_honour(many)
    client = as_person(type(by).objects.get(pk=getattr(many, viewer).pk))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("studios:recognitionlist-detail", args=[small.pk]))
    with django_assert_num_queries(len(queries)):
        response = client.get(reverse("studios:recognitionlist-detail", args=[big.pk]))
    assert len(response.context["studio_honours"]) == 25


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
    # Once first: a process's first page reads the content types of its change
    # history (Django caches them), and a test that commits empties that cache.
    client.get(reverse("studios:studio-detail", args=[studio.pk]))
    with django_assert_max_num_queries(22):
        response = client.get(reverse("studios:studio-detail", args=[studio.pk]))
    assert len(response.context["members"]) == 2 + extra_members
