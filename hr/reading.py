"""Reading an HR spreadsheet: the columns it names and its rows, in constant memory.

XLSX is read with python-calamine, row by row. CSV is UTF-8 (with or without a
BOM) or, failing that, GB18030 (what Excel on Chinese Windows writes); nothing
else is guessed. Headers may be in Chinese or English (docs/operations.md, HR
imports).
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the OLE container of Excel 97–2003
CHUNK = 1 << 20


@dataclass(frozen=True)
class Column:
    key: str  # the English header, and the name the planner reads
    chinese: str  # the header of the template
    label: object  # shown in messages and the preview (translated)
    required: bool = False


COLUMNS = {
    "org_units": (
        Column("code", "单位代码", gettext_lazy("unit code"), required=True),
        Column("name", "单位名称", gettext_lazy("unit name"), required=True),
        Column("parent_code", "上级单位代码", gettext_lazy("parent unit code")),
        Column("kind", "类型", gettext_lazy("kind"), required=True),
        Column("closed", "已撤销", gettext_lazy("closed")),
        Column("merge_into", "并入单位代码", gettext_lazy("merged into unit code")),
    ),
    "people": (
        Column("employee_no", "工号", gettext_lazy("employee number"), required=True),
        Column("name", "姓名", gettext_lazy("full name"), required=True),
        Column("unit_code", "单位代码", gettext_lazy("unit code"), required=True),
        Column("post", "岗位", gettext_lazy("post")),
        Column("phone", "手机", gettext_lazy("phone")),
        Column("email", "邮箱", gettext_lazy("email")),
        Column("messenger_id", "企业微信账号", gettext_lazy("messenger user id")),
        Column("skill_level", "技能等级", gettext_lazy("skill level")),
        Column("active", "在职", gettext_lazy("active")),
    ),
}


def _header_key(text: str) -> str:
    # "*工号" and " Employee_No " name the same column; the template marks
    # required columns with a star.
    return str(text or "").strip().lstrip("\ufeff").strip("*").strip().lower()


def _cell(value) -> str:
    """A cell as text: 10023.0 from Excel is the employee number "10023"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "date") and callable(value.date):
        value = value.date()
    return str(value).strip()


@dataclass
class Table:
    """An opened spreadsheet: which column (by position) holds which key, how
    many data rows it has when that is known, and a way to read them."""

    kind: str
    positions: dict[str, int]
    row_count: int | None
    _rows: object  # a callable giving a fresh iterator of raw rows

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number as the spreadsheet shows it, {key: text}); blank rows skipped."""
        for number, raw in enumerate(self._rows(), start=2):
            values = {
                key: _cell(raw[pos]) if pos < len(raw) else ""
                for key, pos in self.positions.items()
            }
            if any(values.values()):
                yield number, values


def _refuse(message) -> ValidationError:
    return ValidationError({"file": message})


def _header_positions(kind: str, header: list) -> dict[str, int]:
    names = {}
    for column in COLUMNS[kind]:
        names[column.key.lower()] = column.key
        names[column.chinese] = column.key
    positions = {}
    for pos, text in enumerate(header):
        key = names.get(_header_key(text))
        if key is not None and key not in positions:
            positions[key] = pos
    missing = [c for c in COLUMNS[kind] if c.required and c.key not in positions]
    if missing:
        raise _refuse(
            _(
                "The first row does not name the columns this import needs "
                "(missing: %(missing)s). Start from the template."
            )
            % {"missing": "、".join(f"{c.chinese} / {c.key}" for c in missing)}
        )
    return positions


def _csv_encoding(path: str) -> str:
    """utf-8-sig when the whole file decodes as UTF-8, else gb18030 when it
    decodes as that; a file that is neither is not a spreadsheet we read."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise _refuse(_("This CSV file is neither UTF-8 nor GB18030 text: save it as CSV UTF-8."))


def _open_csv(kind: str, path: str) -> Table:
    encoding = _csv_encoding(path)

    def raw_rows(skip_header=True):
        with open(path, encoding=encoding, newline="") as handle:
            reader = csv.reader(handle)
            try:
                header = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _refuse(
                    _("This CSV file cannot be read: %(error)s") % {"error": exc}
                ) from exc
            if not skip_header:
                yield header
                return
            yield from reader

    header = next(raw_rows(skip_header=False), [])
    positions = _header_positions(kind, header)
    with open(path, "rb") as handle:
        # Lines, not records: a quoted line break counts twice, which only
        # overstates the size (the limit is checked again while reading).
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(CHUNK), b""))
    return Table(kind, positions, max(lines - 1, 0), raw_rows)


