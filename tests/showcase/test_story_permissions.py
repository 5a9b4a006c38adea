"""Who may do what to which story in which state, and that every illegal move
is a conflict that changes nothing."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from accounts.models import User
from core import attachments
from core.exceptions import Conflict
from showcase import services
from showcase.models import Story
from studios import services as studio_services
from tests.factories import PersonFactory
from tests.roles import person
from tests.showcase.conftest import make_story
from tests.showcase.services import (
    fresh,
    media_root,  # noqa: F401 - autouse fixture
    mp4,
    snapshot,
)

pytestmark = pytest.mark.django_db

Status = Story.Status


# --- Roles × actions × states ---------------------------------------------------------

EVERY_ROLE = [
    "worker_a",
    "worker_b",
    "member_a",
    "lead_a",
    "lead_b",
    "official_a",
    "official_b",
    "group_official",
    "admin",
]

OVER_A = ("official_a", "group_official", "admin")

OVER_B = ("official_b", "group_official", "admin")

OK = "ok"

NOT_FOUND, FORBIDDEN, CONFLICT = Http404, PermissionDenied, Conflict

ERRORS = (NOT_FOUND, FORBIDDEN, CONFLICT, ValidationError)


def act(action: str, story: Story, by: User):
    """Run one service on `story` as `by`, with valid input."""
    if action == "update":
        return services.story_update(story_id=story.pk, by=by, title="改过的标题")
    if action == "submit":
        return services.story_submit(story_id=story.pk, by=by)
    if action == "send_back":
        return services.story_return(story_id=story.pk, by=by, reason="请补充现场照片")
    if action == "publish":
        return services.story_publish(story_id=story.pk, by=by)
    if action == "archive":
        return services.story_archive(story_id=story.pk, by=by)
    if action == "feature":
        return services.story_feature(story_id=story.pk, by=by, featured=not story.featured)
    if action == "attach":
        return services.story_attach(record=story, by=by, upload=mp4())
    raise AssertionError(action)


def expect(rest, **by_role) -> dict:
    """Each role's outcome: the named ones as given, every other role `rest`."""
    return {role: by_role.get(role, rest) for role in EVERY_ROLE}


def over(roles, outcome) -> dict:
    return dict.fromkeys(roles, outcome)


