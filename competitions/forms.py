from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from accounts.selectors import org_units_managed_by, people_visible_to
from achievements.selectors import achievements_visible_to, problems_visible_to
from competitions.models import MAX_QUOTA, POINTS_STEP, AwardGrade, Campaign, Proposal
from competitions.selectors import (
    authors_offered,
    entry_studios_offered,
    proposals_listed_for,
    studios_offered,
)
from core.forms import (
    BootstrapFormMixin,
    RowsFormSet,
    ServiceValidatedModelForm,
    person_share_formset,
)
from core.pages import DateInput, DateTimeInput
from core.pickers import Follows, PickField, PickManyField

# One line per category, in the words a worker uses, with an example from a mine.
CATEGORY_EXAMPLES = {
    Proposal.Category.INVENTION: _(
        "Something new that did not exist, e.g. a quick changer for conveyor rollers."
    ),
    Proposal.Category.CREATION: _(
        "Existing things put to a new use, e.g. roadway supports made from old steel pipe."
    ),
    Proposal.Category.INNOVATION: _(
        "A better way for existing equipment, e.g. a sensor valve so the spray saves water."
    ),
    Proposal.Category.DESIGN: _(
        "A better jig, layout or drawing, e.g. non-slip steps for the repair platform."
    ),
    Proposal.Category.SUGGESTION: _(
        "An idea for work, safety or management, e.g. a check of the kit at shift handover."
    ),
}


class CategorySelect(forms.RadioSelect):
    """The five categories as large radio cards with their one-line example."""

    template_name = "competitions/widgets/category_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for _group, options, _index in context["widget"]["optgroups"]:
            for option in options:
                option["example"] = CATEGORY_EXAMPLES.get(option["value"], "")
        return context


