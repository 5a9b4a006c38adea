from django.contrib import admin

from apprenticeships.models import (
    Evaluation,
    Extension,
    MentorCapacity,
    Milestone,
    Pairing,
    PairingEvent,
)
from apprenticeships.services import pairing_risk_refresh
from core.admin import ReadOnlyEventInline


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class PairingEventInline(ReadOnlyEventInline):
    model = PairingEvent


class ExtensionInline(ReadOnlyEventInline):
    model = Extension
    readonly_fields = ["at", "by", "previous_end_on", "new_end_on", "reason"]


@admin.register(Pairing)
class PairingAdmin(admin.ModelAdmin):
    """Status, term and people change through the services (pages and API)."""

    list_display = ["mentor", "apprentice", "studio", "starts_on", "planned_end_on", "status"]
    list_filter = ["status"]
    search_fields = ["mentor__full_name", "apprentice__full_name", "studio__name"]
    readonly_fields = [
        "mentor",
        "apprentice",
        "studio",
        "org_unit",
        "status",
        "ended_on",
        "created_by",
        "created_at",
        "status_changed_at",
        "last_session_on",
        "next_step_due_on",
        "at_risk_from",
    ]
    inlines = [MilestoneInline, ExtensionInline, PairingEventInline]

    def save_related(self, request, form, formsets, change):
        """The plan and the start edited here go around the services: the
        at-risk columns are recomputed from the saved records."""
        super().save_related(request, form, formsets, change)
        pairing_risk_refresh(pairing_ids=[form.instance.pk])


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    """A record of assessment: read-only (recorded through the service)."""

    list_display = ["pairing", "level", "period", "evaluator", "outcome"]
    list_filter = ["level", "outcome"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(MentorCapacity)
class MentorCapacityAdmin(admin.ModelAdmin):
    list_display = ["org_unit", "max_active_apprentices"]
    autocomplete_fields = ["org_unit"]
