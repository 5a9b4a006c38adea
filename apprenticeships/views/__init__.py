from apprenticeships.views.pairings import (  # noqa: F401
    PairingListView,
    my_apprentices,
    my_apprenticeship,
    pairing_activate,
    pairing_create,
    pairing_detail,
    pairing_edit,
    pairing_extend,
    pairing_terminate,
)
from apprenticeships.views.plans import (  # noqa: F401
    evaluation_create,
    mentor_capacity,
    milestone_create,
    milestone_done,
    milestone_edit,
    session_confirm,
    session_create,
)
