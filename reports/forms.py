from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_managed_by
from core.forms import BootstrapFormMixin

FIRST_YEAR = 2010


class DashboardForm(BootstrapFormMixin, forms.Form):
    """Which part of the group and which year the dashboard shows: only units
    the official manages are offered (another is a 400 on the API, 404 here)."""

    org_unit = forms.ModelChoiceField(
        label=_("Org unit (and below)"), queryset=None, required=False, empty_label=None
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_managed_by(user).order_by("path")
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, y) for y in range(this_year, FIRST_YEAR - 1, -1)]

    def scope_arguments(self) -> dict:
        """`unit_id` and `year` for `dashboard_scope_for`, defaults filled in."""
        data = self.cleaned_data if self.is_valid() else {}
        unit = data.get("org_unit")
        return {
            "unit_id": unit.pk if unit else None,
            "year": data.get("year") or timezone.localdate().year,
        }
