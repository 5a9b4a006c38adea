"""What the dashboard snapshot tests share: a kept snapshot read back from its
row, and a comparison that holds only when it is the live figures value for
value and type for type."""

from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.utils.functional import Promise

from accounts.models import OrgUnit
from reports import snapshots
from reports.models import DashboardSnapshot
from reports.selectors import DashboardScope, live_dashboard_figures
from reports.snapshots import dashboard_figures


def kept(unit: OrgUnit, year: int) -> dict:
    """The figures kept for `unit` and `year`, as a later visit reads them
    (decoded from the row); the first visit keeps them."""
    dashboard_figures(DashboardScope(unit=unit, year=year))
    return DashboardSnapshot.objects.get(org_unit=unit, year=year).figures


def live(unit: OrgUnit, year: int) -> dict:
    return live_dashboard_figures(DashboardScope(unit=unit, year=year))


@contextmanager
def computed_by_snapshots():
    """What the snapshots' own computations (a first visit, a refresh, a
    rebuild) got from the live figures inside the block, by (unit id, year).
    Where nothing is written after the block, they are the live figures of that
    unit and year then too: comparing a kept snapshot with them checks what
    computing the live figures once more would, at half the cost."""
    computed = {}
    compute = snapshots.live_dashboard_figures

    def recorded(scope, **kwargs):
        figures = compute(scope, **kwargs)
        computed[scope.unit.pk, scope.year] = figures
        return figures

    with mock.patch.object(snapshots, "live_dashboard_figures", recorded):
        yield computed


def assert_same(kept_value, live_value, path: str = "figures") -> None:
    """`kept_value` is `live_value`: equal, of the same type, a decimal with the
    same digits, a label the choice's own (lazy) label, a unit loaded with the
    same fields."""
    if isinstance(live_value, Promise):
        assert kept_value is live_value, path
        return
    assert type(kept_value) is type(live_value), (path, type(kept_value), type(live_value))
    if isinstance(live_value, dict):
        assert set(kept_value) == set(live_value), path
        for key, value in live_value.items():
            assert_same(kept_value[key], value, f"{path}.{key}")
    elif isinstance(live_value, list):
        assert len(kept_value) == len(live_value), path
        for index, (kept_item, live_item) in enumerate(zip(kept_value, live_value, strict=True)):
            assert_same(kept_item, live_item, f"{path}[{index}]")
    elif isinstance(live_value, OrgUnit):
        fields = ("pk", "name", "code", "path")
        assert [getattr(kept_value, name) for name in fields] == [
            getattr(live_value, name) for name in fields
        ], path
        assert kept_value.get_deferred_fields() == live_value.get_deferred_fields(), path
    elif isinstance(live_value, Decimal):
        assert str(kept_value) == str(live_value), path  # 82000.00, not 82000 or 8.2E+4
    else:
        assert kept_value == live_value, path


def assert_kept_is_live(unit: OrgUnit, year: int) -> None:
    """The first visit's snapshot of `unit` and `year`, read back from its row,
    is the live figures (those the visit computed, nothing written since)."""
    with computed_by_snapshots() as computed:
        kept_figures = kept(unit, year)
    assert list(computed) == [(unit.pk, year)]  # computed once, for this unit and year
    assert_same(kept_figures, computed[unit.pk, year], f"{unit.code} {year}")
