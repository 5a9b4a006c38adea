"""Admin for correcting what the pages cannot (a mistyped deadline). Status is
read-only here: it moves only through the services, which keep the history."""

from django.contrib import admin

from core.admin import ReadOnlyEventInline
from naming.models import (
    ExpertAssignment,
    NamingApplication,
    NamingApplicationEvent,
    NamingCall,
    Rectification,
    RectificationEvent,
    ReReview,
)


@admin.register(NamingCall)
class NamingCallAdmin(admin.ModelAdmin):
    list_display = ("title", "level", "year", "org_unit", "deadline", "quota")
    list_filter = ("level", "year")
    list_select_related = ("org_unit",)
    search_fields = ("title",)
    autocomplete_fields = ("org_unit",)
    readonly_fields = ("recognition_list", "created_by")


class NamingApplicationEventInline(ReadOnlyEventInline):
    model = NamingApplicationEvent


class ExpertAssignmentInline(admin.TabularInline):
    """The experts asked, and those taken off with who, when and why: asked,
    replaced and withdrawn through the services only, read-only here."""

    model = ExpertAssignment
    fk_name = "application"
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "expert",
        "assigned_by",
        "assigned_at",
        "ended_at",
        "ended_by",
        "end_reason",
        "successor",
    )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(NamingApplication)
class NamingApplicationAdmin(admin.ModelAdmin):
    list_display = ("studio", "call", "status", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("studio", "call")
    search_fields = ("studio__name", "studio__code")
    readonly_fields = (
        "call",
        "studio",
        "applicant",
        "status",
        "status_changed_at",
        "facts",
        "overridden_by",
        "outside_list",
    )
    inlines = [ExpertAssignmentInline, NamingApplicationEventInline]


class RectificationEventInline(ReadOnlyEventInline):
    model = RectificationEvent


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ("studio", "status", "opened_on", "deadline", "checked_on", "output_found")
    list_filter = ("status",)
    list_select_related = ("studio",)
    search_fields = ("studio__name", "studio__code")
    readonly_fields = (
        "studio",
        "status",
        "status_changed_at",
        "opened_by",
        "opened_on",
        "checked_on",
        "output_found",
        "output",
    )
    inlines = [RectificationEventInline]


@admin.register(ReReview)
class ReReviewAdmin(admin.ModelAdmin):
    list_display = ("studio", "year", "outcome", "decided_by", "decided_at")
    list_filter = ("year", "outcome")
    list_select_related = ("studio", "decided_by")
    search_fields = ("studio__name", "studio__code")
    readonly_fields = ("studio", "year", "outcome", "rectification", "decided_by", "decided_at")
