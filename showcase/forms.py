from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import is_official, org_units_managed_by
from core.forms import BootstrapFormMixin, ServiceValidatedModelForm, many_choice_field
from core.pages import DateInput
from showcase.models import Story
from showcase.selectors import story_people_for, story_studios_for
from studios.models import Studio


class StoryForm(ServiceValidatedModelForm):
    """Draft or edit a story; the people and studios offered are those the
    writer may write about (ticked from a short list, typed by number otherwise)."""

    media_link = forms.URLField(
        label=_("media link"),
        required=False,
        assume_scheme="https",
        help_text=Story._meta.get_field("media_link").help_text,
    )

    class Meta:
        model = Story
        fields = [
            "title",
            "form",
            "creator",
            "summary",
            "body",
            "media_link",
            "people",
            "studios",
            "org_unit",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 16}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The story's own subjects stay on the form even where they lie beyond
        # the writer's reach (the service keeps them as they are).
        people = story_people_for(user)
        studios = story_studios_for(user)
        if self.instance.pk:
            people = (people | User.objects.filter(stories_about=self.instance)).distinct()
            studios = (studios | Studio.objects.filter(stories=self.instance)).distinct()
        self.fields["people"] = many_choice_field(
            people.order_by("full_name"),
            to_field_name="employee_no",
            required=False,
            label=_("People it is about"),
            typed_help_text=_("Employee numbers, separated by spaces."),
        )
        self.fields["studios"] = many_choice_field(
            studios.order_by("code"),
            to_field_name="code",
            required=False,
            label=_("Studios it is about"),
            typed_help_text=_("Studio codes, separated by spaces."),
        )
        if is_official(user) and not self.instance.pk:
            self.fields["org_unit"].queryset = org_units_managed_by(user)
            self.fields["org_unit"].required = False
            self.fields["org_unit"].help_text = _(
                "Whose officials keep the story; by default the first studio's unit."
            )
        else:
            del self.fields["org_unit"]
        self.style_widgets(["people", "studios"])


class StoryReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("What to change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class StoryPublishForm(BootstrapFormMixin, forms.Form):
    published_on = forms.DateField(
        label=_("Published on"),
        required=False,
        widget=DateInput(),
        help_text=_("Today if left empty."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False, strip=True)


class HonourRollForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100, required=False)
