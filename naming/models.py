"""Naming applications (docs/naming.md): an official's call for a level, a
studio's application against it, the experts' scores and the objections lodged
during the public notice (公示)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import BoundedDates
from core.models import StateEvent, StatefulModel
from studios.models import RecognitionList

Level = RecognitionList.Level
# Low to high: a condition "at least provincial" is met by provincial and national.
LEVEL_ORDER = list(Level.values)
# More places than a real call has; keeps typed numbers sane.
MAX_QUOTA = 1000


class NamingCall(BoundedDates, models.Model):
    """An official's call for studios to apply for a level in a year (e.g. the
    group's 2026 enterprise-level naming): deadline, places, conditions, rubric.
    Studios of the calling unit's subtree may apply."""

    PLANNED_DATES = ("deadline",)

    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=24, choices=Level.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("calling unit"),
        on_delete=models.PROTECT,
        related_name="naming_calls",
        help_text=_("Studios in this unit and below may apply; its officials run the call."),
    )
    deadline = models.DateField(_("applications close on"))
    quota = models.PositiveSmallIntegerField(
        _("places"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUOTA)],
        help_text=_("How many studios the call names or recommends upward."),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("public notice (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # The conditions (docs/naming.md#eligibility); an empty one is not checked.
    min_years_founded = models.PositiveSmallIntegerField(
        _("years since founded, at least"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(50)],
    )
    leader_honour_level = models.CharField(
        _("leader's personal honour, at least"),
        max_length=24,
        choices=Level.choices,
        blank=True,
    )
    prior_level = models.CharField(
        _("studio title already held, at least"), max_length=24, choices=Level.choices, blank=True
    )
    min_members = models.PositiveSmallIntegerField(
        _("current members, at least"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    min_output = models.PositiveSmallIntegerField(
        _("achievements and patents, at least"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(1000)],
    )
    output_years = models.PositiveSmallIntegerField(
        _("counting output over the last (years)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    # [{"name": "运行管理", "max_points": 30}, …]: what the experts score.
    rubric = models.JSONField(_("rubric"), default=list)
    # The group's own list the call names onto (enterprise level), made with
    # the call's first naming.
    recognition_list = models.OneToOneField(
        RecognitionList,
        verbose_name=_("recognition list"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="naming_call",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("naming call")
        verbose_name_plural = _("naming calls")
        ordering = ["-year", "-deadline", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quota__gte=1), name="%(app_label)s_%(class)s_quota_positive"
            ),
        ]
        indexes = [
            # The call list, newest first.
            models.Index(fields=["-year", "-deadline"], name="naming_call_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def names_itself(self) -> bool:
        """The group confers enterprise titles; higher ones only an outside body."""
        return self.level == Level.ENTERPRISE

    def is_open(self, today=None) -> bool:
        return (today or timezone.localdate()) <= self.deadline


class NamingApplication(BoundedDates, StatefulModel):
    """A studio applying against a call, from draft to named (or not)."""

    HAPPENED_DATES = ("visited_on",)
    PLANNED_DATES = ("notice_ends_on",)

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RECOMMENDED = "recommended", _("Recommended by the unit")
        UNDER_REVIEW = "under_review", _("Under expert review")
        SITE_VISIT = "site_visit", _("Site visited")
        PUBLIC_NOTICE = "public_notice", _("On public notice")
        NAMED = "named", _("Named")
        RECOMMENDED_UPWARD = "recommended_upward", _("Recommended upward")
        NOT_NAMED = "not_named", _("Not named")
        REJECTED = "rejected", _("Rejected")

    # `rejected` is open from every step before the outcome; an upheld
    # objection sends a noticed application back to review.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.RECOMMENDED, Status.REJECTED},
        Status.RECOMMENDED: {Status.UNDER_REVIEW, Status.REJECTED},
        Status.UNDER_REVIEW: {Status.SITE_VISIT, Status.REJECTED},
        Status.SITE_VISIT: {Status.PUBLIC_NOTICE, Status.REJECTED},
        Status.PUBLIC_NOTICE: {
            Status.NAMED,
            Status.RECOMMENDED_UPWARD,
            Status.UNDER_REVIEW,
            Status.REJECTED,
        },
        Status.RECOMMENDED_UPWARD: {Status.NAMED, Status.NOT_NAMED},
        Status.NAMED: set(),
        Status.NOT_NAMED: set(),
        Status.REJECTED: set(),
    }
    event_parent_field = "application"

    call = models.ForeignKey(
        NamingCall,
        verbose_name=_("call"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("studio"),
        on_delete=models.PROTECT,
        related_name="naming_applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    statement = models.TextField(_("statement"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The studio's facts and the eligibility checks as they stood at submission,
    # so later changes to the studio do not rewrite what was judged.
    facts = models.JSONField(_("facts at submission"), default=dict, blank=True)
    eligibility_override = models.TextField(_("eligibility override"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    visited_on = models.DateField(_("site visit on"), null=True, blank=True)
    visitors = models.CharField(_("visitors"), max_length=300, blank=True)
    visit_findings = models.TextField(_("site visit findings"), blank=True)
    notice_ends_on = models.DateField(_("public notice ends on"), null=True, blank=True)
    outside_list = models.ForeignKey(
        RecognitionList,
        verbose_name=_("outside list"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("naming application")
        verbose_name_plural = _("naming applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "studio"], name="%(app_label)s_%(class)s_once_per_call"
            ),
        ]
        indexes = [
            # A call's applications by status (its page, and the places taken).
            models.Index(fields=["call", "status"], name="naming_application_call"),
            # The public notice list (公示) for everyone signed in.
            models.Index(fields=["status", "notice_ends_on"], name="naming_application_notice"),
        ]

    def __str__(self) -> str:
        return str(self.pk)


# The places of a call these take: named, or sent upward (whatever came of it).
PLACED = (
    NamingApplication.Status.NAMED,
    NamingApplication.Status.RECOMMENDED_UPWARD,
    NamingApplication.Status.NOT_NAMED,
)
# Seen by everyone signed in: the notice list and the named studios.
PUBLIC = (NamingApplication.Status.PUBLIC_NOTICE, NamingApplication.Status.NAMED)


class NamingMaterials(models.Model):
    """The application's supporting materials (申报附件: certificates, a report,
    photos of the studio) as an owner of files in core.attachments. The files
    hung on the application itself are the site visit's, read by its insiders
    only; these are part of its material, read by its experts too, so they need
    an owner of their own that core.attachments scopes apart (docs/naming.md).
    One row per application, made with its first file; its key is the
    application's."""

    application = models.OneToOneField(
        NamingApplication,
        verbose_name=_("naming application"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="materials",
    )

    class Meta:
        verbose_name = _("supporting materials")
        verbose_name_plural = _("supporting materials")

    def __str__(self) -> str:
        return f"materials of application {self.application_id}"


class NamingApplicationEvent(StateEvent):
    state_choices = NamingApplication.Status

    application = models.ForeignKey(
        NamingApplication,
        verbose_name=_("naming application"),
        on_delete=models.CASCADE,
        related_name="events",
    )

    class Meta(StateEvent.Meta):
        verbose_name = _("naming application event")
        verbose_name_plural = _("naming application events")
        indexes = [models.Index(fields=["application", "at"], name="naming_event_application")]


class ExpertAssignment(BoundedDates, models.Model):
    """An expert asked by the office to score an application. One who has not
    scored may be taken off it (withdrawn, or replaced by another): the row is
    kept, ended, with who ended it, when and why, so the application's history
    shows who was taken off; an ended assignment gives no access and owes no
    score (docs/naming.md)."""

    PLANNED_DATES = ("due_on",)

    application = models.ForeignKey(
        NamingApplication,
        verbose_name=_("naming application"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="naming_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    # The day the office asked for the score by: the expert is reminded before
    # it and when it has passed, the office then too (naming/services/reminders.py).
    due_on = models.DateField(_("score by"), null=True, blank=True)
    ended_at = models.DateTimeField(_("taken off at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken off by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.TextField(_("why taken off"), blank=True)
    # The expert put in this one's place (none when withdrawn without one).
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        ordering = ["application_id", "id"]
        constraints = [
            # Asked once at a time; someone taken off may be asked again later.
            models.UniqueConstraint(
                fields=["application", "expert"],
                condition=Q(ended_at__isnull=True),
                name="%(app_label)s_%(class)s_once_active",
            ),
            # Taken off with who and why, or not at all (and only then replaced).
            models.CheckConstraint(
                condition=Q(
                    ended_at__isnull=True,
                    ended_by__isnull=True,
                    end_reason="",
                    successor__isnull=True,
                )
                | (Q(ended_at__isnull=False, ended_by__isnull=False) & ~Q(end_reason="")),
                name="%(app_label)s_%(class)s_ended_with_who_and_why",
            ),
        ]
        indexes = [
            # An expert's current applications (their scope, `_expert_q`).
            models.Index(
                fields=["expert", "application"],
                condition=Q(ended_at__isnull=True),
                name="naming_assignment_expert",
            ),
        ]

    def __str__(self) -> str:
        return str(self.assigned_at)

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class NamingReview(models.Model):
    """One expert's rubric scores for one application (at most one)."""

    application = models.ForeignKey(
        NamingApplication,
        verbose_name=_("naming application"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="naming_reviews",
    )
    # Points per rubric line, in the rubric's order.
    scores = models.JSONField(_("scores"), default=list)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")
        ordering = ["application_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0), name="%(app_label)s_%(class)s_total_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(self.total)


class Objection(StatefulModel):
    """An objection lodged during an application's public notice, decided by
    the office: upheld (back to review, or rejected) or dismissed."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("objection status", "Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    TRANSITIONS = {
        Status.OPEN: {Status.UPHELD, Status.DISMISSED},
        Status.UPHELD: set(),
        Status.DISMISSED: set(),
    }
    event_parent_field = "objection"

    application = models.ForeignKey(
        NamingApplication,
        verbose_name=_("naming application"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lodged by"),
        on_delete=models.PROTECT,
        related_name="naming_objections",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    decision_reason = models.TextField(_("decision"), blank=True)
    created_at = models.DateTimeField(_("lodged at"), default=timezone.now)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open objection per person per application (a double tap).
            models.UniqueConstraint(
                fields=["application", "lodged_by"],
                condition=Q(status="open"),
                name="%(app_label)s_%(class)s_one_open_per_person",
            ),
        ]
        indexes = [
            # "Open objections of this application", before every decision.
            models.Index(fields=["application", "status"], name="naming_objection_open"),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class ObjectionEvent(StateEvent):
    state_choices = Objection.Status

    objection = models.ForeignKey(
        Objection, verbose_name=_("objection"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = _("objection event")
        verbose_name_plural = _("objection events")
        indexes = [models.Index(fields=["objection", "at"], name="naming_event_objection")]


# --- Dynamic management (docs/naming.md#dynamic-management) -----------------------


class Rectification(BoundedDates, StatefulModel):
    """The office's order that a studio put its house in order by a deadline
    (整改): a dormant studio, or one a re-review sent here. At the deadline a
    check records whether output appeared; the office then closes it (the
    studio improved) or de-lists the studio (摘牌)."""

    PLANNED_DATES = ("deadline",)

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("rectification status", "Open")
        CLOSED_IMPROVED = "closed_improved", _("Closed: improved")
        DELISTED = "delisted", _("De-listed")

    TRANSITIONS = {
        Status.OPEN: {Status.CLOSED_IMPROVED, Status.DELISTED},
        Status.CLOSED_IMPROVED: set(),
        Status.DELISTED: set(),
    }
    event_parent_field = "rectification"

    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("studio"),
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    reason = models.TextField(_("why"), help_text=_("What the studio is asked to put right."))
    plan = models.TextField(_("rectification plan"))
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The check at the deadline: the studio's output since the rectification
    # opened (achievements completed, patents filed, benefits verified).
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    output_found = models.BooleanField(_("output since it opened"), null=True, blank=True)
    output = models.JSONField(_("output counted"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-opened_on", "-id"]
        constraints = [
            # One rectification at a time per studio (a double click, two officials).
            models.UniqueConstraint(
                fields=["studio"],
                condition=Q(status="open"),
                name="%(app_label)s_%(class)s_one_open_per_studio",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("opened_on")),
                name="%(app_label)s_%(class)s_deadline_after_opening",
            ),
            # The check records its day and its finding together.
            models.CheckConstraint(
                condition=Q(checked_on__isnull=True, output_found__isnull=True)
                | Q(checked_on__isnull=False, output_found__isnull=False),
                name="%(app_label)s_%(class)s_checked_with_finding",
            ),
        ]
        indexes = [
            # The daily check: open rectifications whose deadline has come.
            models.Index(
                fields=["deadline"],
                condition=Q(status="open", checked_on__isnull=True),
                name="naming_rectification_due",
            ),
            # A studio's rectifications (its page, the re-review).
            models.Index(fields=["studio", "-opened_on"], name="naming_rectification_studio"),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class RectificationEvent(StateEvent):
    state_choices = Rectification.Status

    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification"),
        on_delete=models.CASCADE,
        related_name="events",
    )

    class Meta(StateEvent.Meta):
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")
        indexes = [models.Index(fields=["rectification", "at"], name="naming_event_rectification")]


class ReReview(models.Model):
    """A yearly re-review (复核) of a studio named five or more years ago, with
    the office's outcome: kept, sent to rectification, or de-listed."""

    class Outcome(models.TextChoices):
        KEPT = "kept", _("Kept")
        RECTIFY = "rectify", _("Rectify")
        DELIST = "delist", _("De-list")

    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("studio"),
        on_delete=models.PROTECT,
        related_name="re_reviews",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    rectification = models.OneToOneField(
        Rectification,
        verbose_name=_("rectification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="re_review",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("re-review")
        verbose_name_plural = _("re-reviews")
        ordering = ["-year", "-decided_at", "-id"]
        constraints = [
            # One outcome a year per studio (served as the "already reviewed" lookup).
            models.UniqueConstraint(
                fields=["studio", "year"], name="%(app_label)s_%(class)s_once_a_year"
            ),
            # Rectify always opens a rectification; the other outcomes none.
            models.CheckConstraint(
                condition=Q(outcome="rectify", rectification__isnull=False)
                | (~Q(outcome="rectify") & Q(rectification__isnull=True)),
                name="%(app_label)s_%(class)s_rectify_opens_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_outcome_display()}"
