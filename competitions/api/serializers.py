from decimal import ROUND_HALF_UP

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import OrgUnit
from accounts.selectors import org_units_visible_to, people_visible_to
from achievements.models import Achievement, TechnicalProblem
from achievements.selectors import achievements_visible_to, problems_visible_to
from competitions.models import MAX_QUOTA, AwardGrade, Campaign, Proposal, Review
from competitions.selectors import (
    ProposalAccess,
    campaigns_visible_to,
    proposal_access,
    proposals_managed_by,
    proposals_visible_to,
)
from core.api.fields import ChoiceLabelField, ScopedPrimaryKeyRelatedField
from core.api.read_only import WritableModelSerializer
from core.api.serializers import PersonBriefSerializer, UnitBriefSerializer
from core.export_columns import SameForEveryReader
from studios.models import Studio
from studios.selectors import studios_visible_to

User = get_user_model()


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    max_points = serializers.IntegerField(min_value=1, max_value=100)


class AwardGradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=AwardGrade.Grade.choices)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    quota = serializers.IntegerField(
        min_value=1, max_value=MAX_QUOTA, allow_null=True, required=False, default=None
    )
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


class CampaignSerializer(SameForEveryReader, WritableModelSerializer):
    org_unit = UnitBriefSerializer(read_only=True)
    org_unit_id = ScopedPrimaryKeyRelatedField(
        scope=org_units_visible_to,
        source="org_unit",
        queryset=OrgUnit.objects.all(),
        write_only=True,
        label=gettext_lazy("Organising unit"),
    )
    criteria = CriterionSerializer(many=True, required=False)
    grades = AwardGradeSerializer(many=True, required=False)
    phase = serializers.ChoiceField(
        read_only=True,
        choices=[
            ("upcoming", gettext_lazy("Not open yet")),
            ("open", gettext_lazy("Open for proposals")),
            ("closed", gettext_lazy("Closed for proposals")),
        ],
        label=gettext_lazy("Phase"),
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "year",
            "org_unit",
            "org_unit_id",
            "description",
            "opens_at",
            "closes_at",
            "review_deadline",
            "blind_review",
            "min_reviews",
            "drop_extremes",
            "criteria",
            "grades",
            "phase",
        ]

    def validate_criteria(self, rows):
        return [(row["name"], row["max_points"]) for row in rows]

    def validate_grades(self, rows):
        return [(row["grade"], row["quota"], row["amount"]) for row in rows]

    def to_representation(self, campaign):
        data = super().to_representation(campaign)
        data["criteria"] = CriterionSerializer(campaign.criteria.all(), many=True).data
        data["grades"] = AwardGradeSerializer(campaign.grades.all(), many=True).data
        return data


class CampaignBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    year = serializers.IntegerField(read_only=True)


class ProposalBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True, allow_null=True)


