"""Field-level history of every record: who changed what, when, from what to
what, and through what (a page, the API, the admin, an import or a task).

django-auditlog keeps the entries (one `auditlog.LogEntry` table, each entry
holding the changed fields as `{field: [old, new]}`); the models it follows are
listed in settings (`AUDITLOG_INCLUDE_TRACKING_MODELS`, and the ones left out on
purpose in `HISTORY_UNTRACKED`). Its signals see a record saved or deleted one
at a time; this module adds what they cannot see:

- **Bulk writes.** `QuerySet.update()`, `bulk_create()` and `bulk_update()` send
  no signal. Every manager of a followed model gets a queryset that writes the
  entries for those too (`RecordedQuerySetMixin`, installed by `record_bulk_writes`
  when the apps are ready), so a service's bulk write is never a hole in the
  history, whichever manager or related manager it goes through.
- **Through what.** `recording(via=…)` says what is acting, for everything
  written inside it: `HistoryMiddleware` opens one per request (page, API or
  admin, by path; the actor is read when an entry is written, so the API's
  token sign-in is seen), a Celery task gets `task` unless it says more (the HR
  import says `import`), `manage.py` (a command, the shell) opens `shell`;
  anything else is `system`.
- **By whom, outside a request.** A task, a command or the shell has no signed-in
  person. The work done for someone names them (`acting_for`: an import's or a
  photo's requester); otherwise the acting person is the `by` the service was
  called with (every service takes its actor as `by`, docs/architecture.md), read
  from the outermost such call under way when the entry is written, so no
  service has to repeat it.

History is read, never written, by the app: the admin shows it read-only and
the pages and API only list it (`core.api.history`, `includes/changes.html`),
both through `changes_of`: what auditlog keeps is read as the reader would say
it (the record's own fields by their labels, choices by theirs, related
records by their names where the reader may see them, moments in local time),
never rewritten.
"""

import contextlib
import datetime
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import islice

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.signals import pre_save
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.encoding import smart_str
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

# Rows read and entries written per statement in a bulk write.
CHUNK = 1000


class Via(models.TextChoices):
    PAGE = "page", _("page")
    API = "api", _("API")
    ADMIN = "admin", _("admin")
    IMPORT = "import", _("import")
    TASK = "task", _("background task")
    SHELL = "shell", _("command line")
    SYSTEM = "system", _("system")


@dataclass(frozen=True)
class _Context:
    via: str
    actor: object = None
    request: object = None
    remote_addr: str | None = None

    def current_actor(self):
        """The acting person: given, or the request's once it is signed in (the
        API signs a token in inside the view, after the middleware), or else
        the `by` of the service under way."""
        if self.actor is not None:
            return self.actor
        user = getattr(self.request, "user", None)
        if getattr(user, "is_authenticated", False):
            return user
        return _service_actor()


def _service_actor():
    """The person the outermost service call under way acts for: its `by`
    argument. A service calling another passes its own `by` on (or acts for
    someone on purpose, like an import for its requester, through
    `acting_for`), so the outermost one names who started the work."""
    from django.contrib.auth import get_user_model

    person_type, found = get_user_model(), None
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if "by" in code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]:
            by = frame.f_locals.get("by")
            if isinstance(by, person_type) and by.pk is not None:
                found = by
        frame = frame.f_back
    return found


_context: ContextVar[_Context | None] = ContextVar("history_context", default=None)


@contextlib.contextmanager
def recording(*, via: str, actor=None, request=None, remote_addr=None) -> Iterator[None]:
    """Everything written inside is recorded as done through `via` by `actor`
    (or the signed-in person of `request`)."""
    if request is not None and remote_addr is None:
        remote_addr = request.META.get("REMOTE_ADDR") or None
    token = _context.set(_Context(via, actor, request, remote_addr))
    try:
        yield
    finally:
        _context.reset(token)


def current_via() -> str:
    context = _context.get()
    return context.via if context else Via.SYSTEM


@contextlib.contextmanager
def acting_for(person) -> Iterator[None]:
    """Work done for `person` outside their request (a task finishing their
    upload): recorded as theirs, through the channel of the moment. A request's
    signed-in person stays the actor."""
    context = _context.get() or _Context(Via.SYSTEM)
    signed_in = getattr(getattr(context.request, "user", None), "is_authenticated", False)
    if person is None or context.actor is not None or signed_in:
        yield
        return
    with recording(via=context.via, actor=person, remote_addr=context.remote_addr):
        yield


def entry_context() -> dict:
    """The LogEntry fields that say who acted and through what, now."""
    context = _context.get() or _Context(Via.SYSTEM)
    actor = context.current_actor()
    return {
        "actor": actor,
        "actor_email": (getattr(actor, "email", None) or None) if actor else None,
        "remote_addr": context.remote_addr,
        "additional_data": {"via": context.via},
    }


