from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit
from accounts.selectors import org_units_visible_to, people_visible_to
from core.api.fields import ChoiceLabelField, ScopedPrimaryKeyRelatedField
from core.api.read_only import WritableModelSerializer
from core.api.serializers import PersonBriefSerializer, StudioBriefSerializer, UnitBriefSerializer
from naming.models import (
    Level,
    NamingApplication,
    NamingCall,
    NamingReview,
    Objection,
    Rectification,
    ReReview,
)
from naming.selectors import (
    NamingApplicationAccess,
    application_checks,
    experts_taken_off_by,
    naming_application_access,
    naming_applications_visible_to,
    naming_calls_visible_to,
)
from studios.models import RecognitionList, Studio
from studios.selectors import recognition_lists_visible_to, studios_visible_to

User = get_user_model()
Status = NamingApplication.Status


class NamingRubricLineSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    max_points = serializers.IntegerField(min_value=1, max_value=100)


class NamingCallSerializer(WritableModelSerializer):
    org_unit = UnitBriefSerializer(read_only=True)
    org_unit_id = ScopedPrimaryKeyRelatedField(
        scope=org_units_visible_to,
        source="org_unit",
        queryset=OrgUnit.objects.all(),
        write_only=True,
        label=_("Calling unit"),
    )
    level_display = ChoiceLabelField(source="level", choices=Level.choices)
    rubric = NamingRubricLineSerializer(many=True)
    places_taken = serializers.IntegerField(read_only=True, default=None)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = NamingCall
        fields = [
            "id",
            "title",
            "level",
            "level_display",
            "year",
            "org_unit",
            "org_unit_id",
            "deadline",
            "is_open",
            "quota",
            "places_taken",
            "notice_days",
            "min_years_founded",
            "leader_honour_level",
            "prior_level",
            "min_members",
            "min_output",
            "output_years",
            "rubric",
            "recognition_list",
        ]
        read_only_fields = ["recognition_list"]


class EligibilityCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    passed = serializers.BooleanField()
    explanation = serializers.CharField()


class NamingApplicationSerializer(WritableModelSerializer):
    """Read nested, write by id. The material (the frozen facts, the eligibility
    checks, the override's reason) is for those who read it (the studio, its
    officials, the office, its expert: `reads_material`); the site visit's
    findings and visitors for the insiders only (not its expert); a record's
    detail carries the checks."""

    MATERIAL_FIELDS = ("facts", "eligibility", "eligibility_override")
    INSIDER_FIELDS = ("visit_findings", "visitors")
    # Not required in the schema (core/api/schema.py).
    viewer_dependent_fields = MATERIAL_FIELDS + INSIDER_FIELDS

    call_id = ScopedPrimaryKeyRelatedField(
        scope=naming_calls_visible_to, source="call", queryset=NamingCall.objects.all()
    )
    studio_id = ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to, source="studio", queryset=Studio.objects.all()
    )
    call_title = serializers.CharField(source="call.title", read_only=True)
    level = serializers.CharField(source="call.level", read_only=True)
    studio = StudioBriefSerializer(read_only=True)
    applicant = PersonBriefSerializer(read_only=True)
    status_display = ChoiceLabelField(source="status", choices=Status.choices)
    eligibility = serializers.SerializerMethodField()

    class Meta:
        model = NamingApplication
        fields = [
            "id",
            "call_id",
            "call_title",
            "level",
            "studio_id",
            "studio",
            "applicant",
            "statement",
            "status",
            "status_display",
            "status_changed_at",
            "submitted_at",
            "facts",
            "eligibility",
            "eligibility_override",
            "visited_on",
            "visitors",
            "visit_findings",
            "notice_ends_on",
            "outside_list",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "status_changed_at",
            "submitted_at",
            "facts",
            "eligibility_override",
            "visited_on",
            "visitors",
            "visit_findings",
            "notice_ends_on",
            "outside_list",
            "created_at",
        ]
        validators = []  # one application per call and studio is the service's 409

    def get_eligibility(self, application) -> list[dict] | None:
        if not self.context.get("with_checks"):
            return None
        return EligibilityCheckSerializer(application_checks(application), many=True).data

    def to_representation(self, application):
        data = super().to_representation(application)
        request = self.context.get("request")
        access = (
            naming_application_access(request.user, application)
            if request is not None
            else NamingApplicationAccess()  # no reader: nothing viewer-dependent
        )
        hidden = [
            *(() if access.reads_material else self.MATERIAL_FIELDS),
            *(() if access.insider else self.INSIDER_FIELDS),
        ]
        for field in hidden:
            data.pop(field, None)
        return data


class NamingApplicationUpdateSerializer(serializers.Serializer):
    statement = serializers.CharField(allow_blank=True)


class NamingNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NamingSubmitSerializer(serializers.Serializer):
    eligibility_override = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("An official's reason for letting a studio that fails a check apply."),
    )


class NamingAssignExpertsSerializer(serializers.Serializer):
    experts = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to, queryset=User.objects.all(), many=True
    )
    due_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The day to score by: the experts are reminded before it and after."),
    )


