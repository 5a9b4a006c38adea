import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_for_filters
from achievements.models import (
    Achievement,
    Adoption,
    Patent,
    PromotionConference,
    TechnicalProblem,
)
from core.access import column
from core.filters import PickerFilter, SearchFilter, SubtreeFilter, YearFilter
from core.forms import FilterForm


def _studio_filter():
    return PickerFilter(field_name="studio_id", source="studios", label=_("Studio"))


class ProblemFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    studio = _studio_filter()
    org_unit = SubtreeFilter(queryset=org_units_for_filters, unit_field="studio__org_unit")
    category = django_filters.ChoiceFilter(
        choices=TechnicalProblem.Category.choices, label=_("Category"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=TechnicalProblem.Status.choices, label=_("Status"), empty_label=_("All")
    )
    year = YearFilter(field_name="started_on", method="filter_year")

    class Meta:
        model = TechnicalProblem
        form = FilterForm
        fields = ["search", "studio", "org_unit", "category", "status", "year"]

    def filter_year(self, queryset, name, value):
        # The starting date is a detail: only rows the reader may see in full.
        return queryset.filter(started_on__year=int(value), **{column("reads_full"): True})

    def filter_search(self, queryset, name, value):
        # The announcement only: details are not searchable by outsiders.
        return queryset.filter(Q(title__icontains=value) | Q(studio__name__icontains=value))


class AchievementFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    kind = django_filters.ChoiceFilter(
        choices=Achievement.Kind.choices, label=_("Kind"), empty_label=_("All")
    )
    category = django_filters.ChoiceFilter(
        field_name="origin_problem__category",
        choices=TechnicalProblem.Category.choices,
        label=_("Problem category"),
        empty_label=_("All"),
    )
    studio = _studio_filter()
    org_unit = SubtreeFilter(queryset=org_units_for_filters, unit_field="studio__org_unit")
    year = YearFilter(field_name="completed_on")
    benefit_min = django_filters.NumberFilter(
        method="filter_benefit_min", label=_("Annual benefit from (CNY)")
    )
    benefit_max = django_filters.NumberFilter(
        method="filter_benefit_max", label=_("Annual benefit up to (CNY)")
    )
    promotion = django_filters.ChoiceFilter(
        choices=Achievement.Promotion.choices, label=_("Promotion"), empty_label=_("All")
    )

    class Meta:
        model = Achievement
        form = FilterForm
        fields = [
            "search",
            "kind",
            "category",
            "studio",
            "org_unit",
            "year",
            "benefit_min",
            "benefit_max",
            "promotion",
        ]

    def filter_search(self, queryset, name, value):
        """Title, summary and studio; Chinese fragments work (substring match)."""
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(studio__name__icontains=value)
        )

    # The benefit that counts is the verified one once there is one, else the claim.
    def filter_benefit_min(self, queryset, name, value):
        return queryset.filter(
            Q(verified_benefit__gte=value)
            | Q(verified_benefit__isnull=True, claimed_benefit__gte=value)
        )

    def filter_benefit_max(self, queryset, name, value):
        return queryset.filter(
            Q(verified_benefit__lte=value)
            | Q(verified_benefit__isnull=True, claimed_benefit__lte=value)
        )


class AdoptionFilterSet(django_filters.FilterSet):
    achievement = PickerFilter(
        field_name="achievement_id", source="achievements", label=_("Achievement")
    )
    org_unit = SubtreeFilter(queryset=org_units_for_filters)
    year = YearFilter(field_name="adopted_on")

    class Meta:
        model = Adoption
        form = FilterForm
        fields = ["achievement", "org_unit", "year"]


class PatentFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    studio = _studio_filter()
    org_unit = SubtreeFilter(queryset=org_units_for_filters, unit_field="studio__org_unit")
    patent_type = django_filters.ChoiceFilter(
        choices=Patent.Type.choices, label=_("Type"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=Patent.Status.choices, label=_("Status"), empty_label=_("All")
    )
    year = YearFilter(field_name="filed_on", label=_("Year filed"))

    class Meta:
        model = Patent
        form = FilterForm
        fields = ["search", "studio", "org_unit", "patent_type", "status", "year"]

    def filter_search(self, queryset, name, value):
        compact = value.upper().replace(" ", "").removeprefix("ZL").removeprefix("CN")
        return queryset.filter(Q(title__icontains=value) | Q(application_no__icontains=compact))


class ConferenceFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    org_unit = SubtreeFilter(queryset=org_units_for_filters, unit_field="organiser")
    year = YearFilter(field_name="held_on")

    class Meta:
        model = PromotionConference
        form = FilterForm
        fields = ["search", "org_unit", "year"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(name__icontains=value)
