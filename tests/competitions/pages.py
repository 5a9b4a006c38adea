"""What the five-small page tests share: addresses, form data and photos."""

import io

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from competitions.models import ProposalEvent
from tests.competitions.conftest import COMPLETE

NEW = reverse("competitions:proposal-create")

QUEUE = reverse("competitions:screening-queue")

MINE = reverse("competitions:my-proposals")

HTMX = {"HX-Request": "true"}


# --- Helpers ------------------------------------------------------------------------


def zh(message: str, **values) -> str:
    """A message as the Chinese page shows it (HTML-escaped)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return escape(text % values if values else text)


def new_url(campaign, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"campaign": campaign.pk, **params}.items())
    return f"{NEW}?{query}"


def url(name, proposal) -> str:
    return reverse(f"competitions:{name}", args=[proposal.pk])


def form_data(action=None, draft_id="", **overrides):
    """What the phone form posts: the fields, the (empty) co-author rows, the draft id."""
    data = {
        **COMPLETE,
        "expected_benefit": str(COMPLETE["expected_benefit"]),
        "co_authors-TOTAL_FORMS": "0",
        "co_authors-INITIAL_FORMS": "0",
        "co_authors-MIN_NUM_FORMS": "0",
        "co_authors-MAX_NUM_FORMS": "20",
        "draft_id": draft_id,
        **overrides,
    }
    if action:
        data["action"] = action
    return {key: value for key, value in data.items() if value is not None}


def jpeg(name="现场照片.jpg") -> SimpleUploadedFile:
    """A tiny but real phone photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def message_levels(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def events_of(proposal) -> list[tuple[str, str]]:
    return list(
        ProposalEvent.objects.filter(proposal=proposal).values_list("from_state", "to_state")
    )


def fresh(person):
    """The person as a new request loads them (no scope cached by the fixtures)."""
    return type(person).objects.get(pk=person.pk)
