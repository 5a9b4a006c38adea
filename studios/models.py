from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import BoundedDates
from core.models import StateEvent, StatefulModel


class Studio(BoundedDates, StatefulModel):
    """An employee / model-worker / craftsman innovation studio (创新工作室)."""

    # The records whose changes belong to this one's history (core.history).
    history_parts = (
        ("studios.Membership", "studio"),
        ("studios.Honour", "studio"),
        ("studios.Assessment", "studio"),
    )

    HAPPENED_DATES = ("founded_on",)

    class Kind(models.TextChoices):
        MODEL_WORKER = "model_worker", _("Model-worker innovation studio")
        CRAFTSMAN = "craftsman", _("Craftsman innovation studio")
        EMPLOYEE = "employee", _("Employee innovation studio")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        ESTABLISHED = "established", _("Established")
        NAMED = "named", _("Named")
        RECTIFICATION = "rectification", _("Under rectification")
        REVOKED = "revoked", _("Revoked")

    class Function(models.TextChoices):
        PROBLEM_TACKLING = "problem_tackling", _("Problem tackling")
        TALENT_TRAINING = "talent_training", _("Talent training and skill inheritance")
        EMERGENCY_REPAIR = "emergency_repair", _("Emergency repair")
        THEORY_RESEARCH = "theory_research", _("Theory research")
        ACHIEVEMENT_PROMOTION = "achievement_promotion", _("Achievement promotion")

    # The codes a JSON list holds, shown by their labels in the history (core.history).
    history_choices = {"functions": Function.choices}

    # `named` is reached only through a first honour and left for `named` again
    # only while an honour is held; the services enforce those two conditions.
    # `named → established` is de-listing (摘牌: every honour revoked), never a
    # move by hand.
    TRANSITIONS = {
        Status.PREPARING: {Status.ESTABLISHED, Status.REVOKED},
        Status.ESTABLISHED: {Status.NAMED, Status.RECTIFICATION, Status.REVOKED},
        Status.NAMED: {Status.ESTABLISHED, Status.RECTIFICATION, Status.REVOKED},
        Status.RECTIFICATION: {Status.NAMED, Status.ESTABLISHED, Status.REVOKED},
        Status.REVOKED: set(),
    }
    event_parent_field = "studio"

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="led_studios",
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("org unit"),
        on_delete=models.PROTECT,
        related_name="studios",
    )
    speciality = models.CharField(
        _("speciality"), max_length=120, help_text=_("e.g. dust control, coal washing")
    )
    founded_on = models.DateField(_("founded on"))
    description = models.TextField(_("description"), blank=True)
    site_notes = models.TextField(_("site"), blank=True)
    equipment_notes = models.TextField(_("equipment"), blank=True)
    functions = models.JSONField(_("functions"), default=list, blank=True)
    core_members_edit_records = models.BooleanField(
        _("core members may log records"),
        default=False,
        help_text=_("Let core members log problems, achievements and patents too."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREPARING
    )
    # Set by the nightly dormancy rule (docs/naming.md#dormancy): the day of the
    # studio's last output (or its founding) when a year passed without any;
    # cleared once output appears again.
    dormant_since = models.DateField(_("dormant since"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("studio")
        verbose_name_plural = _("studios")
        ordering = ["code"]  # served by the unique index on code
        indexes = [
            # The directory filtered by status (and the public list of named studios).
            models.Index(fields=["status", "code"], name="studios_studio_status_code"),
            # The dormant studios (the directory's filter, the dashboard's count):
            # a few of many, so only they are indexed.
            models.Index(
                fields=["dormant_since"],
                condition=Q(dormant_since__isnull=False),
                name="studios_studio_dormant",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        unknown = set(self.functions or []) - set(self.Function.values)
        if not isinstance(self.functions, list) or unknown:
            raise ValidationError({"functions": _("Choose functions from the list.")})
        self.functions = list(dict.fromkeys(self.functions))  # each function once, in order

    def get_functions_display(self) -> list[str]:
        labels = dict(self.Function.choices)
        return [labels[code] for code in self.functions if code in labels]


class StudioEvent(StateEvent):
    state_choices = Studio.Status

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = _("studio status change")
        verbose_name_plural = _("studio status changes")
        indexes = [models.Index(fields=["studio", "at"], name="studios_event_studio_at")]


class Membership(BoundedDates, models.Model):
    HAPPENED_DATES = ("joined_on", "left_on")

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        CORE = "core", _("Core member")
        MEMBER = "member", _("Member")

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="studio_memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["studio_id", "role", "joined_on", "id"]
        constraints = [
            # One open membership per person per studio.
            models.UniqueConstraint(
                fields=["studio", "person"],
                condition=Q(left_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_person",
            ),
            # One open leader membership per studio.
            models.UniqueConstraint(
                fields=["studio"],
                condition=Q(left_on__isnull=True, role="leader"),
                name="%(app_label)s_%(class)s_one_open_leader",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="%(app_label)s_%(class)s_left_after_joined",
            ),
        ]
        indexes = [
            # "Studios this person belongs to" (scoping of every studio read).
            models.Index(fields=["person", "left_on"], name="studios_membership_person"),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class RecognitionList(models.Model):
    """A naming batch from a conferring body (e.g. the provincial union's 2022 list)."""

    class Level(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        MUNICIPAL = "municipal", _("Municipal")
        PROVINCIAL_INDUSTRY = "provincial_industry", _("Provincial industry")
        PROVINCIAL = "provincial", _("Provincial")
        NATIONAL = "national", _("National")

    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=24, choices=Level.choices)
    conferred_by = models.CharField(_("conferred by"), max_length=120)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    total_named = models.PositiveIntegerField(
        _("studios named in total"),
        validators=[MinValueValidator(1)],
        help_text=_("All studios on the list, ours or not."),
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("recorded by unit"),
        on_delete=models.PROTECT,
        related_name="recognition_lists",
        help_text=_("Officials over this unit keep the list up to date."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("recognition list")
        verbose_name_plural = _("recognition lists")
        ordering = ["-year", "level", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_named__gte=1), name="%(app_label)s_%(class)s_total_positive"
            ),
        ]
        indexes = [models.Index(fields=["level", "year"], name="studios_list_level_year")]

    def __str__(self) -> str:
        return self.title


class Honour(BoundedDates, models.Model):
    """A studio or a person placed on a recognition list."""

    HAPPENED_DATES = ("conferred_on",)

    class PersonalTitle(models.TextChoices):
        MODEL_WORKER = "model_worker", _("Model worker")
        CRAFTSMAN = "craftsman", _("Craftsman")
        MAY_DAY_MEDAL = "may_day_medal", _("May Day Labour Medal")
        OTHER = "other", _("Other honour")

    recognition_list = models.ForeignKey(
        RecognitionList,
        verbose_name=_("recognition list"),
        on_delete=models.PROTECT,
        related_name="honours",
    )
    studio = models.ForeignKey(
        Studio,
        verbose_name=_("studio"),
        on_delete=models.PROTECT,
        related_name="honours",
        null=True,
        blank=True,
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="honours",
        null=True,
        blank=True,
    )
    personal_title = models.CharField(
        _("personal title"), max_length=20, choices=PersonalTitle.choices, blank=True
    )
    conferred_on = models.DateField(_("conferred on"), null=True, blank=True)
    # De-listing (摘牌) revokes a studio's honours: the row stays, with when and
    # why, so the list keeps its history and the years before still count it.
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True, editable=False)
    revoked_reason = models.TextField(_("reason revoked"), blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["recognition_list_id", "id"]
        constraints = [
            # Exactly one of studio and person; a person's honour says which title.
            models.CheckConstraint(
                condition=(Q(studio__isnull=False, person__isnull=True, personal_title=""))
                | (Q(studio__isnull=True, person__isnull=False) & ~Q(personal_title="")),
                name="%(app_label)s_%(class)s_studio_xor_person",
            ),
            models.UniqueConstraint(
                fields=["recognition_list", "studio"], name="%(app_label)s_%(class)s_studio_once"
            ),
            models.UniqueConstraint(
                fields=["recognition_list", "person"], name="%(app_label)s_%(class)s_person_once"
            ),
            # A revocation always says when and why.
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True, revoked_reason="")
                | (Q(revoked_on__isnull=False) & ~Q(revoked_reason="")),
                name="%(app_label)s_%(class)s_revoked_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.get_personal_title_display() or str(_("Studio honour"))


class Assessment(models.Model):
    """A studio's yearly assessment (年度考核)."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    score = models.DecimalField(
        _("score"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["studio_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio", "year"], name="%(app_label)s_%(class)s_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="%(app_label)s_%(class)s_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_grade_display()}"
