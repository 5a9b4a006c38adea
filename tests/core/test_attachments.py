"""Attachments: content-checked uploads, upright photos with thumbnails (made
by a worker, after a header-only pixel check), safe names, and downloads served
only to readers of the record."""

import io
import struct
import tracemalloc
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageFile

from achievements import services
from achievements.models import TechnicalProblem
from core.attachments import attachment_photo_finish, attachments_of, clean_name
from core.models import Attachment
from tests.uploads import photos_processed

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


def sent(problem, by, name, content):
    """The upload's request alone: a photo is stored as sent, still pending."""
    return services.attachment_add(record=problem, by=by, upload=SimpleUploadedFile(name, content))


def upload(problem, by, name, content):
    """The upload and the work it queued (a photo's re-encoding) once committed."""
    with photos_processed():
        attachment = sent(problem, by, name, content)
    attachment.refresh_from_db()
    return attachment


def huge_png(width=8000, height=7000) -> bytes:
    """A real, valid grey PNG of width × height pixels that compresses to a few
    KB (56 MP by default: 56 MB once decoded), written row by row so the test
    itself never holds the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    packer = zlib.compressobj(9)
    row = bytes(1 + width)  # filter byte, then grey pixels
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


class TestUpload:
    def test_phone_photo_is_turned_upright_with_a_thumbnail(self, studios, problem, media_root):
        original = Image.open(io.BytesIO(phone_photo()))
        assert original.size == (40, 20)

        attachment = upload(problem, studios.lead_a, "现场照片.jpg", phone_photo())

        assert not attachment.pending
        assert len(stored_files(media_root)) == 2  # the photo as sent is gone
        assert attachment.size == attachment.file.size
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


class TestPhotoPixels:
    """A small file can decode to gigabytes: the pixel count is read from the
    header in the request, and the decoding is a worker's."""

    @pytest.fixture
    def decodes(self, monkeypatch):
        """How many times Pillow decoded pixels (ImageFile.load)."""
        calls = []
        load = ImageFile.ImageFile.load

        def counted(image):
            calls.append(image.size)
            return load(image)

        monkeypatch.setattr(ImageFile.ImageFile, "load", counted)
        return calls

    def test_huge_png_is_refused_from_its_header_and_nothing_stored(
        self, studios, problem, media_root, decodes
    ):
        png = huge_png()
        assert len(png) < 200_000  # 56 MP in a file far under the size limit
        tracemalloc.start()
        try:
            with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
                upload(problem, studios.lead_a, "现场照片.png", png)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        message = refused.value.message_dict["file"][0]
        assert "30" in message
        assert "百万像素" in message
        assert decodes == []  # not one pixel decoded
        assert peak < 10 * 2**20  # the 56 MB of pixels were never held
        assert not Attachment.objects.exists()
        assert stored_files(media_root) == []

    def test_cap_is_a_setting_and_pillow_keeps_the_same(self, studios, problem, settings):
        assert settings.UPLOAD_MAX_PIXELS == 30_000_000
        assert Image.MAX_IMAGE_PIXELS == settings.UPLOAD_MAX_PIXELS
        settings.UPLOAD_MAX_PIXELS = 40 * 20
        assert upload(problem, studios.lead_a, "a.jpg", phone_photo()).is_image
        settings.UPLOAD_MAX_PIXELS = 40 * 20 - 1
        with pytest.raises(ValidationError):
            upload(problem, studios.lead_a, "b.jpg", phone_photo())
        assert Attachment.objects.count() == 1

    def test_request_queues_the_reencoding_and_decodes_nothing(
        self, studios, problem, media_root, decodes, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as queued:
            attachment = sent(problem, studios.lead_a, "现场照片.jpg", phone_photo())
        assert decodes == []
        assert attachment.pending
        assert not attachment.is_image
        assert not attachment.thumbnail
        assert len(stored_files(media_root)) == 1

        for callback in queued:  # the commit, then the queued task (eager here)
            callback()

        attachment.refresh_from_db()
        assert not attachment.pending
        assert attachment.is_image
        assert decodes  # the worker decoded it
        with attachment.file.open("rb") as stored, Image.open(stored) as image:
            assert image.size == (20, 40)

    def test_pending_photo_is_served_to_nobody_yet(
        self, studios, problem, as_person, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks():
            attachment = sent(problem, studios.lead_a, "现场照片.jpg", phone_photo())
        client = as_person(studios.lead_a)

        page = client.get(reverse("attachment-download", args=[attachment.pk]))
        assert page.status_code == 503
        assert page["Retry-After"] == "5"
        assert "正在处理" in page.content.decode()
        thumbnail = client.get(reverse("attachment-thumbnail", args=[attachment.pk]))
        assert thumbnail.status_code == 503
        api = client.get(reverse("api:attachment-download", args=[attachment.pk]))
        assert api.status_code == 503
        assert api.json()["code"] == "processing"
        assert api["Retry-After"] == "5"
        listed = client.get(reverse("api:attachment-detail", args=[attachment.pk])).json()
        assert (listed["processing"], listed["thumbnail_url"]) == (True, None)

    def test_reencoding_twice_changes_nothing(self, studios, problem, media_root):
        attachment = upload(problem, studios.lead_a, "现场照片.jpg", phone_photo())
        assert attachment_photo_finish(attachment_id=attachment.pk) is None
        attachment.refresh_from_db()
        assert attachment.is_image
        assert len(stored_files(media_root)) == 2

    def test_photo_that_does_not_decode_is_removed_by_the_worker(
        self, studios, problem, media_root
    ):
        # The header is whole, the pixels are cut off.
        with photos_processed():
            attachment = sent(problem, studios.lead_a, "photo.png", huge_png(400, 300)[:60])
        assert not Attachment.objects.filter(pk=attachment.pk).exists()
        assert stored_files(media_root) == []


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
