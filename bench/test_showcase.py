"""The showcase at a large group's volume: the story list and a craftsman's
profile (with a three-generation lineage walked by one recursive query) stay
within a fixed factor of raw SQL reading the same rows."""

import datetime

import pytest
from django.db import connection

from accounts.models import User
from apprenticeships.models import Pairing
from bench.conftest import best_seconds
from bench.test_lists import PAGE, api_get, group, raw  # noqa: F401 - `group` is a fixture
from showcase.models import Story
from studios.models import Studio

pytestmark = pytest.mark.django_db

STORIES = 20_000
# A renowned craftsman: 6 apprentices, each with 6, each with 6 (258 people in
# the lineage), among 6 000 unrelated pairings.
BRANCHING = 6
OTHER_PAIRINGS = 6_000
# Measured on a two-core machine with PostgreSQL: the story list ≈ 3x; the
# profile 23–40x against the bare walk and rows (≈ 2–3 ms, so the ratio moves
# with the machine): it also reads every other section through its scope in 15
# queries and builds and serialises the 258-node tree in Python (≈ 60 ms in
# all). A query per node would add ≈ 80 ms, a lost index on the list far more.
TARGETS = {"stories": 25, "profile": 60}


@pytest.fixture
def stories(group):  # noqa: F811 - the fixture imported above
    studios = list(
        Studio.objects.filter(code__startswith="S0").select_related("leader").order_by("id")
    )
    day = datetime.date(2026, 1, 1)
    Story.objects.bulk_create(
        Story(
            title=f"工匠故事{i}",
            form="reportage",
            creator="宣传部",
            body="正文" * 50,
            org_unit_id=studios[i % len(studios)].org_unit_id,
            author=group,
            status="published",
            published_on=day - datetime.timedelta(days=i % 900),
        )
        for i in range(STORIES)
    )
    People, Studios = Story.people.through, Story.studios.through
    ids = list(Story.objects.order_by("id").values_list("id", flat=True))
    People.objects.bulk_create(
        (
            People(story_id=pk, user_id=studios[i % len(studios)].leader_id)
            for i, pk in enumerate(ids)
        ),
        batch_size=5000,
    )
    Studios.objects.bulk_create(
        (Studios(story_id=pk, studio_id=studios[i % len(studios)].pk) for i, pk in enumerate(ids)),
        batch_size=5000,
    )
    _analyze()
    return group


def _analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _pairing(mentor_id, apprentice_id, unit_id, by, status="completed"):
    start = datetime.date(2020, 1, 1)
    return Pairing(
        mentor_id=mentor_id,
        apprentice_id=apprentice_id,
        org_unit_id=unit_id,
        starts_on=start,
        planned_end_on=start + datetime.timedelta(days=730),
        target_skill_level="senior",
        agreement_signed_on=start,
        status=status,
        created_by=by,
        ended_on=start + datetime.timedelta(days=700) if status == "completed" else None,
    )


@pytest.fixture
def craftsman(group):  # noqa: F811 - the fixture imported above
    people = list(
        User.objects.filter(employee_no__startswith="E")
        .order_by("id")
        .values_list("id", "org_unit_id")
    )
    root, rest = people[0], iter(people[1:])
    rows, generation = [], [root]
    for _level in range(3):
        children = []
        for mentor in generation:
            for _ in range(BRANCHING):
                apprentice = next(rest)
                rows.append(_pairing(mentor[0], apprentice[0], apprentice[1], group))
                children.append(apprentice)
        generation = children
    others = people[-2 * OTHER_PAIRINGS :]
    rows += [
        _pairing(others[2 * i][0], others[2 * i + 1][0], others[2 * i][1], group, "active")
        for i in range(OTHER_PAIRINGS)
    ]
    Pairing.objects.bulk_create(rows, batch_size=5000)
    _analyze()
    craftsman = User.objects.get(pk=root[0])
    craftsman.lineage_ids = [root[0]] + [row.apprentice_id for row in rows[:-OTHER_PAIRINGS]]
    return craftsman


BASELINE_STORIES = (
    "SELECT s.*, u.full_name, o.name FROM showcase_story s JOIN accounts_user u ON "
    "u.id = s.author_id JOIN accounts_orgunit o ON o.id = s.org_unit_id "
    f"ORDER BY s.published_on DESC, s.id DESC LIMIT {PAGE}"
)
# What the lineage needs at least: the walk, then the pairings with the names.
BASELINE_WALK = """
    WITH RECURSIVE descent(person_id, generation) AS (
        SELECT id, 0 FROM accounts_user WHERE id = {root}
      UNION
        SELECT p.apprentice_id, d.generation + 1 FROM apprenticeships_pairing p
        JOIN descent d ON p.mentor_id = d.person_id WHERE d.generation < 3
    )
    SELECT person_id, MIN(generation) FROM descent GROUP BY person_id
"""
BASELINE_ROWS = """
    SELECT p.id, p.mentor_id, p.apprentice_id, p.status, p.starts_on, p.ended_on,
           u.full_name, u.skill_level
    FROM apprenticeships_pairing p JOIN accounts_user u ON u.id = p.apprentice_id
    WHERE p.mentor_id IN ({members}) AND p.apprentice_id IN ({members})
"""


def test_story_list_stays_within_its_ratio_of_raw_sql(stories, ratio):
    measured = best_seconds(api_get(stories, "/api/v1/stories/"))
    baseline = best_seconds(raw("SELECT COUNT(*) FROM showcase_story", BASELINE_STORIES))
    assert ratio(measured, baseline, "stories") < TARGETS["stories"]


def test_profile_with_a_large_lineage_stays_within_its_ratio_of_raw_sql(
    group,  # noqa: F811 - the fixture imported above
    craftsman,
    ratio,
):
    measured = best_seconds(api_get(group, f"/api/v1/profiles/{craftsman.pk}/"))
    members = ", ".join(str(pk) for pk in craftsman.lineage_ids)
    baseline = best_seconds(
        raw(BASELINE_WALK.format(root=int(craftsman.pk)), BASELINE_ROWS.format(members=members))
    )
    assert ratio(measured, baseline, "profile") < TARGETS["profile"]
