"""The union dashboard as officials meet it: the page `/reports/` (and `/` for
an official), `GET /api/v1/stats/overview/`, who may see which part of the
group, the links from each figure to the list it counts, and the page's and
the API's query counts as the group grows.

The world is the hand-counted one of `test_dashboard_figures`; its numbers are
written out again here where the page shows them.
"""

import contextlib
import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from competitions.models import Proposal
from competitions.selectors import screening_queue
from reports.selectors import DashboardScope, live_dashboard_figures
from reports.selectors import home as reports_home
from reports.snapshots import dashboard_snapshots_rebuild
from studios.selectors import Share
from tests.factories import PersonFactory, grant_official
from tests.page_html import picker_of
from tests.reports import dashboard_world as hand_counted
from tests.reports.dashboard_world import grow

# The hand-counted world of the figures tests.
world = hand_counted.world
grown_world = hand_counted.grown_world
patent_number = hand_counted.patent_number

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports:dashboard")
HOME = reverse("reports:home")
OVERVIEW = reverse("api:stats-overview")

# Measured on the world below (group official and company A's official alike)
# and unchanged when it grows by five units and ten studios: session and user,
# the official's scope, the kept figures (one row, reports/snapshots.py), the
# welcome line's roles, the screening queue's count and the open work of people
# who left (five: pairings, proposal reviews, naming scores, studios, drafts); the
# unit is a picker (no choices). 58 when the figures were computed on every
# visit, with the rest of the home summary the page did not show.
PAGE_QUERIES = 16
# The first visit of a unit and year computes the figures (one aggregate query
# per figure or table) and keeps them: the page's own queries, the look-up that
# finds no snapshot, the figures and the row's insert and update.
FIRST_VISIT_QUERIES = 58
# The API: the official's scope and the kept row; on a first visit the look-up
# that finds none, the figures (40) and the row's insert and update.
API_QUERIES = 4
API_FIRST_VISIT_QUERIES = 46


def official_over(unit):
    """A new official over `unit` alone (they see the rest of its company)."""
    official = PersonFactory(employee_no="official_a1", org_unit=unit)
    grant_official(official, unit)
    return official


def fresh(person):
    """The person as a new request loads them (no scope cached on the object)."""
    return type(person).objects.get(pk=person.pk)


