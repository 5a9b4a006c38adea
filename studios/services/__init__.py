"""Every write to studios, memberships, naming and assessments.

Each service locks the row it changes, checks the actor's rights against the
scoping selectors (invisible → 404, visible but not allowed → 403), validates
foreign keys against the actor's scope (→ 400) and refuses what the record's state
forbids (→ 409)."""

from studios.services.assessments import assessment_record  # noqa: F401
from studios.services.memberships import (  # noqa: F401
    membership_add,
    membership_change_role,
    membership_end,
    membership_restore,
)
from studios.services.naming import (  # noqa: F401
    honour_create,
    recognition_list_create,
    recognition_list_update,
    studio_delist,
)
from studios.services.studios import (  # noqa: F401
    studio_change_status,
    studio_create,
    studio_update,
    studios_dormancy_set,
)
