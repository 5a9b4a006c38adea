"""Reading back what a list's export answered (core/exports.py)."""

import csv
import io

from openpyxl import load_workbook


def exported_body(answer) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.getvalue()


def exported_rows(answer, kind: str) -> list[list]:
    """The file's rows, header first: CSV as text, XLSX with typed cells."""
    body = exported_body(answer)
    if kind == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    workbook = load_workbook(io.BytesIO(body))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def exported_text(answer, kind: str) -> str:
    """Every cell of an exported file as one text."""
    return " ".join(str(v) for row in exported_rows(answer, kind) for v in row if v is not None)
