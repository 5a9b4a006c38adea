"""Cursor pages (core/keyset.py): every row once, in order, whatever is added
between two reads; the links lead both ways; `?page=` and a bad cursor are a
400 that names `cursor`; the count stops at its cap."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import keyset
from core.keyset import keyset_page
from tests.factories import PersonFactory
from tests.world import shared_data

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


@shared_data(needs=("org",))
def namesakes(built):
    """Nine people in team A101 sharing three names, so the ordering by name
    has ties that only the id breaks; some signed in (last_login set)."""
    org = built.get("org")
    base = timezone.now() - datetime.timedelta(days=30)
    for i in range(9):
        PersonFactory(
            employee_no=f"ns{i}",
            full_name=f"同名{i % 3}",
            org_unit=org.team_a101,
            last_login=base + datetime.timedelta(days=i % 4) if i % 3 else None,
        )
    return org


def _names(rows):
    return [(row["full_name"], row["id"]) for row in rows]


def _walk(api, url, params):
    """Every row of the list, following `next` links from the first page."""
    answer = api.get(url, params).json()
    rows = answer["results"]
    while answer["next"]:
        answer = api.get(answer["next"]).json()
        rows += answer["results"]
    return rows


def test_paging_by_name_shows_every_person_once_in_name_then_id_order(api, namesakes):
    api.force_authenticate(namesakes.official_a)
    rows = _walk(api, PEOPLE, {"ordering": "full_name", "page_size": 2})
    expected = sorted(
        (p.full_name, p.pk)
        for p in User.objects.filter(org_unit__path__startswith=namesakes.company_a.path)
    )
    assert _names(rows) == expected


def test_descending_order_breaks_ties_by_descending_id(api, namesakes):
    api.force_authenticate(namesakes.official_a)
    rows = _walk(api, PEOPLE, {"ordering": "-full_name", "page_size": 4})
    assert _names(rows) == sorted(_names(rows), reverse=True)


def test_people_added_between_two_reads_neither_repeat_nor_hide_a_row(api, namesakes):
    api.force_authenticate(namesakes.official_a)
    params = {"ordering": "full_name", "page_size": 3}
    first = api.get(PEOPLE, params).json()
    before = {p.pk for p in User.objects.filter(org_unit__path__startswith="0001")}
    # Names that sort before, among and after the first page's rows.
    for name in ("一", "同名0", "龥"):
        PersonFactory(full_name=name, org_unit=namesakes.team_a101)
    rest = first["results"]
    answer = first
    while answer["next"]:
        answer = api.get(answer["next"]).json()
        rest += answer["results"]
    ids = [row["id"] for row in rest]
    assert len(ids) == len(set(ids))
    visible_before = {
        p.pk
        for p in User.objects.filter(
            pk__in=before, org_unit__path__startswith=namesakes.company_a.path
        )
    }
    assert visible_before <= set(ids)


def test_previous_leads_back_to_the_same_page(api, namesakes):
    api.force_authenticate(namesakes.official_a)
    params = {"ordering": "full_name", "page_size": 2}
    first = api.get(PEOPLE, params).json()
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()
    assert first["previous"] is None
    assert api.get(third["previous"]).json()["results"] == second["results"]
    assert api.get(second["previous"]).json()["results"] == first["results"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "2"}, "page"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "e30"}, "cursor"),
    ],
)
def test_page_numbers_and_bad_cursors_are_refused_naming_the_cursor(api, namesakes, params, field):
    api.force_authenticate(namesakes.official_a)
    answer = api.get(PEOPLE, params)
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert "cursor" in str(answer.json()["errors"][field])


def test_the_count_stops_at_its_cap_and_says_so(api, namesakes, monkeypatch):
    api.force_authenticate(namesakes.official_a)
    exact = api.get(PEOPLE).json()
    assert exact["count_capped"] is False and exact["count"] > 5
    monkeypatch.setattr(keyset, "COUNT_CAP", 5)
    capped = api.get(PEOPLE).json()
    assert (capped["count"], capped["count_capped"]) == (5, True)


@pytest.mark.parametrize("descending", [False, True])
def test_empty_values_come_last_both_ways_and_every_row_once(namesakes, descending):
    people = User.objects.filter(org_unit=namesakes.team_a101)
    ordered = people.order_by("-last_login" if descending else "last_login")
    rows, cursor = [], None
    while True:
        page = keyset_page(ordered, size=2, cursor=cursor)
        rows += page.rows
        if not page.has_next:
            break
        cursor = page.next_cursor
    logins = [p.last_login for p in rows]
    assert len({p.pk for p in rows}) == len(rows) == people.count()
    known = [t for t in logins if t is not None]
    assert known == sorted(known, reverse=descending)
    assert logins[len(known) :] == [None] * (len(logins) - len(known))
    # And back from the end: the previous pages are the same rows.
    back, cursor = [], page.previous_cursor
    while cursor:
        earlier = keyset_page(ordered, size=2, cursor=cursor)
        back = earlier.rows + back
        cursor = earlier.previous_cursor
    assert back + page.rows == rows


def test_the_people_page_pages_by_newer_and_older_links(client, namesakes):
    client.force_login(namesakes.official_a)
    url = reverse("accounts:person-list")
    first = client.get(url, {"page_size": 3})
    page = first.context["page_obj"]
    assert page.has_next and not page.has_previous
    assert f"cursor={page.next_cursor}" in first.content.decode()
    second = client.get(url, {"page_size": 3, "cursor": page.next_cursor})
    assert not {p.pk for p in first.context["object_list"]} & {
        p.pk for p in second.context["object_list"]
    }
    # A stale or mangled link starts again at the top instead of failing.
    assert client.get(url, {"cursor": "garbage"}).status_code == 200


def test_lists_paged_by_number_keep_each_row_once_among_equals(api, studios):
    """Members who joined a studio on the same day in the same role sort as
    equals; the id that ends every ordering keeps each on one page."""
    from studios.services import membership_add

    for i in range(7):
        membership_add(
            studio_id=studios.dust.pk,
            person=PersonFactory(employee_no=f"m{i}", org_unit=studios.org.team_a101),
            by=studios.org.official_a,
        )
    api.force_authenticate(studios.org.official_a)
    answer = api.get("/api/v1/memberships/", {"studio": studios.dust.pk, "page_size": 2}).json()
    ids = [row["id"] for row in answer["results"]]
    while answer["next"]:
        answer = api.get(answer["next"]).json()
        ids += [row["id"] for row in answer["results"]]
    assert len(ids) == len(set(ids)) == answer["count"]
    new = [i for i in ids if i > max(ids) - 7]
    assert new == sorted(new)  # equals in id order


def test_a_long_list_is_paged_along_its_ordering_like_a_short_one(api, namesakes, monkeypatch):
    """Past FEW visible rows a page is not read by the ids but along the
    ordering's index: the same rows, the same count."""
    api.force_authenticate(namesakes.official_a)
    params = {"ordering": "full_name", "page_size": 3}

    def walk() -> tuple[int, list]:
        answer = api.get(PEOPLE, params).json()
        count, names = answer["count"], [p["full_name"] for p in answer["results"]]
        while answer["next"]:
            answer = api.get(answer["next"]).json()
            names += [p["full_name"] for p in answer["results"]]
        return count, names

    short = walk()
    monkeypatch.setattr(keyset, "FEW", 2)
    assert walk() == short
    assert short[0] == len(short[1]) > 2
