"""The unit picker of a unit's merge form (core.pickers): units found as the
unit picker finds them, among those the unit may be merged into
(`/pickers/merge-targets/<unit id>/?q=`: `merge_targets`, exactly what
`unit_merge` takes). The import form picks its unit from `managed-org-units`."""

from django.shortcuts import get_object_or_404

from accounts.models import OrgUnit
from accounts.pickers import ORG_UNITS
from accounts.selectors import org_units_managed_by
from core.pickers import register_for_record
from hr.selectors import merge_targets


def _merged(user, unit_id: int) -> OrgUnit:
    """A unit `user` manages, as its page and `unit_merge` find it (404 otherwise)."""
    return get_object_or_404(org_units_managed_by(user), pk=unit_id)


register_for_record(ORG_UNITS, "merge-targets", _merged, merge_targets)