class ProposalTitleSerializer(serializers.Serializer):
    """A proposal as a blind reviewer may know it: its id and title."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True, allow_null=True)


class CoAuthorSerializer(serializers.Serializer):
    person = PersonBriefSerializer(read_only=True)
    # A co-author the proposal names already is taken even if the writer no
    # longer sees them (proposal_update keeps them).
    person_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        kept=lambda proposal: proposal.co_authors.values("person_id"),
        queryset=User.objects.all(),
        write_only=True,
        label=gettext_lazy("Person"),
    )
    share = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class ProposalSerializer(WritableModelSerializer):
    """A proposal as its author and the office see it. Status, code, author and
    unit move only through the services' actions, never through create/update:
    sending them is a 400, not silently ignored."""

    # Besides the read-only fields: what the answer adds to the record's own.
    ALSO_REFUSED = frozenset({"award", "reviews_in", "current_score"})
    # The access facts a proposal's answer reads: these three on every row, and
    # each of ROW_FACTS only on a row whose field names something to hide.
    FACTS = ("manages", "follows", "blind")
    ROW_FACTS = {"studio_id": "studio_visible", "duplicate_of_id": "original_visible"}
    # What a list annotates (`proposals_with_access(only=…)`), so no row queries.
    LIST_FACTS = (*FACTS, *ROW_FACTS.values())
    # All `hidden_fields` reads of a row: what a list's export selects for it.
    HIDING_FACTS = ("blind",)
    # What a reviewer of a blind campaign never sees.
    IDENTIFYING = (
        "code",
        "author",
        "author_share",
        "co_authors",
        "entered_by",
        "org_unit",
        "duplicate_of",
        "related_to_ids",
        "award",
    )

    campaign = CampaignBriefSerializer(read_only=True)
    campaign_id = ScopedPrimaryKeyRelatedField(
        scope=campaigns_visible_to,
        source="campaign",
        queryset=Campaign.objects.all(),
        write_only=True,
        label=gettext_lazy("Campaign"),
    )
    author = PersonBriefSerializer(read_only=True)
    author_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        source="author",
        queryset=User.objects.all(),
        write_only=True,
        required=False,
        label=gettext_lazy("Author (entry on a worker's behalf)"),
    )
    entered_by = serializers.SerializerMethodField()
    org_unit = UnitBriefSerializer(read_only=True)
    co_authors = CoAuthorSerializer(many=True, required=False)
    goals = serializers.MultipleChoiceField(choices=Proposal.Goal.choices, required=False)
    studio_id = ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to,
        source="studio",
        queryset=Studio.objects.all(),
        required=False,
        allow_null=True,
        label=gettext_lazy("Studio"),
    )
    origin_problem_id = ScopedPrimaryKeyRelatedField(
        scope=problems_visible_to,
        source="origin_problem",
        queryset=TechnicalProblem.objects.all(),
        required=False,
        allow_null=True,
        label=gettext_lazy("Origin problem"),
    )
    related_to_ids = ScopedPrimaryKeyRelatedField(
        scope=proposals_visible_to,
        source="related_to",
        listed_as="visible_related",
        queryset=Proposal.objects.all(),
        many=True,
        required=False,
        label=gettext_lazy("Related proposals"),
    )
    duplicate_of = ProposalBriefSerializer(read_only=True, allow_null=True)
    category_display = ChoiceLabelField(source="category", choices=Proposal.Category.choices)
    status_display = ChoiceLabelField(source="status", choices=Proposal.Status.choices)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "code",
            "campaign",
            "campaign_id",
            "status",
            "status_display",
            "author",
            "author_id",
            "author_share",
            "co_authors",
            "entered_by",
            "org_unit",
            "category",
            "category_display",
            "goals",
            "post",
            "title",
            "current_situation",
            "improvement",
            "expected_effect",
            "expected_benefit",
            "studio_id",
            "origin_problem_id",
            "related_to_ids",
            "duplicate_of",
            "submitted_at",
            "created_at",
            "updated_at",
            "score",
            "decided_at",
            "decision_reason",
            "implemented_on",
            "implementing_department",
            "achievement_id",
            "verified_benefit",
            "verification_evidence",
            "verified_on",
        ]
        read_only_fields = [
            "code",
            "status",
            "submitted_at",
            "created_at",
            "updated_at",
            "score",
            "decided_at",
            "decision_reason",
            "implemented_on",
            "implementing_department",
            "achievement_id",
            "verified_benefit",
            "verification_evidence",
            "verified_on",
        ]
        # Who entered it, as a list's export reads it: the list's annotation
        # (ProposalViewSet), not a row's `get_entered_by`.
        export_sources = {"entered_by": "entered_by_name"}

    def get_fields(self):
        fields = super().get_fields()
        fields["author_share"].required = False
        if self.instance is not None:  # the campaign and author are fixed once started
            fields["campaign_id"].read_only = True
            fields["author_id"].read_only = True
        return fields

    @extend_schema_field(PersonBriefSerializer(allow_null=True))
    def get_entered_by(self, proposal) -> dict | None:
        """Who entered it on the author's behalf: on a list's row from its
        `entered_by_name` column (ProposalViewSet), so no row needs a query for
        a person; elsewhere from the proposal's `entered_by`."""
        if proposal.entered_by_id is None:
            return None
        name = getattr(proposal, "entered_by_name", None)
        if name is None:
            name = proposal.entered_by.full_name
        return {"id": proposal.entered_by_id, "full_name": name}

    def validate_co_authors(self, rows):
        return [(row["person_id"], row["share"]) for row in rows]

    def validate_goals(self, goals):
        return sorted(goals)

    def to_representation(self, proposal):
        data = super().to_representation(proposal)
        data["goals"] = list(proposal.goals)
        facts = (
            *self.FACTS,
            *(fact for field, fact in self.ROW_FACTS.items() if getattr(proposal, field)),
        )
        access = proposal_access(self.context["request"].user, proposal, only=facts)
        if data["duplicate_of"] and not access.original_visible:
            data["duplicate_of"]["title"] = None
        data["award"] = _award(proposal, access)
        if not access.studio_visible:
            data["studio_id"] = None
        if access.manages and hasattr(proposal, "review_count"):
            # While reviews come in, the office sees the running score and count.
            data["reviews_in"] = proposal.review_count
            # The score as the decision will fix it (a string, like every other
            # decimal), None until the campaign's minimum reviews are in
            # (`with_scores`, `review_figures`).
            data["current_score"] = (
                RUNNING_SCORE.to_representation(proposal.current_score)
                if proposal.current_score is not None
                else None
            )
        for key in self._hidden_by(access):
            data.pop(key, None)
        return data

    def hidden_fields(self, proposal) -> tuple[str, ...]:
        """What this reader may not see of `proposal`: the answer leaves it
        out, a list's export blanks it (core/export_columns.py). The original
        of a duplicate the reader may not open is named by its code alone,
        which is how an export names it anyway."""
        return self._hidden_by(
            proposal_access(self.context["request"].user, proposal, only=self.HIDING_FACTS)
        )

    def _hidden_by(self, access: ProposalAccess) -> tuple[str, ...]:
        return self.IDENTIFYING if access.blind else ()


