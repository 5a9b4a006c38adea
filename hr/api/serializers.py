from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit
from accounts.selectors import org_units_managed_by
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.read_only import WritableModelSerializer
from core.api.serializers import PersonBriefSerializer
from hr.models import ImportRun
from hr.selectors import ImportAccess, import_access


class ImportRequestSerializer(serializers.Serializer):
    """The upload: `kind`, `file`, `mode` and, optionally, the unit it covers."""

    kind = serializers.ChoiceField(choices=ImportRun.Kind.choices)
    mode = serializers.ChoiceField(choices=ImportRun.Mode.choices, default=ImportRun.Mode.UPSERT)
    file = serializers.FileField()
    org_unit = ScopedPrimaryKeyRelatedField(
        scope=org_units_managed_by,
        queryset=OrgUnit.objects.all(),
        required=False,
        allow_null=True,
        label=_("Org unit (and below)"),
        help_text=_("A unit you manage; by default the top of your widest grant."),
    )


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    key = serializers.CharField()
    message = serializers.CharField()


class ImportRunSerializer(WritableModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    requested_by = PersonBriefSerializer(read_only=True)
    errors = ImportErrorSerializer(many=True, read_only=True)
    can_confirm = serializers.SerializerMethodField()
    errors_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "mode",
            "org_unit",
            "org_unit_name",
            "file_name",
            "requested_by",
            "status",
            "progress",
            "attempt",
            "counts",
            "errors",
            "changes",
            "open_work",
            "error",
            "created_at",
            "previewed_at",
            "confirmed_at",
            "finished_at",
            "can_confirm",
            "errors_url",
        ]
        read_only_fields = fields

    def _access(self, run) -> ImportAccess:
        request = self.context.get("request")
        return import_access(request.user, run) if request else ImportAccess()

    def get_can_confirm(self, run) -> bool:
        return self._access(run).confirm and run.status == ImportRun.Status.PREVIEW_READY

    def get_errors_url(self, run) -> str | None:
        return reverse("api:import-errors", args=[run.pk]) if run.error_file else None
