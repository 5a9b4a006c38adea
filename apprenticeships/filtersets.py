import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_for_filters
from apprenticeships.models import Evaluation, Milestone, Pairing, Session
from apprenticeships.selectors import at_risk_condition
from core.filters import (
    IdFilter,
    PickerFilter,
    SearchFilter,
    SubtreeFilter,
    TrueOrFalseFilter,
    TrueOrFalseSelect,
    YearFilter,
)
from core.forms import FilterForm


class PairingFilterSet(django_filters.FilterSet):
    search = SearchFilter()
    status = django_filters.ChoiceFilter(
        choices=Pairing.Status.choices, label=_("Status"), empty_label=_("All")
    )
    at_risk = TrueOrFalseFilter(
        method="filter_at_risk",
        label=_("At risk"),
        widget=TrueOrFalseSelect(
            choices=[("", _("All")), ("true", _("At risk")), ("false", _("On track"))]
        ),
    )
    mentor = PickerFilter(field_name="mentor_id", source="people", label=_("Mentor"))
    apprentice = PickerFilter(field_name="apprentice_id", source="people", label=_("Apprentice"))
    studio = PickerFilter(field_name="studio_id", source="studios", label=_("Studio"))
    org_unit = SubtreeFilter(queryset=org_units_for_filters)
    year = YearFilter(field_name="starts_on", label=_("Year started"))
    ended_year = YearFilter(field_name="ended_on", label=_("Year ended"))

    class Meta:
        model = Pairing
        form = FilterForm
        fields = [
            "search",
            "status",
            "at_risk",
            "mentor",
            "apprentice",
            "studio",
            "org_unit",
            "year",
            "ended_year",
        ]

    def filter_at_risk(self, queryset, name, value):
        """The stored risk day has come (an indexed comparison), or has not:
        on track includes every pairing that is not active."""
        at_risk = at_risk_condition()
        return queryset.filter(at_risk) if value else queryset.exclude(at_risk)

    def filter_search(self, queryset, name, value):
        """Mentor's or apprentice's name or employee number, or the studio's name."""
        return queryset.filter(
            Q(mentor__full_name__icontains=value)
            | Q(apprentice__full_name__icontains=value)
            | Q(mentor__employee_no__iexact=value)
            | Q(apprentice__employee_no__iexact=value)
            | Q(studio__name__icontains=value)
        )


class MilestoneFilterSet(django_filters.FilterSet):
    pairing = IdFilter(field_name="pairing_id", label=_("Pairing"))
    done = TrueOrFalseFilter(
        field_name="done_on", lookup_expr="isnull", exclude=True, label=_("Done")
    )

    class Meta:
        model = Milestone
        fields = ["pairing", "done"]


class SessionFilterSet(django_filters.FilterSet):
    pairing = IdFilter(field_name="attendances__pairing_id", label=_("Pairing"), distinct=True)
    mentor = PickerFilter(field_name="mentor_id", source="people", label=_("Mentor"))
    format = django_filters.ChoiceFilter(
        choices=Session.Format.choices, label=_("Format"), empty_label=_("All")
    )
    year = YearFilter(field_name="held_on")

    class Meta:
        model = Session
        fields = ["pairing", "mentor", "format", "year"]


class EvaluationFilterSet(django_filters.FilterSet):
    pairing = IdFilter(field_name="pairing_id", label=_("Pairing"))
    level = django_filters.ChoiceFilter(
        choices=Evaluation.Level.choices, label=_("Level"), empty_label=_("All")
    )
    year = YearFilter(field_name="evaluated_on")

    class Meta:
        model = Evaluation
        fields = ["pairing", "level", "year"]
