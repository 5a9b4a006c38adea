"""Attachments: content-checked uploads, upright photos with thumbnails, safe
names, and downloads served only to readers of the record."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from achievements import services
from achievements.models import TechnicalProblem
from core.attachments import attachments_of, clean_name
from core.models import Attachment

pytestmark = pytest.mark.django_db

ORIENTATION = 0x0112
ROTATE_90 = 6
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Files land in pytest's temporary directory, never in the repository."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def problem(studios):
    return services.problem_create(
        by=studios.lead_a,
        studio=studios.dust,
        title="综采面粉尘浓度超标",
        category=TechnicalProblem.Category.DUST_CONTROL,
    )


def phone_photo(width=40, height=20) -> bytes:
    """A landscape JPEG whose EXIF says "rotate 90° to view", as phones write it."""
    exif = Image.Exif()
    exif[ORIENTATION] = ROTATE_90
    body = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(body, format="JPEG", exif=exif.tobytes())
    return body.getvalue()


def upload(problem, by, name, content):
    return services.attachment_add(record=problem, by=by, upload=SimpleUploadedFile(name, content))


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


class TestUpload:
    def test_phone_photo_is_turned_upright_with_a_thumbnail(self, studios, problem, media_root):
        original = Image.open(io.BytesIO(phone_photo()))
        assert original.size == (40, 20)

        attachment = upload(problem, studios.lead_a, "现场照片.jpg", phone_photo())

        assert attachment.mime_type == "image/jpeg"
        assert attachment.original_name == "现场照片.jpg"
        with attachment.file.open("rb") as stored, Image.open(stored) as image:
            assert image.size == (20, 40)  # width and height swapped
            assert image.getexif().get(ORIENTATION) in (None, 1)  # EXIF dropped
        assert attachment.thumbnail
        with attachment.thumbnail.open("rb") as small, Image.open(small) as thumb:
            assert thumb.format == "JPEG"
        assert attachment.is_image
        assert list(attachments_of(problem)) == [attachment]
        assert str(media_root) in attachment.file.path

    def test_pdf_is_stored_as_is(self, studios, problem):
        attachment = upload(problem, studios.lead_a, "验收报告.pdf", PDF)
        assert (attachment.mime_type, attachment.size) == ("application/pdf", len(PDF))
        assert not attachment.thumbnail
        with attachment.file.open("rb") as stored:
            assert stored.read() == PDF

    def test_text_renamed_as_photo_is_400_and_nothing_saved(self, studios, problem, media_root):
        with pytest.raises(ValidationError) as refused:
            upload(problem, studios.lead_a, "photo.jpg", b"just some text, not a photo\n" * 10)
        assert "file" in refused.value.message_dict
        assert not Attachment.objects.exists()
        assert stored_files(media_root) == []

    def test_jpeg_header_that_does_not_decode_is_400(self, studios, problem, media_root):
        broken = phone_photo()[:40]
        with pytest.raises(ValidationError) as refused:
            upload(problem, studios.lead_a, "photo.jpg", broken)
        assert "file" in refused.value.message_dict
        assert not Attachment.objects.exists()
        assert stored_files(media_root) == []

    def test_oversized_file_is_400_and_nothing_saved(self, studios, problem, settings, media_root):
        settings.UPLOAD_MAX_BYTES = len(PDF) - 1
        with pytest.raises(ValidationError) as refused:
            upload(problem, studios.lead_a, "report.pdf", PDF)
        assert "file" in refused.value.message_dict
        assert not Attachment.objects.exists()
        assert stored_files(media_root) == []

    def test_file_at_the_limit_is_accepted(self, studios, problem, settings):
        settings.UPLOAD_MAX_BYTES = len(PDF)
        assert upload(problem, studios.lead_a, "report.pdf", PDF).size == len(PDF)

    def test_path_in_the_name_is_dropped(self, studios, problem):
        attachment = upload(problem, studios.lead_a, "../../etc/passwd 报告.pdf", PDF)
        assert "/" not in attachment.original_name
        assert "\\" not in attachment.original_name
        assert ".." not in attachment.original_name
        assert attachment.original_name.endswith(".pdf")
        assert "报告" in attachment.original_name

    def test_extension_follows_the_content(self, studios, problem):
        assert upload(problem, studios.lead_a, "scan.jpg", PDF).original_name == "scan.pdf"

    @pytest.mark.parametrize(
        "raw", ["../../etc/passwd 报告.pdf", "..\\..\\windows\\报告.pdf", "/abs/报告.pdf"]
    )
    def test_clean_name_keeps_no_separator(self, raw):
        name = clean_name(raw, "pdf")
        assert "/" not in name
        assert "\\" not in name
        assert name.endswith(".pdf")

    def test_name_without_word_characters_falls_back_to_file(self, studios, problem):
        assert upload(problem, studios.lead_a, "（）.pdf", PDF).original_name == "file.pdf"

    def test_member_without_permission_cannot_upload_403(self, studios, problem):
        with pytest.raises(PermissionDenied):
            upload(problem, studios.member_a, "report.pdf", PDF)
        assert not Attachment.objects.exists()

    def test_outsider_cannot_upload(self, studios, problem):
        # Pages and the API fetch the record through the reader's scope first (404);
        # the service itself refuses anyone who may not write to the studio.
        with pytest.raises(PermissionDenied):
            upload(problem, studios.org.worker_b, "report.pdf", PDF)
        assert not Attachment.objects.exists()


class TestDownload:
    def test_lead_downloads_the_pdf(self, studios, problem, as_person):
        attachment = upload(problem, studios.lead_a, "验收报告.pdf", PDF)
        response = as_person(studios.lead_a).get(
            reverse("attachment-download", args=[attachment.pk])
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert body_of(response) == PDF
        assert "sandbox" in response["Content-Security-Policy"]

    def test_official_over_the_studio_downloads(self, studios, problem, as_person):
        attachment = upload(problem, studios.lead_a, "report.pdf", PDF)
        client = as_person(studios.org.official_a)
        assert client.get(reverse("attachment-download", args=[attachment.pk])).status_code == 200

    @pytest.mark.parametrize("outsider", ["worker_b", "worker_a", "official_b"])
    def test_outsider_gets_404(self, studios, problem, as_person, outsider):
        # the problem's announcement is public, its files are not
        attachment = upload(problem, studios.lead_a, "report.pdf", PDF)
        client = as_person(getattr(studios.org, outsider))
        response = client.get(reverse("attachment-download", args=[attachment.pk]))
        assert response.status_code == 404

    def test_anonymous_is_sent_to_sign_in(self, studios, problem, client):
        attachment = upload(problem, studios.lead_a, "report.pdf", PDF)
        response = client.get(reverse("attachment-download", args=[attachment.pk]))
        assert response.status_code == 302

    def test_photo_and_its_thumbnail_are_served(self, studios, problem, as_person):
        attachment = upload(problem, studios.lead_a, "现场照片.jpg", phone_photo())
        client = as_person(studios.lead_a)

        photo = client.get(reverse("attachment-download", args=[attachment.pk]))
        assert photo.status_code == 200
        with attachment.file.open("rb") as stored:
            assert body_of(photo) == stored.read()

        thumbnail = client.get(reverse("attachment-thumbnail", args=[attachment.pk]))
        assert thumbnail.status_code == 200
        assert thumbnail["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(body_of(thumbnail))).format == "JPEG"

    def test_outsider_gets_404_for_the_thumbnail(self, studios, problem, as_person):
        attachment = upload(problem, studios.lead_a, "现场照片.jpg", phone_photo())
        client = as_person(studios.org.worker_b)
        response = client.get(reverse("attachment-thumbnail", args=[attachment.pk]))
        assert response.status_code == 404

    def test_pdf_has_no_thumbnail_404(self, studios, problem, as_person):
        attachment = upload(problem, studios.lead_a, "report.pdf", PDF)
        client = as_person(studios.lead_a)
        response = client.get(reverse("attachment-thumbnail", args=[attachment.pk]))
        assert response.status_code == 404
