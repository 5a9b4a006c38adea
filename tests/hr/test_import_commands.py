"""`manage.py import_units` and `import_people`: the synchronous import of a
first load (and of the demo), a preview unless --apply."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import OrgUnit, User
from tests.hr.imports import PEOPLE_HEADER, UNITS_HEADER, csv_file, person_row

pytestmark = pytest.mark.django_db


def saved(tmp_path, upload) -> str:
    path = tmp_path / upload.name
    path.write_bytes(upload.read())
    return str(path)


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_first_load_previews_then_applies_units_and_people(tmp_path):
    units = saved(
        tmp_path,
        csv_file(
            UNITS_HEADER,
            [["X", "新集团", "", "集团"], ["X1", "新矿", "X", "矿井"]],
            name="units.csv",
        ),
    )
    people = saved(
        tmp_path,
        csv_file(
            PEOPLE_HEADER, [person_row("X001", "首位", "X1"), person_row("X002", "无处", "NOWHERE")]
        ),
    )
    assert "create 2" in run("import_units", units)
    assert not OrgUnit.objects.filter(code="X").exists()
    assert "create 2" in run("import_units", units, "--apply")
    assert OrgUnit.objects.get(code="X1").depth == 2
    printed = run("import_people", people)
    assert "create 1" in printed and "error 1" in printed and "NOWHERE" in printed
    assert not User.objects.filter(employee_no="X001").exists()
    run("import_people", people, "--apply")
    assert User.objects.get(employee_no="X001").org_unit.code == "X1"
    assert "unchanged 1" in run("import_people", people, "--apply")


def test_an_unreadable_file_is_a_clear_command_error(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(CommandError, match="xlsx"):
        run("import_people", str(path))
    with pytest.raises(CommandError):
        run("import_units", str(tmp_path / "missing.csv"))
