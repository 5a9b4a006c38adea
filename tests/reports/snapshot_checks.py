"""What the dashboard snapshot tests share: a kept snapshot read back from its
row, and a comparison that holds only when it is the live figures value for
value and type for type."""

from decimal import Decimal

from django.utils.functional import Promise

from accounts.models import OrgUnit
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
    assert_same(kept(unit, year), live(unit, year), f"{unit.code} {year}")
