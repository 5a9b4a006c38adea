"""Importing a group from HR files (org units, then people), preview and apply
as the worker runs them, against the database's own bulk load (PostgreSQL
`COPY`, SQLite `executemany`) of the same rows into tables of the same shape,
in the same run. `--group-scale 1` is the full group: 5 000 units and 300 000
people (CI runs a tenth)."""

import csv
import io
import resource
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from openpyxl import Workbook

from accounts.models import OrgUnit, User
from accounts.pinyin import pinyin_keys
from accounts.services import org_unit_create
from hr.planning import PeoplePlan, PeopleWriter, UnitPlan
from hr.reading import COLUMNS, open_table

pytestmark = pytest.mark.django_db

# Measured on a two-core machine with PostgreSQL at a tenth of the group:
# see the closing figures in docs/operations.md. Targets from the import issue.
TARGETS = {"import_csv_ratio": 15, "import_xlsx_ratio": 60, "import_rss_mb": 500}
LEVELS = ("初级工", "中级工", "高级工", "技师", "高级技师")


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def group_files(tmp_path: Path, units: int, people: int) -> dict[str, Path]:
    """An HR export: `units` teams under 50 companies, `people` spread over them."""
    companies = 50
    unit_rows = [[f"C{c:02d}", f"公司{c}", "G", "公司"] for c in range(companies)]
    teams = [f"T{t:05d}" for t in range(units - companies)]
    unit_rows += [
        [code, f"班组{code}", f"C{t % companies:02d}", "班组"] for t, code in enumerate(teams)
    ]
    person_rows = [
        [
            f"E{i:07d}",
            f"职工{i}",
            teams[i % len(teams)],
            "采煤机司机",
            f"139{i:08d}",
            "",
            f"wx{i}",
            LEVELS[i % 5],
            "是",
        ]
        for i in range(people)
    ]
    files = {}
    for kind, rows in (("org_units", unit_rows), ("people", person_rows)):
        header = [column.chinese for column in COLUMNS[kind]][: len(rows[0])]
        path = tmp_path / f"{kind}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        files[kind] = path
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        files[f"{kind}_xlsx"] = tmp_path / f"{kind}.xlsx"
        book.save(files[f"{kind}_xlsx"])
    # The baseline loads the rows as stored, pinyin keys included (computed here,
    # outside its timing; the import computes them itself).
    keyed = [[*row, *pinyin_keys(row[1]).values()] for row in person_rows]
    files["unit_rows"], files["person_rows"] = unit_rows, keyed
    return files


def import_group(units_file: Path, people_file: Path, root: OrgUnit) -> tuple[float, dict]:
    """Preview then apply both files, as the worker does; rolled back after."""
    start = time.perf_counter()
    with transaction.atomic():
        for apply in (False, True):
            UnitPlan(
                open_table("org_units", str(units_file), units_file.name), root=root, by=None
            ).run(apply=apply)
        table = open_table("people", str(people_file), people_file.name)
        PeoplePlan(table, root=root, mode="upsert", by=None).run()
        outcome = PeoplePlan(table, root=root, mode="upsert", by=None).run(
            writer=PeopleWriter(by=None, source="bench")
        )
        seconds = time.perf_counter() - start
        assert outcome.counts["error"] == 0, outcome.errors[:3]
        assert User.objects.count() >= outcome.counts["create"]
        transaction.set_rollback(True)
    return seconds, outcome.counts


def bulk_load(files) -> float:
    """The database's own bulk load of the same rows into empty tables shaped
    like (and indexed like) the units and people tables; rolled back after."""
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for model, rows, columns in (
            (OrgUnit, files["unit_rows"], "code, name, path, kind, depth, numchild"),
            (
                User,
                files["person_rows"],
                "employee_no, full_name, post, phone, messenger_id, skill_level, "
                "password, is_active, is_staff, is_superuser, date_joined, email, "
                "must_change_password, name_pinyin, name_initials",
            ),
        ):
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(f"CREATE TEMP TABLE bulk_{table} (LIKE {table} INCLUDING ALL)")
            else:
                cursor.execute(f"CREATE TEMP TABLE bulk_{table} AS SELECT * FROM {table} WHERE 0")
            values = [_bulk_row(model, n, row) for n, row in enumerate(rows)]
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                csv.writer(buffer, delimiter="\t").writerows(values)
                buffer.seek(0)
                cursor.cursor.copy_expert(
                    f"COPY bulk_{table} ({columns}) FROM STDIN "
                    f"WITH (FORMAT csv, DELIMITER E'\\t', FORCE_NOT_NULL ({columns}))",
                    buffer,
                )
            else:
                marks = ", ".join("%s" for _ in values[0])
                cursor.executemany(f"INSERT INTO bulk_{table} ({columns}) VALUES ({marks})", values)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds


def _bulk_row(model, n: int, row: list) -> list:
    if model is OrgUnit:
        return [row[0], row[1], f"0001{n + 1:04d}", "team", 2, 0]
    return [
        row[0],
        row[1],
        row[3],
        row[4],
        row[6],
        "junior",
        "!",
        True,
        False,
        False,
        "2026-01-01",
        "",
        False,
        row[-2],
        row[-1],
    ]


def test_importing_a_group_stays_within_a_factor_of_a_bulk_load(tmp_path, group_scale, ratio):
    units, people = max(100, int(5_000 * group_scale)), int(300_000 * group_scale)
    root = org_unit_create(name="能源集团", code="G", kind="group")
    files = group_files(tmp_path, units, people)
    rss_before = _rss_mb()
    csv_seconds, counts = import_group(files["org_units"], files["people"], root)
    assert counts["create"] == people
    xlsx_seconds, _counts = import_group(files["org_units_xlsx"], files["people_xlsx"], root)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_before
    baseline = min(bulk_load(files) for _ in range(3))
    assert ratio(csv_seconds, baseline, "import_csv_ratio") <= TARGETS["import_csv_ratio"]
    assert ratio(xlsx_seconds, baseline, "import_xlsx_ratio") <= TARGETS["import_xlsx_ratio"]
    print(f"\nimport_rss_mb: {grown:.0f} MB over {people:,} people")
    from bench.conftest import _results

    _results.append(
        {"key": "import_rss_mb", "value": round(grown, 1), "baseline": None, "ratio": None}
    )
    assert grown < TARGETS["import_rss_mb"]
