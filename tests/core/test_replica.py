"""The read replica (core.db): the live figures (what a report build reads) and
the report builds read on it while it answers and keeps up; the dashboard's
kept figures are computed on the primary (reports/snapshots.py); writes never go
to the replica; a page still answers, from the primary, when the replica is down
or too far behind; with one database (and on SQLite) everything is on `default`.

The tests on the `clusters` fixture run against a real primary and streaming
replica of their own (`.ci/replica-clusters`, see tests/replica.py) and commit
their data, so the replica can replay it; without the clusters they are skipped
with the reason. The others run on the suite's own database, whatever it is.
"""

import csv
import datetime
import io
import time
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connections, router
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from core import db
from core.db import PRIMARY, REPLICA, on_replica, reading_alias
from reports import services as report_services
from reports.models import ReportRun
from reports.selectors import DashboardScope, live_dashboard_figures
from studios import services as studio_services
from studios.models import Studio
from tests.factories import PersonFactory, grant_official, make_unit
from tests.replica import (
    CLUSTERS_MISSING,
    cluster_entries,
    clusters_available,
    databases_swapped,
    entry,
    replay_paused,
    unreachable_replica,
    wait_for_replica,
)

DASHBOARD = reverse("reports:dashboard")
OVERVIEW = reverse("api:stats-overview")
THIS_YEAR = timezone.localdate().year
# Read by the dashboard's figures and nothing else the page or the API shows.
FIGURES_ONLY = ("PERCENTILE_CONT", "studios_honour", "studios_assessment", "achievements_patent")
needs_clusters = pytest.mark.skipif(not clusters_available(), reason=CLUSTERS_MISSING)


def group_with_studios(count: int) -> SimpleNamespace:
    """A group with a company, its union official and `count` studios."""
    group = make_unit("RG", kind=OrgUnit.Kind.GROUP)
    company = make_unit("RC", group, OrgUnit.Kind.COMPANY)
    official = PersonFactory(employee_no="replica_official", org_unit=group)
    grant_official(official, group)
    world = SimpleNamespace(group=group, company=company, official=official)
    for _ in range(count):
        add_studio(world)
    return world


def add_studio(world) -> Studio:
    number = Studio.objects.count() + 1
    return studio_services.studio_create(
        by=world.official,
        name=f"工作室{number}",
        code=f"RS-{number}",
        kind=Studio.Kind.MODEL_WORKER,
        leader=PersonFactory(org_unit=world.company),
        org_unit=world.company,
        speciality="检修",
        founded_on=datetime.date(2021, 3, 1),
    )


def studios_total(api, world) -> int:
    api.force_authenticate(world.official)
    response = api.get(OVERVIEW, {"org_unit": world.group.pk, "year": THIS_YEAR})
    assert response.status_code == 200, response.content
    return response.json()["studios"]["total"]


def live_studios_total(world) -> int:
    """The group's studios as the live figures count them (a report's read)."""
    figures = live_dashboard_figures(DashboardScope(unit=world.group, year=THIS_YEAR))
    return figures["studios"]["total"]


