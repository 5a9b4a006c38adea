"""Page forms of naming: each field checked here, the rules in `naming.services`."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_managed_by, people_visible_to
from core.forms import (
    TICKABLE_CHOICES,
    BootstrapFormMixin,
    ServiceValidatedModelForm,
    choose_the_only_one,
)
from core.pages import DateInput
from core.pickers import PickField, PickManyField
from naming.models import NamingApplication, NamingCall, ReReview
from studios.models import RecognitionList

User = get_user_model()
Status = NamingApplication.Status


class NamingCallForm(ServiceValidatedModelForm):
    rubric = forms.CharField(
        label=_("Rubric"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line per criterion: its name, a space and its maximum points."),
    )

    class Meta:
        model = NamingCall
        fields = [
            "title",
            "level",
            "year",
            "org_unit",
            "deadline",
            "quota",
            "notice_days",
            "min_years_founded",
            "leader_honour_level",
            "prior_level",
            "min_members",
            "min_output",
            "output_years",
            "rubric",
        ]
        widgets = {"deadline": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The picker offers the open units the official manages, exactly those
        # `naming_call_create` takes (accounts.services.unit_checked); any unit
        # they manage is looked up, so that the service can say one is closed.
        self.fields["org_unit"] = PickField(
            label=_("Calling unit"),
            source="managed-org-units",
            queryset=org_units_managed_by(user),
        )
        self.style_widgets(["org_unit"])

    def clean_rubric(self):
        lines = []
        for row in self.cleaned_data["rubric"].splitlines():
            if not row.strip():
                continue
            name, _space, points = row.strip().rpartition(" ")
            if not name.strip() or not points.isdigit():
                raise forms.ValidationError(
                    _("“%(row)s” is not a name followed by its points.") % {"row": row.strip()}
                )
            lines.append({"name": name.strip(), "max_points": int(points)})
        return lines


class ApplyForm(BootstrapFormMixin, forms.Form):
    """A studio applying to `call`, among `studios`: those that may apply to it
    (`studios_that_may_apply`, what `naming_application_create` takes)."""

    studio = forms.ModelChoiceField(label=_("Studio"), queryset=None)
    statement = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, studios, call: NamingCall, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = studios
        choose_the_only_one(self.fields["studio"])
        if studios.count() > TICKABLE_CHOICES:
            # An official over many studios finds theirs by code or name, among
            # exactly those of the list (naming.pickers).
            self.fields["studio"] = PickField(
                label=_("Studio"), source="call-studios", record_id=call.pk, queryset=studios
            )
            self.style_widgets(["studio"])


class StatementForm(BootstrapFormMixin, forms.Form):
    statement = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class SubmitForm(BootstrapFormMixin, forms.Form):
    eligibility_override = forms.CharField(
        label=_("Override the failed checks, because"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Officials only; the reason is kept with the application."),
    )

    def __init__(self, *args, may_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_override:
            del self.fields["eligibility_override"]


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False)


class ExpertsForm(BootstrapFormMixin, forms.Form):
    """Experts picked by name, pinyin or employee number among those the
    office may ask to score the application (naming.pickers). Anyone the
    official may see is looked up, so that the service can say why someone
    typed may not score it (recused, no longer active)."""

    due_on = forms.DateField(
        label=_("Score by"),
        required=False,
        widget=DateInput(),
        help_text=_("The experts are reminded three days before and when it has passed."),
    )

    def __init__(self, *args, user, application: NamingApplication, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"] = PickManyField(
            label=_("Experts"),
            source="application-experts",
            record_id=application.pk,
            queryset=people_visible_to(user),
        )
        self.order_fields(["experts", "due_on"])


class ReplaceExpertForm(BootstrapFormMixin, forms.Form):
    """Who takes the place of one expert who has not scored, and why. Picked
    among those the office may put there (naming.pickers,
    `application-replacements`); anyone the official may see is looked up, so
    that the service can say why someone typed may not score it. One per
    expert on the page, told apart by its `prefix`."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(
        label=_("Score by"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the day of the expert replaced, unless it has passed."),
    )

    def __init__(self, *args, user, application: NamingApplication, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replacement"] = PickField(
            label=_("Replaced by"),
            source="application-replacements",
            record_id=application.pk,
            queryset=people_visible_to(user),
        )
        self.order_fields(["replacement", "reason", "due_on"])
        self.style_widgets(["replacement"])


