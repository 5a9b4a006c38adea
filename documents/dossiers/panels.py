"""The dossier links on other apps' pages (registered with core.panels, so
those apps never import this one): the studio page's, for the studio's lead
and the officials over it; a naming application's, for those who read its
material (its insiders and its expert)."""

from django.utils import timezone

from core import panels
from naming.selectors import naming_application_access
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


@panels.register("naming_application_detail", order=90)
def naming_application_dossier(request, application):
    if not naming_application_access(request.user, application).reads_material:
        return None
    return ("documents/dossiers/application_panel.html", {"application": application})
