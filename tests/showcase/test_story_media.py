"""A story's media: byte ranges for its audio and video (other files ignore
them), and the large limit for audio and video only; photos keep the ordinary one."""

import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from PIL import Image

from core.attachments import attachments_of
from core.models import Attachment
from showcase import services
from tests.api_answers import field_errors
from tests.api_answers import url as api_url
from tests.core.test_attachments import PDF
from tests.showcase.api import STORIES, sign_in
from tests.showcase.services import MP3, MP4, mp3, mp4
from tests.uploads import photos_processed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- 6. Byte ranges --------------------------------------------------------------------------


def download(attachment: Attachment) -> str:
    return reverse("attachment-download", args=[attachment.pk])


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def stored_bytes(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def video(showcase) -> Attachment:
    """An MP4 on the published, featured story of company A."""
    return services.story_attach(
        record=showcase.featured_a, by=showcase.org.official_a, upload=mp4()
    )


class TestByteRanges:
    def test_the_first_ten_bytes_are_a_partial_answer(self, as_person, showcase, video):
        response = as_person(showcase.org.worker_b).get(download(video), HTTP_RANGE="bytes=0-9")
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes 0-9/{len(MP4)}"
        assert response["Content-Length"] == "10"
        assert response["Content-Type"] == "video/mp4"
        assert response["Accept-Ranges"] == "bytes"
        assert body_of(response) == MP4[:10]

    def test_the_last_five_bytes(self, as_person, showcase, video):
        response = as_person(showcase.org.worker_b).get(download(video), HTTP_RANGE="bytes=-5")
        size = len(MP4)
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes {size - 5}-{size - 1}/{size}"
        assert body_of(response) == MP4[-5:]

    @pytest.mark.parametrize(
        ("header", "first", "last"),
        [("bytes=2000-", 2000, len(MP4) - 1), ("bytes=100-999999", 100, len(MP4) - 1)],
    )
    def test_an_open_or_overlong_range_ends_at_the_last_byte(
        self, as_person, showcase, video, header, first, last
    ):
        response = as_person(showcase.org.worker_b).get(download(video), HTTP_RANGE=header)
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes {first}-{last}/{len(MP4)}"
        assert body_of(response) == MP4[first : last + 1]

    @pytest.mark.parametrize(
        "header",
        [
            "bytes=99999-",
            "bytes=-0",
            f"bytes={'9' * 4301}-",
            f"bytes={'9' * 4301}-{'9' * 4302}",
        ],
    )
    def test_a_range_past_the_end_is_416_naming_the_size(self, as_person, showcase, video, header):
        response = as_person(showcase.org.worker_b).get(download(video), HTTP_RANGE=header)
        assert response.status_code == 416
        assert response["Content-Range"] == f"bytes */{len(MP4)}"

    @pytest.mark.parametrize("header", [f"bytes=-{'9' * 4301}", f"bytes=0-{'9' * 4301}"])
    def test_a_huge_end_or_suffix_is_the_whole_file_in_range(
        self, as_person, showcase, video, header
    ):
        response = as_person(showcase.org.worker_b).get(download(video), HTTP_RANGE=header)
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes 0-{len(MP4) - 1}/{len(MP4)}"
        assert body_of(response) == MP4

    @pytest.mark.parametrize(
        "header", ["bytes=9-2", "bytes=3000-2500", "bytes=0-9,20-29", "items=0-9", "bytes=１-２"]
    )
    def test_a_range_that_cannot_be_served_gets_the_whole_file(
        self, as_person, showcase, video, header
    ):
        response = as_person(showcase.org.worker_b).get(download(video), HTTP_RANGE=header)
        assert response.status_code == 200
        assert "Content-Range" not in response
        assert body_of(response) == MP4

    def test_no_range_is_the_whole_file_saying_ranges_are_accepted(
        self, as_person, showcase, video
    ):
        response = as_person(showcase.org.worker_b).get(download(video))
        assert response.status_code == 200
        assert response["Accept-Ranges"] == "bytes"
        assert "Content-Range" not in response
        assert body_of(response) == MP4

    def test_a_recording_is_served_in_ranges_too(self, as_person, showcase):
        s = showcase
        audio = services.story_attach(record=s.featured_a, by=s.org.official_a, upload=mp3())
        response = as_person(s.org.worker_b).get(download(audio), HTTP_RANGE="bytes=0-2")
        assert response.status_code == 206
        assert body_of(response) == MP3[:3] == b"ID3"

    @pytest.mark.parametrize("kind", ["pdf", "photo"])
    def test_a_document_or_photo_ignores_the_range(self, as_person, showcase, kind):
        s = showcase
        upload = (
            SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")
            if kind == "pdf"
            else photo("JPEG")
        )
        with photos_processed():
            attachment = services.story_attach(
                record=s.featured_a, by=s.org.official_a, upload=upload
            )
        attachment.refresh_from_db()  # a photo is stored anew once re-encoded

        response = as_person(s.org.worker_b).get(download(attachment), HTTP_RANGE="bytes=0-9")

        assert response.status_code == 200
        assert response["Accept-Ranges"] == "none"
        assert "Content-Range" not in response
        assert body_of(response) == stored_bytes(attachment)
        assert len(stored_bytes(attachment)) > 10

    def test_an_outsider_still_gets_404_with_a_range(self, as_person, showcase):
        s = showcase
        on_draft = services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp4())
        for outsider in (s.org.worker_a, s.org.official_b, s.studios.member_a):
            response = as_person(outsider).get(download(on_draft), HTTP_RANGE="bytes=0-9")
            assert response.status_code == 404
            assert "Content-Range" not in response
        assert (
            as_person(s.studios.lead_a).get(download(on_draft), HTTP_RANGE="bytes=0-9").status_code
            == 206
        )


