"""One FilterSet per naming list, shared by the API and the pages."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_for_filters
from core.filters import IntegerFilter, PickerFilter, SearchFilter, SubtreeFilter
from core.forms import FilterForm
from naming.models import (
    Level,
    NamingApplication,
    NamingCall,
    NamingReview,
    Objection,
    Rectification,
    ReReview,
)
from naming.selectors import naming_calls_visible_to


def _visible_calls(request):
    return naming_calls_visible_to(request.user if request else None)


class NamingCallFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    level = django_filters.ChoiceFilter(
        choices=Level.choices, label=_("Level"), empty_label=_("All")
    )
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)

    class Meta:
        model = NamingCall
        form = FilterForm
        fields = ["search", "level", "year"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(title__icontains=value)


class NamingApplicationFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    call = django_filters.ModelChoiceFilter(
        queryset=_visible_calls, label=_("Call"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=NamingApplication.Status.choices, label=_("Status"), empty_label=_("All")
    )
    level = django_filters.ChoiceFilter(
        field_name="call__level", choices=Level.choices, label=_("Level"), empty_label=_("All")
    )

    class Meta:
        model = NamingApplication
        form = FilterForm
        fields = ["search", "call", "status", "level"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(studio__name__icontains=value)


class NamingReviewFilterSet(django_filters.FilterSet):
    application = django_filters.NumberFilter(field_name="application_id", label=_("Application"))

    class Meta:
        model = NamingReview
        form = FilterForm
        fields = ["application"]


class ObjectionFilterSet(django_filters.FilterSet):
    application = django_filters.NumberFilter(field_name="application_id", label=_("Application"))
    status = django_filters.ChoiceFilter(
        choices=Objection.Status.choices, label=_("Status"), empty_label=_("All")
    )

    class Meta:
        model = Objection
        form = FilterForm
        fields = ["application", "status"]


class RectificationFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    org_unit = SubtreeFilter(queryset=org_units_for_filters, unit_field="studio__org_unit")
    studio = PickerFilter(field_name="studio_id", source="studios", label=_("Studio"))
    status = django_filters.ChoiceFilter(
        choices=Rectification.Status.choices, label=_("Status"), empty_label=_("All")
    )

    class Meta:
        model = Rectification
        form = FilterForm
        fields = ["search", "org_unit", "studio", "status"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(studio__name__icontains=value) | Q(studio__code__icontains=value))


class ReReviewFilterSet(django_filters.FilterSet):
    studio = PickerFilter(field_name="studio_id", source="studios", label=_("Studio"))
    year = IntegerFilter(label=_("Year"), min_value=2000, max_value=2100)
    outcome = django_filters.ChoiceFilter(
        choices=ReReview.Outcome.choices, label=_("Outcome"), empty_label=_("All")
    )

    class Meta:
        model = ReReview
        form = FilterForm
        fields = ["studio", "year", "outcome"]
