"""Admin for correcting what the pages cannot (a wrong honour, a mistyped date).

Status is read-only here: it moves only through the services, which keep the
history; fixes to history belong to the database administrator."""

from django.contrib import admin

from core.admin import ReadOnlyEventInline
from studios.models import Assessment, Honour, Membership, RecognitionList, Studio, StudioEvent


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("person",)


class StudioEventInline(ReadOnlyEventInline):
    model = StudioEvent


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "status", "org_unit", "leader", "founded_on")
    list_filter = ("status", "kind")
    list_select_related = ("org_unit", "leader")
    search_fields = ("code", "name", "speciality")
    autocomplete_fields = ("leader", "org_unit")
    readonly_fields = ("status", "status_changed_at")
    inlines = [MembershipInline, StudioEventInline]


class HonourInline(admin.TabularInline):
    model = Honour
    extra = 0
    autocomplete_fields = ("studio", "person")


@admin.register(RecognitionList)
class RecognitionListAdmin(admin.ModelAdmin):
    list_display = ("title", "level", "year", "conferred_by", "total_named")
    list_filter = ("level", "year")
    search_fields = ("title", "conferred_by")
    autocomplete_fields = ("org_unit",)
    inlines = [HonourInline]


@admin.register(Honour)
class HonourAdmin(admin.ModelAdmin):
    list_display = ("recognition_list", "studio", "person", "personal_title", "conferred_on")
    list_select_related = ("recognition_list", "studio", "person")
    list_filter = ("recognition_list__level", "personal_title")
    autocomplete_fields = ("recognition_list", "studio", "person")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("studio", "person", "role", "joined_on", "left_on")
    list_select_related = ("studio", "person")
    list_filter = ("role",)
    search_fields = ("studio__name", "person__full_name", "person__employee_no")
    autocomplete_fields = ("studio", "person")


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("studio", "year", "score", "grade", "assessor")
    list_select_related = ("studio", "assessor")
    list_filter = ("year", "grade")
    search_fields = ("studio__name", "studio__code")
    autocomplete_fields = ("studio", "assessor")
