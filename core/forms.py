"""Form building blocks shared by every app."""

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.dates import BoundedDates, date_error
from core.pickers import CODE_SEPARATORS, PickField


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes, and mark invalid fields after
    validation, so templates render fields with `includes/field.html` alone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets(self.fields)

    def style_widgets(self, names) -> None:
        """Style the named fields' widgets (again, for fields a form replaced)."""
        for name in names:
            widget = self.fields[name].widget
            input_type = getattr(widget, "input_type", None)
            if getattr(widget, "allow_multiple_selected", False) and input_type == "checkbox":
                # Django puts the widget's class on the wrapping <div> as well as on
                # each box; the list is styled in app.css (.choice-list) instead.
                widget.attrs["class"] = "choice-list"
                continue
            if input_type in ("checkbox", "radio"):
                css = "form-check-input"
            elif input_type == "select" or widget.__class__.__name__.endswith("Select"):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def choose_the_only_one(field: forms.ModelChoiceField) -> None:
    """Start `field` on its one choice when it offers exactly one (a lead with
    one studio has nothing to pick), in one query of at most two rows; with
    more, or none, it starts empty as it was."""
    if field.initial is not None:
        return
    only = list(field.queryset.order_by().values_list("pk", flat=True)[:2])
    if len(only) == 1:
        field.initial = only[0]


class ServiceValidatedModelForm(BootstrapFormMixin, forms.ModelForm):
    """A model form whose model-level checks (constraints, cross-field rules,
    scope) are the service's: the form checks each field, the service the rest,
    worded once and put on its field by `core.pages.run_service`."""

    def _post_clean(self):
        # Django would copy the data onto the instance and run full_clean() and
        # the uniqueness checks with generic messages; the service does both.
        # A date's range (core.dates) is the field's own, said at once.
        if isinstance(self.instance, BoundedDates):
            kinds = self.instance.date_kinds()
            for name in set(kinds) & set(self.cleaned_data):
                message = date_error(self.cleaned_data[name], kinds[name])
                if message:
                    self.add_error(name, message)


class FilterForm(BootstrapFormMixin, forms.Form):
    """The form class of every FilterSet (`Meta.form`), styled like the others."""


class AttachmentForm(BootstrapFormMixin, forms.Form):
    """One file for a record's attachments (checked by core.attachments)."""

    file = forms.FileField(label=_("File"))


class PersonShareForm(BootstrapFormMixin, forms.Form):
    """One row of people sharing a credit (contributors, co-authors): a person
    from `people` (the writer's scope) and their share. The person's picker
    searches the people picker, or `source` (for one record: `record_id`)
    where the record takes fewer, and `follows` a field of the page's form
    whose record decides whom it takes (core.pickers.Follows). On an edit,
    `kept` (core.pickers.Kept) are those the record credits outside the
    writer's scope, who stay choices as the service keeps them."""

    person = PickField(label=_("Person"), source="people")
    share = forms.DecimalField(
        label=_("Share (%)"), min_value=Decimal("0.01"), max_value=100, decimal_places=2
    )

    def __init__(
        self,
        *args,
        people,
        person_label=None,
        source=None,
        record_id=None,
        follows=None,
        kept=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if source is not None:
            self.fields["person"] = PickField(
                label=self.fields["person"].label,
                source=source,
                record_id=record_id,
                follows=follows,
            )
        self.fields["person"].queryset = people
        self.fields["person"].kept = kept
        if person_label:
            self.fields["person"].label = person_label


class RowsFormSet(forms.BaseFormSet):
    """Rows a service receives as a list of tuples (rubric lines, prize grades …)."""

    def add_non_form_errors(self, errors) -> None:
        """Errors the service found in the rows as a whole (shares not adding up)."""
        self.non_form_errors()  # make sure the list exists
        self._non_form_errors.extend(errors)

    def rows(self, *fields: str) -> list[tuple]:
        """The filled-in rows' `fields`, in their order on the page."""
        return [
            tuple(form.cleaned_data.get(field) for field in fields)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class PersonShareFormSet(RowsFormSet):
    def rows(self, *fields: str) -> list[tuple]:
        """(person, share) per row."""
        return super().rows(*(fields or ("person", "share")))


def person_share_formset(*, min_num: int = 1):
    """A formset of `PersonShareForm` rows (add rows with static/js/formset.js)."""
    return formset_factory(
        PersonShareForm,
        formset=PersonShareFormSet,
        extra=0,
        min_num=min_num,
        validate_min=bool(min_num),
        max_num=20,
        can_delete=True,
    )


# Up to this many choices a form shows boxes to tick; beyond it (a group
# official choosing among 300 000 people) the codes are typed instead.
TICKABLE_CHOICES = 60
# More codes than anyone types by hand (and within SQLite's query parameters).
MAX_TYPED_CODES = 200


class CodesInput(forms.TextInput):
    """Shows a list of codes as one line, "A101 A102"."""

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return " ".join(str(code) for code in value)
        return super().format_value(value)


class CodesField(forms.ModelMultipleChoiceField):
    """Several records typed by their code (employee numbers, studio codes),
    separated by spaces, commas or 、: for choices too many to list on a page."""

    widget = CodesInput

    def __init__(self, queryset, *, to_field_name: str, **kwargs):
        super().__init__(queryset, to_field_name=to_field_name, **kwargs)
        self.error_messages["invalid_choice"] = _("%(value)s is not among your choices.")

    @staticmethod
    def split(value) -> list[str]:
        if isinstance(value, str):
            return [code for code in CODE_SEPARATORS.split(value) if code]
        return list(value or [])

    def clean(self, value):
        codes = self.split(value)
        if len(codes) > MAX_TYPED_CODES:
            raise forms.ValidationError(
                _("At most %(count)s at a time.") % {"count": MAX_TYPED_CODES}
            )
        return super().clean(codes)

    def has_changed(self, initial, data):
        initial_codes = {str(code) for code in self.prepare_value(initial or [])}
        return initial_codes != set(self.split(data))


def many_choice_field(
    queryset, *, to_field_name: str, typed_help_text: str, **kwargs
) -> forms.Field:
    """Boxes to tick when the choices are few, a box to type codes (explained by
    `typed_help_text`) when they are many."""
    if queryset.count() <= TICKABLE_CHOICES:
        return forms.ModelMultipleChoiceField(
            queryset, widget=forms.CheckboxSelectMultiple, **kwargs
        )
    return CodesField(queryset, to_field_name=to_field_name, help_text=typed_help_text, **kwargs)
