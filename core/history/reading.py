"""Reading the history: a record's entries (`history_of`), each change as the
reader would say it (`changes_of`), and the section a record's page shows
(`history_section`).

History is read, never written, by the app: the admin shows it read-only and
the pages and API only list it (`core.api.history`, `includes/changes.html`),
both through `changes_of`: what auditlog keeps is read as the reader would say
it (the record's own fields by their labels, choices by theirs, related
records by their names where the reader may see them, moments in local time),
never rewritten. The apps say whose eyes a related record's name is for
(`register_scope`, from their apps.py), held here once.
"""

import contextlib
import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from core.history.context import Via, _content_type


def history_of(record, related: Iterable[tuple] | None = None):
    """The entries of `record` and of the records that belong to it (`related`:
    (model or "app.Model", name of its foreign key to the record); by default
    the model's `history_parts`), newest first."""
    from auditlog.models import LogEntry

    if related is None:
        related = getattr(type(record), "history_parts", ())
    condition = Q(content_type=_content_type(type(record)), object_id=record.pk)
    for model, field in related:
        if isinstance(model, str):
            model = apps.get_model(model)
        ids = model._base_manager.filter(**{field: record.pk}).values("pk")
        condition |= Q(content_type=_content_type(model), object_id__in=ids)
    return (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


# The scoping function (`visible_to(user) -> QuerySet`) of each kind of record a
# change may name (by a foreign key or a many-to-many field), registered by its
# app (its apps.py).
_name_scopes: dict[type, Callable[..., QuerySet]] = {}


def register_scope(model, visible_to: Callable[..., QuerySet]) -> None:
    """A change that names a record of `model` (a foreign key's old or new
    value, a record a many-to-many change adds or removes) shows its name to
    whoever sees it through `visible_to(user)`, and its id to anyone else. A
    kind nobody registered shows ids (to superusers, names)."""
    _name_scopes[model._meta.concrete_model] = visible_to


def _is_money(field) -> bool:
    # Amounts of money are the wide two-place decimals (MONEY in the apps:
    # benefits, prize amounts, allowances); shares and scores are narrower.
    return (
        isinstance(field, models.DecimalField)
        and field.decimal_places == 2
        and (field.max_digits or 0) >= 8
    )


def _as_json(field, value):
    """A JSON field's value as stored, decoded if it was kept as text."""
    if isinstance(field, models.JSONField) and isinstance(value, str):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


def _is_structured(value) -> bool:
    """A JSON object, or a list of them (the facts frozen at submission, a rubric)."""
    if isinstance(value, dict):
        return True
    return isinstance(value, list | tuple) and any(isinstance(item, dict) for item in value)


def _moment(value) -> str:
    """A moment (auditlog keeps it in UTC without its zone) in local time, to the
    minute, as the viewer's language writes it."""
    moment = value
    if not isinstance(moment, datetime.datetime):
        with contextlib.suppress(ValueError):
            moment = parse_datetime(str(value))
    if not isinstance(moment, datetime.datetime):
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _day(value) -> str:
    day = value
    if not isinstance(day, datetime.date):
        with contextlib.suppress(ValueError):
            day = parse_date(str(value))
    return formats.date_format(day, "DATE_FORMAT") if day else str(value)


def _named(model, pk, names: dict | None) -> str:
    """A related record by its name where the reader may see it (`names`),
    else by its kind and id: saying the reader may not see it when its kind
    has a scope (`register_scope`), not for a kind nobody registered, whose
    records are named to no one but superusers."""
    name = (names or {}).get((model, str(pk)))
    if name is not None:
        return name
    kind = {"kind": model._meta.verbose_name, "id": pk}
    if model in _name_scopes:
        return (
            pgettext("a record the reader may not open", "%(kind)s #%(id)s (not visible to you)")
            % kind
        )
    return pgettext("a record named by its kind and id", "%(kind)s #%(id)s") % kind


def _shown(field, value, names: dict | None = None, choices=None) -> str:
    """A stored value as the pages show it: a choice by its label (`choices`:
    those of a JSON list's items), a related record by its name (from `names`,
    else its id), money as ¥1,234.00, yes/no, a moment and a date in the
    viewer's language."""
    if value is None or value == "None" or value == "":
        return "—"
    if isinstance(value, list | tuple):
        base = getattr(field, "base_field", None)
        choices = choices or getattr(base, "flatchoices", None)
        items = [_shown(base, item, names, choices) for item in value]
        return pgettext("list of names", ", ").join(items) or "—"
    if field is not None and (field.many_to_one or field.one_to_one):
        return _named(field.related_model._meta.concrete_model, value, names)
    if isinstance(field, models.BooleanField):
        truth = value if isinstance(value, bool) else str(value).lower() in ("true", "1")
        return str(_("yes") if truth else _("no"))
    if _is_money(field):
        try:
            return f"¥{Decimal(str(value)):,.2f}"
        except (InvalidOperation, ValueError):
            return str(value)
    if isinstance(field, models.DateTimeField):
        return _moment(value)
    if isinstance(field, models.DateField):
        return _day(value)
    labels = dict(choices or getattr(field, "flatchoices", None) or ())
    return str(labels.get(value, labels.get(str(value), value)))


def _field(model, name):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:  # a field since removed
        return None


def _own_field(field) -> bool:
    """A field that belongs in a change. On a create or a delete auditlog walks
    every field the model knows, reverse relations included (a studio's
    `honours` as "studios.Honour.None"); only the model's own columns and the
    many-to-many fields it follows by name are changes, less the id it was given."""
    return field.concrete and not (field.primary_key and field.auto_created)


class Names(dict):
    """{(model, str(pk)): name} of the related records a reader may see
    (`related_names`). `everything`: the reader is a superuser, who also reads
    the names a many-to-many change kept before its ids were recorded."""

    everything = False


def _related_keys(model, name, pair) -> tuple[type, set[str]] | None:
    """The related model and the ids a change names: a foreign key's old and
    new value, a many-to-many change's ids (core.history.m2m)."""
    field = _field(model, name)
    if field is None or not _own_field(field):
        return None
    if (field.many_to_one or field.one_to_one) and isinstance(pair, list | tuple):
        values = pair
    elif field.many_to_many and isinstance(pair, dict):
        values = pair.get("ids") or ()
    else:
        return None
    keys = {str(v) for v in values if v not in (None, "None", "")}
    return field.related_model._meta.concrete_model, keys


def related_names(entries: Iterable, *, user, record=None) -> Names:
    """{(model, str(pk)): name} of the records the entries name (a foreign
    key's value, a many-to-many change's records) that `user` sees (through
    the scopes of `register_scope`; a superuser sees every one; `record`,
    whose history it is, needs no query): one query per kind of related
    record, however many entries."""
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, pair in (entry.changes or {}).items():
            found = _related_keys(model, name, pair)
            if found is not None:
                wanted.setdefault(found[0], set()).update(found[1])
    names = Names()
    if record is not None:
        own = (type(record)._meta.concrete_model, str(record.pk))
        names[own] = str(record)
        wanted.get(own[0], set()).discard(own[1])
    superuser = getattr(user, "is_superuser", False)
    names.everything = superuser
    for model, keys in wanted.items():
        visible_to = _name_scopes.get(model)
        if not keys or not (superuser or visible_to):
            continue
        pk_field = model._meta.pk
        ids = set()
        for key in keys:
            with contextlib.suppress(ValueError, TypeError, ValidationError):
                ids.add(pk_field.to_python(key))
        rows = model._base_manager.all() if superuser else visible_to(user)
        # Names only: no joins the scope selects, no order.
        for found in rows.filter(pk__in=ids).select_related(None).order_by():
            names[(model, str(found.pk))] = str(found)
    return names


def _many_change(label: str, field, change: dict, names: dict | None) -> Change | None:
    """A many-to-many change: each record added or removed by its name where
    the reader may see it (`names`), by its id otherwise. One recorded before
    the ids were kept holds names alone, which no scope can check: a superuser
    reads them, anyone else how many were added or removed. None when it
    names no record."""
    added = change.get("operation", change.get("type")) == "add"
    if "ids" in change and field is not None and field.many_to_many:
        model = field.related_model._meta.concrete_model
        items = [_named(model, pk, names) for pk in change["ids"]]
    elif getattr(names, "everything", False):
        items = [str(name) for name in change.get("objects") or ()]
    else:
        return _counted(label, len(change.get("objects") or ()), added)
    if not items:
        return None
    listed = pgettext("list of names", ", ").join(items)
    return Change(label, "—", f"+ {listed}") if added else Change(label, f"− {listed}", "—")


def _counted(label: str, count: int, added: bool) -> Change | None:
    """How many records a change kept by their names alone added or removed."""
    if not count:
        return None
    if added:
        return Change(label, "—", pgettext("history value", "%(count)d added") % {"count": count})
    return Change(label, pgettext("history value", "%(count)d removed") % {"count": count}, "—")


def changes_of(entry, names: dict | None = None) -> list[Change]:
    """The entry's changes, field by field, each by its label in the viewer's
    language with its values as shown (`names`: the related records' names the
    reader may see, from `related_names`). A JSON object (the facts frozen at
    submission) reads as recorded or updated: the record's own page shows it."""
    model = entry.content_type.model_class()
    item_choices = getattr(model, "history_choices", {})
    rows = []
    for name, pair in (entry.changes or {}).items():
        field = _field(model, name)
        if field is not None and not _own_field(field):
            continue
        label = capfirst(str(field.verbose_name)) if field is not None else name
        if isinstance(pair, dict) and "objects" in pair:  # a many-to-many change
            if (many := _many_change(label, field, pair, names)) is not None:
                rows.append(many)
            continue
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        old, new = (_as_json(field, value) for value in pair)
        if _is_structured(old) or _is_structured(new):
            recorded = pgettext("history value", "recorded")
            updated = pgettext("history value", "updated") if old else recorded
            shown = Change(label, recorded if old else "—", updated if new else "—")
        else:
            choices = item_choices.get(name)
            old, new = (_shown(field, value, names, choices) for value in (old, new))
            shown = Change(label, old, new)
        # Left out when it reads the same before and after: a new record's
        # blanks, a moment saved again within the minute.
        if shown.old != shown.new:
            rows.append(shown)
    return rows


def via_label(entry) -> str:
    code = (entry.additional_data or {}).get("via", Via.SYSTEM)
    return str(dict(Via.choices).get(code, code))


ACTIONS = {0: "create", 1: "update", 2: "delete"}
ACTION_LABELS = {"create": _("created"), "update": _("changed"), "delete": _("deleted")}
# Entries a record's page shows; the rest are read page by page through the API.
PAGE_LIMIT = 50


@dataclass(frozen=True)
class Shown:
    """An entry as a record's page shows it."""

    at: object
    by: str
    via: str
    action: str
    record_kind: str
    record: str
    changes: list


def record_kind(entry) -> str:
    model = entry.content_type.model_class()
    return str(model._meta.verbose_name) if model else entry.content_type.model


def history_section(
    user, record, *, visible: bool, api: str = "", related=None, limit: int = PAGE_LIMIT
) -> dict:
    """The context of `includes/changes.html` on a record's page: its latest
    `limit` changes (and its parts'), for superusers and those the record's
    access rule lets read them (`visible`, the same rule as the API's history
    action); nothing for anyone else. A fixed number of queries however long
    the history is: the entries, then one per kind of record they name."""
    if not (visible or getattr(user, "is_superuser", False)):
        return {}
    entries = list(history_of(record, related)[: limit + 1])
    more, entries = len(entries) > limit, entries[:limit]
    names = related_names(entries, user=user, record=record)
    kind = type(record)._meta.verbose_name
    own_type = _content_type(type(record))
    shown = [
        Shown(
            at=entry.timestamp,
            by=entry.actor.full_name if entry.actor_id else "",
            via=via_label(entry),
            action=str(ACTION_LABELS.get(ACTIONS.get(entry.action), _("read"))),
            # A part's change names the part (a member, a co-author…).
            record_kind="" if entry.content_type_id == own_type.pk else record_kind(entry),
            record=entry.object_repr,
            changes=changes_of(entry, names),
        )
        for entry in entries
    ]
    api_url = reverse(f"api:{api}-history", args=[record.pk]) if api else ""
    return {"changes": {"entries": shown, "more": more, "api_url": api_url, "kind": kind}}
