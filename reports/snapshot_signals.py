"""Which writes make a dashboard snapshot stale (reports/snapshots.py).

`FEEDS` lists every model the dashboard's figures read
(reports/selectors/dashboard.py and what it calls), the fields of it they read,
and the path from a row to the units whose figures count it. When such a row
is created, deleted, or saved with one of those fields changed, the snapshots of
those units and of every unit above them are marked stale once the transaction
commits. A save that changes nothing the figures read (a sign-in's
`last_login`, a draft's text) marks nothing.

A row that moved (a person to another unit, a studio's achievement to another
studio) counts in its old place and its new one: the values of the watched
fields as loaded are kept on the instance (`post_init`), so both are marked
without a query at save time. A path through a reverse relation (a proposal's
co-authors, a session's attendances) is followed when the transaction commits,
so it finds the rows written after the one that was saved, bulk-created ones
included.

These are the writes the model signals do not see, and how each is covered:

- a proposal's co-authors (deleted and bulk-created by
  `competitions.services.proposals`): the service sends
  `core.signals.records_changed` with the old and new co-authors' units when
  the proposal has been submitted (a draft's count nowhere);
- HR imports (people inserted, updated and deactivated in bulk, units inserted,
  renamed and moved) and unit merges: `hr` sends `records_changed` for the
  import's subtree, or for everything after a unit file or a merge;
- a pairing's at-risk columns (`apprenticeships.services.risk`, a
  `bulk_update`): the services write them in the same transaction as a session,
  a plan step or a status they save one by one, which marks the pairing's
  units. Only the nightly `check_pairings` writes them alone, and it must find
  nothing to fix; the nightly rebuild repairs whatever it did fix;
- a studio's dormancy flag (`studios.services.studios_dormancy_set`, a
  `bulk_update` by the nightly dormancy rule): the service sends
  `records_changed` with the units of the studios it flagged or cleared;
- skill-level changes bulk-created by an HR import have no evaluation, so no
  dashboard figure counts them (`skill_rises` counts an evaluation's only);
- award grades are rewritten in bulk only while no award uses them (an award
  protects its grade); the other bulk writes (title grams, review scores,
  contributors, inventors, memberships, award shares, code counters) touch
  nothing the figures read.

The marking is bookkeeping, not a business rule (docs/architecture.md): what it
keeps is derived data, and the nightly rebuild recomputes it whatever was
marked.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_init, post_save

from accounts.models import OrgUnit
from core.signals import records_changed
from reports.snapshots import dashboard_snapshots_mark_stale

# Where the watched values as loaded are kept on an instance.
LOADED = "_dashboard_watched_as_loaded"
# The connection's pending "mark every snapshot" (see `_mark_on_commit`).
MARKS_ALL = "_dashboard_marks_all_on_commit"


@dataclass(frozen=True)
class Feed:
    model: str  # "app_label.Model"
    fields: tuple[str, ...]  # the fields the figures read
    units: tuple[str, ...] = ()  # paths from a row to the units it is counted in
    everywhere: bool = False  # counted in every snapshot (names, group-wide lists)
    on_create: bool = True  # False: a new row counts nowhere yet


FEEDS = (
    Feed("accounts.OrgUnit", ("name", "code", "path"), everywhere=True, on_create=False),
    Feed("accounts.User", ("org_unit", "is_active"), ("org_unit",)),
    # Union officials are not counted among the workers.
    Feed("accounts.RoleGrant", ("user", "role"), ("user__org_unit",)),
    Feed("accounts.SkillLevelChange", ("changed_on",), ("evaluation__pairing__org_unit",)),
    Feed(
        "studios.Studio",
        ("org_unit", "status", "kind", "name", "code", "dormant_since"),
        ("org_unit",),
    ),
    # A list's `total_named` is the whole of every unit's share of it.
    Feed("studios.RecognitionList", ("year", "level", "total_named"), everywhere=True),
    # A list's share counts our studios and our people on it.
    Feed(
        "studios.Honour",
        ("studio", "person", "recognition_list", "revoked_on"),
        ("studio__org_unit", "person__org_unit"),
    ),
    Feed("studios.Assessment", ("studio", "year", "grade"), ("studio__org_unit",)),
    Feed(
        "achievements.TechnicalProblem",
        ("studio", "category", "started_on", "solved_on"),
        ("studio__org_unit",),
    ),
    Feed(
        "achievements.Achievement",
        ("studio", "kind", "completed_on", "claimed_benefit", "verified_benefit"),
        ("studio__org_unit",),
    ),
    Feed(
        "achievements.Adoption",
        ("achievement", "org_unit", "adopted_on"),
        ("achievement__studio__org_unit",),
    ),
    Feed(
        "achievements.Patent",
        ("studio", "patent_type", "status", "filed_on"),
        ("studio__org_unit",),
    ),
    # The year a proposal counts in is its campaign's.
    Feed("competitions.Campaign", ("year",), everywhere=True, on_create=False),
    # Counted where it was filed, and its authors among the entrants of their own units.
    Feed(
        "competitions.Proposal",
        (
            "org_unit",
            "author",
            "campaign",
            "status",
            "category",
            "submitted_at",
            "decided_at",
            "verified_benefit",
        ),
        ("org_unit", "author__org_unit", "co_authors__person__org_unit"),
    ),
    Feed("competitions.Award", ("proposal", "grade", "amount"), ("proposal__org_unit",)),
    Feed("apprenticeships.Pairing", ("org_unit", "status", "starts_on", "ended_on"), ("org_unit",)),
    # Sessions and plan steps decide whether a pairing is at risk.
    Feed("apprenticeships.Session", ("held_on",), ("attendances__pairing__org_unit",)),
    Feed("apprenticeships.Attendance", ("session", "pairing"), ("pairing__org_unit",)),
    Feed("apprenticeships.Milestone", ("pairing", "due_on", "done_on"), ("pairing__org_unit",)),
    Feed("apprenticeships.Evaluation", ("skill_change",), ("pairing__org_unit",), on_create=False),
)


@dataclass(frozen=True)
class _Watch:
    """A feed resolved against its model."""

    feed: Feed
    attnames: tuple[str, ...]  # the fields, as they sit in the instance's __dict__
    attname_of: dict[str, str]  # a field's name (as `update_fields` gives it) → attname
    # Per unit path: (the foreign key's attname, the model it points to, the
    # path from that model on) when the path starts with a foreign key of the
    # row; (None, this model, the whole path) when it starts with a reverse
    # relation, followed from the row itself.
    hops: tuple[tuple[str | None, type, str], ...]


def _watch(feed: Feed) -> _Watch:
    model = apps.get_model(feed.model)
    fields = [model._meta.get_field(name) for name in feed.fields]
    hops = []
    for path in feed.units:
        first, _sep, rest = path.partition("__")
        field = model._meta.get_field(first)
        if field.concrete and field.is_relation:  # a foreign key of the row
            hops.append((field.attname, field.related_model, rest))
        else:
            hops.append((None, model, path))
    return _Watch(
        feed=feed,
        attnames=tuple(field.attname for field in fields),
        attname_of={field.name: field.attname for field in fields},
        hops=tuple(hops),
    )


_WATCHES: dict[type, _Watch] = {}


def _as_loaded(instance, watch: _Watch) -> dict:
    values = instance.__dict__
    return {name: values[name] for name in watch.attnames if name in values}


def _remember(sender, instance, **kwargs) -> None:
    instance.__dict__[LOADED] = _as_loaded(instance, _WATCHES[sender])


def _saved(sender, instance, created, raw, update_fields, **kwargs) -> None:
    watch = _WATCHES[sender]
    before = instance.__dict__.get(LOADED, {})
    now = _as_loaded(instance, watch)
    if update_fields is not None:  # only those were written
        saved = {watch.attname_of[name] for name in update_fields if name in watch.attname_of}
        now = {name: value for name, value in now.items() if name in saved}
    instance.__dict__[LOADED] = {**before, **now}  # what the row holds now
    if raw:  # loaddata: anything may have changed
        _mark_on_commit(None)
    elif created:
        if watch.feed.on_create:
            _mark_on_commit(_where(watch, instance, now, {}))
    elif any(name not in before or before[name] != value for name, value in now.items()):
        _mark_on_commit(_where(watch, instance, now, before))


def _deleted(sender, instance, **kwargs) -> None:
    watch = _WATCHES[sender]
    loaded = instance.__dict__.get(LOADED, {})
    _mark_on_commit(_where(watch, instance, _as_loaded(instance, watch), loaded))


def _units_under(model: type, ids: Iterable, rest: str) -> Exists:
    """Some row of `model` among `ids` is counted in the snapshot's subtree:
    the unit reached by `rest` lies at or below the snapshot's unit."""
    path = f"{rest}__path__startswith" if rest else "path__startswith"
    rows = model._default_manager.filter(pk__in=ids, **{path: OuterRef("org_unit__path")})
    return Exists(rows)


