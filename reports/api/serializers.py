"""The dashboard's figures as JSON (`/api/v1/stats/overview/`), described field
by field so the OpenAPI schema documents them."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit
from accounts.selectors import org_units_managed_by
from competitions.models import Campaign
from competitions.selectors import campaigns_managed_by
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.read_only import WritableModelSerializer
from core.api.serializers import PersonBriefSerializer, UnitBriefSerializer
from reports.models import ReportRun
from reports.selectors import ReportRunAccess, report_run_access


class OverviewQuerySerializer(serializers.Serializer):
    org_unit = ScopedPrimaryKeyRelatedField(
        scope=org_units_managed_by,
        queryset=OrgUnit.objects.all(),
        required=False,
        allow_null=True,
        label=_("Org unit (and below)"),
        help_text=_("A unit you manage; by default the top of your widest grant."),
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)

    def scope_arguments(self) -> dict:
        data = self.validated_data
        unit = data.get("org_unit")
        return {
            "unit_id": unit.pk if unit else None,
            "year": data.get("year") or timezone.localdate().year,
        }


class CountRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class AwardRowSerializer(CountRowSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class UnitCountSerializer(serializers.Serializer):
    unit = UnitBriefSerializer()
    count = serializers.IntegerField()


class ShareRowSerializer(serializers.Serializer):
    level = serializers.CharField()
    level_display = serializers.CharField()
    year = serializers.IntegerField()
    ours = serializers.IntegerField(source="share.ours")
    total = serializers.IntegerField(source="share.total")
    percent = serializers.DecimalField(
        source="share.percent", max_digits=5, decimal_places=1, allow_null=True
    )


class StudioFiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_status = CountRowSerializer(many=True)
    by_kind = CountRowSerializer(many=True)
    named_by_level = CountRowSerializer(many=True)
    shares = ShareRowSerializer(many=True)
    assessments_by_grade = CountRowSerializer(many=True)
    in_rectification = serializers.IntegerField()
    # Kept figures computed before the dormancy rule have no such figure yet
    # (until their next recomputation): left out rather than a wrong zero.
    dormant = serializers.IntegerField(
        required=False, help_text=_("Studios flagged dormant: no output for a year.")
    )


class OutputFiguresSerializer(serializers.Serializer):
    problems_opened = serializers.IntegerField()
    problems_solved = serializers.IntegerField()
    opened_by_category = CountRowSerializer(many=True)
    solved_by_category = CountRowSerializer(many=True)
    achievements = serializers.IntegerField()
    achievements_by_kind = CountRowSerializer(many=True)
    patents_by_type = CountRowSerializer(many=True)
    patents_by_status = CountRowSerializer(many=True)
    claimed_benefit = serializers.DecimalField(max_digits=16, decimal_places=2)
    verified_benefit = serializers.DecimalField(max_digits=16, decimal_places=2)
    adoptions_outside = serializers.IntegerField()


class FiveSmallFiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_category = CountRowSerializer(many=True)
    by_status = CountRowSerializer(many=True)
    by_unit = UnitCountSerializer(many=True)
    headcount = serializers.IntegerField(help_text=_("Workers in scope (officials not counted)."))
    entrants = serializers.IntegerField(help_text=_("Distinct authors and co-authors."))
    participation = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    per_hundred = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    approval_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    implementation_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    verified_benefit = serializers.DecimalField(max_digits=16, decimal_places=2)
    awards_by_grade = AwardRowSerializer(many=True)
    median_days_to_decision = serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True
    )


class MentoringFiguresSerializer(serializers.Serializer):
    active = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    completed = serializers.IntegerField()
    skill_rises = serializers.IntegerField()


class TrendFiguresSerializer(serializers.Serializer):
    proposals = serializers.ListField(child=serializers.IntegerField())
    achievements = serializers.ListField(child=serializers.IntegerField())
    problems_solved = serializers.ListField(child=serializers.IntegerField())


class RankedStudioSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    code = serializers.CharField()
    achievements_count = serializers.IntegerField()
    patents_count = serializers.IntegerField()


class RankingFiguresSerializer(serializers.Serializer):
    units_by_proposals = UnitCountSerializer(many=True)
    units_by_achievements = UnitCountSerializer(many=True)
    studios = RankedStudioSerializer(many=True)


class OverviewSerializer(serializers.Serializer):
    unit = UnitBriefSerializer()
    year = serializers.IntegerField()
    studios = StudioFiguresSerializer()
    outputs = OutputFiguresSerializer()
    five_small = FiveSmallFiguresSerializer()
    mentoring = MentoringFiguresSerializer()
    trends = TrendFiguresSerializer(help_text=_("Twelve numbers, January to December."))
    rankings = RankingFiguresSerializer()
    as_of = serializers.DateTimeField(
        help_text=_(
            "When these figures were computed. They are kept ready and recomputed "
            "within minutes of a change to the records they count."
        )
    )


class ReportRunSerializer(WritableModelSerializer):
    """`{"kind", "org_unit", "year"}` as the issue names them: the unit and the
    campaign are ids, read and written; `org_unit_name` says which unit."""

    org_unit = ScopedPrimaryKeyRelatedField(
        scope=org_units_managed_by,
        queryset=OrgUnit.objects.all(),
        required=False,
        allow_null=True,
        label=_("Org unit (and below)"),
        help_text=_("A unit you manage; by default the top of your widest grant."),
    )
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    campaign = ScopedPrimaryKeyRelatedField(
        scope=campaigns_managed_by,
        queryset=Campaign.objects.all(),
        required=False,
        allow_null=True,
        label=_("Campaign"),
    )
    requested_by = PersonBriefSerializer(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "kind",
            "org_unit",
            "org_unit_name",
            "year",
            "campaign",
            "format",
            "requested_by",
            "status",
            "progress",
            "attempt",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = [
            "status",
            "progress",
            "attempt",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_download_url(self, run) -> str | None:
        # Without a request to say who reads, no link (fail closed).
        request = self.context.get("request")
        access = report_run_access(request.user, run) if request else ReportRunAccess()
        if not access.download:
            return None
        return reverse("api:report-run-download", args=[run.pk])
