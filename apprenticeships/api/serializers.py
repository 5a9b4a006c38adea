from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.models import OrgUnit
from accounts.selectors import org_units_visible_to, people_visible_to
from apprenticeships.models import Evaluation, Milestone, Pairing, Session
from apprenticeships.selectors import pairings_visible_to
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.read_only import WritableModelSerializer
from core.api.serializers import PersonBriefSerializer, StudioBriefSerializer, UnitBriefSerializer
from studios.models import Studio
from studios.selectors import studios_visible_to

User = get_user_model()


class PairingSerializer(WritableModelSerializer):
    mentor = PersonBriefSerializer(read_only=True)
    mentor_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        source="mentor",
        queryset=User.objects.all(),
        write_only=True,
        label=gettext_lazy("Mentor"),
    )
    apprentice = PersonBriefSerializer(read_only=True)
    apprentice_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        source="apprentice",
        queryset=User.objects.all(),
        write_only=True,
        label=gettext_lazy("Apprentice"),
    )
    studio = StudioBriefSerializer(read_only=True, allow_null=True)
    studio_id = ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to,
        source="studio",
        queryset=Studio.objects.all(),
        write_only=True,
        required=False,
        allow_null=True,
        label=gettext_lazy("Studio"),
    )
    org_unit = UnitBriefSerializer(read_only=True)
    org_unit_id = ScopedPrimaryKeyRelatedField(
        scope=org_units_visible_to,
        source="org_unit",
        queryset=OrgUnit.objects.all(),
        write_only=True,
        required=False,
        allow_null=True,
        label=gettext_lazy("Org unit"),
    )
    at_risk = serializers.BooleanField(read_only=True, label=gettext_lazy("At risk"))
    last_session_on = serializers.DateField(read_only=True, allow_null=True)
    has_overdue_step = serializers.BooleanField(
        read_only=True, label=gettext_lazy("A step of the plan is past due")
    )

    class Meta:
        model = Pairing
        fields = [
            "id",
            "mentor",
            "mentor_id",
            "apprentice",
            "apprentice_id",
            "studio",
            "studio_id",
            "org_unit",
            "org_unit_id",
            "starts_on",
            "planned_end_on",
            "target_skill_level",
            "goals",
            "agreement_signed_on",
            "monthly_allowance",
            "status",
            "ended_on",
            "at_risk",
            "last_session_on",
            "has_overdue_step",
            "created_at",
        ]
        read_only_fields = ["status", "ended_on", "created_at"]
        # The services check "one open pairing" with a message naming both people
        # (409), and the database constraint settles races; DRF's own check from
        # the conditional constraint would answer first with a generic 400.
        validators = []


class ActivateSerializer(serializers.Serializer):
    agreement_signed_on = serializers.DateField(required=False, allow_null=True, default=None)


class ExtendSerializer(serializers.Serializer):
    planned_end_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class TerminateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class MilestoneSerializer(WritableModelSerializer):
    pairing_id = ScopedPrimaryKeyRelatedField(
        scope=pairings_visible_to,
        source="pairing",
        queryset=Pairing.objects.all(),
        label=gettext_lazy("Pairing"),
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "pairing_id",
            "position",
            "title",
            "skill",
            "method",
            "due_on",
            "done_on",
            "evidence",
        ]
        read_only_fields = ["done_on", "evidence"]
        extra_kwargs = {"position": {"required": False}}


class MarkDoneSerializer(serializers.Serializer):
    evidence = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    done_on = serializers.DateField(required=False, allow_null=True, default=None)


class AttendanceSerializer(serializers.Serializer):
    pairing_id = serializers.IntegerField(read_only=True)
    apprentice = PersonBriefSerializer(source="pairing.apprentice", read_only=True)
    confirmed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SessionSerializer(WritableModelSerializer):
    mentor = PersonBriefSerializer(read_only=True)
    pairing_ids = ScopedPrimaryKeyRelatedField(
        scope=pairings_visible_to,
        source="pairings",
        queryset=Pairing.objects.all(),
        many=True,
        write_only=True,
        label=gettext_lazy("Pairings"),
    )
    attendances = AttendanceSerializer(many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "mentor",
            "pairing_ids",
            "attendances",
            "held_on",
            "hours",
            "format",
            "topic",
            "notes",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class EvaluationSerializer(WritableModelSerializer):
    pairing_id = ScopedPrimaryKeyRelatedField(
        scope=pairings_visible_to,
        source="pairing",
        queryset=Pairing.objects.all(),
        label=gettext_lazy("Pairing"),
    )
    evaluator = PersonBriefSerializer(read_only=True)
    average = serializers.DecimalField(max_digits=4, decimal_places=1, read_only=True)
    period = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "pairing_id",
            "level",
            "period",
            "evaluator",
            "evaluated_on",
            "theory",
            "practice",
            "safety",
            "attitude",
            "innovation",
            "average",
            "comment",
            "outcome",
            "skill_level_reached",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []  # one per period, one passed final: the service's 409
        extra_kwargs = {
            "evaluated_on": {"required": False},
            "outcome": {"required": False},
            "skill_level_reached": {"required": False},
        }
