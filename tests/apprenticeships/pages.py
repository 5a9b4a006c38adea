"""What the apprenticeship page tests share: addresses, form data and reading a page."""

import datetime

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

MINE = reverse("apprenticeships:my-apprenticeship")

MENTORING = reverse("apprenticeships:my-apprentices")

NEW = reverse("apprenticeships:pairing-create")

SESSION_NEW = reverse("apprenticeships:session-create")

# The plan and evaluations: the mentor and those who run the pairing.
NOT_PLANNERS = [("apprentice", 403), ("official_b", 404), ("worker", 404)]


# --- Helpers ------------------------------------------------------------------------


def url(name, pk) -> str:
    return reverse(f"apprenticeships:{name}", args=[pk])


def chinese(message: str, **values) -> str:
    """A message as a Chinese reader gets it."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % values if values else text


def zh(message: str, **values) -> str:
    """A message as the Chinese page shows it (HTML-escaped)."""
    return escape(chinese(message, **values))


def today() -> datetime.date:
    return timezone.localdate()


def iso(day: datetime.date) -> str:
    return day.isoformat()


def form_error(form_html: str, message: str) -> None:
    """`message` is shown at the top of the form (a refusal of the whole entry)."""
    assert '<div class="alert alert-danger" role="alert">' in form_html
    assert f"<div>{message}</div>" in form_html


def person(m, role):
    """The cast of the `mentoring` fixture by the part each plays for its
    `active` pairing (member_a mentors apprentice_a in the dust studio of
    company A, led by lead_a) and its `proposed` one (apprentice_a2)."""
    return {
        "lead": m.lead_a,
        "official": m.org.official_a,
        "group_official": m.org.group_official,
        "official_b": m.org.official_b,
        "mentor": m.member_a,
        "apprentice": m.apprentice_a,
        "apprentice_2": m.apprentice_a2,
        "worker": m.org.worker_a,
        "admin": m.org.admin,
    }[role]


def snapshot(pairing) -> tuple:
    pairing.refresh_from_db()
    return (
        pairing.status,
        pairing.planned_end_on,
        pairing.agreement_signed_on,
        pairing.ended_on,
        pairing.goals,
        pairing.events.count(),
        pairing.extensions.count(),
    )
