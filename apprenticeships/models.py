"""Mentor–apprentice training (师带徒): pairings under a signed agreement, the
plan per apprentice (一人一策), sessions, three-level evaluations and the final
appraisal that ends the term (出师)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import SkillLevel
from core.dates import BoundedDates
from core.models import StateEvent, StatefulModel

# A mentor's active apprentices, where no unit above the mentor says otherwise.
DEFAULT_MENTOR_CAPACITY = 5
# An active pairing with no session for this many days (or a plan step past due)
# is at risk. What is stored is the day it becomes so (`Pairing.at_risk_from`),
# never a yes/no that would go stale at midnight; changing this number needs
# `manage.py check_pairings` to rewrite the stored days.
AT_RISK_AFTER_DAYS = 21

SCORE_RANGE = [MinValueValidator(0), MaxValueValidator(100)]


class Pairing(BoundedDates, StatefulModel):
    """A mentor and an apprentice under a signed agreement (师徒协议)."""

    # The records whose changes belong to this one's history (core.history).
    history_parts = (
        ("apprenticeships.Milestone", "pairing"),
        ("apprenticeships.Extension", "pairing"),
        # Its sessions (a session may be held for several pairings) and who
        # confirmed them: the pairing's page is where a session is shown.
        ("apprenticeships.Session", "pairings"),
        ("apprenticeships.Attendance", "pairing"),
    )

    HAPPENED_DATES = ("agreement_signed_on", "ended_on")
    PLANNED_DATES = ("starts_on", "planned_end_on")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    # `completed` is reached only by recording a passed final appraisal.
    TRANSITIONS = {
        Status.PROPOSED: {Status.ACTIVE, Status.TERMINATED},
        Status.ACTIVE: {Status.COMPLETED, Status.TERMINATED},
        Status.COMPLETED: set(),
        Status.TERMINATED: set(),
    }
    OPEN_STATUSES = (Status.PROPOSED, Status.ACTIVE)
    event_parent_field = "pairing"

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="pairings_as_mentor",
    )
    apprentice = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("apprentice"),
        on_delete=models.PROTECT,
        related_name="pairings_as_apprentice",
    )
    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("studio"),
        on_delete=models.PROTECT,
        related_name="pairings",
        null=True,
        blank=True,
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="pairings",
        help_text=_("The unit that runs the agreement; its officials oversee the pairing."),
    )
    starts_on = models.DateField(_("starts on"))
    planned_end_on = models.DateField(_("planned end"))
    target_skill_level = models.CharField(
        _("target skill level"), max_length=20, choices=SkillLevel.choices
    )
    goals = models.TextField(
        _("goals"), blank=True, help_text=_("What both sides agreed to reach.")
    )
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    monthly_allowance = models.DecimalField(
        _("monthly mentor allowance (CNY)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # What the at-risk rule reads, kept on the row by the services whenever a
    # session is logged, a step added, changed or done, or the status moves
    # (apprenticeships/services/risk.py), and recomputed from the records by the
    # nightly `check_pairings`, which must find nothing to fix. Dates, not a
    # flag: "at risk" is `at_risk_from <= today`, one indexed comparison that is
    # still right tomorrow without anyone writing the row (docs/domain.md).
    last_session_on = models.DateField(
        _("last session"), null=True, blank=True, editable=False
    )  # the latest session the apprentice was at
    next_step_due_on = models.DateField(
        _("next step due"), null=True, blank=True, editable=False
    )  # the earliest due date of a step not done
    at_risk_from = models.DateField(
        _("at risk from"), null=True, blank=True, editable=False
    )  # the day an active pairing becomes at risk unless a record changes; None otherwise

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("apprentice")), name="%(app_label)s_%(class)s_not_self"
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__gt=F("starts_on")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
            # One open (proposed or active) pairing per mentor and apprentice.
            models.UniqueConstraint(
                fields=["mentor", "apprentice"],
                condition=Q(status__in=["proposed", "active"]),
                name="%(app_label)s_%(class)s_one_open_per_pair",
            ),
            # Activation needs the signed agreement.
            models.CheckConstraint(
                condition=Q(status="proposed")
                | Q(status="terminated")
                | Q(agreement_signed_on__isnull=False),
                name="%(app_label)s_%(class)s_active_needs_agreement",
            ),
            models.CheckConstraint(
                condition=Q(monthly_allowance__isnull=True) | Q(monthly_allowance__gte=0),
                name="%(app_label)s_%(class)s_allowance_not_negative",
            ),
            # Only an active pairing can be at risk.
            models.CheckConstraint(
                condition=Q(status="active") | Q(at_risk_from__isnull=True),
                name="%(app_label)s_%(class)s_risk_only_active",
            ),
        ]
        indexes = [
            # "My apprentices" and the capacity count (a mentor's active pairings).
            models.Index(fields=["mentor", "status"], name="appr_pairing_mentor_status"),
            # "My apprenticeship".
            models.Index(fields=["apprentice", "status"], name="appr_pairing_apprentice"),
            # A studio's pairings (the studio page panel and the studio filter).
            models.Index(fields=["studio", "status"], name="appr_pairing_studio_status"),
            # The at-risk filter and counts (list, dashboard, home): `at_risk_from
            # <= today`; only active pairings have the date.
            models.Index(
                fields=["at_risk_from"],
                condition=Q(at_risk_from__isnull=False),
                name="appr_pairing_at_risk_from",
            ),
            # The API list's `?ordering=last_session_on` (with its `id` tiebreaker).
            models.Index(fields=["last_session_on", "id"], name="appr_pairing_last_session"),
        ]

    def __str__(self) -> str:
        return str(_("Pairing %(id)s") % {"id": self.pk})


class PairingEvent(StateEvent):
    state_choices = Pairing.Status

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = _("pairing status change")
        verbose_name_plural = _("pairing status changes")
        indexes = [models.Index(fields=["pairing", "at"], name="appr_event_pairing_at")]


class Extension(BoundedDates, models.Model):
    """The planned end moved later, with the reason (kept for the record)."""

    PLANNED_DATES = ("new_end_on",)

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="extensions"
    )
    previous_end_on = models.DateField(_("previous end"))
    new_end_on = models.DateField(_("new end"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["pairing_id", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_end_on__gt=F("previous_end_on")),
                name="%(app_label)s_%(class)s_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.previous_end_on} → {self.new_end_on}"


class MentorCapacity(models.Model):
    """How many active apprentices a mentor in this unit (and below) may have;
    the nearest unit above the mentor with a setting wins."""

    org_unit = models.OneToOneField(
        "accounts.OrgUnit",
        verbose_name=_("org unit"),
        on_delete=models.CASCADE,
        related_name="mentor_capacity",
    )
    max_active_apprentices = models.PositiveSmallIntegerField(
        _("active apprentices per mentor"), validators=[MinValueValidator(1), MaxValueValidator(50)]
    )

    class Meta:
        verbose_name = _("mentor capacity")
        verbose_name_plural = _("mentor capacities")
        ordering = ["org_unit_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_active_apprentices__gte=1, max_active_apprentices__lte=50),
                name="%(app_label)s_%(class)s_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.max_active_apprentices)


class Milestone(BoundedDates, models.Model):
    """One step of the apprentice's plan (一人一策)."""

    HAPPENED_DATES = ("done_on",)
    PLANNED_DATES = ("due_on",)

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="milestones"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    skill = models.CharField(_("skill or module"), max_length=120, blank=True)
    method = models.CharField(
        _("method"),
        max_length=200,
        blank=True,
        help_text=_("e.g. on-site demonstration, self-study"),
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["pairing_id", "position", "due_on", "id"]
        indexes = [
            # The plan of a pairing, in order; and "past due, not done" for at-risk.
            models.Index(fields=["pairing", "due_on"], name="appr_milestone_pairing_due"),
        ]

    def __str__(self) -> str:
        return self.title


class Session(BoundedDates, models.Model):
    """A training session held by a mentor for one or more of their apprentices."""

    # The records whose changes belong to this one's history (core.history).
    history_parts = (("apprenticeships.Attendance", "session"),)

    HAPPENED_DATES = ("held_on",)

    class Format(models.TextChoices):
        ON_SITE = "on_site", _("On-site practice")
        THEORY = "theory", _("Theory")
        SAFETY = "safety", _("Safety")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentoring_sessions",
    )
    pairings = models.ManyToManyField(
        Pairing, through="Attendance", related_name="sessions", verbose_name=_("pairings")
    )
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(12)],
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=Decimal("0.5"), hours__lte=12),
                name="%(app_label)s_%(class)s_hours",
            ),
        ]
        indexes = [
            # A mentor's sessions, newest first.
            models.Index(fields=["mentor", "-held_on"], name="appr_session_mentor_date"),
            # The session list's cursor pages (core/keyset.py): newest first.
            models.Index(fields=["-held_on", "-id"], name="appr_session_order"),
        ]

    def __str__(self) -> str:
        return self.topic


