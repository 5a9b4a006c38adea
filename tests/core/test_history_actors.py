"""Who made a change outside a request, and through what (core.history): the
`by` of the service run in the shell (tests/core/test_history.py has it outside
any context), the worker's import its requester, a photo's re-encoding its
uploader; `manage.py` says "shell", a command-line import "import"; the history
API shows them."""

import importlib
import io
import sys

import django.core.management
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils.text import capfirst

from accounts.models import User
from core.attachments import attachment_create
from core.models import Attachment
from tests.hr.imports import (
    PEOPLE_HEADER,
    applied,
    csv_file,
    media_root,  # noqa: F401 (autouse: files go to the test's own folder)
    person_row,
    previewed,
)
from tests.uploads import photos_processed

pytestmark = [pytest.mark.django_db, pytest.mark.history]


def latest(record) -> LogEntry:
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).latest("timestamp", "pk")


def who_and_how(entry) -> tuple:
    return entry.actor, entry.additional_data["via"]


def test_a_service_run_in_the_shell_is_kept_as_made_on_the_command_line(studios, monkeypatch):
    official = studios.org.official_a
    code = (
        "from accounts.models import User; from studios import services; "
        f"services.studio_update(studio_id={studios.dust.pk}, "
        f"by=User.objects.get(pk={official.pk}), description='命令行改的')"
    )
    # manage.py as run from a terminal, its command run in this test's transaction.
    monkeypatch.setattr(sys, "argv", ["manage.py", "shell", "--command", code])
    monkeypatch.setattr(
        django.core.management,
        "execute_from_command_line",
        lambda argv: call_command(*argv[1:], stdout=io.StringIO()),
    )
    importlib.import_module("manage").main()
    entry = latest(studios.dust)
    assert entry.changes["description"][1] == "命令行改的"
    assert who_and_how(entry) == (official, "shell")


def test_a_command_line_import_is_kept_as_an_import_by_the_person_named(org, tmp_path):
    path = tmp_path / "people.csv"
    rows = [person_row(org.worker_a.employee_no, org.worker_a.full_name, "A101", post="司机")]
    path.write_bytes(csv_file(PEOPLE_HEADER, rows).read())
    call_command(
        "import_people",
        str(path),
        "--apply",
        "--by",
        org.official_a.employee_no,
        stdout=io.StringIO(),
    )
    entry = latest(org.worker_a)
    assert entry.changes["post"][1] == "司机"
    assert who_and_how(entry) == (org.official_a, "import")


def test_the_workers_import_shows_its_requester_in_the_persons_history(
    org, api, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    rows = [person_row(org.worker_a.employee_no, org.worker_a.full_name, "A101", post="班长")]
    run = previewed(org.official_a, csv_file(PEOPLE_HEADER, rows), capture=capture)
    applied(org.official_a, run, capture=capture)
    api.force_authenticate(org.group_official)
    answer = api.get(f"/api/v1/people/{org.worker_a.pk}/history/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 200
    post = capfirst(User._meta.get_field("post").verbose_name)
    row = next(
        row
        for row in answer.json()["results"]
        if any(change["field"] == post for change in row["changes"])
    )
    assert (row["by"], row["by_name"]) == (org.official_a.pk, org.official_a.full_name)
    assert (row["via"], row["via_display"]) == ("import", "import")


def test_a_photo_finished_by_the_worker_is_kept_as_its_uploaders(studios, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with photos_processed():  # the commit, then the re-encoding task (eager here)
        attachment = attachment_create(
            owner=studios.dust,
            by=studios.lead_a,
            upload=SimpleUploadedFile("现场.png", png()),
        )
    attachment = Attachment.objects.get(pk=attachment.pk)
    assert not attachment.pending
    entry = latest(attachment)
    assert entry.changes["pending"] == [True, False]
    assert who_and_how(entry) == (studios.lead_a, "task")


def png() -> bytes:
    from PIL import Image

    body = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(body, format="PNG")
    return body.getvalue()
