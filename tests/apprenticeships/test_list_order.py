"""Every ordering of the pairing, plan, session and evaluation lists ends with
the row's id, so rows that tie on the chosen field keep one place: paging one
row at a time visits each exactly once, ties in id order."""

from decimal import Decimal
from itertools import groupby
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships import services
from apprenticeships.models import Evaluation, Pairing, Session
from tests.apprenticeships.conftest import SCORES, days_ago
from tests.factories import PersonFactory
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Level = Evaluation.Level


@shared_data(needs=("mentoring",))
def ties(built):
    """In the dust studio, three more pairings started the same day (no session:
    the same empty last session, the same planned end), a plan of three steps
    due the same day, three sessions held the same day and three evaluations
    recorded the same day. Every test here only reads them: built once."""
    m = built.get("mentoring")
    pairings = [
        m.pair(m.lead_a, m.member_a, PersonFactory(org_unit=m.org.team_a101), m.dust, started=15)
        for _ in range(3)
    ]
    for position in range(3):
        services.milestone_create(
            pairing_id=m.active.pk,
            by=m.member_a,
            title=f"第{position + 1}步",
            due_on=days_ago(-10),
            position=0,
        )
    for topic in ("采样", "校准", "记录"):
        services.session_log(
            by=m.member_a,
            pairings=[m.active, *pairings[:1]],
            held_on=days_ago(2),
            hours=Decimal(2),
            format=Session.Format.ON_SITE,
            topic=topic,
        )
    today = timezone.localdate()
    for level, by, period in (
        (Level.MENTOR_MONTHLY, m.member_a, today.strftime("%Y-%m")),
        (Level.DEPARTMENT_QUARTERLY, m.lead_a, f"{today.year}-Q{(today.month - 1) // 3 + 1}"),
        (Level.UNIT_YEARLY, m.org.official_a, str(today.year)),
    ):
        services.evaluation_record(
            pairing_id=m.active.pk, by=by, level=level, period=period, **SCORES
        )
    # `active` as its sessions and evaluations left it (the level below keeps its own)
    return SimpleNamespace(**{**vars(m), "active": Pairing.objects.get(pk=m.active.pk)})


def walk_api(api, path, params) -> list[dict]:
    """Every row of an API list, one row per page, following `next`."""
    rows, response = [], api.get(path, {**params, "page_size": 1})
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        response = api.get(body["next"])


def assert_ties_in_id_order(rows, key, descending):
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "a row was repeated"
    tied = [[row["id"] for row in group] for _, group in groupby(rows, key=lambda r: r[key])]
    assert any(len(group) > 1 for group in tied), "the data should hold a tie"
    for group in tied:
        assert group == sorted(group, reverse=descending)


CASES = [
    ("/api/v1/pairings/", "starts_on"),
    ("/api/v1/pairings/", "planned_end_on"),
    ("/api/v1/pairings/", "last_session_on"),
    ("/api/v1/milestones/", "due_on"),
    ("/api/v1/milestones/", "position"),
    ("/api/v1/sessions/", "held_on"),
    ("/api/v1/evaluations/", "evaluated_on"),
]


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize(("path", "key"), CASES, ids=[f"{p}?ordering={k}" for p, k in CASES])
def test_each_api_ordering_ends_with_the_id(api, ties, path, key, descending):
    api.force_authenticate(ties.lead_a)
    rows = walk_api(api, path, {"ordering": f"-{key}" if descending else key})
    assert len(rows) == api.get(path).json()["count"]
    assert_ties_in_id_order(rows, key, descending)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/api/v1/pairings/", "starts_on"),
        ("/api/v1/sessions/", "held_on"),
        ("/api/v1/evaluations/", "evaluated_on"),
    ],
)
def test_the_default_orderings_end_with_the_id(api, ties, path, key):
    api.force_authenticate(ties.lead_a)
    assert_ties_in_id_order(walk_api(api, path, {}), key, descending=True)


def test_the_pairing_list_page_visits_every_pairing_once(as_person, ties):
    # given four pairings of the dust studio that started the same day
    client = as_person(ties.lead_a)
    seen, page = [], 1
    while True:
        response = client.get(
            reverse("apprenticeships:pairing-list"), {"page_size": 1, "page": page}
        )
        seen += [(p.starts_on, p.pk) for p in response.context["pairings"]]
        if not response.context["page_obj"].has_next():
            break
        page += 1
    # then each shows once, newest start first and the ties newest id first
    assert seen == sorted(seen, key=lambda row: (row[0], row[1]), reverse=True)
    assert len(seen) == len(set(seen))
    assert sum(1 for start, _ in seen if start == days_ago(15)) == 3
