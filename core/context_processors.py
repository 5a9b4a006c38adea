"""Template context shared by every page."""

from django.conf import settings
from django.utils import translation


def navigation(request):
    """Languages for the switch, and the width from which the menu stands
    unfolded (Bootstrap's breakpoint): its ten sections fit 1200 px in Chinese,
    but their English names, about twice as wide, wrapped each on two lines at
    1280 px (a page rendered without this context, such as Django's 400 page,
    unfolds at 1200 px); the nav itself is built in base.html by role."""
    english = (translation.get_language() or "").startswith("en")
    return {"available_languages": settings.LANGUAGES, "nav_unfolds": "xxl" if english else "xl"}
