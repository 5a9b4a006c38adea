from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import open_units_managed_by, people_visible_to
from accounts.services import EDITABLE_PERSON_FIELDS
from accounts.sheets import SheetFormat
from core.forms import BootstrapFormMixin
from core.pickers import PickField


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    """Sign in with the employee number (工号)."""

    username = forms.CharField(
        label=_("Employee number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The employee number or password is wrong. Both are case-sensitive."),
    }


class PasswordChangeFormStyled(BootstrapFormMixin, PasswordChangeForm):
    pass


class PersonForm(BootstrapFormMixin, forms.ModelForm):
    """A person as an official adds or corrects them, in a unit they manage."""

    class Meta:
        model = User
        fields = ["employee_no", *EDITABLE_PERSON_FIELDS]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Picked by name or code (core.pickers): a group has ~3,000 units; the
        # picker offers exactly those `person_add` files people under.
        self.fields["org_unit"] = PickField(
            label=self.fields["org_unit"].label,
            source="managed-org-units",
            queryset=open_units_managed_by(user),
        )
        if self.instance.pk:  # the employee number is the person's login: fixed
            del self.fields["employee_no"]

    def validate_unique(self):
        """The service checks the employee number and says so in the office's words."""


class ActivationSheetForm(BootstrapFormMixin, forms.Form):
    """How the office wants a team's activation slips: a PDF to print, or XLSX."""

    sheet_format = forms.ChoiceField(
        label=_("Slips as"), choices=SheetFormat.choices, initial=SheetFormat.PDF, required=False
    )

    def clean_sheet_format(self):
        # A post without the field (an older page, a script) gets the XLSX it used to.
        return self.cleaned_data["sheet_format"] or SheetFormat.XLSX


class RoleGrantForm(BootstrapFormMixin, forms.Form):
    """Make someone in the official's directory a union official over one of
    the official's own open units; both picked by typing (core.pickers), each
    picker offering exactly what `role_grant_by` takes: people still active
    (`active-people`; anyone the official may see is looked up, so that the
    service can say why someone typed is not taken) and open units they manage
    (`managed-org-units`)."""

    user = PickField(label=_("Person"), source="active-people", queryset=None)
    org_unit = PickField(
        label=_("Over the unit (and below)"), source="managed-org-units", queryset=None
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people_visible_to(user)
        self.fields["org_unit"].queryset = open_units_managed_by(user)
