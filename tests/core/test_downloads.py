"""Files sent to the person who asked (core.downloads): a Chinese name reaches
the browser as RFC 6266's `filename*=utf-8''…` (RFC 5987's encoding), the file
is never kept by a shared cache, whatever holds it (bytes, an open file, rows
streamed); and no app builds those headers itself."""

import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings

from core.downloads import private_download, private_file_download, private_stream_download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


SENDERS = {
    "bytes": lambda name: private_download(b"PK-data", filename=name, content_type=XLSX),
    "file": lambda name: private_file_download(
        io.BytesIO(b"PK-data"), filename=name, content_type=XLSX
    ),
    "stream": lambda name: private_stream_download(
        iter([b"PK-", b"data"]), filename=name, content_type=XLSX
    ),
}


@pytest.mark.parametrize("sender", SENDERS)
def test_a_chinese_name_is_sent_encoded_and_the_file_is_private(sender):
    response = SENDERS[sender]("人员导入模板 2026.xlsx")

    disposition = response["Content-Disposition"]
    assert re.fullmatch(r"attachment; filename\*=utf-8''[A-Za-z0-9%._~-]+", disposition)
    assert unquote(disposition.split("''", 1)[1]) == "人员导入模板 2026.xlsx"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == XLSX
    assert body(response) == b"PK-data"


@pytest.mark.parametrize("sender", SENDERS)
def test_an_ascii_name_is_sent_as_it_is(sender):
    response = SENDERS[sender]("import-12-rejected-rows.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="import-12-rejected-rows.xlsx"'


def test_a_stored_file_is_named_as_asked_not_after_its_path(tmp_path):
    stored = tmp_path / "reports" / "run_17_a8f3.xlsx"
    stored.parent.mkdir()
    stored.write_bytes(b"PK-data")

    response = private_file_download(
        stored.open("rb"), filename="集团概况 2026.xlsx", content_type=XLSX
    )

    assert "run_17" not in response["Content-Disposition"]
    assert response["Content-Length"] == "7"
    assert body(response) == b"PK-data"


# Where a file is sent other than through core.downloads, and why.
OTHERWISE = {
    # An attachment shown in the page (a photo inline, a video by byte ranges),
    # kept an hour in the viewer's own cache.
    "core/views.py",
    "core/downloads.py",
}


def test_no_app_builds_a_download_header_itself():
    root = Path(settings.BASE_DIR)
    packages = [
        folder
        for folder in root.iterdir()
        if (folder / "__init__.py").exists() and folder.name not in {"tests", "bench"}
    ]
    assert {"core", "hr", "documents", "reports"} <= {folder.name for folder in packages}
    found = []
    for source in sorted(path for folder in packages for path in folder.rglob("*.py")):
        relative = source.relative_to(root).as_posix()
        text = source.read_text(encoding="utf-8")
        if relative not in OTHERWISE and re.search(
            r"Content-Disposition|content_disposition_header|as_attachment=", text
        ):
            found.append(relative)
    assert found == []
