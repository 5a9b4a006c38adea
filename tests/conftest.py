import datetime
import functools
from types import SimpleNamespace

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import OrgUnit
from core.history import not_recorded
from studios import services as studio_services
from studios.models import Membership, RecognitionList, Studio
from tests import databases
from tests.factories import PersonFactory, grant_official, make_unit
from tests.lists import ListReader
from tests.world import World, WorldStack, is_transactional, levels_wanted, shared_data

# Test databases copied from a migrated template (tests/databases.py).
django_db_setup = databases.django_db_setup

# --- Shared data (tests/world.py) ------------------------------------------------------


@pytest.fixture(scope="session")
def _world_stack(django_db_setup, django_db_blocker):
    stack = WorldStack(django_db_blocker)
    yield stack
    stack.close()


@pytest.fixture
def _world_arranged(request, _world_stack):
    """Before the test's own transaction starts: the levels it asks for, built or
    kept; none for a test that commits."""
    if is_transactional(request.node):
        _world_stack.roll_back_all()
    else:
        _world_stack.arrange(levels_wanted(request.node), recorded=records_history(request.node))


@pytest.fixture
def _django_db_helper(_world_arranged, _django_db_helper):
    """pytest-django's database set-up, inside the shared levels."""
    return _django_db_helper


@pytest.fixture
def shared_world(request, _world_stack, _django_db_helper):
    return World(_world_stack, transactional=is_transactional(request.node))


# The tables a flush keeps: what the code declares (content types and
# permissions), which Django's `post_migrate` would write back the same at once.
KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission"})


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete():
    """After a test that commits, pytest-django empties every table (Django's
    `flush`), then `post_migrate` writes the content types and permissions back.
    On PostgreSQL the flush is one TRUNCATE of all the tables, which gives each
    table, index and TOAST table a new file: 4–6 s for this project's (empty)
    tables on a loaded two-core machine, against 0.1 s to DELETE their rows.
    The content types and permissions are kept, so `post_migrate` (1 s: it only
    writes those back) is skipped while they are there. The foreign keys Django
    makes are deferrable, so the rows go in any order and the keys are checked
    at the commit. Checking them costs each deleted row a look-up in every
    table that refers to its table: 4 s for the 10,000 people of an HR import
    test. Where the test database's user may (a superuser, as here and in CI),
    the flush skips those checks (`session_replication_role = replica`, for
    the flush's transaction only): every table but the kept ones is emptied,
    and the kept ones refer to no other. A flush that resets sequences (a test
    asking for `reset_sequences`) still truncates, and `post_migrate` then runs."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    @functools.cache
    def superuser(operations) -> bool:
        with operations.connection.cursor() as cursor:
            cursor.execute("SHOW is_superuser")
            return cursor.fetchone()[0] == "on"

    def delete_rows(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            "SET CONSTRAINTS ALL DEFERRED;",
            *(["SET LOCAL session_replication_role = replica;"] if superuser(self) else []),
            *(
                f"DELETE FROM {self.quote_name(table)};"
                for table in tables
                if table not in KEPT_BY_FLUSH
            ),
        ]

    from django.contrib.contenttypes.models import ContentType
    from django.core.management.commands import flush

    write_back = flush.emit_post_migrate_signal

    def write_back_if_emptied(verbosity, interactive, db, **kwargs):
        if not ContentType.objects.using(db).exists():
            write_back(verbosity, interactive, db, **kwargs)

    DatabaseOperations.sql_flush = delete_rows
    flush.emit_post_migrate_signal = write_back_if_emptied
    yield
    DatabaseOperations.sql_flush = truncate
    flush.emit_post_migrate_signal = write_back


def records_history(item) -> bool:
    return any(item.get_closest_marker(name) for name in ("history", "browser", "worker"))


@pytest.fixture(autouse=True)
def _history(request):
    """Field history (core.history) costs every save a read and a write, most of
    it in building test data. It is recorded where a test is about it (marker
    `history`) and where the product runs whole (browser journeys, real workers);
    elsewhere the suite writes without it."""
    if records_history(request.node):
        yield
        return
    with not_recorded():
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the product's language. Django's LocaleMiddleware
    activates a request's language in the thread and leaves it there (a server
    activates the next request's), so a test that read an English page would
    leave the next test in the same worker writing English."""
    yield
    translation.deactivate()


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="browser journeys save a screenshot of each step under test-artifacts/screenshots/",
    )


