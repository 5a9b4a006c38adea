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


def stories_managed_by(user) -> QuerySet[Story]:
    """Stories an official reviews, publishes, archives and features."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Story.objects.all()
    return Story.objects.filter(within_paths(scope.official_paths, unit_field="org_unit"))


def published_stories(user) -> QuerySet[Story]:
    return stories_visible_to(user).filter(status=Status.PUBLISHED)


def manages_story(user, story: Story) -> bool:
    return stories_managed_by(user).filter(pk=story.pk).exists()


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


@dataclass(frozen=True)
class StoryActions:
    """What the reader may do with a story right now (buttons on its page)."""

    edit: bool = False
    attach: bool = False
    submit: bool = False
    publish: bool = False
    send_back: bool = False
    archive: bool = False
    feature: bool = False

    @property
    def any(self) -> bool:
        return any(vars(self).values())


def story_actions(user, story: Story) -> StoryActions:
    """The moves open to `user` on `story` (the services check the same rules)."""
    manages = manages_story(user, story)
    writes = manages or (story.author_id == user.pk and story.status in Story.EDITABLE_BY_AUTHOR)
    return StoryActions(
        edit=writes and story.status != Status.ARCHIVED,
        attach=writes and story.status != Status.ARCHIVED,
        submit=story.author_id == user.pk and story.status == Status.DRAFT,
        # Someone else's draft is published only once its author sends it in.
        publish=manages
        and story.can_move_to(Status.PUBLISHED)
        and (story.status != Status.DRAFT or story.author_id == user.pk),
        send_back=manages and story.status == Status.IN_REVIEW,
        archive=manages and story.status == Status.PUBLISHED,
        feature=manages and story.status == Status.PUBLISHED,
    )


def follows_story(user, story: Story) -> bool:
    """Who reads a story's history (why it was sent back): its author and the
    officials over it."""
    return story.author_id == user.pk or manages_story(user, story)


def story_review_queue(user) -> QuerySet[Story]:
    """Stories waiting for the official's decision."""
    return stories_managed_by(user).filter(status=Status.IN_REVIEW).select_related("author")


def featured_stories(user, *, limit: int = 4) -> list[Story]:
    """The newest featured stories, for the home page."""
    return list(
        published_stories(user).filter(featured=True).order_by("-published_on", "-id")[:limit]
    )
