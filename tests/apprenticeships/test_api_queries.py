"""Every apprenticeships list takes a fixed number of queries at any page size."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import SkillLevel
from apprenticeships import services
from apprenticeships.models import Evaluation
from studios import services as studio_services
from studios.models import Membership
from tests.apprenticeships.conftest import SCORES, days_ago
from tests.apprenticeships.test_page_queries import crowded  # noqa: F401 - a shared level
from tests.factories import PersonFactory
from tests.lists import ListCase, each_list
from tests.roles import person
from tests.world import shared_data

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
MENTORS = 3
APPRENTICES_EACH = 5  # the default cap of active apprentices per mentor


def fresh(person):
    """The person as a new request loads them (no scope cached by the fixtures)."""
    return type(person).objects.get(pk=person.pk)


@shared_data(needs=("mentoring",))
def many(built):
    """Three more core members of the dust studio, each mentoring five apprentices
    (15 active pairings, more than the larger page), each pairing with a plan
    step, a monthly evaluation and five group sessions per mentor (15 sessions
    of five apprentices)."""
    mentoring = built.get("mentoring")
    m = mentoring
    org = m.org
    for _ in range(MENTORS):
        mentor = PersonFactory(org_unit=org.team_a101)
        studio_services.membership_add(
            studio_id=m.dust.pk, by=org.group_official, person=mentor, role=Membership.Role.CORE
        )
        pairings = []
        for _ in range(APPRENTICES_EACH):
            pairing = services.pairing_propose(
                by=m.lead_a,
                mentor=mentor,
                apprentice=PersonFactory(org_unit=org.team_a102),
                studio=m.dust,
                starts_on=days_ago(10),
                planned_end_on=days_ago(10) + 365 * DAY,
                target_skill_level=SkillLevel.SENIOR,
            )
            pairing = services.pairing_activate(
                pairing_id=pairing.pk, by=m.lead_a, agreement_signed_on=days_ago(10)
            )
            services.milestone_create(
                pairing_id=pairing.pk, by=mentor, title="独立作业", due_on=days_ago(-30)
            )
            services.evaluation_record(
                pairing_id=pairing.pk,
                by=mentor,
                level=Evaluation.Level.MENTOR_MONTHLY,
                period=timezone.localdate().strftime("%Y-%m"),
                **SCORES,
            )
            pairings.append(pairing)
        for index in range(5):
            services.session_log(
                by=mentor,
                pairings=pairings,
                held_on=days_ago(index),
                hours=2,
                format="on_site",
                topic=f"现场教学 {index}",
            )
    return m


ROLES = ["lead_a", "official_a", "group_official", "admin"]
# Before the list itself: the viewer's scope, i.e. their unit's path and their
# grants; a superuser has no unit, so only the grants.
BEFORE_THE_LIST = {"lead_a": 2, "official_a": 2, "group_official": 2, "admin": 1}
# COUNT and the page; the people, studio and unit come joined and the at-risk
# figures as subqueries of the page query.
PAIRING_PAGE = 2
MILESTONE_PAGE = 2
# COUNT, the page, and one prefetch of the attendances with their apprentices.
SESSION_PAGE = 3
# COUNT and the page (pairing and evaluator joined).
EVALUATION_PAGE = 2
LISTS = {
    "/api/v1/pairings/": PAIRING_PAGE,
    "/api/v1/milestones/": MILESTONE_PAGE,
    "/api/v1/sessions/": SESSION_PAGE,
    "/api/v1/evaluations/": EVALUATION_PAGE,
}


PAGE_SIZES = (5, 10)


@each_list(
    [
        ListCase(path, BEFORE_THE_LIST[role] + page, viewer=role)
        for path, page in LISTS.items()
        for role in ROLES
    ],
    sizes=PAGE_SIZES,
)
def test_every_list_takes_the_same_queries_at_any_page_size(lists, many, case, page_size):
    lists.read(case, many, page_size)


@pytest.mark.parametrize("role", ["lead_a", "group_official"])
def test_filtered_pairing_list_takes_the_same_queries_at_any_page_size(
    api, many, django_assert_num_queries, role
):
    for page_size in PAGE_SIZES:
        params = {
            "page_size": page_size,
            "org_unit": many.org.company_a.pk,
            "status": "active",
            "at_risk": "true",
            "ordering": "last_session_on",
        }
        # every pairing started ten days ago and had a session today, so none is
        # at risk: the COUNT is all (no page is read); the unit filter looks the
        # unit up among the visible ones
        api.force_authenticate(fresh(person(many, role)))
        with django_assert_num_queries(BEFORE_THE_LIST[role] + 1 + 1):
            response = api.get("/api/v1/pairings/", params)
        assert response.status_code == 200, response.content
        assert response.json()["count"] == 0

        params["at_risk"] = ""
        api.force_authenticate(fresh(person(many, role)))
        with django_assert_num_queries(BEFORE_THE_LIST[role] + 1 + PAIRING_PAGE):
            response = api.get("/api/v1/pairings/", params)
        assert response.status_code == 200, response.content
        assert response.json()["count"] > PAGE_SIZES[-1]
        assert len(response.json()["results"]) == page_size


def test_sessions_filtered_by_mentor_take_the_same_queries(api, many, django_assert_num_queries):
    mentor = many.dust.memberships.filter(role=Membership.Role.CORE).last().person
    for page_size in (2, 10):
        api.force_authenticate(fresh(many.lead_a))
        with django_assert_num_queries(BEFORE_THE_LIST["lead_a"] + SESSION_PAGE):
            response = api.get("/api/v1/sessions/", {"page_size": page_size, "mentor": mentor.pk})
        assert response.status_code == 200, response.content
        assert response.json()["count"] == 5
        rows = response.json()["results"]
        assert len(rows) == min(page_size, 5)
        assert all(len(row["attendances"]) == APPRENTICES_EACH for row in rows)


@pytest.mark.parametrize("role", ["lead_a", "official_a"])
def test_the_at_risk_list_takes_the_same_queries_at_any_page_size(
    api,
    crowded,  # noqa: F811 - the shared level imported above
    django_assert_num_queries,
    role,
):
    # 24 of the dust studio's 30 active pairings are at risk; the filter and the
    # ordering read the stored columns, so the page is the same two queries
    for page_size in (5, 20):
        api.force_authenticate(fresh(person(crowded, role)))
        with django_assert_num_queries(BEFORE_THE_LIST[role] + PAIRING_PAGE):
            response = api.get(
                "/api/v1/pairings/",
                {"at_risk": "true", "ordering": "-last_session_on", "page_size": page_size},
            )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["count"], len(body["results"])) == (24, page_size)
        assert all(row["at_risk"] for row in body["results"])