# Modules handed to one xdist worker together, their tests ordered as if one
# module's: the tests of each group ask for a shared level (tests/world.py) that
# takes seconds to build, which the worker then builds once, not once per module
# or more (the dashboard's hand-counted world, 1.8 s, was built by each of
# seven modules, and again after those of their tests that want less).
KEPT_TOGETHER = {
    "the dashboard's hand-counted world (tests/reports/dashboard_world.py)": (
        "tests/reports/test_dashboard_",
        "tests/reports/test_workbooks.py",
    ),
    "naming's applications at every step (tests/naming/conftest.py, staged)": ("tests/naming/",),
}


def unit_of(module_path: str) -> str:
    """What xdist hands a worker at once: the module, or its KEPT_TOGETHER group."""
    for group, prefixes in KEPT_TOGETHER.items():
        if module_path.startswith(prefixes):
            return group
    return module_path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, handing out the modules of a KEPT_TOGETHER group as one."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class KeptTogether(LoadFileScheduling):
        def _split_scope(self, nodeid):
            return unit_of(super()._split_scope(nodeid))

    return KeptTogether(config, log)


def pytest_collection_modifyitems(items):
    """The order the two xdist workers take whole modules in (the Makefile turns
    off xdist's own reordering, which sorts by size alone and so always left the
    small modules that start real processes running by themselves at the end):
    those modules first, then the rest longest first (`expected_seconds`), so the
    last modules handed out are the shortest. A KEPT_TOGETHER group goes as one,
    by the length of all its modules, and its tests are ordered as one module's.

    Within a module, tests that share data first and those that commit last (a
    committing test rolls every shared level back, so one in the middle would make
    the tests after it build the levels again), and the tests that ask for the same
    shared data (with field history recorded or not) one after another, so each
    level is built once per run of them, not once per test."""
    units = {}
    for item in items:
        units.setdefault(unit_of(path_of(item)), []).append(item)

    def unit_weight(unit):
        starts_processes = any(item.get_closest_marker("worker") for item in units[unit])
        return (not starts_processes, -sum(map(expected_seconds, units[unit])))

    unit_rank = {unit: rank for rank, unit in enumerate(sorted(units, key=unit_weight))}
    module_rank = {path: rank for rank, path in enumerate(dict.fromkeys(map(path_of, items)))}
    items.sort(
        key=lambda item: (
            unit_rank[unit_of(path_of(item))],
            is_transactional(item),
            records_history(item),
            levels_wanted(item),
            module_rank[path_of(item)],
        )
    )


def expected_seconds(item) -> float:
    """About how long a test takes, to hand out the longest units first: the
    schemathesis run about 20 s and a browser journey 2.5 s, though each is one
    test (counted as one, the schema test and the one-journey modules went last,
    and a worker could be left running one for 20 s after the other had
    finished), any other test about a tenth of a second."""
    if item.get_closest_marker("schema"):
        return 20
    if item.get_closest_marker("browser"):
        return 2.5
    return 0.1


def path_of(item) -> str:
    """The item's module as xdist names it (tests/app/test_x.py)."""
    return item.nodeid.split("::", 1)[0]


