"""No stored file outlives the row that should name it: an upload whose
transaction rolls back loses its file when the request ends, a deletion that
rolls back keeps it, and `manage.py orphan_files` lists (and with `--delete`
removes) what a killed process left behind."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from PIL import Image

from core.attachments import attachment_create, attachment_delete
from core.models import Attachment
from tests.core import test_attachments

pytestmark = pytest.mark.django_db

# A problem of a studio of company A, as tests/core/test_attachments.py makes it.
problem = test_attachments.problem

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media_root) -> list[str]:
    return sorted(
        p.relative_to(media_root).as_posix() for p in media_root.rglob("*") if p.is_file()
    )


def attach(problem, by, name="方案.pdf"):
    return attachment_create(owner=problem, upload=SimpleUploadedFile(name, PDF), by=by)


@pytest.fixture
def request_ends(client):
    """Some request, answered: what follows every answer follows it."""
    return lambda: client.get(reverse("healthz"))


def test_an_upload_whose_transaction_rolls_back_leaves_no_file(
    problem, studios, media_root, request_ends
):
    with pytest.raises(ValidationError), transaction.atomic():
        attach(problem, studios.lead_a)
        assert len(stored(media_root)) == 1
        # A check of the calling service fails after the file was stored.
        raise ValidationError("later check failed")
    request_ends()
    assert stored(media_root) == []
    assert not Attachment.objects.exists()


def test_an_upload_that_commits_keeps_its_file(
    problem, studios, media_root, request_ends, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = attach(problem, studios.lead_a)
    request_ends()
    assert stored(media_root) == [attachment.file.name]


def test_an_upload_still_inside_an_open_transaction_keeps_its_file(
    problem, studios, media_root, request_ends
):
    with transaction.atomic():
        attachment = attach(problem, studios.lead_a)
        request_ends()  # e.g. another request's end on this thread: not yet decided
        assert stored(media_root) == [attachment.file.name]


def test_a_failed_row_write_removes_the_files_at_once(problem, studios, media_root, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Attachment, "save", refuse)
    photo = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(photo, format="JPEG")
    with pytest.raises(DatabaseError):
        attachment_create(
            owner=problem,
            upload=SimpleUploadedFile("照片.jpg", photo.getvalue()),
            by=studios.lead_a,
        )
    assert stored(media_root) == []  # neither the photo nor its thumbnail


def test_a_deletion_that_rolls_back_keeps_the_files(
    problem, studios, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = attach(problem, studios.lead_a)
    pk, name = attachment.pk, attachment.file.name
    with pytest.raises(ValidationError), transaction.atomic():
        attachment_delete(attachment=attachment)
        raise ValidationError("later check failed")
    assert Attachment.objects.filter(pk=pk).exists()
    assert stored(media_root) == [name]
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(attachment=Attachment.objects.get(pk=pk))
    assert stored(media_root) == []


@pytest.mark.parametrize("delete", [False, True])
def test_orphan_files_lists_and_with_delete_removes_unreferenced_files(
    problem, studios, media_root, capsys, delete
):
    kept = attach(problem, studios.lead_a)
    orphans = ["attachments/2020/01/rolled-back.pdf", "reports/2020/01/7/dead-attempt.xlsx"]
    for name in orphans:
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(b"x" * 10)

    call_command("orphan_files", "--min-age-minutes=0", *(["--delete"] if delete else []))

    out, err = capsys.readouterr()
    assert out.splitlines() == orphans
    assert ("Deleted" if delete else "Found") + " 2 orphan files, 20 bytes" in err
    remaining = [kept.file.name] if delete else sorted([kept.file.name, *orphans])
    assert stored(media_root) == remaining


def test_orphan_files_leaves_young_files_alone(media_root, capsys):
    (media_root / "attachments").mkdir(parents=True)
    (media_root / "attachments" / "uploading.pdf").write_bytes(b"x")
    call_command("orphan_files", "--delete")
    assert capsys.readouterr().out == ""
    assert stored(media_root) == ["attachments/uploading.pdf"]