# What each role gets for each action on each story of the `showcase` world:
# outsiders of a draft, a story in review or an archived one get 404; readers of
# a published story who do not run it get 403; a state that forbids it is 409.
EXPECTED = {
    ("draft_a", "update"): expect(NOT_FOUND, lead_a=OK, **over(OVER_A, OK)),
    ("draft_a", "submit"): expect(NOT_FOUND, lead_a=OK, **over(OVER_A, FORBIDDEN)),
    ("draft_a", "send_back"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    # a lead's draft reaches the officials only once it is submitted
    ("draft_a", "publish"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("draft_a", "archive"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("draft_a", "feature"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("draft_a", "attach"): expect(NOT_FOUND, lead_a=OK, **over(OVER_A, OK)),
    ("in_review_a", "update"): expect(NOT_FOUND, lead_a=CONFLICT, **over(OVER_A, OK)),
    ("in_review_a", "submit"): expect(NOT_FOUND, lead_a=CONFLICT, **over(OVER_A, FORBIDDEN)),
    ("in_review_a", "send_back"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, OK)),
    ("in_review_a", "publish"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, OK)),
    ("in_review_a", "archive"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("in_review_a", "feature"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("in_review_a", "attach"): expect(NOT_FOUND, lead_a=CONFLICT, **over(OVER_A, OK)),
    ("featured_a", "update"): expect(FORBIDDEN, **over(OVER_A, OK)),
    ("featured_a", "submit"): expect(FORBIDDEN, official_a=CONFLICT),
    ("featured_a", "send_back"): expect(FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("featured_a", "publish"): expect(FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("featured_a", "archive"): expect(FORBIDDEN, **over(OVER_A, OK)),
    ("featured_a", "feature"): expect(FORBIDDEN, **over(OVER_A, OK)),
    ("featured_a", "attach"): expect(FORBIDDEN, **over(OVER_A, OK)),
    ("published_b", "update"): expect(FORBIDDEN, **over(OVER_B, OK)),
    ("published_b", "submit"): expect(FORBIDDEN, official_b=CONFLICT),
    ("published_b", "send_back"): expect(FORBIDDEN, **over(OVER_B, CONFLICT)),
    ("published_b", "publish"): expect(FORBIDDEN, **over(OVER_B, CONFLICT)),
    ("published_b", "archive"): expect(FORBIDDEN, **over(OVER_B, OK)),
    ("published_b", "feature"): expect(FORBIDDEN, **over(OVER_B, OK)),
    ("published_b", "attach"): expect(FORBIDDEN, **over(OVER_B, OK)),
    ("archived_a", "update"): expect(NOT_FOUND, **over(OVER_A, CONFLICT)),
    ("archived_a", "submit"): expect(
        NOT_FOUND, official_a=CONFLICT, group_official=FORBIDDEN, admin=FORBIDDEN
    ),
    ("archived_a", "send_back"): expect(NOT_FOUND, **over(OVER_A, CONFLICT)),
    ("archived_a", "publish"): expect(NOT_FOUND, **over(OVER_A, OK)),
    ("archived_a", "archive"): expect(NOT_FOUND, **over(OVER_A, CONFLICT)),
    ("archived_a", "feature"): expect(NOT_FOUND, **over(OVER_A, CONFLICT)),
    ("archived_a", "attach"): expect(NOT_FOUND, **over(OVER_A, CONFLICT)),
}

# The moves of the state machine; the other actions write no StoryEvent.
MOVES = {
    "submit": Status.IN_REVIEW,
    "send_back": Status.DRAFT,
    "publish": Status.PUBLISHED,
    "archive": Status.ARCHIVED,
}


# Where `snapshot` holds the story's events.
EVENTS = -2


class Undo(Exception):
    """Raised at the end of a savepoint to roll back what a trial did."""


@contextmanager
def rolled_back():
    """Run a trial inside a savepoint that is always rolled back, so the next
    role meets the story exactly as the fixture made it."""
    try:
        with transaction.atomic():
            yield
            raise Undo
    except Undo:
        pass


def attempt(action: str, story: Story, by: User, role: str, before: tuple):
    """Try `action` as `by` on `story` as `before` (its `snapshot`) shows it:
    the outcome (OK or the error's class), with its effects checked — a
    refusal changes nothing, a move writes one event."""
    events_before = len(before[EVENTS])
    try:
        act(action, story, by)
    except ERRORS as error:
        assert snapshot(story) == before, f"{role}: a refused {action} changed the story"
        return next(kind for kind in ERRORS if isinstance(error, kind))
    after = fresh(story)
    if action in MOVES:
        assert after.status == MOVES[action], role
        assert after.events.count() == events_before + 1, role
        event = after.events.order_by("-at", "-id").first()
        assert (event.from_state, event.to_state, event.actor_id) == (
            story.status,
            after.status,
            by.pk,
        ), role
    elif action == "feature":
        # The status stays; who featured it (or took it off) is in the history.
        assert after.status == story.status, role
        assert after.events.count() == events_before + 1, role
        event = after.events.order_by("-at", "-id").first()
        assert (event.from_state, event.to_state, event.actor_id) == (
            story.status,
            story.status,
            by.pk,
        ), role
    else:
        assert after.status == story.status, role
        assert after.events.count() == events_before, role
    if action == "update":
        assert after.title == "改过的标题", role
    if action == "feature":
        assert after.featured is (not story.featured), role
    if action == "attach":
        assert attachments.attachments_of(after).count() == before[-1] + 1, role
    return OK


@pytest.mark.parametrize(("story_name", "action"), list(EXPECTED))
def test_who_may_do_what_to_which_story(showcase, story_name, action):
    # given a story of the showcase world
    story = getattr(showcase, story_name)
    # as each trial meets it: each is rolled back, so one reading serves all
    before = snapshot(story)
    outcomes = {}
    for role in EVERY_ROLE:
        # when each role tries the action (each on the untouched story)
        with rolled_back():
            outcomes[role] = attempt(action, fresh(story), person(showcase, role), role, before)
    # then each gets what the rules say, and the story is as it was
    assert outcomes == EXPECTED[story_name, action]
    assert snapshot(story) == before


# --- Illegal moves are 409 ---------------------------------------------------------------


ILLEGAL = [
    ("draft_a", "publish"),  # a lead's draft: the lead has not sent it in yet
    ("draft_a", "archive"),
    ("draft_a", "send_back"),
    ("draft_a", "feature"),
    ("in_review_a", "submit"),
    ("in_review_a", "archive"),
    ("in_review_a", "feature"),
    ("featured_a", "submit"),
    ("featured_a", "publish"),
    ("featured_a", "send_back"),
    ("archived_a", "submit"),
    ("archived_a", "archive"),
    ("archived_a", "feature"),
    ("archived_a", "send_back"),
    ("archived_a", "update"),
    ("archived_a", "attach"),
]


@pytest.mark.parametrize(("story_name", "action"), ILLEGAL)
def test_every_illegal_move_is_a_conflict_that_changes_nothing(showcase, story_name, action):
    s = showcase
    story = fresh(getattr(s, story_name))
    # the story's author, so the refusal can only be about the state
    by = story.author if action == "submit" else s.org.group_official
    before = snapshot(story)
    with pytest.raises(Conflict):
        act(action, story, by)
    assert snapshot(story) == before


def test_publishing_twice_is_a_conflict(showcase):
    s = showcase
    story = make_story(s.org.official_a, studios=[s.studios.dust])
    services.story_publish(story_id=story.pk, by=s.org.official_a)
    before = snapshot(story)
    with pytest.raises(Conflict):
        services.story_publish(story_id=story.pk, by=s.org.group_official)
    assert snapshot(story) == before
    assert fresh(story).events.filter(to_state=Status.PUBLISHED).count() == 1


def test_a_person_created_later_is_outside_a_leads_reach_until_they_join(showcase):
    s = showcase
    newcomer = PersonFactory(full_name="新人", org_unit=s.org.team_a101)
    with pytest.raises(ValidationError):
        make_story(s.studios.lead_a, people=[newcomer], studios=[s.studios.dust])
    studio_services.membership_add(
        studio_id=s.studios.dust.pk, by=s.studios.lead_a, person=newcomer
    )
    story = make_story(s.studios.lead_a, people=[newcomer], studios=[s.studios.dust])
    assert list(fresh(story).people.all()) == [newcomer]
