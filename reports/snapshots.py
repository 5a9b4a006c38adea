"""The dashboard's figures kept ready: one stored result per unit and year.

The dashboard (the page and `GET /api/v1/stats/overview/`) shows some fifty
aggregates over a unit's subtree; computed on every visit they took 7 s for the
group at 300,000 people and a million proposals, and a group's offices open it
many times a day. So each (unit, year) that somebody looks at has a
`DashboardSnapshot`: the whole result of `live_dashboard_figures` for that unit
and year, stored as JSON (reports/snapshot_codec.py keeps every value's type),
and a visit reads that one row.

- **One code path.** A snapshot is what the live function returned, stored; it
  is never assembled from partial sums. So a snapshot equals the live figures
  of its time by construction, and the tests check it on every hand-built world
  of the dashboard's tests (tests/reports/test_dashboard_snapshots.py).
- **Which snapshots exist.** Those somebody asked for: the first visit of a unit
  and year computes the figures live, stores them and shows them; `manage.py
  rebuild_dashboard --unit CODE --year Y` builds one ahead of time.
- **Stale.** When a record the figures count changes, the snapshots of its unit
  and of every unit above it are marked stale, after the change commits
  (reports/snapshot_signals.py: model signals, and `core.signals.records_changed`
  for the bulk writes those do not see). A stale snapshot is still shown, with
  the time it was computed ("as of 14:05"); beat recomputes the stale ones every
  few minutes (`refresh_dashboard_snapshots`), and every snapshot each night
  (`rebuild_dashboard_snapshots`): the at-risk pairings change with the date, not
  only with the records, and the rebuild also repairs anything a missed mark
  left behind.
- **No lost change.** Marking bumps the snapshot's `version`. A recomputation
  reads the version first, then the records, and clears `stale` only if the
  version is still the one it read: a change that committed while it ran leaves
  the snapshot stale for the next round. Snapshots are computed on the primary,
  where that version is read; a replica a few seconds behind could miss the
  very change that marked them.
- **Access** is decided before a snapshot is read, as before: the page and the
  API ask `dashboard_scope_for` for the unit, and a unit outside the official's
  grants is a 404 (400 on the API) whether or not a snapshot of it exists.
- **Reports** compute their figures live (`reports/builders.py`): a report is
  exact at its time.

Why not the issue's additive tables (counts per unit, month and dimension,
summed over a subtree)? Half of the figures do not add up: distinct entrants
counted by their own unit wherever they filed, workers less officials, medians,
shares of lists named group-wide, rankings, adoptions outside the originating
unit. Those would still need a per-unit, per-year store, so two mechanisms and
two code paths for the same numbers, with every service keeping deltas right.
A whole snapshot per unit and year is one mechanism, its rebuild is the live
function itself, and its cost is bounded: a change recomputes the snapshots of
the (at most six) units above it that somebody has looked at, at most once per
beat interval, in the background.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import OrgUnit
from reports.models import DashboardSnapshot
from reports.selectors.dashboard import DashboardScope, live_dashboard_figures

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DashboardFigures:
    figures: dict  # as `live_dashboard_figures` returns them
    as_of: datetime.datetime  # when they were computed


def dashboard_figures(scope: DashboardScope) -> DashboardFigures:
    """The dashboard's figures for the page and the API: the scope's snapshot,
    stale or not (one query), or on the first visit of this unit and year
    computed now and stored. The caller has checked the scope."""
    try:
        snapshot = DashboardSnapshot.objects.only("figures", "computed_at").get(
            org_unit=scope.unit, year=scope.year
        )
    except DashboardSnapshot.DoesNotExist:
        snapshot = None
    if snapshot is not None and snapshot.figures is not None:
        return DashboardFigures(figures=snapshot.figures, as_of=snapshot.computed_at)
    # The row first (stale, no figures yet), so that a change committed while
    # the figures are computed has a row to mark.
    snapshot, _created = DashboardSnapshot.objects.defer("figures").get_or_create(
        org_unit=scope.unit, year=scope.year
    )
    return _recompute(snapshot, scope)[0]


def _recompute(snapshot: DashboardSnapshot, scope: DashboardScope) -> tuple[DashboardFigures, bool]:
    """Compute the snapshot's figures and store them; whether it is fresh now.
    `snapshot.version` must have been read before: the records are read after
    it, so any change that was marked up to that version is in the figures."""
    started = timezone.now()
    figures = live_dashboard_figures(scope, on_primary=True)
    stored = {"figures": figures, "computed_at": started}
    rows = DashboardSnapshot.objects.filter(pk=snapshot.pk)
    fresh = bool(rows.filter(version=snapshot.version).update(stale=False, **stored))
    if not fresh:
        # Marked again meanwhile: newer figures all the same, still stale.
        rows.update(**stored)
    return DashboardFigures(figures=figures, as_of=started), fresh


def dashboard_snapshot_refresh(*, snapshot_id: int) -> bool:
    """Recompute one snapshot, in a transaction of its own; True when it is
    fresh afterwards, False when it went stale again meanwhile (or is gone)."""
    with transaction.atomic():
        snapshot = (
            DashboardSnapshot.objects.select_related("org_unit")
            .defer("figures")
            .filter(pk=snapshot_id)
            .first()
        )
        if snapshot is None:
            return False
        scope = DashboardScope(unit=snapshot.org_unit, year=snapshot.year)
        return _recompute(snapshot, scope)[1]


def _refresh_each(snapshot_ids: list[int]) -> dict:
    counts = {"fresh": 0, "stale": 0, "failed": 0}
    for snapshot_id in snapshot_ids:
        try:
            fresh = dashboard_snapshot_refresh(snapshot_id=snapshot_id)
        except DatabaseError:
            # It stays as it was (stale, if it was); the next round tries again.
            log.exception("Dashboard snapshot %s could not be recomputed", snapshot_id)
            counts["failed"] += 1
            continue
        counts["fresh" if fresh else "stale"] += 1
    return counts


def dashboard_snapshots_refresh_stale() -> dict:
    """Beat, every few minutes: recompute the stale snapshots, each in its own
    transaction. Safe to run twice at once (the second only repeats work)."""
    stale = DashboardSnapshot.objects.filter(stale=True).order_by("pk")
    return _refresh_each(list(stale.values_list("pk", flat=True)))


def dashboard_snapshots_rebuild(*, unit: OrgUnit | None = None, year: int | None = None) -> dict:
    """Recompute every snapshot there is (nightly, and `manage.py
    rebuild_dashboard`), or with `unit` and `year` build that one, creating it
    if nobody has looked at it yet."""
    if unit is None:
        ids = list(DashboardSnapshot.objects.order_by("pk").values_list("pk", flat=True))
    else:
        snapshot, _created = DashboardSnapshot.objects.defer("figures").get_or_create(
            org_unit=unit, year=year
        )
        ids = [snapshot.pk]
    return _refresh_each(ids)


def dashboard_snapshots_mark_stale(*, where: Q | None = None) -> int:
    """Mark stale the snapshots `where` says (all of them when None), bumping
    their version; how many. Called after a change has committed."""
    snapshots = (
        DashboardSnapshot.objects.all()
        if where is None
        else DashboardSnapshot.objects.filter(where)
    )
    return snapshots.update(stale=True, version=F("version") + 1)
