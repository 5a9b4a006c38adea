"""Who sees and manages which studios, the honour roll, and the naming shares
(computed, never typed): one module each, read from here."""

from studios.selectors.honours import (  # noqa: F401
    HonourAccess,
    honour_access,
    honour_facts,
    honours_listed_with_access,
    honours_on_list_for,
    honours_visible_to,
    honours_with_access,
    recognition_lists_managed_by,
    recognition_lists_visible_to,
)
from studios.selectors.shares import (  # noqa: F401
    Share,
    honour_counts_q,
    list_share,
    recognition_lists_with_share,
    shares_by_level_and_year,
)
from studios.selectors.studios import (  # noqa: F401
    StudioAccess,
    assessments_visible_to,
    memberships_visible_to,
    newcomers_offered,
    studio_access,
    studio_facts,
    studio_insiders_q,
    studio_status_targets,
    studios_led_by,
    studios_managed_by,
    studios_nameable_by,
    studios_of,
    studios_visible_to,
    studios_with_access,
    studios_writable_by,
)