class ShownFigures(HTMLParser):
    """Text and link of every element with a `data-testid`."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: dict[str, dict] = {}
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        testid = attrs.get("data-testid")
        self._open.append((tag, testid))
        if testid:
            self.found[testid] = {"text": "", "href": attrs.get("href")}

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _tag, testid in self._open:
            if testid:
                self.found[testid]["text"] += data

    def text(self, testid: str) -> str:
        return " ".join(self.found[testid]["text"].split())

    def href(self, testid: str) -> str:
        return self.found[testid]["href"]


def page_of(client, person, **params) -> ShownFigures:
    client.force_login(fresh(person))
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return ShownFigures(response.content.decode())


def overview_of(api, person, **params) -> dict:
    api.force_authenticate(fresh(person))
    response = api.get(OVERVIEW, params)
    assert response.status_code == 200, response.content
    return response.json()


def figures_of(unit: OrgUnit, year: int) -> dict:
    return live_dashboard_figures(DashboardScope(unit=unit, year=year))


# --- Page, API and selector agree ---------------------------------------------------


def _flat(value, path: str = "") -> dict:
    """Every number in the figures (or their JSON) by its place, rows keyed by
    their code, unit or level; labels and names are not figures."""
    found = {}
    if isinstance(value, Share):
        value = {"ours": value.ours, "total": value.total, "percent": value.percent}
    elif isinstance(value, OrgUnit):
        value = {"id": value.pk}
    if isinstance(value, dict):
        value = dict(value)
        if "share" in value:  # the selector's share row; the API flattens it
            share = value.pop("share")
            value.update(ours=share.ours, total=share.total, percent=share.percent)
        if "pk" in value:  # a ranked studio: the API calls its key `id`
            value["id"] = value.pop("pk")
            value.pop("output", None)
        for key, item in value.items():
            found.update(_flat(item, f"{path}.{key}"))
    elif isinstance(value, list):
        for index, row in enumerate(value):
            found.update(_flat(row, f"{path}[{_row_key(row, index)}]"))
    elif value is None or isinstance(value, (int, Decimal)):
        found[path] = None if value is None else Decimal(value)
    elif isinstance(value, str):
        with contextlib.suppress(ArithmeticError):  # the API writes decimals as strings
            found[path] = Decimal(value)
    return found


def _row_key(row, index: int) -> str:
    if not isinstance(row, dict):
        return str(index)
    if "code" in row:
        return row["code"]
    if "unit" in row:
        unit = row["unit"]
        return str(unit.pk if isinstance(unit, OrgUnit) else unit["id"])
    if "level" in row:
        return f"{row['level']}/{row['year']}"
    return str(index)


@pytest.mark.parametrize("unit", ["group", "company_a", "company_b"])
def test_the_api_returns_the_selectors_figures(api, world, unit):
    scope_unit = getattr(world.org, unit)
    body = overview_of(api, world.org.group_official, org_unit=scope_unit.pk, year=world.year)

    assert _flat(body) == _flat(figures_of(scope_unit, world.year))
    assert body["unit"] == {"id": scope_unit.pk, "name": scope_unit.name, "code": scope_unit.code}


def test_the_api_writes_the_figures_as_counted_by_hand(api, world):
    body = overview_of(api, world.org.group_official, year=world.year)

    five = body["five_small"]
    assert (five["total"], five["headcount"], five["entrants"]) == (13, 13, 6)
    assert (five["participation"], five["per_hundred"]) == ("46.2", "100.0")
    assert (five["approval_rate"], five["implementation_rate"]) == ("71.4", "80.0")
    assert five["median_days_to_decision"] == "10.0"
    assert five["verified_benefit"] == "82000.00"
    assert [
        (row["code"], row["count"], row["amount"])
        for row in five["awards_by_grade"]
        if row["count"]
    ] == [("first", 1, "5000.00"), ("second", 1, "2000.00")]
    assert [(row["unit"]["code"], row["count"]) for row in five["by_unit"]] == [("A", 9), ("B", 4)]
    assert [
        (row["level"], row["year"], row["ours"], row["total"], row["percent"])
        for row in body["studios"]["shares"]
    ] == [
        ("provincial", world.year, 3, 28, "10.7"),  # two studios and a model worker
        ("municipal", world.year, 1, 10, "10.0"),
    ]
    assert body["outputs"]["adoptions_outside"] == 2
    assert body["mentoring"] == {"active": 4, "at_risk": 2, "completed": 1, "skill_rises": 1}
    assert [row["code"] for row in body["rankings"]["studios"]] == [
        "A1-DUST",
        "B1-TURB",
        "A1-MINE",
    ]


def test_the_page_shows_the_figures_counted_by_hand(client, world):
    page = page_of(client, world.org.group_official)

    assert page.text("dashboard-title").endswith(f"Unit G {world.year}")
    assert page.text("fig-studios").startswith("7")
    assert page.text("fig-proposals").startswith("13")
    assert page.text("fig-achievements").startswith("5")
    assert page.text("fig-pairings").startswith("4")
    assert page.text("participation") == "6 / 13 · 46.2%"
    assert page.text("per-hundred") == "100.0"
    assert page.text("approval-rate") == "71.4%"
    assert page.text("implementation-rate") == "80.0%"
    assert page.text("median-days") == "10.0"
    assert page.text("five-small-benefit") == "¥82,000.00"
    assert page.text("studios-status-named") == "3"
    assert page.text("studios-named-provincial") == "2"
    assert page.text("share-provincial") == "3 / 28 · 10.7%"
    assert page.text("share-municipal") == "1 / 10 · 10.0%"
    assert page.text("assessment-fail") == "1"
    assert page.text("studios-rectification") == "1"
    assert page.text("problems-opened") == "4"
    assert page.text("problems-solved") == "3"
    assert page.text("claimed-benefit") == "¥200,000.00"
    assert page.text("verified-benefit") == "¥105,000.00"
    assert page.text("adoptions-outside") == "2"
    assert page.text("awards-first") == page.text("awards-second") == "1"
    assert "awards-encouragement" not in page.found  # no award of that grade this year
    assert page.text("pairings-active") == "4"
    assert page.text("pairings-at-risk") == "2"
    assert page.text("pairings-completed") == "1"
    assert page.text("skill-rises") == "1"


# Each figure table on the page: its data-testid prefix and the selector's rows.
TABLES = {
    "studios-status": ("studios", "by_status"),
    "studios-kind": ("studios", "by_kind"),
    "studios-named": ("studios", "named_by_level"),
    "assessment": ("studios", "assessments_by_grade"),
    "proposals-category": ("five_small", "by_category"),
    "proposals-status": ("five_small", "by_status"),
    "problems-category": ("outputs", "opened_by_category"),
    "achievements-kind": ("outputs", "achievements_by_kind"),
    "patents-type": ("outputs", "patents_by_type"),
    "patents-status": ("outputs", "patents_by_status"),
}


@pytest.mark.parametrize("unit", ["group", "company_a"])
def test_the_page_shows_the_selectors_figures(client, world, unit):
    scope_unit = getattr(world.org, unit)
    page = page_of(client, world.org.group_official, org_unit=scope_unit.pk, year=world.year)
    figures = figures_of(scope_unit, world.year)

    for prefix, (section, name) in TABLES.items():
        for row in figures[section][name]:
            assert page.text(f"{prefix}-{row['code']}") == str(row["count"]), (prefix, row)
    for row in figures["five_small"]["awards_by_grade"]:
        if row["count"]:
            assert page.text(f"awards-{row['code']}") == str(row["count"])
    five, mentoring_figures = figures["five_small"], figures["mentoring"]
    assert page.text("participation") == (
        f"{five['entrants']} / {five['headcount']} · {five['participation']}%"
    )
    assert page.text("per-hundred") == str(five["per_hundred"])
    assert page.text("approval-rate") == f"{five['approval_rate']}%"
    assert page.text("implementation-rate") == f"{five['implementation_rate']}%"
    assert page.text("median-days") == str(five["median_days_to_decision"])
    mentoring_testids = {
        "pairings-active": "active",
        "pairings-at-risk": "at_risk",
        "pairings-completed": "completed",
        "skill-rises": "skill_rises",
    }
    for testid, key in mentoring_testids.items():
        assert page.text(testid) == str(mentoring_figures[key])
    assert page.text("problems-opened") == str(figures["outputs"]["problems_opened"])
    assert page.text("problems-solved") == str(figures["outputs"]["problems_solved"])
    assert page.text("adoptions-outside") == str(figures["outputs"]["adoptions_outside"])


def test_the_page_of_company_a_shows_company_a_counted_by_hand(client, world):
    page = page_of(client, world.org.group_official, org_unit=world.org.company_a.pk)

    assert page.text("dashboard-title").endswith(f"Unit A {world.year}")
    assert page.text("fig-studios").startswith("5")
    assert page.text("participation") == "4 / 8 · 50.0%"
    assert page.text("per-hundred") == "112.5"
    assert page.text("approval-rate") == "75.0%"
    assert page.text("implementation-rate") == "100.0%"
    assert page.text("median-days") == "7.8"
    assert page.text("studios-status-named") == "2"
    assert page.text("share-municipal") == "0 / 10 · 0.0%"
    assert page.text("pairings-at-risk") == "1"
    assert page.text("adoptions-outside") == "1"


# --- Each figure links to the list it counts ----------------------------------------


def _linked_figures(page: ShownFigures) -> dict[str, tuple[int, str]]:
    """{testid: (the number shown, the link)} for every figure that is a link."""
    linked = {}
    for testid, found in page.found.items():
        href = found["href"]
        number = re.match(r"\d+", page.text(testid))
        if href and number and urlsplit(href).path != DASHBOARD:
            linked[testid] = (int(number.group()), href)
    return linked


def _listed(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    return response.context["paginator"].count


@pytest.mark.parametrize("who", ["group_official", "official_a"])
def test_each_figure_links_to_the_list_it_counts(client, world, who):
    page = page_of(client, getattr(world.org, who), year=world.year)
    linked = _linked_figures(page)
    # Every table row (54) and every headline figure (10, the dormant studios
    # among them) is a link.
    assert len(linked) == 64
    assert {
        "fig-studios",
        "fig-proposals",
        "fig-achievements",
        "fig-pairings",
        "problems-opened",
        "studios-rectification",
        "pairings-active",
        "pairings-at-risk",
    } <= set(linked)

    listed = {testid: _listed(client, href) for testid, (_number, href) in linked.items()}
    shown = {testid: number for testid, (number, _href) in linked.items() if testid in listed}
    assert listed == shown
    # And the lists are not all empty: the links carry their filters.
    assert listed["fig-proposals"] == (13 if who == "group_official" else 9)
    assert listed["proposals-status-awarded"] == (2 if who == "group_official" else 1)
    assert listed["pairings-at-risk"] == (2 if who == "group_official" else 1)


def test_the_named_studios_figure_links_to_a_list_of_the_same_studios(client, world):
    page = page_of(client, world.org.group_official, year=world.year)
    # B1-REV was named on this year's municipal list, then revoked: the figure
    # leaves it out (it lost its plaque), and so does the linked list.
    assert page.text("studios-named-municipal") == "1"
    assert _listed(client, page.href("studios-named-municipal")) == 1


def test_the_completed_pairings_figure_links_to_that_years_completions(client, world):
    page = page_of(client, world.org.official_a, year=world.year)
    # pA3 completed this year, pA4 last year: the figure counts one.
    assert page.text("pairings-completed") == "1"
    assert _listed(client, page.href("pairings-completed")) == 1


# --- The year -----------------------------------------------------------------------


def test_another_year_shows_that_years_figures(client, api, world):
    page = page_of(client, world.org.group_official, year=world.last)
    body = overview_of(api, world.org.group_official, year=world.last)

    assert page.text("dashboard-title").endswith(f"Unit G {world.last}")
    assert page.text("fig-studios").startswith("7")  # studios as they stand
    assert page.text("fig-proposals").startswith("2")
    assert page.text("participation") == "2 / 13 · 15.4%"
    assert page.text("median-days") == "100.0"
    assert page.text("awards-encouragement") == "1"
    assert "awards-first" not in page.found
    assert page.text("share-enterprise") == "1 / 5 · 20.0%"
    assert page.text("problems-opened") == "3"
    assert page.text("pairings-completed") == "1"
    assert body["year"] == world.last
    assert body["five_small"]["total"] == 2
    assert body["outputs"]["achievements"] == 1
    assert body["trends"]["proposals"] == [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    assert _flat(body) == _flat(figures_of(world.org.group, world.last))


def test_the_year_defaults_to_this_year(client, api, world):
    assert overview_of(api, world.org.official_b)["year"] == timezone.localdate().year
    assert (
        page_of(client, world.org.official_b)
        .text("dashboard-title")
        .endswith(f"Unit B {timezone.localdate().year}")
    )


def test_a_year_without_proposals_shows_none_per_hundred_workers(client, api, world):
    body = overview_of(api, world.org.official_b, year=2015)
    assert body["five_small"]["per_hundred"] == "0.0"  # 5 workers, nothing entered
    page = page_of(client, world.org.official_b, year=2015)
    assert page.text("participation") == "0 / 5 · 0.0%"
    assert page.text("per-hundred") == "0.0"


# --- Who sees which part of the group -----------------------------------------------


def test_company_bs_official_sees_only_company_b(client, api, world):
    page = page_of(client, world.org.official_b)
    body = overview_of(api, world.org.official_b)

    assert page.text("dashboard-title").endswith(f"Unit B {world.year}")
    assert page.text("fig-studios").startswith("2")
    assert page.text("participation") == "2 / 5 · 40.0%"
    assert page.text("approval-rate") == "66.7%"
    assert page.text("median-days") == "20.0"
    assert page.text("pairings-at-risk") == "1"
    assert body["unit"]["id"] == world.org.company_b.pk
    assert (body["studios"]["total"], body["five_small"]["total"]) == (2, 4)
    assert _flat(body) == _flat(figures_of(world.org.company_b, world.year))
    # The unit filter offers only company B and what lies below it.
    client.force_login(fresh(world.org.official_b))
    form = client.get(DASHBOARD).context["form"]
    assert [unit.code for unit in form.fields["org_unit"].queryset] == ["B", "B1", "B101"]


def test_company_bs_official_may_narrow_to_a_team(client, api, world):
    body = overview_of(api, world.org.official_b, org_unit=world.org.team_b101.pk)
    assert body["unit"]["code"] == "B101"
    assert body["five_small"]["total"] == 4
    page = page_of(client, world.org.official_b, org_unit=world.org.team_b101.pk)
    assert page.text("dashboard-title").endswith(f"Unit B101 {world.year}")


def test_the_api_refuses_company_a_to_company_bs_official(api, world):
    api.force_authenticate(fresh(world.org.official_b))
    response = api.get(OVERVIEW, {"org_unit": world.org.company_a.pk, "year": world.year})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"org_unit"}
    # Nothing of company A's figures leaks into the error.
    assert "studios" not in response.json()


def test_the_page_does_not_find_company_a_for_company_bs_official(client, world):
    client.force_login(fresh(world.org.official_b))
    response = client.get(DASHBOARD, {"org_unit": world.org.company_a.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("official", ["official_a1", "official_b", "group_official"])
def test_every_unit_offered_is_shown_and_every_other_not_found(client, world, official):
    """Each unit of the group, looked up by code in the dashboard's unit
    picker, is offered if and only if the dashboard then shows it: the units
    they manage, a closed one too (its history is still theirs to read), not
    the rest of the company they see."""
    OrgUnit.objects.filter(pk=world.org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
    official = fresh(getattr(world.org, official, None) or official_over(world.org.mine_a1))
    client.force_login(official)
    picker = picker_of(client.get(DASHBOARD).content.decode(), "org_unit")
    assert picker == reverse("picker-search", args=["reported-org-units"])
    verdicts = {}
    for unit in OrgUnit.objects.order_by("code"):
        found = client.get(picker, {"q": unit.code}).json()["results"]
        shown = client.get(DASHBOARD, {"org_unit_key": unit.code}).status_code
        assert shown in (200, 404)
        verdicts[unit.code] = (unit.code in [row["key"] for row in found], shown == 200)
    assert all(offered == taken for offered, taken in verdicts.values()), verdicts
    if official.employee_no == "official_a1":  # sees company A, manages mine A1
        assert verdicts["A102"] == (True, True)
        assert verdicts["A"] == verdicts["G"] == (False, False)


def test_the_page_does_not_show_company_a_to_company_bs_official(client, world):
    # Whatever the status code, nothing of company A's is shown.
    client.force_login(fresh(world.org.official_b))
    response = client.get(DASHBOARD, {"org_unit": world.org.company_a.pk})
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert response.context["scope"].unit == world.org.company_b
        assert "Unit A " not in ShownFigures(response.content.decode()).text("dashboard-title")


@pytest.mark.parametrize("who", ["worker_a", "lead_a"])
def test_a_worker_or_studio_lead_may_not_see_the_dashboard(client, api, world, who):
    person = getattr(world, who, None) or getattr(world.org, who)
    api.force_authenticate(fresh(person))
    assert api.get(OVERVIEW).status_code == 403
    client.force_login(fresh(person))
    assert client.get(DASHBOARD).status_code == 403


def test_anonymous_is_asked_to_sign_in(client, api, world):
    assert api.get(OVERVIEW).status_code == 401
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_officials_home_is_the_dashboard_and_a_workers_is_not(client, world):
    client.force_login(fresh(world.org.official_a))
    official_home = ShownFigures(client.get(HOME).content.decode())
    assert official_home.text("dashboard-title").endswith(f"Unit A {world.year}")
    assert official_home.text("participation") == "4 / 8 · 50.0%"
    assert "welcome" in official_home.found

    client.force_login(fresh(world.org.worker_a))
    response = client.get(HOME)
    assert response.status_code == 200
    worker_home = ShownFigures(response.content.decode())
    assert "dashboard-title" not in worker_home.found
    assert "participation" not in worker_home.found
    assert "five-small" in worker_home.found  # their own proposals instead


def test_the_screening_queue_is_counted_up_to_a_cap(client, world, monkeypatch):
    """Beyond COUNTED the page says "more than": an exact count read
    every submitted proposal of the official's units on each visit."""
    official = world.org.group_official
    waiting = screening_queue(fresh(official)).count()
    assert waiting > 1
    client.force_login(fresh(official))

    def banner() -> str:
        response = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        html = response.content.decode()
        start = html.index(reverse("competitions:screening-queue"))
        return " ".join(html[html.index(">", start) + 1 : html.index("</a>", start)].split())

    assert banner() == f"{waiting} proposals wait for screening"
    monkeypatch.setattr(reports_home, "COUNTED", waiting)
    assert banner() == f"{waiting} proposals wait for screening"
    monkeypatch.setattr(reports_home, "COUNTED", waiting - 1)
    assert banner() == f"More than {waiting - 1} proposals wait for screening"


