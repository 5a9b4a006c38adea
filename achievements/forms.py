from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.pickers import people_kept
from accounts.selectors import org_units_managed_by, people_visible_to
from achievements.models import Achievement, Adoption, Patent, PromotionConference, TechnicalProblem
from achievements.selectors import (
    conferences_managed_by,
    patent_access,
    problem_access,
    problems_fully_visible_to,
)
from core.forms import (
    BootstrapFormMixin,
    ServiceValidatedModelForm,
    choose_the_only_one,
    person_share_formset,
)
from core.pages import DateInput
from core.pickers import PickManyField
from studios.selectors import studio_access, studios_writable_by


class StudioChoiceMixin:
    """The studio field lists only studios the user may log records for."""

    def limit_studio(self, user, studio=None):
        self.fields["studio"].queryset = studios_writable_by(user).order_by("code")
        if studio is not None:
            self.fields["studio"].initial = studio.pk
        choose_the_only_one(self.fields["studio"])


class ProblemForm(StudioChoiceMixin, ServiceValidatedModelForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (TechnicalProblem.Status.OPEN, TechnicalProblem.Status.OPEN.label),
            (TechnicalProblem.Status.IN_PROGRESS, TechnicalProblem.Status.IN_PROGRESS.label),
            (TechnicalProblem.Status.SOLVED, TechnicalProblem.Status.SOLVED.label),
        ],
        help_text=_("Work already done can be logged as solved, with its date."),
    )

    class Meta:
        model = TechnicalProblem
        fields = [
            "studio",
            "title",
            "category",
            "status",
            "description",
            "started_on",
            "solved_on",
            "team",
            "estimated_benefit",
            "realised_benefit",
        ]
        widgets = {
            "started_on": DateInput(),
            "solved_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, studio=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        # Whom `problem_create` takes: anyone the writer may see, someone who
        # has left since too (credit stays; achievements.services).
        self.fields["team"] = PickManyField(
            label=self.fields["team"].label,
            source="people",
            queryset=people_visible_to(user),
            required=False,
        )
        if editing:  # studio and status are fixed once logged (status has its own action)
            del self.fields["studio"]
            del self.fields["status"]
            # Those in the team already stay, seen by the writer or not, as
            # `problem_update` keeps them; named where the writer reads the team.
            self.fields["team"].kept = people_kept(
                user,
                self.instance.team.all(),
                names_readable=problem_access(user, self.instance).reads_full,
            )
        else:
            self.limit_studio(user, studio)


class ProblemStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    solved_on = forms.DateField(label=_("Solved on"), required=False, widget=DateInput())
    realised_benefit = forms.DecimalField(
        label=_("Realised annual benefit (CNY)"), required=False, min_value=0, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, problem: TechnicalProblem, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(TechnicalProblem.Status.choices)
        self.fields["status"].choices = [
            (status, labels[status])
            for status in TechnicalProblem.Status.values
            if problem.can_move_to(status)
        ]


class AchievementForm(StudioChoiceMixin, ServiceValidatedModelForm):
    class Meta:
        model = Achievement
        fields = [
            "studio",
            "title",
            "kind",
            "completed_on",
            "summary",
            "origin_problem",
            "claimed_benefit",
            "promotion",
            "awards",
        ]
        widgets = {
            "completed_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "awards": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, studio=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        problems = problems_fully_visible_to(user).order_by("-started_on")
        if editing:
            del self.fields["studio"]
            problems = problems.filter(studio=self.instance.studio)
        else:
            self.limit_studio(user, studio)
            if studio is not None:
                problems = problems.filter(studio=studio)
        self.fields["origin_problem"].queryset = problems
        # Promotion beyond the studio is the union's call: leads are not offered it.
        target = self.instance.studio if editing else studio
        if not (target is not None and studio_access(user, target).manages):
            self.fields["promotion"].disabled = editing
            if not editing:
                self.fields["promotion"].choices = [
                    (Achievement.Promotion.STUDIO, Achievement.Promotion.STUDIO.label)
                ]
        if editing and self.instance.is_verified:
            self.fields["claimed_benefit"].disabled = True
            self.fields["claimed_benefit"].help_text = _("Locked: the benefit has been verified.")


ContributorFormSet = person_share_formset()


class VerifyBenefitForm(BootstrapFormMixin, forms.Form):
    verified_benefit = forms.DecimalField(
        label=_("Verified annual benefit (CNY)"), min_value=0, decimal_places=2
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. the finance department's confirmation, with its reference"),
    )
    verified_on = forms.DateField(label=_("Verified on"), required=False, widget=DateInput())


class AdoptionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Adoption
        fields = ["org_unit", "adopted_on", "annual_benefit", "notes"]
        widgets = {"adopted_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_managed_by(user)

    def validate_unique(self):
        """One adoption per unit is the service's clear 409."""


class ShowAtConferenceForm(BootstrapFormMixin, forms.Form):
    conference = forms.ModelChoiceField(label=_("Conference"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = conferences_managed_by(user)


class PatentForm(StudioChoiceMixin, ServiceValidatedModelForm):
    # The inventors as the application names them: anyone the writer may see,
    # someone who has left since too (as `patent_create` takes them).
    inventors = PickManyField(
        label=_("Inventors"),
        source="people",
        help_text=_("In the order of the application, first inventor first."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s, Patent.Status(s).label) for s in ("filed", "published", "granted")],
    )

    class Meta:
        model = Patent
        fields = [
            "studio",
            "application_no",
            "title",
            "patent_type",
            "status",
            "filed_on",
            "published_on",
            "granted_on",
            "holder",
            "achievement",
        ]
        widgets = {"filed_on": DateInput(), "published_on": DateInput(), "granted_on": DateInput()}

    def __init__(self, *args, user, studio=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inventors"].queryset = people_visible_to(user)
        self.fields["achievement"].queryset = Achievement.objects.filter(
            studio__in=studios_writable_by(user)
        ).order_by("-completed_on")
        if editing:
            for fixed in (
                "studio",
                "application_no",
                "patent_type",
                "status",
                "published_on",
                "granted_on",
            ):
                del self.fields[fixed]
            self.fields["inventors"].initial = [p.pk for p in self.instance.inventor_people]
            # The inventors named already stay, seen by the writer or not, as
            # `patent_update` keeps them; every reader of a patent reads them.
            self.fields["inventors"].kept = people_kept(
                user,
                self.instance.inventor_people,
                names_readable=patent_access(user, self.instance).read,
            )
        else:
            self.limit_studio(user, studio)


class PatentStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("On"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, targets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Patent.Status.choices)
        self.fields["status"].choices = [(status, labels[status]) for status in targets]


class ConferenceForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PromotionConference
        fields = ["name", "held_on", "organiser", "description"]
        widgets = {"held_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = org_units_managed_by(user)
