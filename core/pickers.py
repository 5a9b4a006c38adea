"""Search-as-you-type pickers for choices too many to list (300,000 people,
10,000 studios): a form field keeps its scoped queryset as the truth and shows
one text box; typing asks `/pickers/<source>/?q=` for at most PICKER_LIMIT
matches from the viewer's own scope (one indexed query), and JavaScript turns
the box into a list to choose from. Without JavaScript the box takes the
record's key as typed (an employee number, a studio code).

Apps register their sources (`register(PickerSource(...))` in their
`pickers.py`), so core imports no app. A source whose choices depend on one
record (whom an official may ask to review a given proposal) is registered
`for_record`: its address names the record (`/pickers/<source>/<id>/?q=`) and
its scope is `scope(user, record_id)`, which refuses (404 or 403) a viewer who
may not pick for that record. Where that record is itself chosen on the same
form (a pairing's studio, whose members are the mentors offered), the picker
`follows` that field: the JavaScript searches the record's source for the
record chosen there, and the picker's own address while none is chosen.
Without JavaScript the service refuses, beside the box, whatever the record
chosen does not take.

A field editing a saved record may keep records that record holds although
its scope leaves them out (`Kept`: people a group official credited, whom the
studio's lead cannot see): they stay valid choices, shown as the reader may
see them, but are never offered by the search.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

PICKER_LIMIT = 20


@dataclass(frozen=True)
class PickerSource:
    name: str
    scope: Callable[..., QuerySet]  # user -> the records they may pick from
    search: Callable[[QuerySet, str], QuerySet]  # (scope, typed text) -> matches
    key_field: str  # what a person types without JavaScript
    label: Callable[[object], str]  # how a match is shown
    hint: str  # the box's placeholder: what a record is found by (a lazy string)
    for_record: bool = False  # scope(user, record_id): the choices for one record


_sources: dict[str, PickerSource] = {}


def register(source: PickerSource) -> PickerSource:
    _sources[source.name] = source
    return source


def register_for_record(
    base: PickerSource,
    name: str,
    record_of: Callable,
    offered: Callable[..., QuerySet],
) -> PickerSource:
    """`base`'s picker (found, keyed and shown alike) offering
    `offered(user, record)` for the record `record_of(user, record_id)`, which
    refuses (404 or 403) a viewer who may not pick for that record."""
    return register(
        replace(
            base,
            name=name,
            scope=lambda user, record_id: offered(user, record_of(user, record_id)),
            for_record=True,
        )
    )


def source_named(name: str) -> PickerSource:
    from django.utils.module_loading import autodiscover_modules

    if name not in _sources:
        # Not yet imported (an app's module may import another's first); a
        # module already imported is not run again.
        autodiscover_modules("pickers")
    return _sources[name]


@login_required
def picker_search(request, name: str, record_id: int | None = None):
    """At most PICKER_LIMIT matches from the viewer's scope, as JSON."""
    try:
        source = source_named(name)
    except KeyError:
        raise Http404 from None
    if source.for_record != (record_id is not None):
        raise Http404  # a record's source without its record, or the other way round
    scope = (
        source.scope(request.user, record_id) if source.for_record else source.scope(request.user)
    )
    text = request.GET.get("q", "")[:50]
    matches = source.search(scope, text).order_by()[:PICKER_LIMIT]
    results = [
        {
            "id": record.pk,
            "key": str(getattr(record, source.key_field)),
            "label": source.label(record),
        }
        for record in matches
    ]
    results.sort(key=lambda result: result["key"])
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response


@dataclass(frozen=True)
class Follows:
    """A picker whose choices depend on the record chosen in another field of
    its form: `field` is that field's name as posted, `source` the `for_record`
    source searched for the record chosen there."""

    field: str
    source: str

    def search_url(self) -> str:
        """The source's address with `{id}` where the chosen record's id goes."""
        head, _record, tail = reverse("picker-search", args=[self.source, 0]).rpartition("/0/")
        return f"{head}/{{id}}/{tail}"


class Typed(str):
    """A key as typed in the picker's box (not a primary key)."""


@dataclass(frozen=True)
class Kept:
    """Records the record a form edits holds already that the field's scope
    leaves out (people a group official credited, whom the studio's lead may
    not see): they stay valid choices so that an edit keeps them, each shown by
    `label` (what the reader may see of it) under the key `#<id>`, since its
    own key (an employee number) is not the reader's to see. Only these keys
    and ids reach them: a key typed or searched for finds the scope's records
    alone, so the picker never offers them anew."""

    records: dict[str, object]  # by id, as a string
    label: Callable[[object], str]

    @staticmethod
    def key(record) -> str:
        return f"#{record.pk}"

    def find(self, value):
        """The kept record `value` names (`#<id>` as typed, or an id), else None."""
        text = str(getattr(value, "pk", value))
        if isinstance(value, Typed):
            if not text.startswith("#"):
                return None
            text = text[1:]
        return self.records.get(text)

    def picked(self, record) -> "Picked":
        return Picked(self.key(record), self.label(record), str(record.pk))


