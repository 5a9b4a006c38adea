"""Many-to-many changes recorded with the related records' ids.

auditlog (3.4) records a change to a followed many-to-many field (`m2m_fields`
in settings: a proposal's related proposals, a story's people and studios, a
problem's team, a conference's achievements) as the related records' names
alone: `{"type": "m2m", "operation": "add" | "delete", "objects": [names]}`.
Names alone could be shown to every reader or to none; the history names a
related record only to a reader who may see it (reading.related_names), so it
needs the ids. auditlog sends no signal around these entries (its pre_log and
post_log are for saves and deletes), so the ids are taken from Django's
`m2m_changed` before the change (pre_add, pre_remove, pre_clear: the records
auditlog's post_ receiver then lists) and added to auditlog's entry as it is
saved (`"ids": [...]`).

A clear() is recorded by auditlog as the removal of every record of the
related model, not of those the record had; the entry gets the ids and names
of those it had.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db.models.signals import m2m_changed, pre_save
from django.utils.encoding import smart_str

from core.history.context import _content_type

OPERATIONS = {
    "pre_add": "add",
    "pre_remove": "delete",
    "pre_clear": "delete",
    "post_add": "add",
    "post_remove": "delete",
    "post_clear": "delete",
}

# The related records of each many-to-many change under way, from its pre_ to
# its post_ signal: {(content type id, record's pk, field, operation): (ids,
# names or None)}. The entry auditlog saves in between takes them.
_pending: ContextVar[dict | None] = ContextVar("history_m2m_pending", default=None)

# {through model: (model, name of the followed field)} for the receiver.
_followed: dict[type, tuple[type, str]] = {}


def followed_fields() -> list[tuple[type, str]]:
    """(model, field name) of every many-to-many field settings follow."""
    from django.apps import apps

    return [
        (apps.get_model(item["model"]), name)
        for item in settings.AUDITLOG_INCLUDE_TRACKING_MODELS
        if isinstance(item, dict)
        for name in item.get("m2m_fields", ())
    ]


def _key(instance, field_name: str, operation: str) -> tuple:
    return (_content_type(type(instance)).pk, str(instance.pk), field_name, operation)


def _stored(pk):
    return pk if isinstance(pk, int) else str(pk)


def _related_now(instance, model, field_name: str, reverse: bool) -> list:
    """The records `instance` is linked to through the field, before a clear()."""
    field = model._meta.get_field(field_name)
    accessor = field.remote_field.get_accessor_name() if reverse else field.name
    return list(getattr(instance, accessor).all())


def _on_change(sender, instance, action, reverse, pk_set, **kwargs):
    """Before the change (pre_add, pre_remove, pre_clear): the ids (and, for a
    clear, the names) of the records it adds or removes, kept for auditlog's
    entry; after it, whatever no entry took is dropped."""
    from auditlog.context import auditlog_disabled

    operation = OPERATIONS.get(action)
    if sender not in _followed or operation is None or auditlog_disabled.get():
        return
    model, field_name = _followed[sender]
    key = _key(instance, field_name, operation)
    if action.startswith("post_"):
        # auditlog's receiver (connected first) has saved its entry by now.
        (_pending.get() or {}).pop(key, None)
        return
    if action == "pre_clear":
        records = _related_now(instance, model, field_name, reverse)
        found = ([_stored(r.pk) for r in records], [smart_str(r) for r in records])
    else:
        ordered = sorted(pk_set or (), key=lambda pk: (isinstance(pk, str), pk))
        found = ([_stored(pk) for pk in ordered], None)
    pending = _pending.get()
    if pending is None:
        pending = {}
        _pending.set(pending)
    pending[key] = found


def _add_ids(sender, instance, **kwargs):
    """pre_save of a LogEntry: a many-to-many change gets the ids kept for it."""
    pending = _pending.get()
    if not pending or instance.pk is not None or not isinstance(instance.changes, dict):
        return
    for field_name, change in instance.changes.items():
        if not (isinstance(change, dict) and change.get("type") == "m2m"):
            continue
        key = (
            instance.content_type_id,
            str(instance.object_pk),
            field_name,
            change.get("operation"),
        )
        found = pending.pop(key, None)
        if found is None:
            continue
        ids, names = found
        change["ids"] = ids
        if names is not None:
            change["objects"] = names


def record_m2m_ids() -> None:
    """Every followed many-to-many field's changes recorded with the ids (from
    bulk.install). Connected after auditlog's own receivers (auditlog comes
    before core in INSTALLED_APPS), so a post_ signal finds its entry saved."""
    from auditlog import get_logentry_model

    for model, name in followed_fields():
        through = model._meta.get_field(name).remote_field.through
        _followed[through] = (model, name)
        m2m_changed.connect(
            _on_change, sender=through, dispatch_uid=f"history_m2m_{through._meta.label}"
        )
    pre_save.connect(_add_ids, sender=get_logentry_model(), dispatch_uid="history_m2m_ids")
