"""What the showcase page tests share: addresses, form data and reading a page."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from PIL import Image

from core.attachments import attachments_of
from showcase.models import Story
from studios.models import Honour

NEW = reverse("showcase:story-create")

ROLL = reverse("showcase:honour-roll")

SEARCH = reverse("showcase:search")

HOME = reverse("reports:home")

LOGIN = reverse("accounts:login")

Title = Honour.PersonalTitle

# Every signed-in part someone plays in the `showcase` world.
EVERY_ROLE = [
    "worker_a",
    "worker_b",
    "colleague_a",
    "lead_a",
    "member_a",
    "lead_b",
    "official_a",
    "official_b",
    "group_official",
    "admin",
]

# Who runs company A's stories (send back, publish, archive, feature).
MANAGERS_OF_A = ["official_a", "group_official", "admin"]


# --- Helpers ------------------------------------------------------------------------


def url(name, pk) -> str:
    return reverse(f"showcase:{name}", args=[pk])


def chinese(message: str, **values) -> str:
    """A message as a Chinese reader gets it."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % values if values else text


def zh(message: str, **values) -> str:
    """A message as the Chinese page shows it (HTML-escaped)."""
    return escape(chinese(message, **values))


def some_error_beside(form_html: str, name: str) -> None:
    start = form_html.index(f'name="{name}"')
    end = form_html.find('<div class="mb-3">', start)
    block = form_html[start : end if end != -1 else None]
    assert '<div class="invalid-feedback d-block">' in block, block


def story_body(html: str) -> str:
    """The HTML inside the story body element."""
    start = html.index('data-testid="story-body"')
    start = html.index(">", start) + 1
    return html[start : html.index("</div>", start)]


def assert_sent_to_login(response, page):
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "next=" in response.url


def snapshot(story) -> tuple:
    """Everything the pages change on a story."""
    fresh = Story.objects.get(pk=story.pk)
    return (
        fresh.title,
        fresh.body,
        fresh.status,
        fresh.featured,
        fresh.published_on,
        sorted(fresh.people.values_list("pk", flat=True)),
        sorted(fresh.studios.values_list("pk", flat=True)),
        fresh.events.count(),
        attachments_of(fresh).count(),
    )


def story_data(world, **overrides) -> dict:
    """A complete story form as a lead of the dust studio fills it in."""
    data = {
        "title": "粉尘治理十年",
        "form": Story.Form.REPORTAGE,
        "creator": "宣传部 王记者",
        "summary": "一个工作室和它的十年。",
        "body": "## 井下\n\n他们让巷道里的粉尘降了九成。",
        "media_link": "",
        "people": [world.studios.member_a.pk],
        "studios": [world.studios.dust.pk],
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}


def edit_data(story, **overrides) -> dict:
    """The story's own values as its edit form sends them back."""
    data = {
        "title": story.title,
        "form": story.form,
        "creator": story.creator,
        "summary": story.summary,
        "body": story.body,
        "media_link": story.media_link,
        "people": list(story.people.values_list("pk", flat=True)),
        "studios": list(story.studios.values_list("pk", flat=True)),
        **overrides,
    }
    return data


def today() -> datetime.date:
    return timezone.localdate()


def jpeg(name="井下照片.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
