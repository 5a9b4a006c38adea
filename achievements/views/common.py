"""Helpers shared by the achievements pages."""

from studios.selectors import studios_managed_by, studios_visible_to, studios_writable_by


def writes_to(user, studio) -> bool:
    return studios_writable_by(user).filter(pk=studio.pk).exists()


def manages(user, studio) -> bool:
    return studios_managed_by(user).filter(pk=studio.pk).exists()


def studio_from_query(request):
    """`?studio=<id>` preselects the studio when logging from the studio page."""
    studio_id = request.GET.get("studio", "")
    if not studio_id.isdigit():
        return None
    return studios_visible_to(request.user).filter(pk=studio_id).first()
