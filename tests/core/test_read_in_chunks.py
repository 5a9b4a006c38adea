"""A long read (core.db.read_in_chunks, the report builds and list exports):
every row in its order, its cursor planned for all of its rows and not
compiled on PostgreSQL, and the connection left as it was found."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import OrgUnit
from core.db import read_in_chunks

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting"),
]


def _settings() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        fraction = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        return [fraction, cursor.fetchone()[0]]


@pytest.mark.parametrize("as_values", [False, True])
def test_every_row_comes_in_order_and_the_setting_is_put_back(org, as_values):
    units = OrgUnit.objects.order_by("-path")
    if as_values:
        units = units.values("pk", "name")
    before = _settings()
    with CaptureQueriesContext(connection) as queries:
        rows = list(read_in_chunks(units, 2))
    expected = list(OrgUnit.objects.order_by("-path").values_list("pk", flat=True))
    assert [row["pk"] if as_values else row.pk for row in rows] == expected
    statements = [query["sql"] for query in queries.captured_queries]
    assert statements[0] == "SET cursor_tuple_fraction = 1.0; SET jit = off"
    assert "RESET cursor_tuple_fraction; RESET jit" in statements
    assert _settings() == before


def test_an_empty_read_puts_the_setting_back_too(org):
    before = _settings()
    assert list(read_in_chunks(OrgUnit.objects.filter(name="no such unit"))) == []
    assert _settings() == before


def test_behind_pgbouncer_nothing_is_set(org, monkeypatch):
    """Without server-side cursors (transaction pooling, docs/operations.md) a
    session's SET would outlive this read on a server connection others get."""
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    with CaptureQueriesContext(connection) as queries:
        assert len(list(read_in_chunks(OrgUnit.objects.all()))) == OrgUnit.objects.count()
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("SET", "RESET"))]
