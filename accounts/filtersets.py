import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, RoleGrant, SkillLevel, User
from accounts.selectors import org_units_for_filters
from core.filters import PickerFilter, SearchFilter, SubtreeFilter
from core.forms import FilterForm


class OrgUnitFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    org_unit = SubtreeFilter(queryset=org_units_for_filters, unit_field=None)
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
    search = SearchFilter()
    org_unit = SubtreeFilter(queryset=org_units_for_filters)
    skill_level = django_filters.ChoiceFilter(
        choices=SkillLevel.choices, label=_("Skill level"), empty_label=_("All")
    )

    class Meta:
        model = User
        form = FilterForm
        fields = ["search", "org_unit", "skill_level"]

    def filter_search(self, queryset, name, value):
        """Name, employee number or post (Chinese fragments work: substring
        match), or the start of the name in pinyin or its initials (zhangs, zs)."""
        lowered = value.strip().lower()
        pinyin = Q(name_pinyin__startswith=lowered) | Q(name_initials__startswith=lowered)
        return queryset.filter(
            Q(full_name__icontains=value)
            | Q(employee_no__icontains=value)
            | Q(post__icontains=value)
            | (pinyin if lowered.isascii() and lowered.isalnum() else Q(pk__in=[]))
        )


class RoleGrantFilterSet(django_filters.FilterSet):
    """Union-official grants: over a unit and the units below it, or held by one
    person (picked by name, pinyin or employee number)."""

    org_unit = SubtreeFilter(queryset=org_units_for_filters)
    user = PickerFilter(field_name="user_id", source="people", label=_("Person"))

    class Meta:
        model = RoleGrant
        form = FilterForm
        fields = ["org_unit", "user"]
