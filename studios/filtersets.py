import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_for_filters
from core.filters import (
    IdFilter,
    PickerFilter,
    SearchFilter,
    SubtreeFilter,
    TrueOrFalseFilter,
    UniqueOrderingFilter,
    YearFilter,
)
from core.forms import FilterForm
from core.scoping import signed_in
from studios.models import Assessment, Honour, Membership, RecognitionList, Studio
from studios.selectors import honour_counts_q, studio_insiders_q


class StudioFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    org_unit = SubtreeFilter(queryset=org_units_for_filters)
    kind = django_filters.ChoiceFilter(
        choices=Studio.Kind.choices, label=_("Kind"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=Studio.Status.choices, label=_("Status"), empty_label=_("All")
    )
    # Level and year apply to the same honour: "named at provincial level in 2022".
    honour_level = django_filters.ChoiceFilter(
        choices=RecognitionList.Level.choices,
        label=_("Honour level"),
        empty_label=_("All"),
        method="filter_honours",
    )
    year = YearFilter(label=_("Year named"), method="filter_honours")
    dormant = TrueOrFalseFilter(label=_("Dormant (no output for a year)"), method="filter_dormant")
    ordering = UniqueOrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("founded_on", "founded_on"),
            ("status", "status"),
        ),
        label=_("Sort by"),
        empty_label=_("Code"),
        field_labels={
            "code": _("Code"),
            "name": _("Name"),
            "founded_on": _("Founded on"),
            "status": _("Status"),
        },
    )

    class Meta:
        model = Studio
        form = FilterForm
        fields = ["search", "org_unit", "kind", "status", "honour_level", "year", "dormant"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(speciality__icontains=value) | Q(code__icontains=value)
        )

    def filter_dormant(self, queryset, name, value):
        # The flag is internal: it is matched only on studios whose internal
        # records the reader may see (officials over them, their members).
        user = getattr(self.request, "user", None)
        if not signed_in(user):
            return queryset.none() if value else queryset
        if value:
            return queryset.filter(studio_insiders_q(user), dormant_since__isnull=False)
        return queryset.exclude(Q(studio_insiders_q(user), dormant_since__isnull=False))

    def filter_honours(self, queryset, name, value):
        # Applied once for both fields (see filter_queryset).
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        level = self.form.cleaned_data.get("honour_level")
        year = self.form.cleaned_data.get("year")
        if level or year:
            honours = Honour.objects.filter(studio=OuterRef("pk"))
            if level:
                honours = honours.filter(recognition_list__level=level)
            if year:
                honours = honours.filter(recognition_list__year=year)
            # An honour counts as the naming shares and the dashboard count it:
            # a studio that lost its plaque (摘牌) no longer from that year on.
            queryset = queryset.filter(Exists(honours.filter(honour_counts_q())))
        return queryset


# Related-record filters take ids: the base queryset is already scoped, and an id
# outside scope simply matches nothing (a choice field would reveal it exists). People
# and studios are picked by typing on a page (core.filters.PickerFilter).
def _studio_filter() -> PickerFilter:
    return PickerFilter(field_name="studio_id", source="studios", label=_("Studio"))


def _person_filter() -> PickerFilter:
    return PickerFilter(field_name="person_id", source="people", label=_("Person"))


class MembershipFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    studio = _studio_filter()
    person = _person_filter()
    current = TrueOrFalseFilter(
        field_name="left_on", lookup_expr="isnull", label=_("Current members only")
    )

    class Meta:
        model = Membership
        form = FilterForm
        fields = ["search", "studio", "person", "role", "current"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(person__full_name__icontains=value) | Q(studio__name__icontains=value)
        )


class RecognitionListFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    level = django_filters.ChoiceFilter(
        choices=RecognitionList.Level.choices, label=_("Level"), empty_label=_("All")
    )
    year = django_filters.NumberFilter(label=_("Year"), min_value=1950, max_value=2100)

    class Meta:
        model = RecognitionList
        form = FilterForm
        fields = ["search", "level", "year"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(conferred_by__icontains=value))


class HonourFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    recognition_list = IdFilter(field_name="recognition_list_id", label=_("Recognition list"))
    studio = _studio_filter()
    person = _person_filter()
    level = django_filters.ChoiceFilter(
        field_name="recognition_list__level", choices=RecognitionList.Level.choices
    )
    year = django_filters.NumberFilter(
        field_name="recognition_list__year", min_value=1950, max_value=2100
    )
    # Revoked (摘牌) or still held, whatever year: who sees an honour sees that.
    revoked = TrueOrFalseFilter(
        field_name="revoked_on", method="filter_revoked", label=_("Revoked")
    )

    class Meta:
        model = Honour
        form = FilterForm
        fields = [
            "search",
            "recognition_list",
            "studio",
            "person",
            "personal_title",
            "level",
            "year",
            "revoked",
        ]

    def filter_revoked(self, queryset, name, value):
        return queryset.filter(revoked_on__isnull=not value)

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(studio__name__icontains=value)
            | Q(person__full_name__icontains=value)
            | Q(recognition_list__title__icontains=value)
        )


class AssessmentFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    studio = _studio_filter()

    class Meta:
        model = Assessment
        form = FilterForm
        fields = ["search", "studio", "year", "grade"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(studio__name__icontains=value) | Q(notes__icontains=value))
