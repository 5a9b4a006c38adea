"""The craftsman showcase (大国工匠): stories and works about model workers and
craftsmen. Profiles and the honour roll are read-only views over the other apps,
so the only records kept here are the stories themselves."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import BoundedDates
from core.models import StateEvent, StatefulModel

# Long enough for a novella chapter or a full reportage; a work longer than this
# is attached as a file.
STORY_BODY_MAX_CHARS = 60_000


class Story(BoundedDates, StatefulModel):
    """A work about people and studios to learn from: reportage, a song, a
    clapper-talk script, a short video … written in Markdown, with media."""

    HAPPENED_DATES = ("published_on",)

    class Form(models.TextChoices):
        NOVEL = "novel", _("Novel")
        REPORTAGE = "reportage", _("Reportage")
        ESSAY = "essay", _("Essay")
        DRAMA = "drama", _("Drama")
        SONG = "song", _("Song")
        SHORT_VIDEO = "short_video", _("Short video")
        CLAPPER_TALK = "clapper_talk", _("Clapper talk")
        PHOTO_STORY = "photo_story", _("Photo story")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    # An official may publish their own draft at once; a lead's draft goes
    # through review (and may be sent back). Archived works can be republished.
    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW, Status.PUBLISHED},
        Status.IN_REVIEW: {Status.DRAFT, Status.PUBLISHED},
        Status.PUBLISHED: {Status.ARCHIVED},
        Status.ARCHIVED: {Status.PUBLISHED},
    }
    EDITABLE_BY_AUTHOR = (Status.DRAFT,)
    event_parent_field = "story"

    title = models.CharField(_("title"), max_length=200)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices)
    summary = models.CharField(
        pgettext_lazy("story", "summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown on cards and in lists."),
    )
    body = models.TextField(
        _("text"),
        blank=True,
        validators=[MaxLengthValidator(STORY_BODY_MAX_CHARS)],
        help_text=_("Markdown: # heading, **bold**, - list, > quote, [link](https://…)."),
    )
    # Written by the services from `body` (showcase.rendering); never typed.
    body_html = models.TextField(_("text as shown"), blank=True, editable=False)
    creator = models.CharField(
        _("author / creator"),
        max_length=120,
        help_text=_("Who wrote, composed or filmed the work, as it is credited."),
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("people it is about"),
        related_name="stories_about",
        blank=True,
    )
    studios = models.ManyToManyField(
        "studios.Studio",
        verbose_name=_("studios it is about"),
        related_name="stories",
        blank=True,
    )
    media_link = models.URLField(
        _("media link"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A video or audio on the intranet, instead of or beside an uploaded file."),
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="stories",
        help_text=_("Union officials over this unit review and publish the story."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="stories_written",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown at the top of every worker's home page.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        # Newest first; drafts (no date yet) after the published ones on every database.
        ordering = [F("published_on").desc(nulls_last=True), "-id"]
        constraints = [
            # Only a published story can be featured: archiving takes it off the home page.
            models.CheckConstraint(
                condition=Q(featured=False) | Q(status="published"),
                name="%(app_label)s_%(class)s_featured_published",
            ),
            # A story that has been published keeps its publication date.
            models.CheckConstraint(
                condition=~Q(status__in=["published", "archived"]) | Q(published_on__isnull=False),
                name="%(app_label)s_%(class)s_published_dated",
            ),
        ]
        indexes = [
            # The showcase front page and the profile's stories: published, newest first.
            models.Index(fields=["status", "-published_on"], name="showcase_story_published"),
            # The featured stories on every home page.
            models.Index(
                fields=["-published_on"],
                condition=Q(featured=True),
                name="showcase_story_featured",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StoryEvent(StateEvent):
    state_choices = Story.Status
    story = models.ForeignKey(
        Story, verbose_name=_("story"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = _("story event")
        verbose_name_plural = _("story events")
