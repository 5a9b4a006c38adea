"""Template context shared by every page."""

from django.conf import settings


def navigation(request):
    """Languages for the switch; the nav itself is built in base.html by role."""
    return {"available_languages": settings.LANGUAGES}