class PickerInput(forms.Widget):
    """One text box named `<name>_key` holding the chosen records' keys (the
    posted `<name>` itself, a primary key or keys, is still read when the box
    is absent: API-style posts). `data-picker` points the JavaScript at the
    source (for a `for_record` source, at its choices for `record_id`);
    `data-picker-follows` and `data-picker-follow-url` at the source it searches
    instead once a record is chosen in the field it `follows`."""

    multiple = False

    def __init__(
        self,
        *,
        source: str,
        record_id: int | None = None,
        follows: Follows | None = None,
        attrs=None,
    ):
        super().__init__(attrs)
        self.source = source
        self.record_id = record_id
        self.follows = follows

    def search_url(self) -> str:
        record = [] if self.record_id is None else [self.record_id]
        return reverse("picker-search", args=[self.source, *record])

    def value_from_datadict(self, data, files, name):
        key_name = f"{name}_key"
        if key_name in data:
            typed = [Typed(code) for code in split_codes(data.get(key_name, ""))]
            return typed if self.multiple else (typed[0] if typed else None)
        if self.multiple:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return f"{name}_key" not in data and name not in data

    def render(self, name, value, attrs=None, renderer=None):
        values = value if isinstance(value, list | tuple) else [value]
        field = getattr(self, "field", None)  # set by the field: its scoped queryset
        found = getattr(field, "found", None)
        if found is not None and len(values) == 1 and str(values[0]) in _names_of(found, self):
            values = [found]
        picked = _picked(
            self.source, getattr(field, "queryset", None), values, getattr(field, "kept", None)
        )
        attrs = self.build_attrs(self.attrs, attrs)
        box_id = attrs.get("id", f"id_{name}")
        chips = format_html_join(
            "",
            '<li class="picker-chip" data-key="{}" data-id="{}">{}</li>',
            ((choice.key, choice.id, choice.label) for choice in picked if choice.key),
        )
        follows = (
            format_html(
                ' data-picker-follows="{}" data-picker-follow-url="{}"',
                self.follows.field,
                self.follows.search_url(),
            )
            if self.follows
            else ""
        )
        return format_html(
            '<div class="picker" data-picker="{}"{} data-multiple="{}" '
            'data-move-up="{}" data-move-down="{}" data-remove="{}">'
            '<input type="text" class="form-control" name="{}_key" id="{}" value="{}" '
            'autocomplete="off" spellcheck="false" placeholder="{}">'
            '<ol class="picker-chosen list-unstyled small mb-0">{}</ol></div>',
            self.search_url(),
            follows,
            "true" if self.multiple else "false",
            # The chips' buttons, named for a screen reader in the page's language.
            _("Move up"),
            _("Move down"),
            _("Remove"),
            name,
            box_id,
            " ".join(choice.key for choice in picked if choice.key),
            source_named(self.source).hint,
            chips,
        )


def _names_of(record, widget: PickerInput) -> tuple[str, str]:
    """The id and the key a record may be named by in a picker's value."""
    return str(record.pk), str(getattr(record, source_named(widget.source).key_field))


class PickerManyInput(PickerInput):
    multiple = True


@dataclass(frozen=True)
class Picked:
    key: str
    label: str
    id: str = ""  # the record's, for a picker following this one (none for a typed key)


CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_codes(text: str) -> list[str]:
    """Keys typed in one box, separated by spaces, commas or 、."""
    return [code for code in CODE_SEPARATORS.split(text or "") if code]


# A primary key is a 64-bit integer at most: a larger one fails in the
# database (SQLite's driver cannot even send it), so it is dropped before.
LARGEST_ID = 2**63 - 1


def possible_ids(values) -> list[int]:
    """The values that can be a record's number; the others match nothing."""
    ids = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 1 <= number <= LARGEST_ID:
            ids.append(number)
    return ids


def with_keys(records: QuerySet, key_field: str, keys: list) -> QuerySet:
    """The records whose key is one of `keys`; a key that cannot be one (letters
    typed where the key is a number) matches nothing rather than failing."""
    if key_field == "pk":
        keys = possible_ids(keys)
    try:
        return records.filter(**{f"{key_field}__in": keys})
    except (ValueError, TypeError, ValidationError):
        return records.none()


def typed_record(source_name: str, records: QuerySet | None, typed: str):
    """The one record of `records` whose key was typed in a picker's box (with
    JavaScript off); anything else is the field's error, in the person's words."""
    key_field = source_named(source_name).key_field
    found = None if records is None else with_keys(records, key_field, [typed]).first()
    if found is None:
        raise ValidationError(
            _("%(value)s is not among your choices.") % {"value": typed},
            code="invalid_choice",
        )
    return found


class WidgetShowsField:
    """A field whose picker shows the chosen records through the field (its
    scoped queryset, the record found while validating). Each form gets a copy
    of the field, and a widget copies shallowly: point the copy's widget at the copy."""

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.field = result
        return result


