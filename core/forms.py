"""Form building blocks shared by every app."""

from django import forms
from django.utils.translation import gettext_lazy as _


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes, and mark invalid fields after
    validation, so templates render fields with `includes/field.html` alone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
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


class FilterForm(BootstrapFormMixin, forms.Form):
    """The form class of every FilterSet (`Meta.form`), styled like the others."""


class AttachmentForm(BootstrapFormMixin, forms.Form):
    """One file for a record's attachments (checked by core.attachments)."""

    file = forms.FileField(label=_("File"))
