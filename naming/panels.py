"""The studio page's naming section (registered with core.panels, so the
studios app never imports this one): its applications and their status, its
dormancy flag, its rectifications and re-reviews (docs/naming.md)."""

from core import panels
from naming.selectors import (
    naming_applications_visible_to,
    re_reviews_visible_to,
    rectifications_visible_to,
)
from studios.selectors import studio_access

RECENT = 5


@panels.register("studio_detail", order=20)
def studio_naming(request, studio):
    user = request.user
    # From the studio page's row when it carries its access columns.
    access = studio_access(user, studio)
    applications = list(
        naming_applications_visible_to(user).filter(studio=studio).order_by("-created_at")[:RECENT]
    )
    rectifications = (
        list(rectifications_visible_to(user).filter(studio=studio)[:RECENT])
        if access.insider
        else []
    )
    re_reviews = (
        list(re_reviews_visible_to(user).filter(studio=studio)[:RECENT]) if access.insider else []
    )
    if not (applications or rectifications or re_reviews or access.insider):
        return None
    return (
        "naming/partials/studio_panel.html",
        {
            "studio": studio,
            "applications": applications,
            # The flag is internal, as the studio's other records are.
            "dormant_since": studio.dormant_since if access.insider else None,
            "rectifications": rectifications,
            "re_reviews": re_reviews,
            # The service refuses an official who is one of its members (403).
            "may_rectify": access.manages and studio.status in ("named", "established"),
        },
    )
