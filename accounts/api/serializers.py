from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit, RoleGrant, User
from accounts.selectors import (
    PersonAccess,
    org_units_managed_by,
    people_visible_to,
    person_access,
)
from accounts.services import EDITABLE_PERSON_FIELDS
from accounts.sheets import SheetFormat
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.read_only import WritableModelSerializer


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField(help_text=_("Id of the parent unit."))

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "code", "kind", "depth", "parent"]
        # An export shows a unit by name and code; its place in the tree is the system's.
        export_skip = ("depth", "parent")

    def get_parent(self, unit: OrgUnit) -> int | None:
        # Resolved in the database by the viewset's annotation, not per row.
        return getattr(unit, "parent_id", None)


class OrgUnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "code"]


class PersonSerializer(serializers.ModelSerializer):
    """A directory entry; `phone` and `email` appear only for oneself and for
    officials over the person (`PersonAccess.private`); without a request to
    say who reads, they are left out."""

    PRIVATE_FIELDS = ("phone", "email")

    org_unit = OrgUnitBriefSerializer(read_only=True)
    skill_level_display = serializers.CharField(source="get_skill_level_display", read_only=True)
    phone = serializers.CharField(
        read_only=True, required=False, help_text=_("Only for oneself and officials in scope.")
    )
    email = serializers.EmailField(
        read_only=True, required=False, help_text=_("Only for oneself and officials in scope.")
    )

    class Meta:
        model = User
        fields = [
            "id",
            "employee_no",
            "full_name",
            "org_unit",
            "post",
            "skill_level",
            "skill_level_display",
            "phone",
            "email",
        ]

    def to_representation(self, person: User) -> dict:
        data = super().to_representation(person)
        for field in self.hidden_fields(person):
            data.pop(field, None)
        return data

    def hidden_fields(self, person) -> tuple[str, ...]:
        """What this reader may not see of `person`, left out of the answer and
        blank in a list's export (core/export_columns.py)."""
        request = self.context.get("request")
        access = person_access(request.user, person) if request else PersonAccess()
        return () if access.private else self.PRIVATE_FIELDS


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Employee number"))
    password = serializers.CharField(
        label=_("Password"), style={"input_type": "password"}, trim_whitespace=False
    )

    def validate(self, attrs):
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                _("Unable to sign in with the employee number and password given."),
                code="authorization",
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class PersonWriteSerializer(WritableModelSerializer):
    """A person as an official adds or corrects them; the unit is one they manage."""

    org_unit = ScopedPrimaryKeyRelatedField(
        scope=org_units_managed_by, queryset=OrgUnit.objects.all(), label=_("Org unit")
    )

    class Meta:
        model = User
        fields = ["employee_no", *EDITABLE_PERSON_FIELDS]
        # The services check uniqueness and say so in the office's words.
        extra_kwargs = {"employee_no": {"validators": []}}


class PeopleActivateSerializer(serializers.Serializer):
    """`{"ids": [...]}` or `{"org_unit": id}`: whom to give one-time passwords;
    `sheet_format`: the slips as XLSX (the default) or as a PDF to print."""

    ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    org_unit = ScopedPrimaryKeyRelatedField(
        scope=org_units_managed_by, queryset=OrgUnit.objects.all(), required=False
    )
    sheet_format = serializers.ChoiceField(
        choices=SheetFormat.choices, default=SheetFormat.XLSX, required=False
    )

    def validate(self, data):
        if bool(data.get("ids")) == bool(data.get("org_unit")):
            raise serializers.ValidationError(_("Send either ids or org_unit."))
        return data


class RoleGrantSerializer(WritableModelSerializer):
    user = ScopedPrimaryKeyRelatedField(scope=people_visible_to, queryset=User.objects.all())
    org_unit = ScopedPrimaryKeyRelatedField(
        scope=org_units_managed_by, queryset=OrgUnit.objects.all()
    )
    user_name = serializers.CharField(source="user.full_name", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "user", "user_name", "role", "org_unit", "org_unit_name", "granted_at"]
        read_only_fields = ["role", "granted_at"]
        validators = []


class OneTimePasswordSerializer(serializers.Serializer):
    one_time_password = serializers.CharField()
