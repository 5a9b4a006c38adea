from django import forms

from core.forms import BootstrapFormMixin
from notices.models import NoticePreference


class NoticePreferencesForm(BootstrapFormMixin, forms.Form):
    """One choice per kind and personal channel (`<kind>:<channel>` fields)."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"{row.kind}:{row.channel}"] = forms.ChoiceField(
                label=row.title,
                choices=NoticePreference.Cadence.choices,
                initial=row.cadence,
                required=False,  # a field left out keeps its choice
            )
        self.style_widgets(self.fields)

    def choices(self) -> list[dict]:
        return [
            {"kind": name.split(":")[0], "channel": name.split(":")[1], "cadence": value}
            for name, value in self.cleaned_data.items()
            if value
        ]

    def rows_with_fields(self):
        return [(row, self[f"{row.kind}:{row.channel}"]) for row in self.rows]
