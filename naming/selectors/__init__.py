"""Reads that depend on who asks, and the eligibility checks (docs/naming.md)."""

from naming.selectors.eligibility import (  # noqa: F401
    Check,
    application_checks,
    eligibility_checks,
    eligibility_now,
    studio_record,
)
from naming.selectors.scopes import (  # noqa: F401
    NamingApplicationAccess,
    NamingCallAccess,
    applications_on_notice,
    naming_application_access,
    naming_application_facts,
    naming_applications_visible_to,
    naming_applications_with_access,
    naming_call_access,
    naming_call_facts,
    naming_calls_visible_to,
    naming_calls_with_places,
    naming_reviews_visible_to,
    objections_visible_to,
    recusal_reason,
    studios_that_may_apply,
)
