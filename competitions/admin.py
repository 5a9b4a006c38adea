from django.contrib import admin

from competitions.models import (
    Award,
    AwardGrade,
    Campaign,
    CampaignReviewer,
    CoAuthor,
    Criterion,
    Proposal,
    ProposalEvent,
)
from core.admin import ReadOnlyEventInline


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class AwardGradeInline(admin.TabularInline):
    """Prize grades, quotas and amounts: locked once the campaign has awards,
    here as in the services."""

    model = AwardGrade
    extra = 0

    def _awarded(self, campaign) -> bool:
        return campaign is not None and Award.objects.filter(proposal__campaign=campaign).exists()

    def get_readonly_fields(self, request, obj=None):
        if self._awarded(obj):
            return ("grade", "quota", "amount")
        return super().get_readonly_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        return not self._awarded(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._awarded(obj) and super().has_delete_permission(request, obj)


class CampaignReviewerInline(admin.TabularInline):
    model = CampaignReviewer
    extra = 0
    autocomplete_fields = ["person", "added_by"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "org_unit", "opens_at", "closes_at", "blind_review"]
    list_filter = ["year", "blind_review"]
    search_fields = ["name"]
    autocomplete_fields = ["org_unit", "created_by"]
    inlines = [CriterionInline, AwardGradeInline, CampaignReviewerInline]


class CoAuthorInline(admin.TabularInline):
    model = CoAuthor
    extra = 0
    autocomplete_fields = ["person"]


class ProposalEventInline(ReadOnlyEventInline):
    model = ProposalEvent


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """For support staff: states move through the services (pages and API), so
    status, code and authorship are read-only here."""

    list_display = ["code", "title", "category", "status", "author", "campaign"]
    list_filter = ["status", "category", "campaign"]
    search_fields = ["code", "title", "author__full_name", "author__employee_no"]
    list_select_related = ["author", "campaign"]
    readonly_fields = [
        "code",
        "status",
        "status_changed_at",
        "author",
        "org_unit",
        "entered_by",
        "submitted_at",
        "created_at",
        "updated_at",
        "duplicate_of",
        # The office's decisions and figures, set and locked through the services.
        "score",
        "decided_at",
        "decision_reason",
        "implemented_on",
        "implementing_department",
        "achievement",
        "verified_benefit",
        "verification_evidence",
        "verified_by",
        "verified_on",
    ]
    autocomplete_fields = ["studio", "origin_problem", "related_to"]
    inlines = [CoAuthorInline, ProposalEventInline]
