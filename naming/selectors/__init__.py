"""Reads that depend on who asks, the eligibility checks and the dormancy rule
(docs/naming.md)."""

from naming.selectors.dynamic import (  # noqa: F401
    RectificationAccess,
    dormancy_window_start,
    dormant_studios,
    output_since,
    re_reviews_visible_to,
    rectification_access,
    rectification_facts,
    rectifications_visible_to,
    rectifications_with_access,
    runs_studio,
    studios_back_to_work,
    studios_due_for_re_review,
    studios_rectifiable_by,
    studios_with_last_output,
    studios_with_named_year,
)
from naming.selectors.eligibility import (  # noqa: F401
    Check,
    application_checks,
    eligibility_checks,
    eligibility_now,
    studio_record,
)
from naming.selectors.scopes import (  # noqa: F401
    ExpertRecusal,
    NamingApplicationAccess,
    NamingCallAccess,
    applications_on_notice,
    expert_recusal_of,
    expert_refusals,
    experts_offered,
    naming_application_access,
    naming_application_facts,
    naming_applications_fully_visible_to,
    naming_applications_visible_to,
    naming_applications_with_access,
    naming_call_access,
    naming_call_facts,
    naming_calls_visible_to,
    naming_calls_with_places,
    naming_reviews_visible_to,
    objections_visible_to,
    studios_that_may_apply,
)
