from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.models import OrgUnit
from accounts.selectors import org_units_visible_to, people_visible_to
from achievements.models import TechnicalProblem
from achievements.selectors import problems_visible_to
from competitions.models import AwardGrade, Campaign, Proposal
from competitions.selectors import campaigns_visible_to, proposals_visible_to
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.serializers import PersonBriefSerializer, UnitBriefSerializer
from studios.models import Studio
from studios.selectors import studios_visible_to

User = get_user_model()


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    max_points = serializers.IntegerField(min_value=1, max_value=100)


class AwardGradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=AwardGrade.Grade.choices)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    quota = serializers.IntegerField(min_value=1, allow_null=True, required=False, default=None)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class CampaignSerializer(serializers.ModelSerializer):
    org_unit = UnitBriefSerializer(read_only=True)
    org_unit_id = ScopedPrimaryKeyRelatedField(
        scope=org_units_visible_to, source="org_unit", queryset=OrgUnit.objects.all(),
        write_only=True, label=gettext_lazy("Organising unit"),
    )  # fmt: skip
    criteria = CriterionSerializer(many=True, required=False)
    grades = AwardGradeSerializer(many=True, required=False)
    phase = serializers.CharField(read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id", "name", "year", "org_unit", "org_unit_id", "description", "opens_at",
            "closes_at", "review_deadline", "blind_review", "min_reviews", "drop_extremes",
            "criteria", "grades", "phase",
        ]  # fmt: skip

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


class CoAuthorSerializer(serializers.Serializer):
    person = PersonBriefSerializer(read_only=True)
    person_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to, queryset=User.objects.all(), write_only=True,
        label=gettext_lazy("Person"),
    )  # fmt: skip
    share = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal as its author and the office see it. Status, code, author and
    unit move only through the services' actions, never through create/update:
    sending them is a 400, not silently ignored."""

    PRIVILEGED = {"status", "code", "author", "org_unit", "entered_by", "submitted_at",
                  "duplicate_of", "score"}  # fmt: skip

    campaign = CampaignBriefSerializer(read_only=True)
    campaign_id = ScopedPrimaryKeyRelatedField(
        scope=campaigns_visible_to, source="campaign", queryset=Campaign.objects.all(),
        write_only=True, label=gettext_lazy("Campaign"),
    )  # fmt: skip
    author = PersonBriefSerializer(read_only=True)
    author_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to, source="author", queryset=User.objects.all(), write_only=True,
        required=False, label=gettext_lazy("Author (entry on a worker's behalf)"),
    )  # fmt: skip
    entered_by = PersonBriefSerializer(read_only=True, allow_null=True)
    org_unit = UnitBriefSerializer(read_only=True)
    co_authors = CoAuthorSerializer(many=True, required=False)
    goals = serializers.MultipleChoiceField(choices=Proposal.Goal.choices, required=False)
    studio_id = ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to, source="studio", queryset=Studio.objects.all(),
        required=False, allow_null=True, label=gettext_lazy("Studio"),
    )  # fmt: skip
    origin_problem_id = ScopedPrimaryKeyRelatedField(
        scope=problems_visible_to, source="origin_problem",
        queryset=TechnicalProblem.objects.all(), required=False, allow_null=True,
        label=gettext_lazy("Origin problem"),
    )  # fmt: skip
    related_to_ids = ScopedPrimaryKeyRelatedField(
        scope=proposals_visible_to, source="related_to", queryset=Proposal.objects.all(),
        many=True, required=False, label=gettext_lazy("Related proposals"),
    )  # fmt: skip
    duplicate_of = ProposalBriefSerializer(read_only=True, allow_null=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "code", "campaign", "campaign_id", "status", "status_display", "author",
            "author_id", "author_share", "co_authors", "entered_by", "org_unit", "category",
            "category_display", "goals", "post", "title", "current_situation", "improvement",
            "expected_effect", "expected_benefit", "studio_id", "origin_problem_id",
            "related_to_ids", "duplicate_of", "submitted_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["code", "status", "submitted_at", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        fields["author_share"].required = False
        if self.instance is not None:  # the campaign and author are fixed once started
            fields["campaign_id"].read_only = True
            fields["author_id"].read_only = True
        return fields

    def validate(self, attrs):
        sent = set(getattr(self, "initial_data", {}) or {})
        fixed = sent & (
            self.PRIVILEGED | ({"campaign_id", "author_id"} if self.instance else set())
        )
        if fixed:
            raise serializers.ValidationError(
                {name: [_("This field cannot be set here.")] for name in sorted(fixed)}
            )
        return attrs

    def validate_co_authors(self, rows):
        return [(row["person_id"], row["share"]) for row in rows]

    def validate_goals(self, goals):
        return sorted(goals)

    def to_representation(self, proposal):
        data = super().to_representation(proposal)
        data["goals"] = list(proposal.goals)
        data["co_authors"] = CoAuthorSerializer(proposal.co_authors.all(), many=True).data
        data["related_to_ids"] = [other.pk for other in proposal.related_to.all()]
        if data["duplicate_of"] and not getattr(proposal, "original_visible", True):
            data["duplicate_of"]["title"] = None
        return data


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text=gettext_lazy("What the author should change."))


class RejectIneligibleSerializer(serializers.Serializer):
    reason = serializers.CharField()


class MarkDuplicateSerializer(serializers.Serializer):
    duplicate_of_id = ScopedPrimaryKeyRelatedField(
        scope=proposals_visible_to, source="duplicate_of", queryset=Proposal.objects.all(),
        label=gettext_lazy("Original proposal"),
    )  # fmt: skip
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SimilarProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    campaign = CampaignBriefSerializer(read_only=True)
    similarity = serializers.FloatField(read_only=True)