class ProposalForm(ServiceValidatedModelForm):
    """The worker's one short form. Every field may be empty while it is a draft;
    the submission names whatever the review still needs."""

    # A FileField: core.attachments checks the photo when it is saved, so a bad
    # one is refused on its own and never costs the text typed with it.
    photo = forms.FileField(
        label=_("Add a photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Take it with the camera or pick one; it is saved at once."),
    )

    class Meta:
        model = Proposal
        fields = [
            "author",
            "title",
            "category",
            "goals",
            "post",
            "current_situation",
            "improvement",
            "expected_effect",
            "expected_benefit",
            "studio",
            "origin_problem",
        ]
        widgets = {
            "category": CategorySelect(),
            "current_situation": forms.Textarea(attrs={"rows": 3}),
            "improvement": forms.Textarea(attrs={"rows": 3}),
            "expected_effect": forms.Textarea(attrs={"rows": 2}),
            "expected_benefit": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0}),
        }
        help_texts = {
            "title": _("In a few words: what you improve, e.g. 皮带机托辊更换工具改进."),
            "current_situation": _("What is wrong or wasteful at your post today?"),
            "improvement": _("What do you change, and how?"),
            "expected_effect": _("What gets better: water, power, time, safety …"),
            "expected_benefit": _("A rough yearly saving in yuan, if you can tell."),
        }

    goals = forms.MultipleChoiceField(
        label=_("Aims"),
        required=False,
        choices=Proposal.Goal.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, campaign: Campaign, on_behalf: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(Proposal.Category.choices)
        self.fields["category"].required = False
        for name in ("title", "post", "current_situation", "improvement", "expected_effect"):
            self.fields[name].required = False
        chooses_author = on_behalf and not self.instance.pk
        if chooses_author:
            # Exactly whom the entry accepts (competitions.pickers).
            self.fields["author"] = PickField(
                label=_("Worker (entered on their behalf)"),
                source="campaign-authors",
                record_id=campaign.pk,
                queryset=authors_offered(user, campaign),
            )
        else:
            del self.fields["author"]
        # Whose proposal it is, when known (not while its worker is chosen here).
        author = self.instance.author if self.instance.pk else user
        self.proposal_author = None if chooses_author else author
        self._offer_links(user, campaign, for_someone_else=chooses_author or author != user)

    def _offer_links(self, user, campaign: Campaign, *, for_someone_else: bool) -> None:
        """Studio and origin problem as the services take them from `user`
        writing for `proposal_author` (competitions.selectors.links), picked from
        the pickers keyed by the author. While the worker of an entry on their
        behalf is chosen on the same form, the pickers follow the worker chosen
        there (core.pickers.Follows: the author's pickers once one is chosen;
        until then the studio among those of anyone the official may enter for
        and the problem among the official's); without JavaScript the service
        refuses, beside the box, whatever the chosen worker may not have.
        Problems are looked up among all the writer sees, so that the service
        can say why one typed is not taken."""
        author = self.proposal_author
        studio = self.fields["studio"]
        if for_someone_else:
            # Picked, whether or not the worker is known yet, so that the new
            # entry's form and its saved draft's post the same box.
            self.fields["studio"] = PickField(
                label=studio.label,
                help_text=studio.help_text,
                source="entry-studios" if author is None else "author-studios",
                record_id=campaign.pk if author is None else author.pk,
                follows=Follows("author", "author-studios") if author is None else None,
                queryset=(
                    entry_studios_offered(user, campaign)
                    if author is None
                    else studios_offered(author)
                ),
                required=False,
            )
        else:
            studio.queryset = studios_offered(author).order_by("code")
        problem = self.fields["origin_problem"]
        self.fields["origin_problem"] = PickField(
            label=problem.label,
            help_text=problem.help_text,
            source="problems" if author is None else "author-problems",
            record_id=None if author is None else author.pk,
            follows=Follows("author", "author-problems") if author is None else None,
            queryset=problems_visible_to(user),
            required=False,
        )


CoAuthorFormSet = person_share_formset(min_num=0)


def co_author_formset(data=None, *, user, author=None, initial=None, kept=None):
    """Co-author rows, each person picked among those `proposal_create` and
    `proposal_update` take from `user` writing for `author`
    (`co_authors_offered`). While the author of an entry on their behalf is
    chosen on the same form, the picker follows the worker chosen there (the
    writer's own directory while none is). Anyone the writer may see is
    looked up, so that the service can say why someone typed is not taken;
    `kept` (accounts.pickers.people_kept) are co-authors the proposal names
    already whom the writer no longer sees, who stay as the service keeps them."""
    keyed = author is not None
    return CoAuthorFormSet(
        data,
        initial=initial,
        prefix="co_authors",
        form_kwargs={
            "people": people_visible_to(user).order_by("full_name"),
            "person_label": _("Co-author"),
            "source": "author-co-authors" if keyed else "people",
            "record_id": author.pk if keyed else None,
            "follows": None if keyed else Follows("author", "author-co-authors"),
            "kept": kept,
        },
    )


class CommentForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("What should the author change?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is it not eligible?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DuplicateForm(BootstrapFormMixin, forms.Form):
    """The original of a duplicate, picked by its code or words of its title
    (a list of every proposal the official sees would be a million for the
    group's office): the picker offers `originals_offered`, what
    `proposal_mark_duplicate` takes; any proposal the official may list is
    looked up, so that the service says beside the box why one typed is not an
    original (a later one, a duplicate itself). Without JavaScript the box
    takes a code."""

    def __init__(self, *args, user, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate_of"] = PickField(
            label=_("Original proposal"),
            source="duplicate-originals",
            record_id=proposal.pk,
            queryset=proposals_listed_for(user),
        )


class CampaignForm(ServiceValidatedModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "year",
            "org_unit",
            "description",
            "opens_at",
            "closes_at",
            "review_deadline",
            "blind_review",
            "min_reviews",
            "drop_extremes",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "review_deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units_managed_by(user).order_by("path")


class CriterionForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=100)
    max_points = forms.IntegerField(label=_("Maximum points"), min_value=1, max_value=100)


class GradeForm(BootstrapFormMixin, forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=AwardGrade.Grade.choices)
    quota = forms.IntegerField(
        label=_("Quota"),
        min_value=1,
        max_value=MAX_QUOTA,
        required=False,
        help_text=_("Empty: no limit."),
    )
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), min_value=0, max_digits=12, decimal_places=2
    )


CriterionFormSet = formset_factory(
    CriterionForm,
    formset=RowsFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=12,
    can_delete=True,
)
GradeFormSet = formset_factory(
    GradeForm, formset=RowsFormSet, extra=0, min_num=0, max_num=6, can_delete=True
)


# --- Review, decision and award -------------------------


class PoolAddForm(BootstrapFormMixin, forms.Form):
    """People to add to a campaign's reviewer pool, picked by name, pinyin or
    employee number among those the official may see who are still active (as
    `pool_reviewers_add` takes them). Anyone they may see is looked up, so that
    the service can say why someone typed is not taken (no longer active)."""

    people = PickManyField(label=_("Add to the pool"), source="active-people")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = people_visible_to(user)


