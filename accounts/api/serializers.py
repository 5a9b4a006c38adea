from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit, User
from accounts.selectors import PersonAccess, person_access


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField(help_text=_("Id of the parent unit."))

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "code", "kind", "depth", "parent"]

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
        request = self.context.get("request")
        access = person_access(request.user, person) if request else PersonAccess()
        if not access.private:
            for field in self.PRIVATE_FIELDS:
                data.pop(field, None)
        return data


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
