"""Helpers shared by the achievements pages."""

from studios.selectors import studios_visible_to


def studio_from_query(request):
    """`?studio=<id>` preselects the studio when logging from the studio page."""
    studio_id = request.GET.get("studio", "")
    if not studio_id.isdigit():
        return None
    return studios_visible_to(request.user).filter(pk=studio_id).first()
