"""The studio page's mentoring section (registered with core.panels, so the
studios app never imports this one)."""

from apprenticeships.selectors import mentoring_figures, pairings_visible_to
from core import panels


@panels.register("studio_detail", order=30)
def studio_pairings(request, studio):
    pairings = pairings_visible_to(request.user).filter(studio=studio)
    figures = mentoring_figures(pairings)
    if not any(figures.values()):
        return None
    return (
        "apprenticeships/partials/studio_panel.html",
        {"studio": studio, "figures": figures},
    )
