import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_for_filters
from core.filters import PickerFilter, SearchFilter, SubtreeFilter, TrueOrFalseFilter, YearFilter
from core.forms import FilterForm
from showcase.models import Story


class StoryFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    form = django_filters.ChoiceFilter(
        choices=Story.Form.choices, label=_("Form"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=Story.Status.choices, label=_("Status"), empty_label=_("All")
    )
    person = PickerFilter(
        field_name="people", source="people", label=_("About person"), distinct=True
    )
    studio = PickerFilter(
        field_name="studios", source="studios", label=_("About studio"), distinct=True
    )
    org_unit = SubtreeFilter(queryset=org_units_for_filters)
    year = YearFilter(field_name="published_on", label=_("Year published"))
    featured = TrueOrFalseFilter(label=_("Featured"))

    class Meta:
        model = Story
        form = FilterForm
        fields = ["search", "form", "status", "person", "studio", "org_unit", "year", "featured"]

    def filter_search(self, queryset, name, value):
        """A fragment of the title, summary, creator or text (Chinese included)."""
        return queryset.filter(
            Q(title__icontains=value)
            | Q(summary__icontains=value)
            | Q(creator__icontains=value)
            | Q(body__icontains=value)
        )
