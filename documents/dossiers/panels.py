"""The studio page's dossier links (registered with core.panels, so the studios
app never imports this one): for the studio's lead and the officials over it."""

from django.utils import timezone

from core import panels
from studios.models import RecognitionList
from studios.selectors import studio_access

YEARS_OFFERED = 5


@panels.register("studio_detail", order=90)
def studio_dossiers(request, studio):
    access = studio_access(request.user, studio)
    if not (access.leads or access.manages):
        return None
    this_year = timezone.localdate().year
    first = max(studio.founded_on.year, this_year - YEARS_OFFERED + 1)
    return (
        "documents/dossiers/studio_panel.html",
        {
            "studio": studio,
            "levels": RecognitionList.Level.choices,
            "years": list(range(this_year, first - 1, -1)),
        },
    )
