"""What the showcase API tests share: addresses, story bodies and signing in."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apprenticeships.models import Pairing
from core.models import Attachment
from showcase.models import Story
from tests.roles import person

STORIES = "/api/v1/stories/"

PROFILES = "/api/v1/profiles/"

ATTACHMENTS = "/api/v1/attachments/"

# An MP4 and an MP3 as `filetype` recognises them from their first bytes.
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000

MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 2000


# --- Helpers ------------------------------------------------------------------------


def sign_in(api, s, role: str | None):
    api.force_authenticate(None if role is None else person(s, role))
    return api


def snapshot(story) -> tuple:
    """Everything a write or an action could change on a story."""
    story = Story.objects.get(pk=story.pk)
    return (
        story.status,
        story.title,
        story.summary,
        story.body,
        story.form,
        story.creator,
        story.published_on,
        story.featured,
        story.org_unit_id,
        story.author_id,
        frozenset(story.people.values_list("pk", flat=True)),
        frozenset(story.studios.values_list("pk", flat=True)),
        story.events.count(),
        Attachment.objects.filter(object_id=story.pk).count(),
    )


def story_body(s, **overrides) -> dict:
    """What the dust studio's leader sends to draft a story about their member."""
    return {
        "title": "粉尘克星",
        "form": Story.Form.REPORTAGE,
        "creator": "工会宣传部",
        "summary": "一个班组的降尘故事。",
        "body": "## 井下\n\n他们把粉尘浓度降了一半。",
        "people_ids": [s.studios.member_a.pk],
        "studio_ids": [s.studios.dust.pk],
        **overrides,
    }


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def mp4(name="现场.mp4") -> SimpleUploadedFile:
    return upload(name, MP4, "video/mp4")


def mp3(name="快板.mp3") -> SimpleUploadedFile:
    return upload(name, MP3, "audio/mpeg")


EVERY_STORY = ["featured_a", "published_b", "draft_a", "in_review_a", "archived_a"]

OFFICIALS_OVER_A = ["official_a", "group_official", "admin"]


def pair(mentor, apprentice, unit, by, *, status=Pairing.Status.ACTIVE, years_ago=3):
    """A pairing that took place (agreement signed `years_ago` years back)."""
    start = timezone.localdate() - datetime.timedelta(days=365 * years_ago)
    return Pairing.objects.create(
        mentor=mentor,
        apprentice=apprentice,
        org_unit=unit,
        starts_on=start,
        planned_end_on=start + datetime.timedelta(days=730),
        target_skill_level="senior",
        agreement_signed_on=start,
        status=status,
        created_by=by,
        ended_on=start + datetime.timedelta(days=700) if status == "completed" else None,
    )
