"""`ProblemAccess`, `AchievementAccess` and `PatentAccess`: each fact for each
role, read with one query or from the columns of `<x>s_with_access`, and the
same either way."""

import pytest

from achievements.models import Patent
from achievements.selectors import (
    AchievementAccess,
    PatentAccess,
    ProblemAccess,
    achievement_access,
    achievements_with_access,
    patent_access,
    patents_with_access,
    problem_access,
    problems_with_access,
)
from tests.achievements.api import new_achievement, new_patent, new_problem
from tests.roles import person

pytestmark = pytest.mark.django_db

# Who reads a record of the dust studio (at mine A1 in company A, led by
# `lead_a`, with `member_a` as a core member who may not log records), and how.
ROLES = ("official_a", "official_b", "lead_a", "member_a", "worker_a", "admin")


def read_both_ways(user, record, access_of, with_access):
    """The access read with a query, after checking the list's columns agree."""
    access = access_of(user, record)
    listed = with_access(user).filter(pk=record.pk).first()
    assert access_of(user, listed) == access if listed is not None else not access.read
    return access


# A problem's announcement is public; the details go to insiders, the edits to writers.
PROBLEM = {
    "official_a": ProblemAccess(read=True, reads_full=True, edits=True),
    "official_b": ProblemAccess(read=True),
    "lead_a": ProblemAccess(read=True, reads_full=True, edits=True),
    "member_a": ProblemAccess(read=True, reads_full=True),
    "worker_a": ProblemAccess(read=True),
    "admin": ProblemAccess(read=True, reads_full=True, edits=True),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_facts_about_a_problem(studios, role):
    problem = new_problem(studios)
    user = person(studios, role)
    assert read_both_ways(user, problem, problem_access, problems_with_access) == PROBLEM[role]


# A group-wide achievement: everyone reads it; its studio's writers edit it,
# the officials over the studio manage it.
ACHIEVEMENT = {
    "official_a": AchievementAccess(read=True, edits=True, manages=True),
    "official_b": AchievementAccess(read=True),
    "lead_a": AchievementAccess(read=True, edits=True),
    "member_a": AchievementAccess(read=True),
    "worker_a": AchievementAccess(read=True),
    "admin": AchievementAccess(read=True, edits=True, manages=True),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_facts_about_an_achievement(studios, role):
    achievement = new_achievement(studios, promotion="group")
    user = person(studios, role)
    access = read_both_ways(user, achievement, achievement_access, achievements_with_access)
    assert access == ACHIEVEMENT[role]


@pytest.mark.parametrize("role", ROLES)
def test_a_studio_level_achievement_is_read_by_insiders_only(studios, role):
    achievement = new_achievement(studios)
    access = achievement_access(person(studios, role), achievement)
    insiders = {"official_a", "lead_a", "member_a", "admin"}
    assert access.read is (role in insiders)


# A published patent linked to a studio-level achievement: the record is public,
# its files and its achievement are the insiders', its edits the writers'.
PATENT = {
    "official_a": PatentAccess(read=True, reads_full=True, edits=True, achievement_visible=True),
    "official_b": PatentAccess(read=True),
    "lead_a": PatentAccess(read=True, reads_full=True, edits=True, achievement_visible=True),
    "member_a": PatentAccess(read=True, reads_full=True, achievement_visible=True),
    "worker_a": PatentAccess(read=True),
    "admin": PatentAccess(read=True, reads_full=True, edits=True, achievement_visible=True),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_facts_about_a_patent(studios, role):
    patent = new_patent(studios, achievement=new_achievement(studios))
    Patent.objects.filter(pk=patent.pk).update(status=Patent.Status.PUBLISHED)
    user = person(studios, role)
    assert read_both_ways(user, patent, patent_access, patents_with_access) == PATENT[role]


def test_access_from_the_list_columns_takes_no_query(studios, django_assert_num_queries):
    problem = new_problem(studios)
    listed = problems_with_access(studios.member_a).get(pk=problem.pk)
    with django_assert_num_queries(0):
        assert problem_access(studios.member_a, listed) == PROBLEM["member_a"]