def _open_xlsx(kind: str, path: str) -> Table:
    # python-calamine (Rust) reads a sheet about ten times faster than
    # openpyxl's read-only mode, which decides how long 300,000 people take.
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        header = next(sheet.iter_rows(), [])
    except Exception as exc:  # a zip that is not a workbook, a damaged file
        raise _refuse(_("This file is not an Excel workbook that can be read.")) from exc
    positions = _header_positions(kind, list(header))

    def raw_rows():
        rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows()
        next(rows, None)  # the header
        yield from rows

    return Table(kind, positions, max(sheet.total_height - 1, 0), raw_rows)


def open_table(kind: str, path: str, name: str) -> Table:
    """Open the spreadsheet at `path` (uploaded as `name`) for an import of `kind`;
    a ValidationError on `file` says plainly why it cannot be read."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    lower = name.lower()
    if head.startswith(XLS_MAGIC) or lower.endswith(".xls"):
        raise _refuse(
            _(
                "Excel 97–2003 files (.xls) are not read: open it in Excel or WPS, "
                "save it as .xlsx and upload it again."
            )
        )
    if head.startswith(XLSX_MAGIC):
        return _open_xlsx(kind, path)
    if not head.strip() or b"\x00" in head:
        raise _refuse(_("This file is not a spreadsheet: upload an .xlsx or .csv file."))
    return _open_csv(kind, path)


def template_workbook(kind: str) -> bytes:
    """The template: the sheet the import reads, with the header alone (Chinese,
    required columns starred); an example sheet beside it, which the import
    never reads (it reads the first sheet); and the notes listing what each
    column takes. An example row in the read sheet, uploaded unchanged, would
    import invented people over real ones sharing their employee numbers."""
    from openpyxl import Workbook

    from accounts.models import OrgUnit, SkillLevel

    header = [("*" if c.required else "") + c.chinese for c in COLUMNS[kind]]
    book = Workbook()
    sheet = book.active
    sheet.title = "导入" if kind == "people" else "单位"
    sheet.append(header)
    examples = book.create_sheet("示例")
    examples.append(header)
    for row in TEMPLATE_EXAMPLES[kind]:
        examples.append(row)
    for each in (sheet, examples):
        for letter in "ABCDEFGHI":
            each.column_dimensions[letter].width = 16
    notes = book.create_sheet("说明")
    notes.append(["列", "English", "说明"])
    for column in COLUMNS[kind]:
        notes.append([column.chinese, column.key, BLANK_MEANS.get(column.key, "可空")])
    notes.append([])
    notes.append(["只读取第一张工作表；“示例”表仅供参考，不会导入。", "", ""])
    choices = SkillLevel.choices if kind == "people" else OrgUnit.Kind.choices
    notes.append([])
    notes.append(["技能等级" if kind == "people" else "类型", "code", ""])
    with translation.override("zh-hans"):
        for value, label in choices:
            notes.append([str(label), value, ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# What a column's blank cell means, in the notes sheet (hr.planning reads it
# so): a required column refuses the row; a person's optional details are
# written as the file has them, so a blank clears what a person updated from
# the file had; a yes/no column takes its usual answer.
_CLEARS = "可空；更新已有人员时，空白会清除原有内容"
BLANK_MEANS = {
    **{column.key: "必填" for columns in COLUMNS.values() for column in columns if column.required},
    **dict.fromkeys(("post", "phone", "email", "messenger_id", "skill_level"), _CLEARS),
    "active": "可空，空白即“是”",
    "closed": "可空，空白即“否”",
}

TEMPLATE_EXAMPLES = {
    "org_units": [
        ["A", "北岭煤业公司", "G", "公司", "否", ""],
        ["A1", "北岭一矿", "A", "矿井", "否", ""],
        ["A105", "一矿运输队", "A1", "班组", "否", ""],
    ],
    "people": [
        ["T900001", "张伟", "A101", "采煤机司机", "13900001234", "", "zhangwei", "中级工", "是"],
        ["T900002", "李强", "A102", "掘进机司机", "", "liqiang@example.org", "", "高级工", "是"],
        ["T900003", "王芳", "A101", "电钳工", "", "", "", "", "否"],
    ],
}
