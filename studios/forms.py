from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_managed_by, people_managed_by, people_visible_to
from core.forms import BootstrapFormMixin, ServiceValidatedModelForm
from core.pages import DateInput
from core.pickers import PickField
from studios.models import Assessment, Honour, Membership, RecognitionList, Studio
from studios.selectors import studio_status_targets, studios_nameable_by

User = get_user_model()


class StudioForm(BootstrapFormMixin, forms.ModelForm):
    """Everything an official may set. Leads get `StudioProfileForm`."""

    functions = forms.MultipleChoiceField(
        label=_("Functions"),
        choices=Studio.Function.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Studio
        fields = [
            "name",
            "code",
            "kind",
            "leader",
            "org_unit",
            "speciality",
            "founded_on",
            "functions",
            "description",
            "site_notes",
            "equipment_notes",
            "core_members_edit_records",
        ]
        widgets = {
            "founded_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "site_notes": forms.Textarea(attrs={"rows": 2}),
            "equipment_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The picker offers whom `studio_create` and `studio_update` take as a
        # new leader: people the official may see who are still active
        # (`active-people`). Anyone they may see is looked up, so that the
        # service can say why someone typed is not taken (no longer active);
        # the current leader stays a valid choice even if outside the editor's
        # view or deactivated since (the service checks only a *new* leader).
        visible = people_visible_to(user).values("pk")
        current = self.instance.leader_id if self.instance.pk else None
        self.fields["leader"] = PickField(
            label=_("Leader"),
            source="active-people",
            queryset=User.objects.filter(Q(pk__in=visible) | Q(pk=current)),
        )
        # Picked by name or code (core.pickers): a group has thousands of units.
        # The picker offers the open units the official manages, where
        # `studio_create` registers a studio; any unit they manage is looked up,
        # so that the service can say why a closed one typed is not taken.
        unit = self.fields["org_unit"]
        self.fields["org_unit"] = PickField(
            label=unit.label,
            help_text=unit.help_text,
            source="managed-org-units",
            queryset=org_units_managed_by(user),
        )
        self.style_widgets(["org_unit"])


class StudioProfileForm(BootstrapFormMixin, forms.ModelForm):
    functions = StudioForm.base_fields["functions"]

    class Meta:
        model = Studio
        fields = [
            "speciality",
            "functions",
            "description",
            "site_notes",
            "equipment_notes",
            "core_members_edit_records",
        ]
        widgets = StudioForm.Meta.widgets

    def __init__(self, *args, user=None, **kwargs):
        # Same signature as StudioForm, so the edit view can use either.
        super().__init__(*args, **kwargs)


class StatusChangeForm(BootstrapFormMixin, forms.Form):
    """Offers only the moves the studio can make now (the service checks again)."""

    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for rectification and revocation."),
    )

    def __init__(self, *args, studio: Studio, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Studio.Status.choices)
        targets = studio_status_targets(studio)
        self.fields["status"].choices = [(status, labels[status]) for status in targets]


class MembershipAddForm(BootstrapFormMixin, forms.Form):
    """A member added to `studio`, picked among exactly those `membership_add`
    takes (`studio-newcomers`: people still active, not yet its members).
    Anyone the official or lead may see is looked up, so that the service can
    say why someone typed is not taken (no longer active, already a member)."""

    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(Membership.Role.MEMBER, _("Member")), (Membership.Role.CORE, _("Core member"))],
    )
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DateInput())

    def __init__(self, *args, user, studio: Studio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PickField(
            label=_("Person"),
            source="studio-newcomers",
            record_id=studio.pk,
            queryset=people_visible_to(user),
        )
        self.order_fields(["person", "role", "joined_on"])
        self.style_widgets(["person"])


class AssessmentForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["year", "score", "grade", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def validate_unique(self):
        """Left to the service, which answers a second assessment with a clear 409."""


class RecognitionListForm(BootstrapFormMixin, forms.ModelForm):
    """A naming batch, kept by officials over the unit it is recorded by: picked
    among the open units the official manages (`managed-org-units`), where
    `recognition_list_create` and `recognition_list_update` file a list. Any
    unit they manage is looked up, so that the service can say why a closed
    one typed is not taken."""

    class Meta:
        model = RecognitionList
        fields = ["title", "level", "conferred_by", "year", "total_named", "org_unit"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Picked by name or code (core.pickers): a group has thousands of units.
        unit = self.fields["org_unit"]
        self.fields["org_unit"] = PickField(
            label=unit.label,
            help_text=unit.help_text,
            source="managed-org-units",
            queryset=org_units_managed_by(user),
        )
        self.style_widgets(["org_unit"])


class HonourForm(ServiceValidatedModelForm):
    """A studio or a person placed on a recognition list, each picked among
    exactly what `honour_create` takes from the official: studios of their
    units established or named (`nameable-studios`), people of their units
    (`managed-people`)."""

    class Meta:
        model = Honour
        fields = ["studio", "person", "personal_title", "conferred_on"]
        widgets = {"conferred_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"] = PickField(
            label=_("Studio"),
            source="nameable-studios",
            queryset=studios_nameable_by(user),
            required=False,
        )
        self.fields["person"] = PickField(
            label=_("Person"),
            source="managed-people",
            queryset=people_managed_by(user),
            required=False,
        )
