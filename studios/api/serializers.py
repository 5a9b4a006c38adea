from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit
from accounts.selectors import org_units_visible_to, people_visible_to
from core.api.fields import ChoiceLabelField, ScopedPrimaryKeyRelatedField
from core.api.read_only import RefuseReadOnlyFields, WritableModelSerializer
from core.api.serializers import PersonBriefSerializer, StateEventSerializer, UnitBriefSerializer
from core.numbers import percent
from studios.models import Assessment, Honour, Membership, RecognitionList, Studio
from studios.selectors import HonourAccess, honour_access, studios_visible_to

User = get_user_model()


class StudioSerializer(WritableModelSerializer):
    """Read nested, write by id: `leader_id`, `org_unit_id`."""

    leader = PersonBriefSerializer(read_only=True)
    org_unit = UnitBriefSerializer(read_only=True)
    # The studio's own leader is taken back unchanged though the writer may not
    # see them (a leader from another company): a client sends what it read.
    leader_id = ScopedPrimaryKeyRelatedField(
        scope=people_visible_to,
        kept=lambda studio: [studio.leader_id],
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
    """An honour and, once revoked (摘牌), when (for whoever sees the honour),
    why (for its studio's officials and members) and by whom (for the officials
    over the studio); null for the others (docs/naming.md#de-listing)."""

    # The access facts `hidden_fields` reads: what a list's export selects.
    HIDING_FACTS = ("manages", "insider")

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
    # Labelled, so the export's headers are in the reader's language too.
    studio_name = serializers.CharField(
        source="studio.name", read_only=True, default=None, label=_("Studio name")
    )
    level = serializers.CharField(source="recognition_list.level", read_only=True, label=_("Level"))
    year = serializers.IntegerField(source="recognition_list.year", read_only=True, label=_("Year"))
    revoked_reason = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("For the studio's officials and current members; null for others."),
    )
    revoked_by = PersonBriefSerializer(
        read_only=True,
        allow_null=True,
        help_text=_("For the officials over the studio; null for others."),
    )
    certificate_url = serializers.SerializerMethodField(
        help_text=_(
            "Where the reader downloads its certificate: null unless they may, or once "
            "it is revoked."
        )
    )

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
            "revoked_on",
            "revoked_reason",
            "revoked_by",
            "certificate_url",
        ]
        # A link for the screen, not a figure to file.
        export_skip = ("certificate_url",)

    def to_representation(self, honour):
        data = super().to_representation(honour)
        for name in self.hidden_fields(honour):
            data[name] = None
        return data

    def hidden_fields(self, honour) -> tuple[str, ...]:
        """What this reader may not see of `honour`: null in the answer, blank
        in a list's export (core/export_columns.py)."""
        request = self.context.get("request")
        access = (
            honour_access(request.user, honour, only=self.HIDING_FACTS)
            if request
            else HonourAccess()
        )
        hidden = () if access.insider else ("revoked_reason",)
        return hidden if access.manages else (*hidden, "revoked_by")

    def get_certificate_url(self, honour) -> str | None:
        request = self.context.get("request")
        if request is None or honour.revoked_on is not None:
            return None
        if not honour_access(request.user, honour, only=("certifies",)).certifies:
            return None
        return reverse("api:honour-certificate", args=[honour.pk])


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
