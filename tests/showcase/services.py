"""What the showcase service tests share: media files and the role table."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import attachments
from showcase.models import Story

# Media as the pure-Python `filetype` sniffer recognises them from their first bytes.
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00\x00\x00\x00mp42isom" + b"\x00" * 2000

MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 500


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def mp4(name="现场.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MP4, content_type="video/mp4")


def mp3(name="快板.mp3") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MP3, content_type="audio/mpeg")


def fresh(story: Story) -> Story:
    return Story.objects.get(pk=story.pk)


def snapshot(story: Story) -> tuple:
    """Everything any story service could change, read back from the database."""
    story = fresh(story)
    return (
        story.status,
        story.title,
        story.summary,
        story.body,
        story.form,
        story.creator,
        story.media_link,
        story.published_on,
        story.featured,
        story.org_unit_id,
        story.author_id,
        story.updated_at,
        story.status_changed_at,
        frozenset(story.people.values_list("pk", flat=True)),
        frozenset(story.studios.values_list("pk", flat=True)),
        tuple(story.events.values_list("from_state", "to_state", "actor_id", "note")),
        attachments.attachments_of(story).count(),
    )


def moves(story: Story) -> list[tuple[str, str]]:
    return list(fresh(story).events.order_by("at", "id").values_list("from_state", "to_state"))