class PickField(WidgetShowsField, forms.ModelChoiceField):
    """One record from the field's queryset, chosen in a picker: a primary key
    (posted by the JavaScript or an API-style client) or a typed key; or one
    the edited record holds already (`kept`)."""

    def __init__(
        self, *, source: str, queryset=None, record_id=None, follows=None, kept=None, **kwargs
    ):
        self.source = source
        self.kept: Kept | None = kept
        widget = PickerInput(source=source, record_id=record_id, follows=follows)
        super().__init__(queryset=queryset, widget=widget, **kwargs)
        self.widget.field = self  # the widget shows the chosen record through its scope

    def to_python(self, value):
        if self.kept is not None and (record := self.kept.find(value)) is not None:
            found = record
        elif isinstance(value, Typed):
            found = typed_record(self.source, self.queryset, value)
        else:
            found = super().to_python(value)
        # The record found while validating is the one the box shows again (a
        # filter's form is validated, then rendered): no second look-up.
        self.found = found
        return found

    def has_changed(self, initial, data):
        return str(getattr(self.to_python_or_none(data), "pk", "")) != str(
            getattr(initial, "pk", initial) or ""
        )

    def to_python_or_none(self, data):
        try:
            return self.to_python(data)
        except ValidationError:
            return None


class PickManyField(WidgetShowsField, forms.ModelMultipleChoiceField):
    """Several records in the order given (inventors, team members), chosen in
    a picker; the cleaned value is a list in that order. Those the edited
    record holds already (`kept`) stay choices too."""

    widget = PickerManyInput

    def __init__(
        self, *, source: str, queryset=None, record_id=None, follows=None, kept=None, **kwargs
    ):
        self.source = source
        self.kept: Kept | None = kept
        widget = PickerManyInput(source=source, record_id=record_id, follows=follows)
        super().__init__(queryset=queryset, widget=widget, **kwargs)
        self.widget.field = self

    def clean(self, value):
        values = list(value or [])
        if self.required and not values:
            raise ValidationError(self.error_messages["required"], code="required")
        if not values:
            return []
        key_field = source_named(self.source).key_field
        found = {}
        if self.kept is not None:
            for value in values:
                if (record := self.kept.find(value)) is not None:
                    found[value if isinstance(value, Typed) else str(value)] = record
        typed = [v for v in values if isinstance(v, Typed) and v not in found]
        ids = [v for v in values if not isinstance(v, Typed) and str(v) not in found]
        if typed:
            for record in with_keys(self.queryset, key_field, typed):
                found[Typed(getattr(record, key_field))] = record
        if ids:
            try:
                for record in self.queryset.filter(pk__in=ids):
                    found[str(record.pk)] = record
            except (ValueError, TypeError) as exc:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"] % {"pk": ids[0]}
                ) from exc
        missing = [str(v) for v in values if (v if isinstance(v, Typed) else str(v)) not in found]
        if missing:
            raise ValidationError(
                _("%(value)s is not among your choices.") % {"value": "、".join(missing)},
                code="invalid_choice",
            )
        chosen = [found[v if isinstance(v, Typed) else str(v)] for v in values]
        if len({record.pk for record in chosen}) != len(chosen):
            raise ValidationError(_("A choice is listed twice."), code="duplicate")
        return chosen

    def has_changed(self, initial, data):
        before = [getattr(v, "pk", v) for v in (initial or [])]
        try:
            after = [record.pk for record in self.clean(data)]
        except ValidationError:
            return True
        return [str(v) for v in before] != [str(v) for v in after]


class PickIdField(WidgetShowsField, forms.IntegerField):
    """A list filter's related record (`?studio=12`), chosen in a picker: an id
    as sent (the API's, a link's) or a key typed in the box, looked up in
    `queryset` (the picker's scope for the viewer; the filter sets it). The
    cleaned value is the id, so a filter by id works as it always did."""

    def __init__(self, *, source: str, queryset=None, **kwargs):
        self.source = source
        self.queryset = queryset
        self.found = None
        super().__init__(widget=PickerInput(source=source), **kwargs)
        self.widget.field = self

    def to_python(self, value):
        if isinstance(value, Typed):
            self.found = typed_record(self.source, self.queryset, value)
            return self.found.pk
        return super().to_python(value)


def _picked(source_name: str, queryset, values, kept: Kept | None = None) -> list[Picked]:
    """Key and label of each chosen value (records, primary keys or typed keys),
    in order; a record the edited one holds outside the scope as `kept` says."""
    source = source_named(source_name)
    if kept is not None:
        values = [kept.find(value) or value for value in values]
    ids = possible_ids(v for v in values if not hasattr(v, "pk") and not isinstance(v, Typed))
    by_id = {}
    if ids and queryset is not None:
        # Through the field's scope: a posted id outside it shows nothing.
        by_id = {str(r.pk): r for r in queryset.filter(pk__in=ids)}
    picked = []
    for value in values:
        if isinstance(value, Typed):
            picked.append(Picked(str(value), str(value)))
            continue
        record = value if hasattr(value, "pk") else by_id.get(str(value))
        if record is not None and kept is not None and kept.find(record) is not None:
            picked.append(kept.picked(record))
        elif record is not None:
            key = str(getattr(record, source.key_field))
            picked.append(Picked(key, source.label(record), str(record.pk)))
    return picked
