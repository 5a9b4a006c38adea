"""The studio page's problems, achievements and patents sections (registered
with core.panels so the studios app never imports this one)."""

from achievements.selectors import (
    achievements_visible_to,
    patents_visible_to,
    problems_visible_to,
    studio_record_counts,
)
from core import panels
from studios.selectors import studio_access

RECENT = 5


@panels.register("studio_detail", order=10)
def studio_records(request, studio):
    user = request.user
    return (
        "achievements/partials/studio_panel.html",
        {
            "studio": studio,
            "counts": studio_record_counts(studio, user),
            "problems": problems_visible_to(user).filter(studio=studio)[:RECENT],
            "achievements": achievements_visible_to(user).filter(studio=studio)[:RECENT],
            "patents": patents_visible_to(user).filter(studio=studio)[:RECENT],
            # From the studio page's row when it carries its access columns.
            "can_log": studio_access(user, studio).writes_records,
        },
    )
