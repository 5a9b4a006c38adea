"""Every write of a naming call, application, expert review and objection.

Each service locks the row it moves, reads the actor's access object (outside
scope 404, visible but not allowed 403) and lets the state machine refuse what
the status forbids (409). Dormancy, rectification and re-review (the second
half of issue 20, docs/naming.md) are modules of their own here."""

from naming.services.applications import (  # noqa: F401
    naming_application_create,
    naming_application_decide,
    naming_application_recommend,
    naming_application_submit,
    naming_application_update,
    naming_result_record,
)
from naming.services.calls import naming_call_create  # noqa: F401
from naming.services.dormancy import dormancy_sweep, rectification_checks_run  # noqa: F401
from naming.services.materials import naming_material_add, naming_material_remove  # noqa: F401
from naming.services.objections import objection_decide, objection_lodge  # noqa: F401
from naming.services.rectifications import (  # noqa: F401
    re_review_record,
    rectification_close,
    rectification_delist,
    rectification_open,
)
from naming.services.reminders import expert_reminders_send  # noqa: F401
from naming.services.review import (  # noqa: F401
    naming_expert_replace,
    naming_expert_withdraw,
    naming_experts_assign,
    naming_notice_start,
    naming_review_submit,
    naming_review_update,
    naming_visit_photo_add,
    naming_visit_record,
)