class AssignReviewersForm(BootstrapFormMixin, forms.Form):
    """Reviewers from the campaign's panel (people already reviewing in it, the
    recused ones shown but not selectable), or others picked by name, pinyin or
    employee number among those the official may ask (typed employee numbers
    without JavaScript), in the order given."""

    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers of this campaign"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, proposal, panel, recused: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.recused = recused
        self.fields["reviewers"].queryset = panel.exclude(pk__in=list(recused))
        self.fields["reviewers"].label_from_instance = lambda person: (
            f"{person.full_name}（{person.org_unit.name if person.org_unit else '—'}）"
        )
        # Anyone the official may see is looked up, so that the service can say
        # why someone typed may not review (recused); the picker itself offers
        # only those who may (competitions.pickers).
        self.fields["others"] = PickManyField(
            label=_("Other reviewers"),
            source="proposal-reviewers",
            record_id=proposal.pk,
            queryset=people_visible_to(user),
            required=False,
        )

    def clean(self):
        cleaned = super().clean()
        chosen = list(cleaned.get("reviewers") or []) + list(cleaned.get("others") or [])
        if not chosen and not self.errors:
            # On a field (a 400 on the page), the one always shown.
            self.add_error("others", _("Choose at least one reviewer."))
        cleaned["people"] = list({person.pk: person for person in chosen}.values())
        return cleaned


class ReplaceReviewerForm(BootstrapFormMixin, forms.Form):
    """A reviewer who has not reviewed, and who takes their place: picked by
    name, pinyin or employee number among those the official may ask (a typed
    employee number without JavaScript)."""

    reviewer = forms.ModelChoiceField(label=_("Replace"), queryset=None)

    def __init__(self, *args, user, proposal, pending, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = pending
        # As on the assignment form: the service says why someone may not.
        self.fields["replacement"] = PickField(
            label=_("Replaced by"),
            source="proposal-replacements",
            record_id=proposal.pk,
            queryset=people_visible_to(user),
        )


class DecideForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[(Proposal.Status.APPROVED, _("Approve")), (Proposal.Status.REJECTED, _("Reject"))],
    )
    reason = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a rejection: the author reads them."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The mixin's form-check-input lands on the radios' wrapping <div> too and
        # squeezes the labels to one character a line: lay them out as a choice list.
        self.fields["outcome"].widget.attrs["class"] = "choice-list"


class ImplementForm(BootstrapFormMixin, forms.Form):
    implemented_on = forms.DateField(label=_("Put into practice on"), widget=DateInput())
    department = forms.CharField(label=_("Implementing department"), max_length=100)
    achievement = PickField(
        label=_("Achievement it became (optional)"), source="achievements", required=False
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = achievements_visible_to(user)


class ProposalVerifyForm(BootstrapFormMixin, forms.Form):
    verified_benefit = forms.DecimalField(
        label=_("Verified annual benefit (CNY)"), min_value=0, decimal_places=2
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. the finance department's confirmation, with its reference"),
    )
    verified_on = forms.DateField(label=_("Verified on"), required=False, widget=DateInput())


class GradeSelect(forms.Select):
    """A select whose options in `disabled_values` are shown but cannot be chosen."""

    disabled_values: frozenset = frozenset()

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class AwardForm(BootstrapFormMixin, forms.Form):
    grade = forms.ChoiceField(label=_("Award grade"), widget=GradeSelect)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, grades, **kwargs):
        """`grades`: the campaign's AwardGrade rows annotated with `given`.

        The select starts on no grade, so nothing is awarded by default. A grade
        whose places are all given is listed, disabled and saying so, but is not
        a valid choice (the service refuses it anyway)."""
        super().__init__(*args, **kwargs)
        offered, shown, full = [], [("", _("Choose a grade"))], set()
        for grade in grades:
            label = f"{grade.get_grade_display()} · ¥{grade.amount:,.2f}"
            if grade.places_left == 0:
                full.add(grade.grade)
                used = _("quota used: %(given)s of %(quota)s") % {
                    "given": getattr(grade, "given", grade.quota),
                    "quota": grade.quota,
                }
                shown.append((grade.grade, f"{label} ({used})"))
                continue
            left = (
                _("no limit")
                if grade.quota is None
                else _("%(left)s of %(quota)s left")
                % {"left": grade.places_left, "quota": grade.quota}
            )
            choice = (grade.grade, f"{label} · {left}")
            offered.append(choice)
            shown.append(choice)
        field = self.fields["grade"]
        field.choices = offered  # what may be posted
        field.widget.choices = shown  # what the select lists
        field.widget.disabled_values = frozenset(full)


class ReviewForm(BootstrapFormMixin, forms.Form):
    """One number per rubric criterion, within its maximum, and a comment."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name}（0–{criterion.max_points}）",
                min_value=0,
                max_value=criterion.max_points,
                decimal_places=1,
                # added after the mixin has styled the fields, so styled here
                widget=forms.NumberInput(
                    # the points the service takes (one decimal): a coarser step
                    # makes the browser refuse a valid score such as 27.3
                    attrs={
                        "inputmode": "decimal",
                        "step": str(POINTS_STEP),
                        "class": "form-control",
                    }
                ),
            )
        self.order_fields([f"criterion_{c.pk}" for c in self.criteria] + ["comment"])

    def scores(self) -> dict:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}
