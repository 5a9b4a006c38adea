from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import BoundedDates
from core.models import StateEvent, StatefulModel

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}
# More places than any grade of a real campaign has; keeps typed numbers sane.
MAX_QUOTA = 100_000
# A criterion's points keep one decimal (ReviewScore.points): the service refuses
# finer points and the rubric form's inputs step by it.
POINTS_STEP = Decimal("0.1")


class Campaign(BoundedDates, models.Model):
    """A five-small competition round (五小竞赛) organised by a union office; its
    organising unit's subtree may enter."""

    # The records whose changes belong to this one's history (core.history).
    history_parts = (
        ("competitions.Criterion", "campaign"),
        ("competitions.AwardGrade", "campaign"),
        ("competitions.CampaignReviewer", "campaign"),
    )

    PLANNED_DATES = ("opens_at", "closes_at", "review_deadline")

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("Everyone in this unit and below may enter."),
    )
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("submissions open"))
    closes_at = models.DateTimeField(_("submissions close"))
    review_deadline = models.DateField(_("review deadline"))
    blind_review = models.BooleanField(
        _("blind review"),
        default=True,
        help_text=_("Reviewers do not see who wrote a proposal."),
    )
    min_reviews = models.PositiveSmallIntegerField(
        _("minimum reviews per proposal"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    drop_extremes = models.BooleanField(
        _("drop the highest and lowest score"),
        default=False,
        help_text=_("Only when a proposal has five or more reviews."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="%(app_label)s_%(class)s_closes_after_opening",
                violation_error_message=_("Submissions close after they open."),
            ),
        ]
        indexes = [
            # The campaign list, newest first.
            models.Index(fields=["-year", "-opens_at"], name="competitions_campaign_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    @property
    def phase(self) -> str:
        """upcoming, open or closed (for submissions), by the clock."""
        now = timezone.now()
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"


class Criterion(models.Model):
    """One line of a campaign's rubric: what reviewers score and its maximum."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("campaign")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("criterion"), max_length=100)
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["campaign_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "position"], name="%(app_label)s_%(class)s_position"
            ),
            models.UniqueConstraint(
                fields=["campaign", "name"], name="%(app_label)s_%(class)s_name"
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=1, max_points__lte=100),
                name="%(app_label)s_%(class)s_max_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.max_points})"


class AwardGrade(models.Model):
    """A prize grade of a campaign: how many may receive it and how much."""

    class Grade(models.TextChoices):
        SPECIAL = "special", _("Special prize")
        FIRST = "first", _("First prize")
        SECOND = "second", _("Second prize")
        THIRD = "third", _("Third prize")
        EXCELLENCE = "excellence", _("Excellence award")
        ENCOURAGEMENT = "encouragement", _("Encouragement award")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="grades", verbose_name=_("campaign")
    )
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    quota = models.PositiveIntegerField(
        _("quota"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUOTA)],
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)

    class Meta:
        verbose_name = _("award grade")
        verbose_name_plural = _("award grades")
        ordering = ["campaign_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "grade"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="%(app_label)s_%(class)s_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.get_grade_display()

    @property
    def places_left(self) -> int | None:
        """Places not yet awarded (needs `given`, see grades_with_counts); None
        when the grade has no limit."""
        if self.quota is None:
            return None
        return max(self.quota - getattr(self, "given", 0), 0)


class Proposal(BoundedDates, StatefulModel):
    """A worker's five-small proposal (小改小革) from their own post."""

    # The records whose changes belong to this one's history (core.history).
    history_parts = (("competitions.CoAuthor", "proposal"), ("competitions.Award", "proposal"))

    HAPPENED_DATES = ("implemented_on", "verified_on")

    class Category(models.TextChoices):
        INVENTION = "invention", _("Small invention")
        CREATION = "creation", _("Small creation")
        INNOVATION = "innovation", _("Small innovation")
        DESIGN = "design", _("Small design")
        SUGGESTION = "suggestion", _("Small suggestion")

    class Goal(models.TextChoices):
        ENERGY = "energy", _("Saves energy")
        COST = "cost", _("Cuts cost")
        EFFICIENCY = "efficiency", _("Raises efficiency")
        SAFETY = "safety", _("Makes work safer")
        QUALITY = "quality", _("Improves quality")
        ENVIRONMENT = "environment", _("Protects the environment")

    # The codes a JSON list holds, shown by their labels in the history (core.history).
    history_choices = {"goals": Goal.choices}

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for revision")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        NOT_ELIGIBLE = "not_eligible", _("Not eligible")
        DUPLICATE = "duplicate", _("Duplicate")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        IMPLEMENTED = "implemented", _("Implemented")
        BENEFIT_VERIFIED = "benefit_verified", _("Benefit verified")
        AWARDED = "awarded", _("Awarded")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {
            Status.UNDER_REVIEW,
            Status.RETURNED,
            Status.NOT_ELIGIBLE,
            Status.DUPLICATE,
            Status.WITHDRAWN,
        },
        Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.UNDER_REVIEW: {Status.APPROVED, Status.REJECTED},
        Status.APPROVED: {Status.IMPLEMENTED},
        Status.IMPLEMENTED: {Status.BENEFIT_VERIFIED},
        Status.BENEFIT_VERIFIED: {Status.AWARDED},
        Status.WITHDRAWN: set(),
        # Back to `submitted` only by the office undoing its outcome within a day
        # (services.screening.proposal_undo_screening).
        Status.NOT_ELIGIBLE: {Status.SUBMITTED},
        Status.DUPLICATE: {Status.SUBMITTED},
        Status.REJECTED: set(),
        Status.AWARDED: set(),
    }
    event_parent_field = "proposal"

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="proposals"
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Given at the first submission: year-unit-sequence."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    author_share = models.DecimalField(
        _("author's share (%)"), max_digits=5, decimal_places=2, default=100
    )
    # The author's unit when the proposal was started: it decides which officials
    # answer for it, and it stays put if the author moves later.
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The official who entered it for a worker without a phone."),
    )
    category = models.CharField(
        _("five-small category"), max_length=20, choices=Category.choices, blank=True
    )
    goals = models.JSONField(_("aims"), default=list, blank=True)
    post = models.CharField(_("post or workstation"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    current_situation = models.TextField(_("current situation"), blank=True)
    improvement = models.TextField(_("improvement"), blank=True)
    expected_effect = models.TextField(_("expected effect"), blank=True)
    expected_benefit = models.DecimalField(
        _("expected annual benefit (CNY)"), null=True, blank=True, **MONEY
    )
    studio = models.ForeignKey(
        "studios.Studio",
        verbose_name=_("studio"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    origin_problem = models.ForeignKey(
        "achievements.TechnicalProblem",
        verbose_name=_("origin problem"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    related_to = models.ManyToManyField(
        "self", verbose_name=_("related proposals"), symmetrical=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved at"), default=timezone.now)
    # How many distinct title grams (see competitions.similarity) the title has,
    # so the similarity score needs no second look at the grams.
    title_gram_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # Decision: the score is the reviewers' mean, fixed here
    # at the decision; the reason is required for a rejection.
    score = models.DecimalField(
        _("score"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    # Implementation: when, by which department, and the achievement it became.
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    implementing_department = models.CharField(
        _("implementing department"), max_length=100, blank=True
    )
    achievement = models.ForeignKey(
        "achievements.Achievement",
        verbose_name=_("achievement it became"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    # The real yearly benefit, confirmed by finance; locked once verified.
    verified_benefit = models.DecimalField(
        _("verified annual benefit (CNY)"), null=True, blank=True, **MONEY
    )
    verification_evidence = models.TextField(_("verification evidence"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(author_share__gt=0, author_share__lte=100),
                name="%(app_label)s_%(class)s_author_share_range",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(code__isnull=False),
                name="%(app_label)s_%(class)s_submitted_has_code",
            ),
            models.CheckConstraint(
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
                name="%(app_label)s_%(class)s_duplicate_names_original",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=F("id")),
                name="%(app_label)s_%(class)s_not_own_duplicate",
            ),
            # A verified figure always says who verified it and when.
            models.CheckConstraint(
                condition=Q(verified_benefit__isnull=True)
                | Q(verified_by__isnull=False, verified_on__isnull=False),
                name="%(app_label)s_%(class)s_verification_complete",
            ),
        ]
        indexes = [
            # The proposal lists (mine, a campaign's, an official's), newest first.
            models.Index(fields=["-created_at", "-id"], name="competitions_proposal_order"),
            # A campaign's counts by state and the screening queue.
            models.Index(fields=["campaign", "status"], name="competitions_proposal_state"),
            # "My proposals".
            models.Index(fields=["author", "-created_at"], name="competitions_proposal_author"),
            # The screening queue in its order, oldest first (screening_queue): the
            # first few of an official's home read here instead of sorting every
            # submitted proposal of the group.
            models.Index(
                fields=["status_changed_at", "id"],
                condition=Q(status="submitted"),
                name="competitions_proposal_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(_("(untitled)"))

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def next_step(self) -> str:
        return str(NEXT_STEPS.get(self.status, ""))

    def next_step_with_reviewers(self, assigned: bool) -> str:
        """`next_step`, saying under review whether reviewers are in place yet
        (`assigned`: any reviewer not replaced)."""
        if self.status == self.Status.UNDER_REVIEW and not assigned:
            return str(_("Waiting for reviewers to be assigned."))
        return self.next_step

    @property
    def goal_labels(self) -> list[str]:
        labels = dict(self.Goal.choices)
        return [str(labels.get(goal, goal)) for goal in self.goals]


# The timeline in plain words for the worker (docs/domain.md: "no jargon").
PLAIN_EVENTS = {
    Proposal.Status.SUBMITTED: _("Sent to the union office."),
    Proposal.Status.RETURNED: _("Sent back to you to revise."),
    Proposal.Status.WITHDRAWN: _("Withdrawn."),
    Proposal.Status.NOT_ELIGIBLE: _("Not accepted into the competition."),
    Proposal.Status.DUPLICATE: _("Found to repeat an earlier proposal."),
    # Screening only sends it on: the office assigns the reviewers afterwards.
    Proposal.Status.UNDER_REVIEW: _(
        "Passed the first check; waiting for reviewers to be assigned to score it."
    ),
    Proposal.Status.APPROVED: _("Approved."),
    Proposal.Status.REJECTED: _("Not approved."),
    Proposal.Status.IMPLEMENTED: _("Put into practice."),
    Proposal.Status.BENEFIT_VERIFIED: _("Its saving has been confirmed."),
    Proposal.Status.AWARDED: _("Awarded."),
}
# The same timeline for anyone else who follows it (a co-author, the union
# office): the proposal went back to its author, not to the reader.
PLAIN_EVENTS_FOR_OTHERS = {
    **PLAIN_EVENTS,
    Proposal.Status.RETURNED: _("Sent back to the author to revise."),
}
# What happens next, shown under the current status.
NEXT_STEPS = {
    Proposal.Status.DRAFT: _("Not sent yet. Finish it and tap Submit."),
    Proposal.Status.SUBMITTED: _("The union office checks it first, then reviewers score it."),
    Proposal.Status.RETURNED: _("Please change it as asked below and submit it again."),
    Proposal.Status.UNDER_REVIEW: _("Reviewers are scoring it."),
    Proposal.Status.APPROVED: _("It will now be put into practice."),
    Proposal.Status.IMPLEMENTED: _("Finance will confirm the real saving."),
    Proposal.Status.BENEFIT_VERIFIED: _("The award is decided next."),
}


class ProposalEvent(StateEvent):
    state_choices = Proposal.Status
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="events"
    )

    @property
    def plain_text(self) -> str:
        """The change in plain words for the proposal's author."""
        return self._plain_text(PLAIN_EVENTS)

    @property
    def plain_text_for_others(self) -> str:
        """The change in plain words for anyone but the author."""
        return self._plain_text(PLAIN_EVENTS_FOR_OTHERS)

    def _plain_text(self, words: dict) -> str:
        if self.to_state == Proposal.Status.SUBMITTED and self.from_state == "returned":
            return str(_("Revised and sent again."))
        return str(words.get(self.to_state, self.to_label))

    class Meta(StateEvent.Meta):
        verbose_name = _("proposal status change")
        verbose_name_plural = _("proposal status changes")


class CoAuthor(models.Model):
    """A co-author of a proposal, in order, with a share of the credit (and prize)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="co_authors", verbose_name=_("proposal")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="co_authored_proposals",
        verbose_name=_("person"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("co-author")
        verbose_name_plural = _("co-authors")
        ordering = ["proposal_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "person"], name="%(app_label)s_%(class)s_once"
            ),
            models.UniqueConstraint(
                fields=["proposal", "position"], name="%(app_label)s_%(class)s_position"
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=100),
                name="%(app_label)s_%(class)s_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.share}%"


class TitleGram(models.Model):
    """One gram of a proposal's title (a pair of Chinese characters or a Latin
    word): the inverted index behind the similar-proposal hints."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="title_grams")
    gram = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "gram"], name="%(app_label)s_%(class)s_once"
            ),
        ]
        indexes = [
            # "Which proposals share these grams?" — the similarity look-up.
            models.Index(fields=["gram", "proposal"], name="competitions_titlegram_gram"),
        ]

    def __str__(self) -> str:
        return self.gram


class CodeSequence(models.Model):
    """The last proposal number given per year and unit. Locked while a code is
    given, so concurrent first submissions get distinct codes and none is reused."""

    year = models.PositiveSmallIntegerField()
    unit_code = models.CharField(max_length=20)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit_code"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.unit_code}: {self.last}"


class ReviewAssignment(BoundedDates, models.Model):
    """A reviewer asked to score a proposal, by the campaign's review deadline.
    A reviewer who has not reviewed yet can be replaced: the row is kept, ended."""

    PLANNED_DATES = ("due_on",)

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("proposal")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    due_on = models.DateField(_("due on"))
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"],
                condition=Q(replaced_at__isnull=True),
                name="%(app_label)s_%(class)s_once_active",
            ),
        ]
        indexes = [
            # A reviewer's queue: their active assignments by deadline.
            models.Index(
                fields=["reviewer", "due_on"],
                condition=Q(replaced_at__isnull=True),
                name="competitions_assignment_queue",
            ),
        ]

    def __str__(self) -> str:
        return str(self.due_on)


class CampaignReviewer(models.Model):
    """A person in a campaign's reviewer pool: those the office may ask to
    review its proposals, offered first when assigning. Kept by the officials
    over the campaign on its page; whoever is asked to review joins it. Taking
    someone out keeps the row, ended (`removed_at`), so the campaign's history
    shows who was in the pool, who took them out and when."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="pool", verbose_name=_("campaign")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviewer_pools",
        verbose_name=_("reviewer"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pool reviewer")
        verbose_name_plural = _("reviewer pool")
        ordering = ["campaign_id", "id"]
        constraints = [
            # Once in the pool at a time (again after being taken out); also the
            # index of a campaign's pool.
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=Q(removed_at__isnull=True),
                name="%(app_label)s_%(class)s_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class Review(models.Model):
    """One reviewer's scores for one proposal (at most one: a database rule)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("proposal")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("reviewer"),
    )
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("reviewed at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["proposal_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0), name="%(app_label)s_%(class)s_total_not_negative"
            ),
        ]
        indexes = [
            # The review list's cursor pages (core/keyset.py): newest first.
            models.Index(fields=["-created_at", "-id"], name="competitions_review_order"),
        ]

    def __str__(self) -> str:
        return str(self.total)


class ReviewScore(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["review_id", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0), name="%(app_label)s_%(class)s_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(self.points)


class Award(models.Model):
    """A proposal's prize: its grade within the campaign's quota and the amount,
    split among the authors by share (`AwardShare`)."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="award", verbose_name=_("proposal")
    )
    grade = models.ForeignKey(
        AwardGrade, on_delete=models.PROTECT, related_name="awards", verbose_name=_("grade")
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("awarded by"),
    )
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["grade_id", "id"]

    def __str__(self) -> str:
        return str(self.amount)


class AwardShare(models.Model):
    """What one author receives of an award, in fen (so the parts add up exactly)."""

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="shares", verbose_name=_("award")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="award_shares",
        verbose_name=_("person"),
    )
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2)
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))

    class Meta:
        verbose_name = _("award share")
        verbose_name_plural = _("award shares")
        ordering = ["award_id", "-share", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "person"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.amount_fen)

    @property
    def amount(self) -> Decimal:
        return Decimal(self.amount_fen) / 100
