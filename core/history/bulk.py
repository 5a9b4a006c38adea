"""Bulk writes, recorded like single saves, and the wiring that makes every
followed model record them (`install`, once the apps are ready).

auditlog's signals see a record saved or deleted one at a time;
`QuerySet.update()`, `bulk_create()` and `bulk_update()` send no signal. Every
manager of a followed model gets a queryset that writes the entries for those
too (`RecordedQuerySetMixin`, installed by `record_bulk_writes` when the apps are
ready), so a service's bulk write is never a hole in the history, whichever
manager or related manager it goes through. The entries it writes say who acted
and through what as auditlog's own do (`entry_context`, from the recording
context).
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from core.history.context import (
    _connect_tasks,
    _content_type,
    _fill_entry,
    entry_context,
    not_recorded,
)
from core.history.m2m import record_m2m_ids

# Rows read and entries written per statement in a bulk write.
CHUNK = 1000


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
    """Called once the apps are ready (core.apps): every entry filled from the
    recording context, every followed model's bulk writes recorded, every
    many-to-many change recorded with the related records' ids, and each
    Celery task recorded as `task`."""
    from auditlog import get_logentry_model
    from auditlog.registry import auditlog

    pre_save.connect(_fill_entry, sender=get_logentry_model(), dispatch_uid="history_context")
    for model in auditlog.get_models():
        record_bulk_writes(model)
    record_m2m_ids()
    _connect_tasks()