# --- Query counts -------------------------------------------------------------------


def page_queries_checked(client, official, django_assert_num_queries):
    """The dashboard's first visit (figures computed and kept) and a later one
    (the kept figures), each in its number of queries; the later page."""
    client.force_login(fresh(official))
    with django_assert_num_queries(FIRST_VISIT_QUERIES):
        client.get(DASHBOARD)  # computed and kept
    client.force_login(fresh(official))
    with django_assert_num_queries(PAGE_QUERIES):
        return client.get(DASHBOARD)  # the kept figures


# The same counts on the hand-counted world and on it grown by five units and
# ten studios (`grown_world`), for the group and for a company.


@pytest.mark.parametrize(("who", "studios"), [("group_official", "7"), ("official_a", "5")])
def test_the_page_takes_its_queries_on_the_hand_counted_world(
    client, world, who, studios, django_assert_num_queries
):
    page = page_queries_checked(client, getattr(world.org, who), django_assert_num_queries)
    assert ShownFigures(page.content.decode()).text("fig-studios").startswith(studios)


def test_the_page_takes_the_same_queries_however_many_units_and_studios(
    client, grown_world, django_assert_num_queries
):
    grown = page_queries_checked(client, grown_world.org.group_official, django_assert_num_queries)
    # The growth shows: ten more studios, five more proposals, a third company.
    assert ShownFigures(grown.content.decode()).text("fig-studios").startswith("17")
    assert ShownFigures(grown.content.decode()).text("fig-proposals").startswith("18")
    assert len(grown.context["figures"]["five_small"]["by_unit"]) == 3
    assert len(grown.context["figures"]["rankings"]["studios"]) == 10


