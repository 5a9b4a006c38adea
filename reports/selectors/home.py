"""Reads behind the home pages."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.selectors import is_official, person_roles, user_scope
from apprenticeships.selectors import (
    mentoring_at_a_glance,
    pairings_with_evaluation_due_for,
    sessions_to_confirm,
    steps_due_for,
)
from competitions.models import Proposal
from competitions.selectors import (
    campaigns_open_to,
    proposals_of,
    proposals_to_revise,
    reviews_waiting_for,
    screening_queue,
)
from naming.selectors import applications_to_score
from reports.selectors.dashboard import studio_year_figures
from showcase.selectors import featured_stories, newest_honours, stories_sent_back_to
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


# How far the dashboard and "Needs your action" count what waits ("more than
# 999", "999+" beyond): the office's screening queue holds every submitted
# proposal of its units, and counting them all on each visit of an official's
# dashboard and home grew with the group (30,000 at a tenth of its size). The
# lists they link to count them all.
COUNTED = 999


def dashboard_summary(user) -> dict:
    """What the dashboard shows besides its figures: the welcome line (on an
    official's home) and how many proposals wait for their screening, counted
    up to COUNTED (`screening_more`: there are more). Not the rest of
    `home_summary`, which the dashboard does not show."""
    waiting = screening_queue(user).order_by()[: COUNTED + 1].count()
    return {
        **person_summary(user),
        "screening_count": min(waiting, COUNTED),
        "screening_more": waiting > COUNTED,
    }


def home_showcase(user) -> dict:
    """Whom to learn from, above a worker's own work: the featured stories and
    the newest honours (an official's home is the dashboard instead)."""
    return {"featured_stories": featured_stories(user), "newest_honours": newest_honours(user)}


# Items shown per kind of action; the rest is behind the kind's list.
ACTIONS_SHOWN = 5


@dataclass(frozen=True)
class ActionItem:
    text: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class ActionGroup:
    key: str
    title: Promise
    total: int  # up to COUNTED
    items: list[ActionItem]
    more_url: str
    more: bool = False  # more than COUNTED wait

    @property
    def total_shown(self) -> str:
        return f"{self.total}+" if self.more else str(self.total)


def _day(value) -> str:
    return date_format(value, "Y-m-d")


def _group(key, title, rows: QuerySet, item: Callable, more_url: str) -> ActionGroup | None:
    """The first few rows and how many there are up to COUNTED, in one query:
    the count is a subquery over at most COUNTED + 1 of the rows. A window count
    over the whole filtered set joined and sorted all of it first: 120 ms for
    the office's screening queue at a tenth of the group, whose first few are
    now read in the order of its index."""
    counted = rows.order_by().values("pk")[: COUNTED + 1]
    try:
        sql, params = counted.query.get_compiler(using=rows.db).as_sql()
    except EmptyResultSet:  # `.none()`: nothing waits
        return None
    total = RawSQL(f"SELECT COUNT(*) FROM ({sql}) counted", params, output_field=IntegerField())
    rows = list(rows.annotate(action_total=total)[:ACTIONS_SHOWN])
    if not rows:
        return None
    waiting = rows[0].action_total
    return ActionGroup(
        key,
        title,
        min(waiting, COUNTED),
        [item(row) for row in rows],
        more_url,
        more=waiting > COUNTED,
    )


def needs_action(user) -> list[ActionGroup]:
    """ "Needs your action", first on every home page: what waits for the person,
    each kind in one query through its scoping selector, each item linking to
    its record. A blind reviewer's item names the title and deadline only."""
    mine = reverse("competitions:my-proposals")
    my_apprenticeship = reverse("apprenticeships:my-apprenticeship")
    groups = [
        _group(
            "proposals-returned",
            _("Proposals returned to you to revise"),
            proposals_to_revise(user),
            lambda p: ActionItem(
                p.title, reverse("competitions:proposal-detail", args=[p.pk]), p.code
            ),
            f"{mine}?status={Proposal.Status.RETURNED}",
        ),
        _group(
            "reviews-due",
            _("Reviews you owe"),
            reviews_waiting_for(user),
            lambda a: ActionItem(
                a.proposal.title,
                reverse("competitions:review-form", args=[a.proposal_id]),
                _("due %(date)s") % {"date": _day(a.due_on)},
            ),
            reverse("competitions:review-queue"),
        ),
        _group(
            "naming-scores",
            _("Naming applications to score"),
            applications_to_score(user),
            lambda application: ActionItem(
                application.studio.name,
                reverse("naming:application-detail", args=[application.pk]),
                application.call.title
                if application.due_on is None
                else _("due %(date)s") % {"date": _day(application.due_on)},
            ),
            reverse("naming:application-list"),
        ),
        _group(
            "sessions-to-confirm",
            _("Sessions to confirm"),
            sessions_to_confirm(user),
            lambda a: ActionItem(a.session.topic, my_apprenticeship, _day(a.session.held_on)),
            my_apprenticeship,
        ),
        _group(
            "steps-due",
            _("Plan steps due"),
            steps_due_for(user).select_related("pairing__apprentice"),
            lambda m: ActionItem(
                m.title,
                reverse("apprenticeships:pairing-detail", args=[m.pairing_id]),
                _("due %(date)s") % {"date": _day(m.due_on)},
            ),
            my_apprenticeship,
        ),
        _group(
            "evaluations-due",
            _("Evaluations due"),
            pairings_with_evaluation_due_for(user),
            lambda p: ActionItem(
                p.apprentice.full_name,
                reverse("apprenticeships:pairing-detail", args=[p.pk]),
                p.mentor.full_name,
            ),
            f"{reverse('apprenticeships:pairing-list')}?status=active",
        ),
        _group(
            "stories-returned",
            _("Stories sent back to you"),
            stories_sent_back_to(user),
            lambda story: ActionItem(
                story.title, reverse("showcase:story-detail", args=[story.pk])
            ),
            reverse("showcase:story-list"),
        ),
    ]
    if is_official(user):
        groups.append(
            _group(
                "screening",
                _("Proposals waiting for screening"),
                screening_queue(user),
                lambda p: ActionItem(
                    p.title, reverse("competitions:proposal-detail", args=[p.pk]), p.code
                ),
                reverse("competitions:screening-queue"),
            )
        )
    return [group for group in groups if group is not None]