def _where(watch: _Watch, instance, now: dict, loaded: dict) -> Q | None:
    """The snapshots a change of `instance` makes stale (None: all of them; an
    empty Q: none, a row counted in no unit)."""
    if watch.feed.everywhere:
        return None
    where = Q()
    for attname, model, rest in watch.hops:
        # A reverse path is followed from the row when the transaction commits.
        ids = {instance.pk} if attname is None else {now.get(attname), loaded.get(attname)} - {None}
        if ids:
            where |= Q(_units_under(model, sorted(ids), rest))
    return where


def _marks_all_on_commit(connection) -> bool:
    """Whether this transaction will mark every snapshot when it commits, for
    all it writes (`records_changed(rest_of_transaction=True)` asked for it,
    and that part of the transaction has not been rolled back)."""
    pending = getattr(connection, MARKS_ALL, None)
    return pending is not None and any(
        func is pending for _ids, func, _r in connection.run_on_commit
    )


def _mark_on_commit(where: Q | None, *, rest_of_transaction: bool = False) -> None:
    if where is not None and not where:
        return
    connection = transaction.get_connection()
    # A bulk load that marks everything for the rest of its transaction (the
    # demo) needs no mark per row besides: thousands of them made it slow.
    if connection.in_atomic_block and _marks_all_on_commit(connection):
        return

    def mark() -> None:
        dashboard_snapshots_mark_stale(where=where)

    # Robust: the change has committed whatever happens here, and the nightly
    # rebuild repairs a mark that failed.
    transaction.on_commit(mark, robust=True)
    if where is None and rest_of_transaction:
        setattr(connection, MARKS_ALL, mark)


def _records_changed(
    sender, unit_ids=None, subtrees=False, rest_of_transaction=False, **kwargs
) -> None:
    """`core.signals.records_changed`: the bulk writes the model signals miss."""
    if unit_ids is None:
        _mark_on_commit(None, rest_of_transaction=rest_of_transaction)
        return
    ids = sorted(set(unit_ids) - {None})
    if not ids:
        return
    where = Q(_units_under(OrgUnit, ids, ""))
    if subtrees:
        # And the snapshots of the units below them (an import's whole subtree).
        for path in OrgUnit.objects.filter(pk__in=ids).values_list("path", flat=True):
            where |= Q(org_unit__path__startswith=path)
    _mark_on_commit(where)


def connect() -> None:
    """Called once, from ReportsConfig.ready()."""
    for feed in FEEDS:
        watch = _watch(feed)
        model = apps.get_model(feed.model)
        _WATCHES[model] = watch
        uid = f"dashboard-snapshots-{feed.model}"
        post_init.connect(_remember, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    records_changed.connect(_records_changed, dispatch_uid="dashboard-snapshots")
