"""Filter building blocks shared by every app's FilterSets."""

import django_filters
from django import forms
from django.forms.utils import pretty_name
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.pickers import LARGEST_ID, PickField, PickIdField, source_named
from core.scoping import within_paths


@extend_schema_field(OpenApiTypes.INT)
class SubtreeFilter(django_filters.ModelChoiceFilter):
    """`org_unit=<id>` meaning that unit and everything below it (docs/api.md).

    `queryset` must be the viewer's visible units, so a unit outside scope is an
    invalid choice (400). On a page the unit is picked by typing its name or
    code (core.pickers, source "org-units"): a group has about 3,000 units, too
    many for a drop-down on every list. `unit_field` is the lookup from the
    filtered rows to their org unit.
    """

    field_class = PickField

    def __init__(self, *args, unit_field: str | None = "org_unit", **kwargs):
        self.unit_field = unit_field
        kwargs.setdefault("label", _("Org unit (and below)"))
        kwargs.setdefault("source", "org-units")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(within_paths([value.path], unit_field=self.unit_field))


def with_id_last(ordering: list[str]) -> list[str]:
    """`ordering` ended by the row's `id` in the first field's direction, so
    rows equal in the chosen fields keep one place and paging never repeats or
    skips one (docs/api.md). Empty stays empty (the model's own ordering)."""
    if not ordering or any(term.lstrip("-") in ("id", "pk") for term in ordering):
        return list(ordering)
    return [*ordering, "-id" if ordering[0].startswith("-") else "id"]


def _descending(label) -> str:
    return gettext("%(label)s (descending)") % {"label": label}


# A FilterSet's choices are built once, with its class; a lazy label is
# translated each time it is shown, in the reader's language.
descending_label = lazy(_descending, str)


class UniqueOrderingFilter(django_filters.OrderingFilter):
    """A page's "sort by", with `id` last (`with_id_last`). The descending
    choices are labelled from our catalogue: django-filter's "%s (descending)"
    has no Chinese."""

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, _(pretty_name(param)))
            choices.append((param, label))
            choices.append((f"-{param}", labels.get(f"-{param}", descending_label(label))))
        return choices

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        if not ordered.query.order_by:  # the model's own ordering
            return ordered
        return ordered.order_by(*with_id_last(list(ordered.query.order_by)))


class IntegerFilter(django_filters.NumberFilter):
    """A whole number: an IntegerField refuses "1e400" or "2.5" with a 400 (a
    decimal field with a step check would crash on such input)."""

    field_class = forms.IntegerField


class YearFilter(IntegerFilter):
    """`?year=2024` on a date field: a whole year in a sane range (else 400)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Year"))
        super().__init__(*args, **kwargs)
        self.extra.update({"min_value": 1950, "max_value": 2100})

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.field_name}__year": int(value)})


class IdFilter(IntegerFilter):
    """A related record's id (`?studio=12`). Lists are already scoped, so an id
    outside scope simply matches nothing (a choice field would reveal it exists)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra.update({"min_value": 1, "max_value": LARGEST_ID})


class PickerFilter(IdFilter):
    """A related record's id (`?author=12`, `?studio=3`) that a page picks by
    typing (core.pickers: people by name, pinyin or employee number, studios
    by name or code, problems and achievements by title): `source` names the
    picker. Without JavaScript the box `<name>_key` takes the record's key (an
    employee number, a studio code, a record's number), looked up among those
    the viewer may pick; one they may not is the box's error. An id sent as
    such keeps `IdFilter`'s rule: outside the reader's scope it matches nothing."""

    field_class = PickIdField

    def __init__(self, *args, source: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra["source"] = source

    @property
    def field(self):
        field = super().field
        if field.queryset is None:
            user = getattr(getattr(self.parent, "request", None), "user", None)
            if user is not None:
                field.queryset = source_named(field.source).scope(user)
        return field


class TrueOrFalseSelect(forms.Select):
    """All / yes / no as `""`, `true`, `false`, the chosen one shown again;
    `choices` may name the two answers (at risk / on track)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices or [("", _("All")), ("true", _("Yes")), ("false", _("No"))])

    def format_value(self, value):
        return [{True: "true", False: "false"}.get(value, "" if value is None else str(value))]


class _TrueOrFalseField(forms.NullBooleanField):
    """`true` or `false` (any case, or 1 and 0); empty means no filter, and
    anything else is invalid, where Django's field would read it as empty.
    `unknown` is empty too: Django's yes/no box sends it for "all", so an
    address bookmarked from such a box keeps working."""

    widget = TrueOrFalseSelect

    def to_python(self, value):
        if value in (None, "", "unknown"):
            return None
        typed = str(value).strip().lower()
        if typed in ("true", "1"):
            return True
        if typed in ("false", "0"):
            return False
        raise forms.ValidationError(_("Choose true or false."), code="invalid")


class TrueOrFalseFilter(django_filters.BooleanFilter):
    """`?name=true|false`: a typo (`?revoked=yes`) is a 400 naming the field,
    not a list left unfiltered as django-filter's BooleanFilter would answer."""

    field_class = _TrueOrFalseField


class SearchFilter(django_filters.CharFilter):
    """`?search=`: the FilterSet's `filter_search` says which fields it reads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("method", "filter_search")
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("widget", forms.SearchInput)
        super().__init__(*args, **kwargs)