# --- 7. The large limit is for audio and video only ----------------------------------------------


def photo(image_format: str) -> SimpleUploadedFile:
    """A photo of noise (which compresses badly): a few kilobytes however encoded."""
    noise = random.Random(7).randbytes(64 * 64 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (64, 64), noise).save(buffer, image_format)
    extension = {"PNG": "png", "JPEG": "jpg"}[image_format]
    return SimpleUploadedFile(f"现场.{extension}", buffer.getvalue(), f"image/{extension}")


@pytest.fixture
def limits(settings):
    """An ordinary limit below the MP3's size, the stories' limit far above it."""
    settings.UPLOAD_MAX_BYTES = len(MP3) - 1
    settings.STORY_MEDIA_MAX_BYTES = 1024 * 1024
    return settings


class TestStoryMediaLimit:
    def test_a_recording_between_the_two_limits_is_accepted(self, showcase, limits):
        s = showcase
        audio = services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp3())
        assert (audio.mime_type, audio.size) == ("audio/mpeg", len(MP3))
        assert limits.UPLOAD_MAX_BYTES < audio.size <= limits.STORY_MEDIA_MAX_BYTES

    @pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
    def test_a_photo_between_the_two_limits_is_refused_with_the_size_message(
        self, showcase, limits, image_format
    ):
        # Given a photo larger than the ordinary limit, smaller than the stories' one
        s = showcase
        upload = photo(image_format)
        assert limits.UPLOAD_MAX_BYTES < upload.size < limits.STORY_MEDIA_MAX_BYTES

        # When it is attached to a story
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=upload)

        # Then the ordinary limit refuses it, naming that limit
        with translation.override("en"):
            limit = filesizeformat(limits.UPLOAD_MAX_BYTES)
        assert refused.value.message_dict == {"file": [f"The file is larger than {limit}."]}
        assert not attachments_of(s.draft_a).exists()

    def test_the_api_refuses_the_photo_and_takes_the_recording(self, api, showcase, limits):
        s = showcase
        sign_in(api, s, "lead_a")
        attach = api_url(STORIES, s.draft_a, "attachments")
        refused = api.post(attach, {"file": photo("PNG")}, format="multipart")
        assert set(field_errors(refused)) == {"file"}
        accepted = api.post(attach, {"file": mp3()}, format="multipart")
        assert accepted.status_code == 201, accepted.content
        assert [a.mime_type for a in attachments_of(s.draft_a)] == ["audio/mpeg"]
