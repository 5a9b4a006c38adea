from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import SkillLevel
from accounts.selectors import is_official, org_units_managed_by, people_visible_to
from apprenticeships.models import Evaluation, Milestone, Pairing, Session
from apprenticeships.selectors import pairings_mentored_by, studios_for_pairings
from core.forms import BootstrapFormMixin, ServiceValidatedModelForm
from core.pages import DateInput
from core.pickers import Follows, PickField


class PairingForm(ServiceValidatedModelForm):
    """A pairing proposed by a studio's lead or an official. Each picker offers
    exactly what `pairing_propose` takes (apprenticeships.pickers): the studio
    among those they lead or oversee, the apprentice among the active people
    they may see, the mentor likewise and, in a studio pairing, among the
    studio's current members: the mentor picker follows the studio chosen on
    the form (core.pickers.Follows), searching its members once one is chosen
    and the active people while none is. An official's pairing outside any
    studio is filed under one of the open units they manage (by default the
    apprentice's), picked among them: a group has thousands. Anyone the
    proposer may see, and any unit they manage, is looked up, so that the
    service can say why one typed is not taken (no longer active, not a member
    of the studio chosen, a closed unit)."""

    mentor = PickField(
        label=_("Mentor"),
        source="active-people",
        follows=Follows("studio", "studio-mentors"),
    )
    apprentice = PickField(label=_("Apprentice"), source="active-people")

    class Meta:
        model = Pairing
        fields = [
            "studio",
            "org_unit",
            "mentor",
            "apprentice",
            "starts_on",
            "planned_end_on",
            "target_skill_level",
            "goals",
            "agreement_signed_on",
            "monthly_allowance",
        ]
        widgets = {
            "starts_on": DateInput(),
            "planned_end_on": DateInput(),
            "agreement_signed_on": DateInput(),
            "goals": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "agreement_signed_on": _("Leave empty until both sides have signed."),
            "org_unit": _("Only for a pairing outside any studio; by default the apprentice's."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = people_visible_to(user).order_by("full_name")
        self.fields["apprentice"].queryset = people
        self.fields["mentor"].queryset = people
        studios = studios_for_pairings(user).order_by("code")
        self.fields["studio"].queryset = studios
        if is_official(user):
            # An official may choose among thousands of studios: typed, not listed.
            self.fields["studio"] = PickField(
                label=_("Studio"), source="pairing-studios", queryset=studios, required=False
            )
            unit = self.fields["org_unit"]
            self.fields["org_unit"] = PickField(
                label=unit.label,
                help_text=unit.help_text,
                source="managed-org-units",
                queryset=org_units_managed_by(user),
                required=False,
            )
            self.style_widgets(["studio", "org_unit"])
        else:
            self.fields["studio"].required = True
            self.fields["studio"].empty_label = None
            del self.fields["org_unit"]


class PairingEditForm(ServiceValidatedModelForm):
    class Meta:
        model = Pairing
        fields = [
            "starts_on",
            "planned_end_on",
            "target_skill_level",
            "goals",
            "agreement_signed_on",
            "monthly_allowance",
        ]
        widgets = PairingForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.status != Pairing.Status.PROPOSED:  # the term moves by extension
            del self.fields["starts_on"]
            del self.fields["planned_end_on"]


class ActivateForm(BootstrapFormMixin, forms.Form):
    agreement_signed_on = forms.DateField(
        label=_("Agreement signed on"), widget=DateInput(), required=False
    )


class ExtendForm(BootstrapFormMixin, forms.Form):
    planned_end_on = forms.DateField(label=_("New planned end"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class TerminateForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MilestoneForm(ServiceValidatedModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "skill", "method", "due_on"]
        widgets = {"due_on": DateInput()}


class MarkDoneForm(BootstrapFormMixin, forms.Form):
    evidence = forms.CharField(
        label=_("What shows it is done"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few words, a photo, or both."),
    )
    photo = forms.FileField(
        label=_("Photo or file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    done_on = forms.DateField(
        label=_("Done on"), widget=DateInput(), required=False, help_text=_("Empty means today.")
    )


class PairingChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, pairing):
        return pairing.apprentice.full_name


class SessionForm(ServiceValidatedModelForm):
    pairings = PairingChoices(
        label=_("Apprentices present"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick several for a group session."),
    )

    class Meta:
        model = Session
        fields = ["pairings", "held_on", "hours", "format", "topic", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Most sessions are logged the same day, two hours of practice on site.
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["hours"].initial = 2
        self.fields["format"].initial = Session.Format.ON_SITE
        self.fields["pairings"].queryset = (
            pairings_mentored_by(user)
            .filter(status=Pairing.Status.ACTIVE)
            .order_by("apprentice__full_name", "id")
        )


class EvaluationForm(ServiceValidatedModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "level",
            "period",
            "evaluated_on",
            "theory",
            "practice",
            "safety",
            "attitude",
            "innovation",
            "comment",
            "outcome",
            "skill_level_reached",
        ]
        widgets = {"evaluated_on": DateInput(), "comment": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"outcome": _("Final appraisal only.")}

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Evaluation.Level.choices)
        self.fields["level"].choices = [(level, labels[level]) for level in levels]
        self.fields["period"].required = False
        self.fields["evaluated_on"].required = False
        self.fields["evaluated_on"].help_text = _("Empty means today.")
        self.fields["skill_level_reached"].choices = [("", "—"), *SkillLevel.choices]
        if Evaluation.Level.FINAL not in levels:
            del self.fields["outcome"]
            del self.fields["skill_level_reached"]


class MentorCapacityForm(BootstrapFormMixin, forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Org unit (and below)"), queryset=None)
    max_active_apprentices = forms.IntegerField(
        label=_("Active apprentices per mentor"), min_value=1, max_value=50
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_managed_by(user)
