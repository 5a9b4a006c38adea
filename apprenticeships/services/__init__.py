"""Every write to pairings, plans, sessions and evaluations.

Each service locks the pairing it changes, checks the actor against the
scoping selectors (outside scope → 404, visible but not allowed → 403), checks
people written into the record against the actor's scope (→ 400) and refuses
what the pairing's state forbids (→ 409)."""

from apprenticeships.services.evaluations import evaluation_record  # noqa: F401
from apprenticeships.services.pairings import (  # noqa: F401
    mentor_capacity_set,
    pairing_activate,
    pairing_extend,
    pairing_propose,
    pairing_terminate,
    pairing_update,
)
from apprenticeships.services.plans import (  # noqa: F401
    milestone_attach,
    milestone_create,
    milestone_mark_done,
    milestone_update,
    session_confirm,
    session_log,
)
from apprenticeships.services.risk import (  # noqa: F401
    pairing_risk_refresh,
    pairings_at_risk_notify,
    pairings_risk_check,
)
