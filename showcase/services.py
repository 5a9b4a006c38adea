"""Every write on a story: draft, edit, submit, send back, publish, archive,
feature, attach media. Each locks the story, checks who acts and in which state:
outside scope 404, visible but not allowed 403, bad input 400, state 409."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import is_official
from accounts.services import unit_checked
from core import attachments
from core.exceptions import Conflict
from core.services import ensure, locked
from notices.services import notify
from showcase.models import Story
from showcase.rendering import markdown_to_html
from showcase.selectors import (
    may_write_stories,
    stories_visible_to,
    story_access,
    story_people_for,
    story_studios_for,
)
from studios.models import Studio

Status = Story.Status
# Fields a writer sets; status, featured, author and the publication date move
# only through the actions below.
# Older works are entered with their real date; nothing from before the group's unions.
EARLIEST_PUBLICATION_YEAR = 1950
WRITABLE_FIELDS = {"title", "form", "summary", "body", "creator", "media_link", "people", "studios"}


def _locked_story(story_id: int, by: User) -> Story:
    return locked(stories_visible_to(by), story_id)


def _name(subject) -> str:
    return getattr(subject, "full_name", "") or subject.name


def _within_reach(given: list, current: list, reachable, field: str) -> list:
    """The subjects to save: those given that the writer may name, plus those
    already on the story that lie beyond the writer's reach (someone else named
    them, or a member has since left): a writer neither adds nor drops those."""
    current_ids = {subject.pk for subject in current}
    reach = set(
        reachable.filter(pk__in={s.pk for s in given} | current_ids).values_list("pk", flat=True)
    )
    outside = [s for s in given if s.pk not in reach and s.pk not in current_ids]
    ensure(
        not outside,
        ValidationError(
            {
                field: _("You may not write about: %(names)s.")
                % {"names": "、".join(map(_name, outside))}
            }
        ),
    )
    kept = [subject for subject in current if subject.pk not in reach]
    chosen = [subject for subject in given if subject.pk in reach]
    return list({subject.pk: subject for subject in [*chosen, *kept]}.values())


def _subjects_checked(by: User, people, studios, *, story: Story | None = None):
    """The people and studios a story is about, each within the writer's reach
    (an official's own units, a lead's own studio and its current members)."""
    studios = _within_reach(
        list(studios),
        list(story.studios.all()) if story else [],
        story_studios_for(by),
        "studios",
    )
    people = _within_reach(
        list(people), list(story.people.all()) if story else [], story_people_for(by), "people"
    )
    ensure(
        people or studios,
        ValidationError({"people": _("Name at least one person or studio the story is about.")}),
    )
    return people, studios


def _home_unit(by: User, studios: list[Studio], people: list[User], org_unit: OrgUnit | None):
    """The unit whose officials review the story: chosen by an official (their
    own units), else the first studio's, else the first person's."""
    if is_official(by):
        unit = org_unit or (studios[0].org_unit if studios else people[0].org_unit)
        ensure(
            unit is not None,
            ValidationError({"org_unit": _("This unit is outside the units you manage.")}),
        )
        return unit_checked(unit, by)
    ensure(
        org_unit is None,
        ValidationError({"org_unit": _("The story belongs to your studio's unit.")}),
    )
    ensure(bool(studios), ValidationError({"studios": _("Choose the studio you lead.")}))
    return studios[0].org_unit


def _touch(story: Story, fields: dict) -> None:
    for name, value in fields.items():
        if name not in ("people", "studios"):
            setattr(story, name, value)
    story.updated_at = timezone.now()
    story.full_clean(exclude=["people", "studios"])
    story.body_html = markdown_to_html(story.body)


@transaction.atomic
def story_create(
    *,
    by: User,
    title: str,
    form: str,
    creator: str,
    body: str = "",
    summary: str = "",
    media_link: str = "",
    people: Iterable[User] = (),
    studios: Iterable[Studio] = (),
    org_unit: OrgUnit | None = None,
) -> Story:
    """An official or a studio lead drafts a story about people and studios in
    their reach."""
    ensure(may_write_stories(by), PermissionDenied())
    people, studios = _subjects_checked(by, people, studios)
    story = Story(
        title=title,
        form=form,
        creator=creator,
        body=body,
        summary=summary,
        media_link=media_link,
        author=by,
        org_unit=_home_unit(by, studios, people, org_unit),
        status=Status.DRAFT,
    )
    _touch(story, {})
    story.save()
    story.people.set(people)
    story.studios.set(studios)
    story.events.create(actor=by, from_state="", to_state=Status.DRAFT)
    return story


def _ensure_writes(story: Story, by: User) -> None:
    """Officials over the story edit it until it is archived; its author only
    while it is a draft (once submitted it is the reviewers' to change)."""
    access = story_access(by, story)
    if access.manages:
        ensure(story.status != Status.ARCHIVED, Conflict(_("An archived story is not edited.")))
        return
    ensure(access.author, PermissionDenied())
    ensure(
        story.status in Story.EDITABLE_BY_AUTHOR,
        Conflict(_("The story is with the reviewers; it can be changed once it is sent back.")),
    )


@transaction.atomic
def story_update(*, story_id: int, by: User, **changes) -> Story:
    """Change what the story says and whom it is about."""
    unknown = set(changes) - WRITABLE_FIELDS
    ensure(
        not unknown,
        ValidationError({name: _("This field is not changed here.") for name in sorted(unknown)}),
    )
    story = _locked_story(story_id, by)
    _ensure_writes(story, by)
    if "people" in changes or "studios" in changes:
        people, studios = _subjects_checked(
            by,
            changes.get("people", story.people.all()),
            changes.get("studios", story.studios.all()),
            story=story,
        )
        if not is_official(by):
            ensure(
                any(studio.org_unit_id == story.org_unit_id for studio in studios),
                ValidationError({"studios": _("The story stays with its studio's unit.")}),
            )
        story.people.set(people)
        story.studios.set(studios)
    _touch(story, changes)
    story.save()
    return story


@transaction.atomic
def story_submit(*, story_id: int, by: User) -> Story:
    """The author sends a draft to the officials for review."""
    story = _locked_story(story_id, by)
    ensure(story_access(by, story).author, PermissionDenied())
    story.transition_to(Status.IN_REVIEW, by=by)
    return story


@transaction.atomic
def story_return(*, story_id: int, by: User, reason: str) -> Story:
    """An official sends a story in review back to its author, saying why."""
    story = _locked_story(story_id, by)
    ensure(story_access(by, story).manages, PermissionDenied())
    ensure(
        story.status == Status.IN_REVIEW,
        Conflict(_("Only a story in review can be sent back.")),
    )
    ensure(bool((reason or "").strip()), ValidationError({"reason": _("Say what to change.")}))
    story.transition_to(Status.DRAFT, by=by, note=reason.strip())
    _tell_writer(story, "showcase.story_returned", by, reason=reason.strip())
    return story


def _tell_writer(story: Story, kind: str, by: User, **params) -> None:
    """The story's writer hears what the office did with it (not when they did it)."""
    notify(
        kind=kind,
        recipients=[story.author_id],
        record=story,
        text_params={"title": story.title, **params},
        url=reverse("showcase:story-detail", args=[story.pk]),
        actor=by,
    )


@transaction.atomic
def story_publish(*, story_id: int, by: User, published_on: datetime.date | None = None) -> Story:
    """An official publishes a story (a draft of their own, one in review, or an
    archived one again). The date defaults to today and cannot lie ahead."""
    story = _locked_story(story_id, by)
    access = story_access(by, story)
    ensure(access.manages, PermissionDenied())
    ensure(
        story.status != Status.DRAFT or access.author,
        Conflict(_("The author has not sent this draft for review yet.")),
    )
    today = timezone.localdate()
    ensure(
        published_on is None or published_on <= today,
        ValidationError({"published_on": _("This date has not come yet.")}),
    )
    ensure(
        published_on is None or published_on.year >= EARLIEST_PUBLICATION_YEAR,
        ValidationError({"published_on": _("Check the year of publication.")}),
    )
    ensure(
        bool(story.body.strip() or story.media_link or attachments.attachments_of(story).exists()),
        ValidationError({"body": _("A story needs its text, a media link or a file first.")}),
    )
    story.published_on = published_on or story.published_on or today
    story.transition_to(Status.PUBLISHED, by=by, also_save=("published_on",))
    _tell_writer(story, "showcase.story_published", by)
    return story


@transaction.atomic
def story_archive(*, story_id: int, by: User) -> Story:
    """An official takes a published story off the showcase (it is kept)."""
    story = _locked_story(story_id, by)
    ensure(story_access(by, story).manages, PermissionDenied())
    story.featured = False
    story.transition_to(Status.ARCHIVED, by=by, also_save=("featured",))
    return story


@transaction.atomic
def story_feature(*, story_id: int, by: User, featured: bool) -> Story:
    """An official puts a published story on every worker's home page, or takes
    it off."""
    story = _locked_story(story_id, by)
    ensure(story_access(by, story).manages, PermissionDenied())
    ensure(
        story.status == Status.PUBLISHED,
        Conflict(_("Only a published story can be featured.")),
    )
    if story.featured != featured:
        story.featured = featured
        story.save(update_fields=["featured"])
        # Kept in the history: who put a story on every home page, and when.
        story.events.create(
            actor=by,
            from_state=story.status,
            to_state=story.status,
            note=_("Featured on the home pages") if featured else _("No longer featured"),
        )
    return story


@transaction.atomic
def story_attach(*, record: Story, by: User, upload) -> attachments.Attachment:
    """A photo, recording or video for the story; audio and video up to the
    stories' larger limit."""
    story = _locked_story(record.pk, by)
    _ensure_writes(story, by)
    return attachments.attachment_create(
        owner=story, upload=upload, by=by, media_max_bytes=settings.STORY_MEDIA_MAX_BYTES
    )