class WithdrawExpertForm(BootstrapFormMixin, forms.Form):
    """Why one expert who has not scored is taken off (one per expert, by `prefix`)."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(BootstrapFormMixin, forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput())
    visitors = forms.CharField(label=_("Visitors"), max_length=300)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required for a rejection: the applicant reads it."),
    )

    def __init__(self, *args, application: NamingApplication, **kwargs):
        super().__init__(*args, **kwargs)
        # Starts on no decision: a rejection is never one click away.
        choices = [("", _("Choose a decision")), (Status.REJECTED, Status.REJECTED.label)]
        if application.status == Status.PUBLIC_NOTICE:
            ahead = Status.NAMED if application.call.names_itself else Status.RECOMMENDED_UPWARD
            choices.insert(1, (ahead, Status(ahead).label))
        else:
            # Rejection is the only decision here, and the service needs its reason.
            self.fields["reason"].required = True
        self.fields["outcome"].choices = choices

    def clean(self):
        data = super().clean()
        # naming_application_decide refuses a rejection without a reason; said
        # beside the field before the service is asked.
        if data.get("outcome") == Status.REJECTED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason."))
        return data


class ResultForm(BootstrapFormMixin, forms.Form):
    named = forms.TypedChoiceField(
        label=_("Outside result"),
        choices=[("", _("Choose the result")), ("yes", _("Named")), ("no", _("Not named"))],
        coerce=lambda value: value == "yes",
    )
    outside_list = forms.ModelChoiceField(label=_("Outside list"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, application: NamingApplication, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outside_list"].queryset = RecognitionList.objects.filter(
            level=application.call.level
        )


class ReviewForm(BootstrapFormMixin, forms.Form):
    """One box per rubric line (score_0, score_1 …) and a comment."""

    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, call: NamingCall, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = call.rubric
        for index, line in enumerate(call.rubric):
            self.fields[f"score_{index}"] = forms.DecimalField(
                label=f"{line['name']}（0–{line['max_points']}）",
                min_value=0,
                max_value=line["max_points"],
                decimal_places=1,
            )
        scores = [f"score_{i}" for i in range(len(call.rubric))]
        self.order_fields([*scores, "comment"])
        self.style_widgets(scores)

    def service_fields(self, data: dict) -> dict:
        return {
            "scores": [data[f"score_{i}"] for i in range(len(self.rubric))],
            "comment": data.get("comment") or "",
        }


class ObjectionForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Your objection"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ObjectionDecideForm(BootstrapFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("", _("Choose a decision")), ("no", _("Dismiss")), ("yes", _("Uphold"))],
        coerce=lambda value: value == "yes",
    )
    reject = forms.BooleanField(
        label=_("Upheld: reject the application (else back to expert review)"), required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


# --- Dynamic management ------------------------------------------------------------


class RectificationForm(BootstrapFormMixin, forms.Form):
    """The office opens a rectification: the studio, why, the plan, the
    deadline. The studio is picked among `studios`, those it may put under
    rectification (`rectifiable-studios`: exactly what `rectification_open`
    takes)."""

    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. no patent, paper or verified benefit for a year."),
    )
    plan = forms.CharField(label=_("Rectification plan"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, studios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"] = PickField(
            label=_("Studio"), source="rectifiable-studios", queryset=studios
        )
        self.order_fields(["studio", "reason", "plan", "deadline"])
        self.style_widgets(["studio"])


class RectificationCloseForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("What improved"), required=False)


class RectificationDelistForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    close_studio = forms.BooleanField(
        label=_("Also revoke the studio (else it goes back to established)"), required=False
    )


class ReReviewForm(BootstrapFormMixin, forms.Form):
    """One due studio's re-review outcome; rectify asks for a plan and a deadline."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReReview.Outcome.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Needed to rectify or de-list."),
    )
    plan = forms.CharField(
        label=_("Rectification plan"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), required=False)
    close_studio = forms.BooleanField(label=_("De-list: also revoke the studio"), required=False)