def _fill_entry(sender, instance, **kwargs):
    """pre_save of a LogEntry: the actor, address and channel of the moment."""
    if instance.pk is not None:
        return
    for name, value in entry_context().items():
        if name == "additional_data":
            instance.additional_data = {**value, **(instance.additional_data or {})}
        elif getattr(instance, name, None) in (None, ""):
            setattr(instance, name, value)


class HistoryMiddleware:
    """Each request's writes are recorded as made through the page, the API or
    the admin, by the person signed in."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_prefix = "/api/"
        self.admin_prefix = None

    def _via(self, request) -> str:
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        path = request.path_info
        if path.startswith(self.api_prefix):
            return Via.API
        if path.startswith(self.admin_prefix):
            return Via.ADMIN
        return Via.PAGE

    def __call__(self, request):
        with recording(via=self._via(request), request=request):
            return self.get_response(request)


def _content_type(model):
    # Imported here: manage.py opens `recording` before Django is set up.
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


# --- Bulk writes ----------------------------------------------------------------


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def is_tracked(model) -> bool:
    from auditlog.registry import auditlog

    return auditlog.contains(model)


def _entries(model, pairs: Iterable[tuple], fields, action) -> list:
    """One LogEntry per (old, new) pair that differs in `fields` (all if None)."""
    from auditlog.cid import get_cid
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry

    content_type = _content_type(model)
    context, cid = entry_context(), get_cid()
    entries = []
    for old, new in pairs:
        record = new if new is not None else old
        changes = model_instance_diff(old, new, fields_to_check=fields, use_json_for_changes=True)
        if not changes:
            continue
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(record.pk),
                object_id=record.pk if isinstance(record.pk, int) else None,
                object_repr=smart_str(record),
                action=action,
                changes=changes,
                cid=cid,
                **context,
            )
        )
    return entries


def _field_names(model, names: Iterable[str]) -> list[str]:
    """Field names and attnames (`org_unit`, `org_unit_id`) for the diff."""
    result = []
    for name in names:
        field = model._meta.get_field(name)
        result += [field.name, getattr(field, "attname", field.name)]
    return result


def _save_entries(entries: list) -> None:
    from auditlog.models import LogEntry

    for chunk in _chunks(entries):
        LogEntry.objects.bulk_create(chunk)


def _disabled() -> bool:
    from auditlog.context import auditlog_disabled

    return auditlog_disabled.get()


class RecordedQuerySetMixin:
    """A queryset whose bulk writes are recorded like single saves."""

    def _recorded(self) -> bool:
        return is_tracked(self.model) and not _disabled()

    def update(self, **kwargs):
        if not self._recorded() or not kwargs:
            return super().update(**kwargs)
        from auditlog.models import LogEntry

        fields = _field_names(self.model, kwargs)
        base = self.model._base_manager
        # The rows this update will change, as they are before it.
        keys = self.order_by().values("pk")
        keys.query.select_for_update = False  # a subquery locks nothing
        before = {row.pk: row for row in base.filter(pk__in=keys).only(*fields[::2])}
        count = super().update(**kwargs)
        pairs = []
        for chunk in _chunks(list(before)):
            pairs += [(before[row.pk], row) for row in base.filter(pk__in=chunk)]
        _save_entries(_entries(self.model, pairs, fields, LogEntry.Action.UPDATE))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        if self._recorded():
            from auditlog.models import LogEntry

            made = ((None, obj) for obj in objs if obj.pk is not None)
            _save_entries(_entries(self.model, made, None, LogEntry.Action.CREATE))
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        if not self._recorded():
            return super().bulk_update(objs, fields, *args, **kwargs)
        from auditlog.models import LogEntry

        objs = list(objs)
        names = _field_names(self.model, fields)
        base = self.model._base_manager
        before = {}
        for chunk in _chunks([obj.pk for obj in objs]):
            before.update((row.pk, row) for row in base.filter(pk__in=chunk).only(*names[::2]))
        with not_recorded():  # its inner update() is recorded here, once
            count = super().bulk_update(objs, fields, *args, **kwargs)
        pairs = [(before[obj.pk], obj) for obj in objs if obj.pk in before]
        _save_entries(_entries(self.model, pairs, names, LogEntry.Action.UPDATE))
        return count


_recorded_classes: dict[type, type] = {}


def _recorded(queryset_class: type) -> type:
    """`queryset_class` with its bulk writes recorded (made once per class)."""
    if issubclass(queryset_class, RecordedQuerySetMixin):
        return queryset_class
    if queryset_class not in _recorded_classes:
        _recorded_classes[queryset_class] = type(
            queryset_class.__name__,
            (RecordedQuerySetMixin, queryset_class),
            {"__module__": queryset_class.__module__},
        )
    return _recorded_classes[queryset_class]


def record_bulk_writes(model) -> None:
    """Give every manager of `model` a queryset that records bulk writes.

    The manager's class is replaced by a subclass of the same name and module,
    so migrations see the same manager, and related managers (built from the
    default manager's class) record too. A manager that builds its queryset
    itself (treebeard's) has the queryset's class swapped as it comes."""
    for manager in model._meta.managers:
        manager_class = type(manager)
        if getattr(manager_class, "_records_bulk_writes", False):
            continue
        manager.__class__ = type(
            manager_class.__name__,
            (manager_class,),
            {
                "_records_bulk_writes": True,
                "_queryset_class": _recorded(manager_class._queryset_class),
                "get_queryset": _recorded_get_queryset(manager_class),
                "__module__": manager_class.__module__,
                # Equal to the manager it stands for, as migrations compare them.
                "__eq__": _same_manager(manager_class),
                "__hash__": manager_class.__hash__,
            },
        )


def _recorded_get_queryset(manager_class):
    def get_queryset(self):
        queryset = manager_class.get_queryset(self)
        queryset.__class__ = _recorded(type(queryset))
        return queryset

    return get_queryset


def _same_manager(manager_class):
    def __eq__(self, other):
        return isinstance(other, manager_class) and (
            self._constructor_args == other._constructor_args
        )

    return __eq__


def install() -> None:
    """Called once the apps are ready (core.apps)."""
    from auditlog import get_logentry_model
    from auditlog.registry import auditlog

    pre_save.connect(_fill_entry, sender=get_logentry_model(), dispatch_uid="history_context")
    for model in auditlog.get_models():
        record_bulk_writes(model)
    _connect_tasks()


def _connect_tasks() -> None:
    """A Celery task's writes are recorded as `task` (a task that knows better,
    the HR import, opens its own `recording`)."""
    from celery.signals import task_postrun, task_prerun

    tokens = {}

    def started(task_id=None, **kwargs):
        tokens[task_id] = _context.set(_Context(Via.TASK))

    def finished(task_id=None, **kwargs):
        token = tokens.pop(task_id, None)
        if token is not None:
            _context.reset(token)

    task_prerun.connect(started, weak=False, dispatch_uid="history_task_started")
    task_postrun.connect(finished, weak=False, dispatch_uid="history_task_finished")


@contextlib.contextmanager
def not_recorded() -> Iterator[None]:
    """Writes that are not history (a test's or the demo's setup)."""
    from auditlog.context import disable_auditlog

    with disable_auditlog():
        yield


# --- Reading ----------------------------------------------------------------------


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
# change may name by a foreign key, registered by its app (its apps.py).
_name_scopes: dict[type, Callable[..., QuerySet]] = {}


def register_scope(model, visible_to: Callable[..., QuerySet]) -> None:
    """A change that names a record of `model` (a foreign key's old or new
    value) shows its name to whoever sees it through `visible_to(user)`, and its
    id to anyone else. A kind nobody registered shows ids (to superusers, names)."""
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
        name = (names or {}).get((field.related_model._meta.concrete_model, str(value)))
        return name if name is not None else str(value)
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


def related_names(entries: Iterable, *, user, record=None) -> dict:
    """{(model, str(pk)): name} of the records the entries' foreign keys name
    that `user` sees (through the scopes of `register_scope`; a superuser sees
    every one; `record`, whose history it is, needs no query): one query per
    kind of related record, however many entries."""
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        model = entry.content_type.model_class()
        for name, pair in (entry.changes or {}).items():
            field = _field(model, name)
            if field is None or not (field.many_to_one or field.one_to_one):
                continue
            if isinstance(pair, list | tuple):
                values = {str(v) for v in pair if v not in (None, "None", "")}
                wanted.setdefault(field.related_model._meta.concrete_model, set()).update(values)
    names = {}
    if record is not None:
        own = (type(record)._meta.concrete_model, str(record.pk))
        names[own] = str(record)
        wanted.get(own[0], set()).discard(own[1])
    superuser = getattr(user, "is_superuser", False)
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
            objects = pgettext("list of names", ", ").join(str(o) for o in pair["objects"]) or "—"
            if pair.get("operation", pair.get("type")) == "add":
                rows.append(Change(label, "—", f"+ {objects}"))
            else:
                rows.append(Change(label, f"− {objects}", "—"))
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


def configured_models() -> list[str]:
    """The `app.Model` labels named in settings as followed."""
    return [
        item if isinstance(item, str) else item["model"]
        for item in settings.AUDITLOG_INCLUDE_TRACKING_MODELS
    ]