def test_the_page_of_a_company_takes_the_same_queries(
    client, grown_world, django_assert_num_queries
):
    grown = page_queries_checked(client, grown_world.org.official_a, django_assert_num_queries)
    assert grown.context["figures"]["studios"]["total"] == 7  # A103's two studios


def _api_queries(api, person) -> int:
    api.force_authenticate(fresh(person))
    with CaptureQueriesContext(connection) as queries:
        response = api.get(OVERVIEW)
    assert response.status_code == 200
    return len(queries)


def test_the_api_takes_the_same_queries_however_many_studios(api, world, django_assert_num_queries):
    """Ten more studios with records in units that are already there."""
    official = world.org.group_official
    assert _api_queries(api, official) == API_FIRST_VISIT_QUERIES
    assert _api_queries(api, official) == API_QUERIES
    org = world.org
    grow(world, [org.team_a101, org.team_a102, org.mine_a1, org.team_b101, org.plant_b1])
    dashboard_snapshots_rebuild()
    api.force_authenticate(fresh(official))
    with django_assert_num_queries(API_QUERIES):
        grown = api.get(OVERVIEW)
    assert grown.json()["studios"]["total"] == 17


def test_the_api_takes_the_same_queries_however_many_units_and_studios(api, grown_world):
    """On the grown world the counts of the hand-counted one (checked, with ten
    studios added in units already there, in the test above)."""
    official = grown_world.org.group_official
    assert _api_queries(api, official) == API_FIRST_VISIT_QUERIES
    assert _api_queries(api, official) == API_QUERIES
    grown = api.get(OVERVIEW)
    assert grown.json()["studios"]["total"] == 17
    assert [row["unit"]["code"] for row in grown.json()["five_small"]["by_unit"]] == [
        "A",
        "B",
        "D",
    ]


def test_the_draft_and_other_years_do_not_reach_the_proposal_list_either(client, world):
    # The figure and its list agree on what "entered this year" means.
    client.force_login(fresh(world.org.group_official))
    response = client.get(
        reverse("competitions:proposal-list"), {"org_unit": world.org.group.pk, "year": world.year}
    )
    statuses = {proposal.status for proposal in response.context["paginator"].object_list}
    assert Proposal.Status.DRAFT not in statuses
    assert response.context["paginator"].count == 13
