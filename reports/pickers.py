"""The unit picker of the dashboard's and the report form's unit box
(core.pickers): units found as the unit picker finds them, among those an
official reads the figures of (`/pickers/reported-org-units/?q=`): every unit
they manage (`org_units_managed_by`), a closed one too, whose history is still
reported; exactly what `dashboard_scope_for` and `report_run_request` take."""

from dataclasses import replace

from accounts.pickers import ORG_UNITS
from accounts.selectors import org_units_managed_by
from core.pickers import register

register(replace(ORG_UNITS, name="reported-org-units", scope=org_units_managed_by))
