"""The workbook writer itself (core/exports.py): what any text a person typed
becomes in a sheet, sheets of one name, and a build that stops half-way."""

import io
import tempfile
from pathlib import Path

import pytest

from core.exports import Column, workbook_to, write_sheet
from tests.exports import sheet_tables


def written(*sheets) -> bytes:
    """The bytes of a workbook of `sheets`, each (title, header, rows)."""
    out = io.BytesIO()
    with workbook_to(out) as book:
        for title, header, rows in sheets:
            write_sheet(book, title, header, rows, heading=["标题"])
    return out.getvalue()


def test_a_text_that_looks_like_markup_is_written_as_typed():
    typed = [
        "<r>托辊 & 皮带</r>",
        "<r><t>x</t></r>",
        "a < b",
        '=HYPERLINK("x")',
        "托辊\x0b\uffff更换",
    ]
    (table,) = sheet_tables(written(("提案", ["名称"], [[text] for text in typed]))).values()
    assert [row[0] for row in table.rows] == [
        "<r>托辊 & 皮带</r>",
        "<r><t>x</t></r>",
        "a < b",
        '\'=HYPERLINK("x")',
        "托辊更换",
    ]


def test_sections_of_one_name_get_sheets_of_their_own():
    long_title = "很长的一个工作表名称" * 4
    content = written(
        ("单位", ["名称"], [["一"]]),
        ("单位", ["名称"], [["二"]]),
        ("a/b", ["名称"], [["三"]]),
        (long_title, ["名称"], [["四"]]),
        (long_title, ["名称"], [["五"]]),
    )
    tables = sheet_tables(content)
    assert [table.rows[0][0] for table in tables.values()] == ["一", "二", "三", "四", "五"]
    assert list(tables)[:3] == ["单位", "单位 2", "a b"]
    assert all(len(title) <= 31 for title in tables)


def test_the_totals_row_adds_up_what_the_rows_hold():
    header = ["单位", Column("提案", sums=True), Column("金额（元）", sums=True)]
    rows = [["甲", 2, None], ["乙", 3, ""]]
    (table,) = sheet_tables(written(("汇总", header, rows))).values()
    assert table.totals == ["合计", 5, 0]


def test_a_build_that_stops_half_way_leaves_no_file_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def rows_then_failure():
        yield ["一"]
        raise RuntimeError("the run was lost")

    with pytest.raises(RuntimeError), workbook_to(io.BytesIO()) as book:
        write_sheet(book, "提案", ["名称"], rows_then_failure())
    assert list(Path(tmp_path).iterdir()) == []
