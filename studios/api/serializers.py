from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit
from accounts.selectors import org_units_visible_to, people_visible_to
from core.api.fields import ChoiceLabelField, ScopedPrimaryKeyRelatedField
from core.api.read_only import RefuseReadOnlyFields, WritableModelSerializer
from core.api.serializers import PersonBriefSerializer, StateEventSerializer, UnitBriefSerializer
from core.numbers import percent
from studios.models import Assessment, Honour, Membership, RecognitionList, Studio
from studios.selectors import studios_visible_to

User = get_user_model()


class StudioSerializer(WritableModelSerializer):
    """Read nested, write by id: `leader_id`, `org_unit_id`."""

    leader = PersonBriefSerializer(read_only=True)
    org_unit = UnitBriefSerializer(read_only=True)
    leader_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        source="leader",
        queryset=User.objects.all(),
        write_only=True,
        label=_("Leader"),
    )
    org_unit_id = ScopedPrimaryKeyRelatedField(
        scope=org_units_visible_to,
        source="org_unit",
        queryset=OrgUnit.objects.all(),
        write_only=True,
        label=_("Org unit"),
    )
    functions = serializers.ListField(
        child=serializers.ChoiceField(choices=Studio.Function.choices),
        required=False,
        allow_empty=True,
    )
    kind_display = ChoiceLabelField(source="kind", choices=Studio.Kind.choices)
    status_display = ChoiceLabelField(source="status", choices=Studio.Status.choices)

    class Meta:
        model = Studio
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "status_changed_at",
            "leader",
            "leader_id",
            "org_unit",
            "org_unit_id",
            "speciality",
            "founded_on",
            "description",
            "site_notes",
            "equipment_notes",
            "functions",
        ]
        read_only_fields = ["status", "status_changed_at"]


class StudioStatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Studio.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StudioEventSerializer(StateEventSerializer):
    pass


class MembershipSerializer(WritableModelSerializer):
    person = PersonBriefSerializer(read_only=True)
    person_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        source="person",
        queryset=User.objects.all(),
        write_only=True,
        label=_("Person"),
    )
    studio_id = ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to, source="studio", queryset=Studio.objects.all(), label=_("Studio")
    )
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        validators = []  # uniqueness is the service's 409, not a 400
        fields = [
            "id",
            "studio_id",
            "person",
            "person_id",
            "role",
            "role_display",
            "joined_on",
            "left_on",
        ]
        read_only_fields = ["left_on"]


class MembershipRoleSerializer(RefuseReadOnlyFields, serializers.Serializer):
    """A membership's edit: only its role; the rest of the record is fixed."""

    ALSO_REFUSED = frozenset({"studio_id", "person", "person_id", "joined_on", "left_on"})

    role = serializers.ChoiceField(choices=Membership.Role.choices)


class MembershipEndSerializer(serializers.Serializer):
    left_on = serializers.DateField(required=False, allow_null=True, default=None)


class RecognitionListSerializer(WritableModelSerializer):
    org_unit_id = ScopedPrimaryKeyRelatedField(
        scope=org_units_visible_to,
        source="org_unit",
        queryset=OrgUnit.objects.all(),
        required=False,
        label=_("Recorded by unit"),
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    ours = serializers.IntegerField(
        read_only=True,
        label=_("Ours on the list"),
        help_text=_("How many of the studios or people the list names are ours (in `org_unit`)."),
    )
    share_percent = serializers.SerializerMethodField(
        label=_("Our share (%)"), help_text=_("Our share of the list in per cent, one decimal.")
    )

    class Meta:
        model = RecognitionList
        fields = [
            "id",
            "title",
            "level",
            "level_display",
            "conferred_by",
            "year",
            "total_named",
            "org_unit_id",
            "ours",
            "share_percent",
        ]

    def get_share_percent(self, recognition_list) -> float | None:
        ours = getattr(recognition_list, "ours", None)
        if ours is None:
            return None
        share = percent(ours, recognition_list.total_named)
        return float(share) if share is not None else None


class HonourSerializer(WritableModelSerializer):
    recognition_list_id = serializers.PrimaryKeyRelatedField(
        source="recognition_list", queryset=RecognitionList.objects.all()
    )
    studio_id = ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to,
        source="studio",
        queryset=Studio.objects.all(),
        required=False,
        allow_null=True,
    )
    person = PersonBriefSerializer(read_only=True, allow_null=True)
    person_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        source="person",
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        write_only=True,
    )
    studio_name = serializers.CharField(source="studio.name", read_only=True, default=None)
    level = serializers.CharField(source="recognition_list.level", read_only=True)
    year = serializers.IntegerField(source="recognition_list.year", read_only=True)

    class Meta:
        model = Honour
        validators = []  # uniqueness is the service's 409, not a 400
        fields = [
            "id",
            "recognition_list_id",
            "level",
            "year",
            "studio_id",
            "studio_name",
            "person",
            "person_id",
            "personal_title",
            "conferred_on",
        ]


class AssessmentSerializer(WritableModelSerializer):
    studio_id = ScopedPrimaryKeyRelatedField(
        scope=studios_visible_to, source="studio", queryset=Studio.objects.all()
    )
    assessor = PersonBriefSerializer(read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)

    class Meta:
        model = Assessment
        validators = []  # uniqueness is the service's 409, not a 400
        fields = [
            "id",
            "studio_id",
            "year",
            "score",
            "grade",
            "grade_display",
            "assessor",
            "notes",
            "created_at",
        ]
        read_only_fields = ["created_at"]