@shared_data()
def org(built):
    """A small group: G → company A → mine A1 → teams A101, A102; G → company B →
    plant B1 → team B101. One official per company, one for the group, a worker
    in each company and a superuser."""
    group = make_unit("G", kind=OrgUnit.Kind.GROUP)
    company_a = make_unit("A", group, OrgUnit.Kind.COMPANY)
    mine_a1 = make_unit("A1", company_a, OrgUnit.Kind.MINE)
    team_a101 = make_unit("A101", mine_a1)
    team_a102 = make_unit("A102", mine_a1)
    company_b = make_unit("B", group, OrgUnit.Kind.COMPANY)
    plant_b1 = make_unit("B1", company_b, OrgUnit.Kind.PLANT)
    team_b101 = make_unit("B101", plant_b1)

    group_official = PersonFactory(employee_no="official", org_unit=group)
    grant_official(group_official, group)
    official_a = PersonFactory(employee_no="official_a", org_unit=company_a)
    grant_official(official_a, company_a)
    official_b = PersonFactory(employee_no="official_b", org_unit=company_b)
    grant_official(official_b, company_b)
    return SimpleNamespace(
        group=group,
        company_a=company_a,
        mine_a1=mine_a1,
        team_a101=team_a101,
        team_a102=team_a102,
        company_b=company_b,
        plant_b1=plant_b1,
        team_b101=team_b101,
        group_official=group_official,
        official_a=official_a,
        official_b=official_b,
        worker_a=PersonFactory(employee_no="worker_a", org_unit=team_a101),
        colleague_a=PersonFactory(employee_no="colleague_a", org_unit=team_a102),
        worker_b=PersonFactory(employee_no="worker_b", org_unit=team_b101),
        admin=PersonFactory(employee_no="admin", org_unit=None, is_superuser=True, is_staff=True),
    )


@pytest.fixture
def lists(client, django_assert_num_queries):
    """Reads a list of a `tests.lists.ListCase` and checks its queries and page."""
    return ListReader(client, django_assert_num_queries)


@pytest.fixture
def api():
    """An API client; `api.force_authenticate(person)` signs in."""
    return APIClient()


@pytest.fixture
def as_person(client):
    """Sign the page client in as a person and return it."""

    def sign_in(person):
        client.force_login(person)
        return client

    return sign_in


@shared_data(needs=("org",))
def studios(built):
    """Two studios in company A (one at mine A1 led by `lead_a`, with a member),
    one in company B led by `lead_b`; all established by the group official."""
    org = built.get("org")
    lead_a = PersonFactory(employee_no="lead_a", org_unit=org.team_a101)
    member_a = PersonFactory(employee_no="member_a", org_unit=org.team_a101)
    lead_b = PersonFactory(employee_no="lead_b", org_unit=org.team_b101)

    def make(code, name, unit, leader, speciality):
        studio = studio_services.studio_create(
            by=org.group_official,
            name=name,
            code=code,
            kind=Studio.Kind.MODEL_WORKER,
            leader=leader,
            org_unit=unit,
            speciality=speciality,
            founded_on=datetime.date(2020, 5, 1),
        )
        return studio_services.studio_change_status(
            studio_id=studio.pk, by=org.group_official, status=Studio.Status.ESTABLISHED
        )

    dust = make("A1-DUST", "粉尘治理创新工作室", org.team_a101, lead_a, "粉尘治理")
    studio_services.membership_add(
        studio_id=dust.pk, by=org.group_official, person=member_a, role=Membership.Role.CORE
    )
    washing = make("A1-WASH", "洗选工艺创新工作室", org.team_a102, org.colleague_a, "煤质洗选")
    turbine = make("B1-TURB", "汽机检修创新工作室", org.team_b101, lead_b, "汽轮机检修")
    return SimpleNamespace(
        org=org,
        lead_a=lead_a,
        member_a=member_a,
        lead_b=lead_b,
        dust=dust,
        washing=washing,
        turbine=turbine,
    )


@shared_data(needs=("org",))
def provincial_list(built):
    org = built.get("org")
    return studio_services.recognition_list_create(
        by=org.group_official,
        title="2022 provincial list",
        level=RecognitionList.Level.PROVINCIAL,
        conferred_by="Provincial union",
        year=2022,
        total_named=28,
    )
