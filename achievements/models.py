from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements.patent_numbers import display as display_patent_number
from core.dates import BoundedDates
from core.models import StateEvent, StatefulModel

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class TechnicalProblem(BoundedDates, StatefulModel):
    """A technical problem a studio tackles (攻关课题). Its title, studio, category
    and status are announced to everyone, so studios do not solve it twice."""

    HAPPENED_DATES = ("started_on", "solved_on")

    class Category(models.TextChoices):
        SAFETY = "safety", _("Safety")
        DUST_CONTROL = "dust_control", _("Dust control")
        GAS_CONTROL = "gas_control", _("Gas control")
        EFFICIENCY = "efficiency", _("Efficiency")
        ENERGY_SAVING = "energy_saving", _("Energy saving")
        EQUIPMENT = "equipment", _("Equipment")
        QUALITY = "quality", _("Quality")
        ENVIRONMENT = "environment", _("Environment")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        SOLVED = "solved", _("Solved")
        SHELVED = "shelved", _("Shelved")

    TRANSITIONS = {
        Status.OPEN: {Status.IN_PROGRESS, Status.SHELVED},
        Status.IN_PROGRESS: {Status.SOLVED, Status.SHELVED},
        Status.SHELVED: {Status.IN_PROGRESS},
        Status.SOLVED: set(),
    }
    event_parent_field = "problem"

    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("studio"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("team"), related_name="problems", blank=True
    )
    estimated_benefit = models.DecimalField(
        _("estimated annual benefit (CNY)"), null=True, blank=True, **MONEY
    )
    realised_benefit = models.DecimalField(
        _("realised annual benefit (CNY)"), null=True, blank=True, **MONEY
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("technical problem")
        verbose_name_plural = _("technical problems")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(solved_on__isnull=True) | Q(solved_on__gte=F("started_on")),
                name="%(app_label)s_%(class)s_solved_after_started",
                violation_error_message=_("A problem is solved after it was started."),
            ),
            models.CheckConstraint(
                condition=~Q(status="solved") | Q(solved_on__isnull=False),
                name="%(app_label)s_%(class)s_solved_has_date",
                violation_error_message=_("Give the date it was solved."),
            ),
        ]
        indexes = [
            # A studio's problems by status (studio page, dashboard counts).
            models.Index(fields=["studio", "status"], name="achievements_problem_studio"),
            # The announced topics, newest first (the problem list's order).
            models.Index(fields=["-started_on", "-id"], name="achievements_problem_order"),
        ]

    def __str__(self) -> str:
        return self.title


class ProblemEvent(StateEvent):
    state_choices = TechnicalProblem.Status
    problem = models.ForeignKey(
        TechnicalProblem,
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="events",
    )

    class Meta(StateEvent.Meta):
        verbose_name = _("problem status change")
        verbose_name_plural = _("problem status changes")


