from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_managed_by
from competitions.selectors import campaigns_managed_by
from core.forms import BootstrapFormMixin, ServiceValidatedModelForm
from core.pickers import PickField
from reports.models import ReportRun
from reports.services import CSV_KINDS

FIRST_YEAR = 2010


def recent_years() -> list[tuple[int, int]]:
    """This year back to the first year the group kept records here."""
    this_year = timezone.localdate().year
    return [(year, year) for year in range(this_year, FIRST_YEAR - 1, -1)]


class DashboardForm(BootstrapFormMixin, forms.Form):
    """Which part of the group and which year the dashboard shows: only units
    the official manages are offered (another is a 400 on the API, 404 here),
    by the picker too (`reported-org-units`: exactly those `dashboard_scope_for`
    takes)."""

    # Picked by name or code (core.pickers): a group has ~3,000 units.
    org_unit = PickField(
        source="reported-org-units", label=_("Org unit (and below)"), queryset=None, required=False
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_managed_by(user).order_by("path")
        self.fields["year"].choices = recent_years()

    def scope_arguments(self) -> dict:
        """`unit_id` and `year` for `dashboard_scope_for`, defaults filled in."""
        self.is_valid()
        # Field by field: a bad year does not throw away a valid unit.
        data = getattr(self, "cleaned_data", {})
        unit = data.get("org_unit")
        return {
            "unit_id": unit.pk if unit else None,
            "year": data.get("year") or timezone.localdate().year,
        }


class ReportRunForm(ServiceValidatedModelForm):
    """Request a report over a unit the official manages, picked among exactly
    those `report_run_request` takes (`reported-org-units`)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    org_unit = PickField(
        source="reported-org-units", label=_("Org unit (and below)"), queryset=None, required=False
    )

    class Meta:
        model = ReportRun
        fields = ["kind", "org_unit", "year", "campaign", "format"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_managed_by(user).order_by("path")
        self.fields["campaign"].queryset = campaigns_managed_by(user).order_by("-year", "name")
        self.fields["campaign"].help_text = _(
            "Five-small summary only; empty means the whole year."
        )
        self.fields["year"].choices = recent_years()
        # CSV is one table: the page offers it only for the kinds that are one
        # (static/js/report_form.js); the service still refuses the others.
        self.fields["format"].widget.attrs["data-csv-kinds"] = " ".join(CSV_KINDS)
        self.fields["format"].help_text = _("CSV only for a report of one table.")
