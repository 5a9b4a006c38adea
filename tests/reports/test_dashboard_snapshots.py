"""The dashboard's kept figures (reports/snapshots.py): on every hand-built world
of the dashboard's tests a snapshot is the live computation, value for value and
type for type; the page and the API show it as they showed the live figures, say
when it was computed, and refuse a unit outside the official's grant before
reading it."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import OrgUnit
from competitions.models import Proposal
from reports.models import DashboardSnapshot
from reports.selectors import DashboardScope
from reports.snapshots import dashboard_figures
from tests.factories import make_unit
from tests.reports import dashboard_world
from tests.reports.dashboard_world import grow, new_units
from tests.reports.snapshot_checks import assert_kept_is_live, kept

pytestmark = pytest.mark.django_db

world = dashboard_world.world

DASHBOARD = reverse("reports:dashboard")
OVERVIEW = reverse("api:stats-overview")
UNITS = (
    "group",
    "company_a",
    "mine_a1",
    "team_a101",
    "team_a102",
    "company_b",
    "plant_b1",
    "team_b101",
)


def fresh(person):
    return type(person).objects.get(pk=person.pk)


# --- Kept = live, on every hand-built world -------------------------------------------


def test_a_snapshot_is_the_live_figures_on_the_hand_counted_world(world):
    for unit in UNITS:
        for year in (world.year, world.last):
            assert_kept_is_live(getattr(world.org, unit), year)
    for unit in ("group", "company_b"):
        assert_kept_is_live(getattr(world.org, unit), 2015)  # a year with nothing in it


def test_a_snapshot_is_the_live_figures_on_the_world_grown_by_units_and_studios(world):
    # The query-count tests' growth: a third company, teams, ten more studios.
    added = new_units(world)
    grow(world, added)
    for unit in [world.org.group, world.org.company_a, *added]:
        assert_kept_is_live(unit, world.year)


def test_a_snapshot_is_the_live_figures_of_the_bare_org(org):
    for unit in UNITS:
        for year in (timezone.localdate().year, 2015):
            assert_kept_is_live(getattr(org, unit), year)


def test_a_snapshot_is_the_live_figures_of_a_unit_with_nothing_in_it(world):
    company_c = make_unit("C", world.org.group, OrgUnit.Kind.COMPANY)
    for unit in (company_c, make_unit("C101", company_c), world.org.group):
        assert_kept_is_live(unit, world.year)


def test_a_snapshot_kept_in_chinese_reads_in_english(world):
    with translation.override("zh-hans"):
        figures = kept(world.org.group, world.year)
    with translation.override("en"):
        submitted = next(
            row for row in figures["five_small"]["by_status"] if row["code"] == "submitted"
        )
        assert str(submitted["label"]) == "Submitted"
        assert str(figures["studios"]["shares"][0]["level_display"]) == "Provincial"
    with translation.override("zh-hans"):
        assert str(submitted["label"]) == str(Proposal.Status.SUBMITTED.label) != "Submitted"


def test_the_first_visit_keeps_the_figures_it_shows(world):
    scope = DashboardScope(unit=world.org.company_b, year=world.year)
    shown = dashboard_figures(scope)
    snapshot = DashboardSnapshot.objects.get(org_unit=world.org.company_b, year=world.year)
    assert (snapshot.stale, snapshot.computed_at) == (False, shown.as_of)
    assert dashboard_figures(scope).figures["five_small"]["total"] == 4


# --- The page and the API -----------------------------------------------------------

# The token Django writes into each form and htmx header changes at every rendering.
CSRF = re.compile(rb'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')


@pytest.mark.parametrize("unit", ["group", "company_a"])
def test_the_page_and_the_api_show_a_snapshot_as_the_live_figures(client, api, world, unit):
    official = world.org.group_official
    params = {"org_unit": getattr(world.org, unit).pk, "year": world.year}
    client.force_login(fresh(official))
    api.force_authenticate(fresh(official))

    live_page = client.get(DASHBOARD, params)  # the first visit: computed now
    kept_page = client.get(DASHBOARD, params)
    live_body, kept_body = api.get(OVERVIEW, params).json(), api.get(OVERVIEW, params).json()

    assert CSRF.sub(b"", kept_page.content) == CSRF.sub(b"", live_page.content)
    assert kept_body == live_body
    assert "Dashboard" not in kept_page.content.decode()  # Chinese, as the live page


def test_the_page_says_when_its_figures_were_computed(client, world):
    client.force_login(fresh(world.org.official_b))
    client.get(DASHBOARD)
    today = timezone.localdate()
    at_five_past_two = timezone.make_aware(datetime.datetime.combine(today, datetime.time(14, 5)))
    DashboardSnapshot.objects.update(computed_at=at_five_past_two)

    page = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'data-testid="as-of">as of 14:05<', page)
    assert "截至 14:05" in client.get(DASHBOARD).content.decode()

    DashboardSnapshot.objects.update(computed_at=at_five_past_two - datetime.timedelta(days=1))
    page = client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert re.search(rf'data-testid="as-of">as of {yesterday} 14:05<', page)


def test_the_api_says_when_its_figures_were_computed(api, world):
    api.force_authenticate(fresh(world.org.official_b))
    computed = api.get(OVERVIEW).json()["as_of"]
    snapshot = DashboardSnapshot.objects.get(org_unit=world.org.company_b)
    assert datetime.datetime.fromisoformat(computed) == snapshot.computed_at
    assert api.get(OVERVIEW).json()["as_of"] == computed  # read, not computed again


# --- Access: the scope first, then the snapshot ---------------------------------------


def test_a_kept_unit_outside_the_officials_grant_is_not_found(client, api, world):
    kept(world.org.company_a, world.year)  # company A's figures are kept
    official_b = fresh(world.org.official_b)
    client.force_login(official_b)
    api.force_authenticate(official_b)
    params = {"org_unit": world.org.company_a.pk, "year": world.year}

    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD, params).status_code == 404
        response = api.get(OVERVIEW, params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"org_unit"}
    assert not any("reports_dashboardsnapshot" in query["sql"] for query in queries)
