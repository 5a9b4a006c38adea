"""Every list's export holds what its API list answers the same reader
(core/export_columns.py reads the columns from the database, not through the
serializer row by row): the same rows in the same order, each column the
answer's field as a cell. So a field the answer leaves out for this reader
(another company's draft, someone else's phone, the rest of a problem only
its studio reads) is missing from the file too.

Built on the hand-counted world of the dashboard's tests
(tests/reports/dashboard_world.py): every kind of record, in every state."""

import csv
import io

import pytest
from django.urls import get_resolver, resolve, reverse

from core.export_columns import cell_value, columns_of, declares_its_rules
from core.exports import csv_lines
from tests.exports import exported_body
from tests.reports import dashboard_world

pytestmark = pytest.mark.django_db

world = dashboard_world.world

# Every list that exports (`ExportMixin`): `api:<basename>-export`.
EXPORTS = sorted(
    name
    for name in get_resolver().namespace_dict["api"][1].reverse_dict
    if isinstance(name, str) and name.endswith("-export")
)
READERS = ["group_official", "official_a", "worker_a"]


def _answered(api, path: str) -> list[dict] | None:
    """Every row the API list answers, following its pages (None: refused)."""
    rows, url, params = [], path, {"page_size": 100}
    while url:
        answer = api.get(url, params)
        if answer.status_code != 200:
            return None
        body = answer.json()
        rows += body["results"] if isinstance(body, dict) else body
        url, params = (body.get("next"), None) if isinstance(body, dict) else (None, None)
    return rows


def _as_csv(header, rows) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(csv_lines(header, rows)).lstrip("\ufeff"))))


def test_every_list_exports():
    assert len(EXPORTS) >= 25
    assert {"proposal-export", "person-export", "problem-export"} <= set(EXPORTS)


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("reader", READERS)
def test_each_export_holds_what_the_list_answers(api, world, name, reader):
    api.force_authenticate(getattr(world.org, reader))
    path = reverse(f"api:{name}")
    answered = _answered(api, path.removesuffix("export/"))
    exported = api.get(path, {"as": "csv"})
    if answered is None:  # the list is refused this reader, and so is its file
        assert exported.status_code >= 400
        return
    assert exported.status_code == 200
    serializer = resolve(path).func.cls.serializer_class()
    columns = columns_of(serializer)
    expected = _as_csv(
        [header for _n, header, _f in columns],
        ([cell_value(row.get(name), field) for name, _h, field in columns] for row in answered),
    )
    assert list(csv.reader(io.StringIO(exported_body(exported).decode("utf-8-sig")))) == expected


def test_the_world_fills_the_columns_it_is_compared_on(api, world):
    """The comparison above is worth something only with rows: the proposals
    the group's office exports carry co-authors, an award and hidden-free
    identities, read from the database."""
    api.force_authenticate(world.org.group_official)
    answer = api.get(reverse("api:proposal-export"), {"as": "csv"})
    rows = list(csv.reader(io.StringIO(exported_body(answer).decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert len(body) >= 10
    assert any(row[header.index("合作者")] for row in body)


@pytest.mark.parametrize(
    "name",
    ["proposal-export", "person-export", "problem-export", "patent-export", "honour-export"],
)
def test_the_lists_whose_answer_depends_on_the_reader_declare_how(name):
    """Those are read from the database by column: each names what a reader
    may not see (`hidden_fields`), the one rule its answer applies too."""
    serializer = resolve(reverse(f"api:{name}")).func.cls.serializer_class()
    assert hasattr(serializer, "hidden_fields")
    assert declares_its_rules(serializer)
