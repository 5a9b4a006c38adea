import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, SkillLevel, User
from accounts.selectors import org_units_visible_to
from core.filters import SubtreeFilter
from core.forms import FilterForm


def _visible_units(request):
    return org_units_visible_to(request.user) if request else OrgUnit.objects.none()


class OrgUnitFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label=_("Search"), widget=forms.SearchInput
    )
    org_unit = SubtreeFilter(queryset=_visible_units, unit_field=None)
    kind = django_filters.ChoiceFilter(
        choices=OrgUnit.Kind.choices, label=_("Kind"), empty_label=_("All")
    )

    class Meta:
        model = OrgUnit
        form = FilterForm
        fields = ["search", "org_unit", "kind"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class PersonFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", label=_("Search"), widget=forms.SearchInput
    )
    org_unit = SubtreeFilter(queryset=_visible_units)
    skill_level = django_filters.ChoiceFilter(
        choices=SkillLevel.choices, label=_("Skill level"), empty_label=_("All")
    )

    class Meta:
        model = User
        form = FilterForm
        fields = ["search", "org_unit", "skill_level"]

    def filter_search(self, queryset, name, value):
        """Name, employee number or post; Chinese fragments work (substring match)."""
        return queryset.filter(
            Q(full_name__icontains=value)
            | Q(employee_no__icontains=value)
            | Q(post__icontains=value)
        )
