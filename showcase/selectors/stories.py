"""Who reads, writes and runs which stories.

Published stories are public to every signed-in user. A draft or a story in
review is read by its author and the union officials over its unit; those
officials review, publish, archive and feature it. A studio lead writes about
the studios they lead and those studios' current members.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import is_official, people_managed_by, user_scope
from core.access import Fact, RecordAccess, annotate_facts, read_facts
from core.scoping import signed_in, within_paths
from showcase.models import Story
from studios.models import Membership, Studio
from studios.selectors import studios_led_by, studios_managed_by

Status = Story.Status


def stories_visible_to(user) -> QuerySet[Story]:
    """Published stories for everyone; the rest for their author and the
    officials over the story's unit."""
    if not signed_in(user):
        return Story.objects.none()
    stories = Story.objects.select_related("author", "org_unit")
    scope = user_scope(user)
    if scope.is_superuser:
        return stories
    return stories.filter(
        Q(status=Status.PUBLISHED)
        | Q(author=user)
        | within_paths(scope.official_paths, unit_field="org_unit")
    )


def _managed(user) -> Q:
    """Stories run by the person: those under them as an official (every one
    for a superuser)."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Q(pk__isnull=False)
    return within_paths(scope.official_paths, unit_field="org_unit")


def stories_managed_by(user) -> QuerySet[Story]:
    """Stories an official reviews, publishes, archives and features."""
    return Story.objects.filter(_managed(user))


def published_stories(user) -> QuerySet[Story]:
    """The stories every signed-in person reads: the published ones."""
    return stories_visible_to(user).filter(status=Status.PUBLISHED)


def story_studios_for(user) -> QuerySet[Studio]:
    """Studios the person may write a story about: an official's studios, a
    lead's own studios (not revoked)."""
    if is_official(user):
        return studios_managed_by(user)
    return studios_led_by(user).exclude(status=Studio.Status.REVOKED)


def story_people_for(user) -> QuerySet[User]:
    """People the person may write a story about: an official's people, a lead's
    current studio members (the lead included)."""
    if is_official(user):
        return people_managed_by(user)
    members = Membership.objects.filter(
        studio__in=story_studios_for(user), left_on__isnull=True
    ).values("person_id")
    return User.objects.filter(pk__in=members)


def may_write_stories(user) -> bool:
    """Officials and studio leads draft stories."""
    return signed_in(user) and (is_official(user) or story_studios_for(user).exists())


# The moves a story's page offers as buttons; each is a field of `StoryAccess`.
STORY_MOVES = ("edit", "attach", "submit", "publish", "send_back", "archive", "feature")


@dataclass(frozen=True)
class StoryAccess(RecordAccess):
    """What the viewer may do with one story. `author`, `manages` and `follows`
    are read from its row; the moves follow from them and the story's status
    (the services check the same rules and answer 403 or 409)."""

    # Wrote it: edits it while it is a draft, sends it for review.
    author: bool = False
    # An official over its unit: edits it until archived, sends it back,
    # publishes, archives and features it.
    manages: bool = False
    # Reads its history (why it was sent back): its author and those officials.
    follows: bool = False
    edit: bool = False
    attach: bool = False
    submit: bool = False
    publish: bool = False
    send_back: bool = False
    archive: bool = False
    feature: bool = False

    @property
    def any_move(self) -> bool:
        """Whether the page offers the viewer any button at all."""
        return any(getattr(self, move) for move in STORY_MOVES)


# The facts of `StoryAccess` that are conditions on the row (the moves follow
# from them and the status).
STORY_FACTS = ("read", "author", "manages", "follows")


def story_facts(user) -> dict[str, Fact]:
    """The row facts of `StoryAccess` as SQL conditions on a story's row."""
    if not signed_in(user):
        return dict.fromkeys(STORY_FACTS, False)
    author, manages = Q(author=user), _managed(user)
    return {
        "read": True,  # the facts are read on the viewer's scoped rows only
        "author": author,
        "manages": manages,
        "follows": author | manages,
    }


def stories_with_access(user) -> QuerySet[Story]:
    """`stories_visible_to(user)` with each row's access facts as columns, so a
    page reads `story_access()` without a query."""
    return annotate_facts(stories_visible_to(user), story_facts(user))


def story_access(user, story: Story) -> StoryAccess:
    """Everything `user` may do with `story` right now: the row facts from its
    access columns when it came from `stories_with_access`, else one query; the
    moves from those facts and the story's status."""
    facts = read_facts(
        story, STORY_FACTS, user=user, visible_to=stories_visible_to, facts_of=story_facts
    )
    manages, author, status = facts["manages"], facts["author"], story.status
    writes = manages or (author and status in Story.EDITABLE_BY_AUTHOR)
    return StoryAccess(
        **facts,
        edit=writes and status != Status.ARCHIVED,
        attach=writes and status != Status.ARCHIVED,
        submit=author and status == Status.DRAFT,
        # Someone else's draft is published only once its author sends it in.
        publish=manages
        and story.can_move_to(Status.PUBLISHED)
        and (status != Status.DRAFT or author),
        send_back=manages and status == Status.IN_REVIEW,
        archive=manages and status == Status.PUBLISHED,
        feature=manages and status == Status.PUBLISHED,
    )


def story_review_queue(user) -> QuerySet[Story]:
    """Stories waiting for the official's decision."""
    return stories_managed_by(user).filter(status=Status.IN_REVIEW).select_related("author")


def featured_stories(user, *, limit: int = 4) -> list[Story]:
    """The newest featured stories, for the home page."""
    return list(
        published_stories(user).filter(featured=True).order_by("-published_on", "-id")[:limit]
    )


def stories_sent_back_to(user) -> QuerySet[Story]:
    """The person's stories the office sent back: drafts that were in review
    (a draft gets a status change only by being sent back)."""
    return (
        stories_visible_to(user)
        .filter(author=user, status=Story.Status.DRAFT, status_changed_at__isnull=False)
        .order_by("status_changed_at", "id")
    )
