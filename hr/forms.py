from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_managed_by
from core.forms import BootstrapFormMixin
from core.pickers import PickField
from hr.models import ImportRun


class ImportForm(BootstrapFormMixin, forms.Form):
    """Upload an HR spreadsheet for a unit the official manages."""

    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportRun.Kind.choices)
    mode = forms.ChoiceField(label=_("How it is applied"), choices=ImportRun.Mode.choices)
    # Picked by name or code (core.pickers): a group has ~3,000 units. The
    # picker offers the open units the official manages, exactly those
    # `import_request` takes; any unit they manage is looked up, so that the
    # service can say one is closed.
    org_unit = PickField(
        source="managed-org-units", label=_("Org unit (and below)"), queryset=None, required=False
    )
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_managed_by(user).order_by("path")


class UnitMergeForm(BootstrapFormMixin, forms.Form):
    """Merge a unit into another open unit the official manages (not one below
    it), picked among exactly those `unit_merge` takes (`merge-targets`, keyed
    by the unit). Any unit they manage is looked up, so that the service can
    say why one typed is not taken (closed, below the unit)."""

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"] = PickField(
            source="merge-targets",
            record_id=unit.pk,
            label=_("Merge into"),
            queryset=org_units_managed_by(user).order_by("path"),
        )
        self.style_widgets(["into"])
