"""Admin for corrections. Statuses and verified benefit are read-only here: they
change only through the services, which keep the history and the lock."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from achievements import patent_numbers
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
from core.admin import ReadOnlyEventInline


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


class ContributorFormSet(forms.BaseInlineFormSet):
    """The admin keeps the rule the services keep: shares add up to 100 %."""

    def clean(self):
        super().clean()
        shares = [
            form.cleaned_data["share"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if shares and sum(shares, Decimal(0)) != 100:
            raise ValidationError(
                _("The shares add up to %(total)s %%, not 100 %%.")
                % {"total": sum(shares, Decimal(0))}
            )


class ContributorInline(admin.TabularInline):
    model = Contributor
    formset = ContributorFormSet
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
        "verified_benefit",
        "verified_by",
        "verified_on",
        "verification_evidence",
        "created_by",
    )
    inlines = [ContributorInline, AdoptionInline]

    def get_readonly_fields(self, request, obj=None):
        # A verified figure locks the claim too, here as on the pages.
        if obj is not None and obj.is_verified:
            return (*self.readonly_fields, "claimed_benefit")
        return self.readonly_fields


class InventorInline(admin.TabularInline):
    model = Inventor
    extra = 0
    autocomplete_fields = ("person",)


class PatentAdminForm(forms.ModelForm):
    class Meta:
        model = Patent
        fields = [
            "application_no",
            "title",
            "patent_type",
            "filed_on",
            "published_on",
            "granted_on",
            "ended_on",
            "holder",
            "studio",
            "achievement",
        ]

    def clean(self):
        cleaned = super().clean()
        number, patent_type = cleaned.get("application_no"), cleaned.get("patent_type")
        if number and patent_type:
            try:
                cleaned["application_no"] = patent_numbers.normalise(number, patent_type)
            except ValidationError as error:
                self.add_error("application_no", error)
        return cleaned


@admin.register(Patent)
class PatentAdmin(admin.ModelAdmin):
    form = PatentAdminForm
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
