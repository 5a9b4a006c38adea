"""Test databases copied from a migrated template on PostgreSQL.

Migrating an empty database costs every xdist worker about half a minute of CPU
at the start of every run. On PostgreSQL the first worker that finds no template
for the current migrations migrates its own database as usual and keeps a copy
of it, named after a fingerprint of the migrations, Django and the pinned
requirements (`test_template_<fingerprint>`); every later worker and run copies
that template (`CREATE DATABASE … TEMPLATE`, about a second) and Django only
confirms that nothing is left to migrate. A changed migration gives a new
fingerprint, so a template is never stale; the new one replaces the old.
`--create-db` migrates afresh without the template; SQLite is set up exactly as
pytest-django does it. docs/testing.md."""

import hashlib
from pathlib import Path

import django
import pytest
from django.conf import settings
from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

TEMPLATE_PREFIX = "test_template_"
# pg_advisory_lock key: one process at a time makes or copies the template.
LOCK_KEY = 4_720_511


def migrations_fingerprint() -> str:
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted([*base.glob("*/migrations/*.py"), base / "requirements.txt"]):
        digest.update(path.relative_to(base).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def create_from_template(connection, *, keepdb: bool, verbosity: int) -> None:
    """The test database of `connection`, copied from the template (made first
    from this worker's freshly migrated database when there is none)."""
    creation, quote = connection.creation, connection.ops.quote_name
    name, template = creation._get_test_db_name(), TEMPLATE_PREFIX + migrations_fingerprint()
    with connection._nodb_cursor() as cursor:
        # Another worker may be migrating the template for longer than the
        # statement timeout (DATABASE_STATEMENT_TIMEOUT_MS) allows a wait.
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{TEMPLATE_PREFIX}%"]
            )
            templates = {row[0] for row in cursor.fetchall()}
            if template not in templates:
                creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
                connection.close()  # a template's source may have no session open
                for stale in templates:
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)}")
                cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(name)}")
                return
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not (keepdb and cursor.fetchone()):
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
                cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
            creation.create_test_db(verbosity=verbosity, keepdb=True, serialize=False)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's own fixture, with the default PostgreSQL database copied
    from the template."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    keepdb = django_db_keepdb and not django_db_createdb
    verbosity = request.config.option.verbose
    default = connections["default"]
    templated = (
        aliases == {"default"}
        and default.vendor == "postgresql"
        and django_db_use_migrations
        and not django_db_createdb
    )
    if not django_db_use_migrations:
        _disable_migrations()
    with django_db_blocker.unblock():
        if templated:
            old_name = default.settings_dict["NAME"]
            create_from_template(default, keepdb=keepdb, verbosity=verbosity)
            if serialized_aliases:
                default._test_serialized_contents = default.creation.serialize_db_to_string()
            old_config = [(default, old_name, True)]
        else:
            old_config = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=keepdb,
            )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(old_config, verbosity=verbosity)