class Achievement(BoundedDates, models.Model):
    # The records whose changes belong to this one's history (core.history).
    history_parts = (("achievements.Contributor", "achievement"),)
    HAPPENED_DATES = ("completed_on", "verified_on")

    class Kind(models.TextChoices):
        TECHNICAL_INNOVATION = "technical_innovation", _("Technical innovation")
        PROCESS_IMPROVEMENT = "process_improvement", _("Process improvement")
        EQUIPMENT_MODIFICATION = "equipment_modification", _("Equipment modification")
        SOFTWARE = "software", _("Software")
        STANDARD = "standard", _("Standard")
        PAPER = "paper", _("Paper")
        CONSTRUCTION_METHOD = "construction_method", _("Construction method")
        OTHER = "other", _("Other")

    class Promotion(models.TextChoices):
        STUDIO = "studio", _("Within the studio")
        UNIT = "unit", _("Within the company")
        GROUP = "group", _("Group-wide")

    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("studio"),
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    completed_on = models.DateField(_("completed on"))
    summary = models.TextField(_("summary"), blank=True)
    origin_problem = models.ForeignKey(
        TechnicalProblem,
        verbose_name=_("origin problem"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="achievements",
    )
    claimed_benefit = models.DecimalField(
        _("claimed annual benefit (CNY)"), null=True, blank=True, **MONEY
    )
    verified_benefit = models.DecimalField(
        _("verified annual benefit (CNY)"), null=True, blank=True, **MONEY
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verification_evidence = models.TextField(_("verification evidence"), blank=True)
    promotion = models.CharField(
        _("promotion"), max_length=10, choices=Promotion.choices, default=Promotion.STUDIO
    )
    awards = models.TextField(_("awards received"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["-completed_on", "-id"]
        constraints = [
            # A verified figure always says who verified it and when.
            models.CheckConstraint(
                condition=Q(verified_benefit__isnull=True)
                | Q(verified_by__isnull=False, verified_on__isnull=False),
                name="%(app_label)s_%(class)s_verification_complete",
            ),
        ]
        indexes = [
            # The group-wide library, newest first.
            models.Index(fields=["promotion", "-completed_on"], name="achievements_library"),
            models.Index(fields=["studio", "-completed_on"], name="achievements_by_studio"),
            # The library's cursor pages (core/keyset.py): newest first, id last.
            models.Index(fields=["-completed_on", "-id"], name="achievements_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_verified(self) -> bool:
        return self.verified_benefit is not None


class Contributor(models.Model):
    """An achievement's contributor, in order, with a share of the credit."""

    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.CASCADE,
        related_name="contributors",
        verbose_name=_("achievement"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("person"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    share = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        ordering = ["achievement_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "person"], name="%(app_label)s_%(class)s_once"
            ),
            models.UniqueConstraint(
                fields=["achievement", "position"], name="%(app_label)s_%(class)s_position"
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=100),
                name="%(app_label)s_%(class)s_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.share}%"


class Adoption(BoundedDates, models.Model):
    """Another unit adopting an achievement, with its own benefit (成果推广应用)."""

    HAPPENED_DATES = ("adopted_on",)

    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.CASCADE,
        related_name="adoptions",
        verbose_name=_("achievement"),
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        related_name="adoptions",
        verbose_name=_("adopting unit"),
    )
    adopted_on = models.DateField(_("adopted on"))
    annual_benefit = models.DecimalField(
        _("annual benefit there (CNY)"), null=True, blank=True, **MONEY
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        ordering = ["-adopted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "org_unit"], name="%(app_label)s_%(class)s_once_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return str(self.adopted_on)


class Patent(BoundedDates, StatefulModel):
    # The records whose changes belong to this one's history (core.history).
    history_parts = (("achievements.Inventor", "patent"),)
    HAPPENED_DATES = ("filed_on", "published_on", "granted_on", "ended_on")

    class Type(models.TextChoices):
        INVENTION = "invention", _("Invention")
        UTILITY_MODEL = "utility_model", _("Utility model")
        DESIGN = "design", _("Design")

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        PUBLISHED = "published", _("Published")
        GRANTED = "granted", _("Granted")
        REJECTED = "rejected", _("Rejected")
        LAPSED = "lapsed", _("Lapsed")

    # Publication exists only for inventions; the service removes it for the others.
    TRANSITIONS = {
        Status.FILED: {Status.PUBLISHED, Status.GRANTED, Status.REJECTED},
        Status.PUBLISHED: {Status.GRANTED, Status.REJECTED},
        Status.GRANTED: {Status.LAPSED},
        Status.REJECTED: set(),
        Status.LAPSED: set(),
    }
    event_parent_field = "patent"

    application_no = models.CharField(
        _("application number"),
        max_length=20,
        unique=True,
        help_text=_("e.g. CN202110123456.7 or ZL 2021 1 0123456.7"),
    )
    title = models.CharField(_("title"), max_length=200)
    patent_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FILED
    )
    filed_on = models.DateField(_("filed on"))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    ended_on = models.DateField(_("rejected or lapsed on"), null=True, blank=True)
    holder = models.CharField(_("holder"), max_length=200)
    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("studio"),
        on_delete=models.PROTECT,
        related_name="patents",
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patents",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_on__isnull=True) | Q(granted_on__gte=F("filed_on")),
                name="%(app_label)s_%(class)s_granted_after_filed",
                violation_error_message=_("A patent cannot be granted before it was filed."),
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True) | Q(published_on__gte=F("filed_on")),
                name="%(app_label)s_%(class)s_published_after_filed",
                violation_error_message=_("A patent cannot be published before it was filed."),
            ),
        ]
        indexes = [
            models.Index(fields=["studio", "status"], name="achievements_patent_studio"),
            # The patent list's order.
            models.Index(fields=["-filed_on", "-id"], name="achievements_patent_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number_display(self) -> str:
        return display_patent_number(self.application_no)

    @property
    def inventor_people(self) -> list:
        """Inventors in order (prefetch `inventors__person` to avoid a query per row)."""
        return [inventor.person for inventor in self.inventors.all()]


class PatentEvent(StateEvent):
    state_choices = Patent.Status
    patent = models.ForeignKey(
        Patent, verbose_name=_("patent"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(StateEvent.Meta):
        verbose_name = _("patent status change")
        verbose_name_plural = _("patent status changes")


class Inventor(models.Model):
    patent = models.ForeignKey(
        Patent, on_delete=models.CASCADE, related_name="inventors", verbose_name=_("patent")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="inventions",
        verbose_name=_("person"),
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("inventor")
        verbose_name_plural = _("inventors")
        ordering = ["patent_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["patent", "person"], name="%(app_label)s_%(class)s_once"
            ),
            models.UniqueConstraint(
                fields=["patent", "position"], name="%(app_label)s_%(class)s_position"
            ),
        ]

    def __str__(self) -> str:
        return str(self.position)


class PromotionConference(BoundedDates, models.Model):
    """An achievement promotion conference (成果推广会) and what it displayed."""

    PLANNED_DATES = ("held_on",)

    name = models.CharField(_("name"), max_length=200)
    held_on = models.DateField(_("held on"))
    organiser = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    description = models.TextField(_("description"), blank=True)
    achievements = models.ManyToManyField(
        Achievement,
        verbose_name=_("achievements displayed"),
        related_name="conferences",
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("promotion conference")
        verbose_name_plural = _("promotion conferences")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["-held_on", "-id"], name="achievements_conf_order")]

    def __str__(self) -> str:
        return self.name