class NamingReplaceExpertSerializer(serializers.Serializer):
    expert = ScopedPrimaryKeyRelatedField(
        scope=experts_taken_off_by,
        queryset=User.objects.all(),
        help_text=_("The expert taken off: one who has not scored the application."),
    )
    replacement = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        queryset=User.objects.all(),
        help_text=_("Who scores in their place (recusal as on assignment)."),
    )
    reason = serializers.CharField(allow_blank=True)
    due_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Empty: the day of the expert replaced, unless it has passed."),
    )


class NamingWithdrawExpertSerializer(serializers.Serializer):
    expert = ScopedPrimaryKeyRelatedField(
        scope=experts_taken_off_by,
        queryset=User.objects.all(),
        help_text=_("The expert taken off: one who has not scored the application."),
    )
    reason = serializers.CharField(allow_blank=True)


class NamingVisitSerializer(serializers.Serializer):
    visited_on = serializers.DateField()
    visitors = serializers.CharField(max_length=300)
    findings = serializers.CharField()


class NamingDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[
            (Status.NAMED, Status.NAMED.label),
            (Status.RECOMMENDED_UPWARD, Status.RECOMMENDED_UPWARD.label),
            (Status.REJECTED, Status.REJECTED.label),
        ]
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class NamingResultSerializer(serializers.Serializer):
    named = serializers.BooleanField()
    list = ScopedPrimaryKeyRelatedField(
        scope=recognition_lists_visible_to,
        source="outside_list",
        queryset=RecognitionList.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NamingReviewSerializer(WritableModelSerializer):
    application = ScopedPrimaryKeyRelatedField(
        scope=naming_applications_visible_to, queryset=NamingApplication.objects.all()
    )
    expert = PersonBriefSerializer(read_only=True)
    scores = serializers.ListField(
        child=serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0),
        help_text=_("Points per rubric line, in the rubric's order."),
    )

    class Meta:
        model = NamingReview
        fields = ["id", "application", "expert", "scores", "total", "comment", "created_at"]
        read_only_fields = ["total", "created_at"]
        validators = []  # one review per expert is the service's 409


class NamingReviewUpdateSerializer(serializers.Serializer):
    scores = serializers.ListField(
        child=serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0),
        required=False,
    )
    comment = serializers.CharField(required=False, allow_blank=True)


class ObjectionSerializer(WritableModelSerializer):
    application = ScopedPrimaryKeyRelatedField(
        scope=naming_applications_visible_to, queryset=NamingApplication.objects.all()
    )
    lodged_by = PersonBriefSerializer(read_only=True)
    status_display = ChoiceLabelField(source="status", choices=Objection.Status.choices)

    class Meta:
        model = Objection
        fields = [
            "id",
            "application",
            "lodged_by",
            "reason",
            "status",
            "status_display",
            "decision_reason",
            "created_at",
        ]
        read_only_fields = ["status", "decision_reason", "created_at"]
        validators = []  # one open objection per person is the service's 409


class ObjectionDecideSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    reject = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("With `upheld`: reject the application instead of sending it back to review."),
    )


# --- Dynamic management ------------------------------------------------------------


class RectificationSerializer(WritableModelSerializer):
    """A rectification: read nested, opened with `studio_id`, `reason`, `plan`
    and `deadline`; closed and de-listed by its actions."""

    studio_id = ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to, source="studio", queryset=Studio.objects.all()
    )
    studio = StudioBriefSerializer(read_only=True)
    opened_by = PersonBriefSerializer(read_only=True)
    status_display = ChoiceLabelField(source="status", choices=Rectification.Status.choices)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "studio_id",
            "studio",
            "status",
            "status_display",
            "status_changed_at",
            "reason",
            "plan",
            "opened_on",
            "opened_by",
            "deadline",
            "checked_on",
            "output_found",
            "output",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "status_changed_at",
            "opened_on",
            "checked_on",
            "output_found",
            "output",
            "created_at",
        ]
        validators = []  # one open rectification per studio is the service's 409


class RectificationCloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RectificationDelistSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    close_studio = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Also revoke the studio (else it goes back to established)."),
    )


class ReReviewSerializer(WritableModelSerializer):
    """This year's re-review of a studio named long ago: `outcome` kept,
    rectify (with `plan` and `deadline`) or delist (`close_studio` to revoke it
    too); rectify and delist need the `reason`."""

    studio_id = ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to, source="studio", queryset=Studio.objects.all()
    )
    studio = StudioBriefSerializer(read_only=True)
    decided_by = PersonBriefSerializer(read_only=True)
    outcome_display = ChoiceLabelField(source="outcome", choices=ReReview.Outcome.choices)
    plan = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")
    deadline = serializers.DateField(write_only=True, required=False, allow_null=True, default=None)
    close_studio = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = ReReview
        fields = [
            "id",
            "studio_id",
            "studio",
            "year",
            "outcome",
            "outcome_display",
            "reason",
            "rectification",
            "plan",
            "deadline",
            "close_studio",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = ["year", "rectification", "decided_at"]
        validators = []  # once a year per studio is the service's 409


class ReReviewDueSerializer(serializers.Serializer):
    """A studio due for this year's re-review."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    org_unit = UnitBriefSerializer()
    named_year = serializers.IntegerField(help_text=_("The year of its first title still held."))