class Attendance(models.Model):
    """An apprentice (through their pairing) at a session, and their confirmation."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="attendances"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "pairing"], name="%(app_label)s_%(class)s_once"
            ),
        ]
        indexes = [
            # The last session of each pairing (at-risk) and a pairing's sessions.
            models.Index(fields=["pairing", "session"], name="appr_attendance_pairing"),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Evaluation(BoundedDates, models.Model):
    """An assessment of the apprentice: monthly by the mentor, quarterly by the
    department, yearly by the unit, and the final appraisal (期满综合鉴定)."""

    HAPPENED_DATES = ("evaluated_on",)

    class Level(models.TextChoices):
        MENTOR_MONTHLY = "mentor_monthly", _("Monthly (mentor)")
        DEPARTMENT_QUARTERLY = "department_quarterly", _("Quarterly (department)")
        UNIT_YEARLY = "unit_yearly", _("Yearly (unit)")
        FINAL = "final", _("Final appraisal")

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        NOT_PASSED = "not_passed", _("Not passed")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="evaluations"
    )
    level = models.CharField(_("level"), max_length=24, choices=Level.choices)
    period = models.CharField(
        _("period"),
        max_length=10,
        help_text=_("2026-10 for a month, 2026-Q3 for a quarter, 2026 for a year."),
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluated_on = models.DateField(_("evaluated on"))
    theory = models.PositiveSmallIntegerField(_("theory"), validators=SCORE_RANGE)
    practice = models.PositiveSmallIntegerField(_("practice"), validators=SCORE_RANGE)
    safety = models.PositiveSmallIntegerField(_("safety compliance"), validators=SCORE_RANGE)
    attitude = models.PositiveSmallIntegerField(_("attitude"), validators=SCORE_RANGE)
    innovation = models.PositiveSmallIntegerField(
        _("innovation participation"), validators=SCORE_RANGE
    )
    comment = models.TextField(_("comment"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    skill_level_reached = models.CharField(
        _("skill level reached"), max_length=20, choices=SkillLevel.choices, blank=True
    )
    skill_change = models.OneToOneField(
        "accounts.SkillLevelChange",
        verbose_name=_("skill level change"),
        on_delete=models.SET_NULL,
        related_name="evaluation",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    SCORE_FIELDS = ("theory", "practice", "safety", "attitude", "innovation")

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["pairing_id", "evaluated_on", "id"]
        constraints = [
            # One evaluation per level and period (a final may be retaken).
            models.UniqueConstraint(
                fields=["pairing", "level", "period"],
                condition=~Q(level="final"),
                name="%(app_label)s_%(class)s_once_per_period",
            ),
            # A pairing graduates once.
            models.UniqueConstraint(
                fields=["pairing"],
                condition=Q(level="final", outcome="passed"),
                name="%(app_label)s_%(class)s_one_passed_final",
            ),
            # Only the final appraisal has an outcome, and a pass says the level reached.
            models.CheckConstraint(
                condition=(Q(level="final") & ~Q(outcome=""))
                | (~Q(level="final") & Q(outcome="", skill_level_reached="")),
                name="%(app_label)s_%(class)s_outcome_on_final",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="passed") | ~Q(skill_level_reached=""),
                name="%(app_label)s_%(class)s_pass_names_level",
            ),
            models.CheckConstraint(
                condition=Q(
                    theory__lte=100,
                    practice__lte=100,
                    safety__lte=100,
                    attitude__lte=100,
                    innovation__lte=100,
                ),
                name="%(app_label)s_%(class)s_scores_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.get_level_display()}"

    @property
    def average(self):
        """The mean of the five scores, one decimal (shown beside the scores)."""
        scores = [getattr(self, field) for field in self.SCORE_FIELDS]
        return round(sum(scores) / len(scores), 1)
