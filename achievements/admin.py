"""Admin for corrections. Statuses and verified benefit are read-only here: they
change only through the services, which keep the history and the lock."""

from django.contrib import admin

from achievements.models import (
    Achievement,
    Adoption,
    Contributor,
    Inventor,
    Patent,
    PatentEvent,
    ProblemEvent,
    PromotionConference,
    TechnicalProblem,
)


class ReadOnlyEventInline(admin.TabularInline):
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "from_state", "to_state", "note")

    def has_add_permission(self, request, obj=None):
        return False


class ProblemEventInline(ReadOnlyEventInline):
    model = ProblemEvent


class PatentEventInline(ReadOnlyEventInline):
    model = PatentEvent


@admin.register(TechnicalProblem)
class TechnicalProblemAdmin(admin.ModelAdmin):
    list_display = ("title", "studio", "category", "status", "started_on", "solved_on")
    list_filter = ("status", "category")
    list_select_related = ("studio",)
    search_fields = ("title", "studio__name")
    autocomplete_fields = ("studio", "team")
    readonly_fields = ("status", "status_changed_at", "created_by")
    inlines = [ProblemEventInline]


class ContributorInline(admin.TabularInline):
    model = Contributor
    extra = 0
    autocomplete_fields = ("person",)


class AdoptionInline(admin.TabularInline):
    model = Adoption
    extra = 0
    autocomplete_fields = ("org_unit",)
    readonly_fields = ("recorded_by",)


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ("title", "studio", "kind", "completed_on", "promotion", "verified_benefit")
    list_filter = ("kind", "promotion")
    list_select_related = ("studio",)
    search_fields = ("title", "studio__name")
    autocomplete_fields = ("studio", "origin_problem")
    readonly_fields = (
        "verified_benefit", "verified_by", "verified_on", "verification_evidence", "created_by",
    )  # fmt: skip
    inlines = [ContributorInline, AdoptionInline]


class InventorInline(admin.TabularInline):
    model = Inventor
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Patent)
class PatentAdmin(admin.ModelAdmin):
    list_display = ("application_no", "title", "patent_type", "status", "filed_on", "granted_on")
    list_filter = ("patent_type", "status")
    list_select_related = ("studio",)
    search_fields = ("application_no", "title", "studio__name")
    autocomplete_fields = ("studio", "achievement")
    readonly_fields = ("status", "status_changed_at", "created_by")
    inlines = [InventorInline, PatentEventInline]


@admin.register(PromotionConference)
class PromotionConferenceAdmin(admin.ModelAdmin):
    list_display = ("name", "held_on", "organiser")
    search_fields = ("name",)
    autocomplete_fields = ("organiser", "achievements")