def sql_of(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


# --- on the suite's own database --------------------------------------------------


@pytest.mark.django_db
def test_with_one_database_every_query_is_on_default(api):
    world = group_with_studios(2)
    assert REPLICA not in connections
    assert reading_alias() == PRIMARY
    assert on_replica(lambda: router.db_for_read(Studio)) == PRIMARY
    assert router.db_for_write(Studio) == PRIMARY
    with CaptureQueriesContext(connections[PRIMARY]) as on_primary:
        assert studios_total(api, world) == 2
    assert any("studios_studio" in sql for sql in sql_of(on_primary))


@pytest.fixture
def unreachable(django_db_blocker):
    """A `replica` alias where no server answers (the primary untouched)."""
    with django_db_blocker.unblock(), databases_swapped(unreachable_replica()):
        yield


def test_a_replica_that_does_not_answer_is_skipped_for_the_primary(unreachable, monkeypatch):
    checks = []
    check = db.replica_lag
    monkeypatch.setattr(db, "replica_lag", lambda: checks.append(1) or check())
    started = time.monotonic()
    assert on_replica(lambda: router.db_for_read(Studio)) == PRIMARY
    assert time.monotonic() - started < 2
    assert reading_alias() == PRIMARY
    # One look at the replica, trusted for the calls that follow.
    assert checks == [1]


def test_a_replica_failing_under_a_read_hands_it_to_the_primary(unreachable, monkeypatch):
    checks = []
    monkeypatch.setattr(db, "replica_lag", lambda: checks.append(1) or 0.0)
    read_on = []

    def read():
        alias = router.db_for_read(Studio)
        read_on.append(alias)
        if alias == REPLICA:
            connections[alias].ensure_connection()  # it said it was fine, but refuses
        return alias

    assert on_replica(read) == PRIMARY
    assert read_on == [REPLICA, PRIMARY]
    assert reading_alias() == PRIMARY  # until the next look
    assert checks == [1]


def test_the_replica_gets_the_primarys_options_and_a_short_connect_timeout():
    replica = entry("postgres://reader@replica.example:5432/innovation", connect_timeout=2)
    assert replica["OPTIONS"]["connect_timeout"] == 2
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert "-c statement_timeout=" in replica["OPTIONS"]["options"]


def test_the_replica_is_never_migrated():
    assert router.allow_migrate(PRIMARY, "studios")
    assert not router.allow_migrate(REPLICA, "studios")


# --- on a real primary and streaming replica ------------------------------------------


@pytest.fixture(scope="session")
def cluster_database(django_db_blocker, worker_id):
    """A database on the clusters' primary with every table, for this test
    process (tables from the models: there is no data migration to run)."""
    name = f"test_replica_{worker_id}"
    maintenance = cluster_entries("postgres")
    with django_db_blocker.unblock():
        with databases_swapped(maintenance), connections[PRIMARY].cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
            cursor.execute(f"CREATE DATABASE {name}")
        with (
            databases_swapped(cluster_entries(name)),
            override_settings(MIGRATION_MODULES=dict.fromkeys(apps.app_configs)),
        ):
            call_command("migrate", database=PRIMARY, run_syncdb=True, verbosity=0)
        yield name
        with databases_swapped(maintenance), connections[PRIMARY].cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def clusters(cluster_database, django_db_blocker):
    """`default` and `replica` on the clusters for this test; emptied after."""
    with django_db_blocker.unblock(), databases_swapped(cluster_entries(cluster_database)):
        try:
            yield
        finally:
            # Content types and permissions come back when asked for.
            call_command(
                "flush",
                database=PRIMARY,
                interactive=False,
                verbosity=0,
                inhibit_post_migrate=True,
            )


@needs_clusters
def test_the_dashboard_keeps_its_figures_from_the_primary_and_live_figures_read_the_replica(
    clusters, api, client
):
    world = group_with_studios(2)
    wait_for_replica()
    client.force_login(world.official)
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica_queries,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary_queries,
    ):
        assert client.get(DASHBOARD).status_code == 200  # the first visit: computed, kept
        assert studios_total(api, world) == 2  # the kept figures
        assert live_studios_total(world) == 2  # what a report reads
    on_replica_sql, on_primary_sql = sql_of(on_replica_queries), sql_of(on_primary_queries)
    # Tables and functions only the figures read: the kept ones were computed
    # once, on the primary (a snapshot must see the change that made it stale);
    # the live ones on the replica.
    for marker in FIGURES_ONLY:
        on_primary = sum(marker in sql for sql in on_primary_sql)
        assert on_primary == sum(marker in sql for sql in on_replica_sql) >= 1, marker


@needs_clusters
def test_a_replica_a_little_behind_is_still_read(clusters):
    world = group_with_studios(2)
    wait_for_replica()
    with replay_paused():
        add_studio(world)
        wait_for_replica(replayed=False)
        # Within DATABASE_REPLICA_MAX_LAG_SECONDS: the figures may be a moment old.
        assert live_studios_total(world) == 2
    assert Studio.objects.count() == 3


@needs_clusters
def test_a_replica_further_behind_than_allowed_is_skipped_for_the_primary(
    clusters, client, settings
):
    world = group_with_studios(2)
    wait_for_replica()
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0
    with replay_paused():
        add_studio(world)
        wait_for_replica(replayed=False)
        db.forget_replica_verdict()
        assert live_studios_total(world) == 3
        client.force_login(world.official)
        assert client.get(DASHBOARD).status_code == 200


@needs_clusters
def test_writes_go_to_the_primary_and_the_replica_refuses_them(clusters):
    group_with_studios(1)
    wait_for_replica()
    assert reading_alias() == REPLICA
    studio = Studio.objects.get()
    # Inside a replica read, a write still goes to the primary …
    assert on_replica(lambda: Studio.objects.filter(pk=studio.pk).update(name="改名")) == 1
    assert on_replica(lambda: router.db_for_write(Studio)) == PRIMARY
    assert Studio.objects.using(PRIMARY).get().name == "改名"
    # … and the replica itself takes none.
    with pytest.raises(DatabaseError, match="read-only"):
        Studio.objects.using(REPLICA).filter(pk=studio.pk).update(name="又改名")


@needs_clusters
def test_a_report_run_reads_its_data_on_the_replica_and_its_own_row_on_the_primary(
    clusters, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    world = group_with_studios(2)
    wait_for_replica()
    with replay_paused():
        add_studio(world)  # on the primary only, for now
        wait_for_replica(replayed=False)
        run = report_services.report_run_request(
            by=world.official,
            kind=ReportRun.Kind.STUDIO_ANNUAL,
            year=THIS_YEAR,
            org_unit=world.group,
            format=ReportRun.Format.CSV,
        )
        # The eager task ran at the commit: claimed, advanced and finished on
        # the primary, which the replica has not caught up with.
        run.refresh_from_db()
        assert run.status == ReportRun.Status.SUCCEEDED, run.error
    with run.file.open("rb") as handle:
        rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["RS-1", "RS-2"]


@needs_clusters
def test_a_page_answers_from_the_primary_when_the_replica_is_down(clusters, api, client):
    world = group_with_studios(2)
    with databases_swapped(unreachable_replica()):
        client.force_login(world.official)
        assert client.get(DASHBOARD).status_code == 200
        assert studios_total(api, world) == 2
        assert live_studios_total(world) == 2
