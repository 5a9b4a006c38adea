"""Reads behind the home pages."""

from django.utils import timezone

from accounts.selectors import person_roles, user_scope
from apprenticeships.selectors import mentoring_at_a_glance
from competitions.selectors import campaigns_open_to, proposals_of, screening_queue
from reports.selectors.dashboard import studio_year_figures
from showcase.selectors import featured_stories, newest_honours
from studios.models import Membership
from studios.selectors import studios_led_by, studios_visible_to


def person_summary(user) -> dict:
    """Who the signed-in person is, for the welcome line of both homes: their
    unit and roles (grants and studio memberships)."""
    memberships = list(
        Membership.objects.filter(
            person=user, left_on__isnull=True, studio__in=studios_visible_to(user)
        ).select_related("studio")
    )
    roles = person_roles(user) + [
        f"{membership.get_role_display()} · {membership.studio.name}" for membership in memberships
    ]
    return {"person": user, "org_unit": user.org_unit, "roles": roles, "memberships": memberships}


def home_summary(user) -> dict:
    """What the home page shows about the signed-in person: who they are, their
    roles (grants and studio memberships) and the studios they belong to."""
    scope = user_scope(user)
    is_official = scope.is_official or scope.is_superuser
    return {
        **person_summary(user),
        "may_propose": campaigns_open_to(user).exists(),
        "my_proposal_count": proposals_of(user).count(),
        "screening_count": screening_queue(user).count() if is_official else None,
        "is_official": is_official,
        "mentoring": mentoring_at_a_glance(user),
        # A studio leader sees the dashboard's figures for each studio they lead.
        "led_studios": [
            studio_year_figures(studio, timezone.localdate().year)
            for studio in studios_led_by(user).order_by("code")
        ],
    }


def dashboard_summary(user) -> dict:
    """What the dashboard shows besides its figures: the welcome line (on an
    official's home) and the proposals waiting for their screening. Not the
    rest of `home_summary`, which the dashboard does not show."""
    return {**person_summary(user), "screening_count": screening_queue(user).count()}


def home_showcase(user) -> dict:
    """Whom to learn from, above a worker's own work: the featured stories and
    the newest honours (an official's home is the dashboard instead)."""
    return {"featured_stories": featured_stories(user), "newest_honours": newest_honours(user)}