RUNNING_SCORE = serializers.DecimalField(max_digits=8, decimal_places=2, rounding=ROUND_HALF_UP)


def _award(proposal, access: ProposalAccess) -> dict | None:
    """The grade and amount for every reader; each person's share only for the
    authors and the officials over it."""
    award = getattr(proposal, "award", None) if proposal.status == "awarded" else None
    if award is None:
        return None
    data = AWARD.to_representation(award)
    if not access.follows:
        data.pop("shares")
    return data


class AwardShareSerializer(serializers.Serializer):
    person = PersonBriefSerializer(read_only=True)
    share = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class AwardSerializer(serializers.Serializer):
    grade = serializers.CharField(source="grade.grade", read_only=True)
    grade_display = serializers.CharField(source="grade.get_grade_display", read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    awarded_at = serializers.DateTimeField(read_only=True)
    shares = AwardShareSerializer(many=True, read_only=True)


# One instance for every row: building a serializer copies its fields, which
# cost a list of 50 proposals more than reading them.
AWARD = AwardSerializer()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text=gettext_lazy("What the author should change."))


class RejectIneligibleSerializer(serializers.Serializer):
    reason = serializers.CharField()


class MarkDuplicateSerializer(serializers.Serializer):
    duplicate_of_id = ScopedPrimaryKeyRelatedField(
        scope=proposals_visible_to,
        source="duplicate_of",
        queryset=Proposal.objects.all(),
        label=gettext_lazy("Original proposal"),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SimilarProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    campaign = CampaignBriefSerializer(read_only=True)
    similarity = serializers.FloatField(read_only=True)


class AssignReviewersSerializer(serializers.Serializer):
    reviewers = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        queryset=User.objects.all(),
        many=True,
        label=gettext_lazy("Reviewers"),
    )


class PoolAddSerializer(serializers.Serializer):
    people = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        queryset=User.objects.all(),
        many=True,
        label=gettext_lazy("People"),
    )


class PoolMemberSerializer(serializers.Serializer):
    """One person of a campaign's reviewer pool, with the reviews they still
    owe in it and have given."""

    person = PersonBriefSerializer(read_only=True)
    org_unit = serializers.CharField(source="person.org_unit.name", default="", read_only=True)
    added_by = PersonBriefSerializer(read_only=True)
    added_at = serializers.DateTimeField(read_only=True)
    owed = serializers.IntegerField(read_only=True)
    given = serializers.IntegerField(read_only=True)


def _reviewers_managed_by(user):
    """People reviewing a proposal the official answers for. The one replaced
    need not be in the official's directory: the group office picks experts
    from any company."""
    return User.objects.filter(
        review_assignments__proposal__in=proposals_managed_by(user).values("pk")
    ).distinct()


class ReplaceReviewerSerializer(serializers.Serializer):
    reviewer = ScopedPrimaryKeyRelatedField(
        scope=_reviewers_managed_by, queryset=User.objects.all()
    )
    replacement = ScopedPrimaryKeyRelatedField(scope=people_visible_to, queryset=User.objects.all())


class DecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[
            (Proposal.Status.APPROVED, Proposal.Status.APPROVED.label),
            (Proposal.Status.REJECTED, Proposal.Status.REJECTED.label),
        ]
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ImplementSerializer(serializers.Serializer):
    implemented_on = serializers.DateField()
    department = serializers.CharField(max_length=100)
    achievement_id = ScopedPrimaryKeyRelatedField(
        scope=achievements_visible_to,
        source="achievement",
        queryset=Achievement.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProposalVerifyBenefitSerializer(serializers.Serializer):
    verified_benefit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    evidence = serializers.CharField()
    verified_on = serializers.DateField(required=False, allow_null=True, default=None)


class AwardInputSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=AwardGrade.Grade.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewScoreSerializer(serializers.Serializer):
    criterion_id = serializers.IntegerField()
    criterion = serializers.CharField(source="criterion.name", read_only=True)
    max_points = serializers.IntegerField(source="criterion.max_points", read_only=True)
    points = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)


class ReviewSerializer(SameForEveryReader, WritableModelSerializer):
    """A reviewer's scores. The proposal is named by id and title only: in a
    blind campaign that is all a reviewer learns of it."""

    proposal = serializers.SerializerMethodField()
    proposal_id = ScopedPrimaryKeyRelatedField(
        scope=proposals_visible_to,
        source="proposal",
        queryset=Proposal.objects.all(),
        write_only=True,
        label=gettext_lazy("Proposal"),
    )
    reviewer = PersonBriefSerializer(read_only=True)
    scores = ReviewScoreSerializer(many=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "proposal",
            "proposal_id",
            "reviewer",
            "scores",
            "total",
            "comment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["total", "created_at", "updated_at"]
        export_sources = {"proposal": "proposal.title"}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["proposal_id"].read_only = True
        return fields

    def get_proposal(self, review) -> dict:
        return {"id": review.proposal_id, "title": review.proposal.title}

    def validate_scores(self, rows):
        ids = [row["criterion_id"] for row in rows]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(_("A criterion is scored twice."))
        return {row["criterion_id"]: row["points"] for row in rows}

    def to_representation(self, review):
        data = super().to_representation(review)
        data["scores"] = ReviewScoreSerializer(review.scores.all(), many=True).data
        return data


class ReviewQueueSerializer(serializers.Serializer):
    """One proposal in a reviewer's queue: named by id and title only (in a
    blind campaign that is all a reviewer learns of it), its campaign, the day
    the review is due, whether it still waits for this reviewer's scores and
    whether they have given them, and how far its review has got (n of m)."""

    id = serializers.IntegerField(read_only=True)
    proposal = ProposalTitleSerializer(read_only=True)
    campaign = CampaignBriefSerializer(source="proposal.campaign", read_only=True)
    due_on = serializers.DateField(read_only=True)
    waiting = serializers.BooleanField(read_only=True, help_text=gettext_lazy("Still to score."))
    reviewed = serializers.BooleanField(read_only=True)
    review_count = serializers.IntegerField(read_only=True)
    assigned_count = serializers.IntegerField(read_only=True)


class AwardShareSerializer(serializers.Serializer):
    """One person's part of an award, as finance pays it: the proposal, its
    grade and prize, the person and their share in per cent and in yuan."""

    id = serializers.IntegerField(read_only=True)
    campaign = serializers.CharField(
        source="award.proposal.campaign.name", read_only=True, label=gettext_lazy("Campaign")
    )
    code = serializers.CharField(
        source="award.proposal.code", read_only=True, label=gettext_lazy("Code")
    )
    title = serializers.CharField(
        source="award.proposal.title", read_only=True, label=gettext_lazy("Proposal")
    )
    org_unit = serializers.CharField(
        source="award.proposal.org_unit.name", read_only=True, label=gettext_lazy("Org unit")
    )
    grade = ChoiceLabelField(
        source="award.grade.grade", choices=AwardGrade.Grade.choices, label=gettext_lazy("Grade")
    )
    award_amount = serializers.DecimalField(
        source="award.amount",
        max_digits=12,
        decimal_places=2,
        read_only=True,
        label=gettext_lazy("Prize (CNY)"),
    )
    person = PersonBriefSerializer(read_only=True, label=gettext_lazy("Person"))
    share = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, label=gettext_lazy("Share (%)")
    )
    # Kept in fen, so the parts of a prize add up to it exactly.
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, label=gettext_lazy("Amount to pay (CNY)")
    )
    awarded_at = serializers.DateTimeField(
        source="award.awarded_at", read_only=True, label=gettext_lazy("Awarded at")
    )
