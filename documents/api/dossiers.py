"""The dossiers as downloads (docs/documents.md, "Dossiers and the award list"):

- `GET studios/{id}/dossier/?kind=naming&level=<honour level>`: the naming
  application (申报表); `?kind=assessment&year=<year>`: the annual assessment
  pack. For the studio's lead and the officials over it; 403 for others who see
  the studio, 404 for those who do not.
- `GET naming-applications/{id}/dossier/`: an application's own 申报表, for
  those who read its material (its insiders and its expert); 403 for others
  who see it, 404 for those who do not.
- `GET campaigns/{id}/award-list/`: the five-small award list for finance, to
  the officials who see the campaign (their units' awards); 403 for others who
  see it, 404 for those who do not.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.views import APIView

from accounts.selectors import is_official
from competitions.selectors import campaigns_visible_to
from core.downloads import private_download
from core.exports import export_filename
from documents.dossiers.awards import award_list, award_list_document
from documents.dossiers.builders import assessment_pack, naming_application
from documents.dossiers.figures import naming_application_dossier, studio_dossier
from documents.dossiers.layout import DOCX_TYPE
from naming.selectors import (
    naming_application_access,
    naming_applications_with_access,
    naming_materials_of,
)
from studios.models import RecognitionList
from studios.selectors import studio_access, studios_with_access

NAMING, ASSESSMENT = "naming", "assessment"


def docx_response(content: bytes, filename: str) -> HttpResponse:
    """A Word file as a download under its Chinese name, never kept in a
    shared cache."""
    return private_download(content, filename=f"{filename}.docx", content_type=DOCX_TYPE)


def naming_title(level: str) -> str:
    return pgettext("file name", "Naming application %(level)s") % {
        "level": RecognitionList.Level(level).label
    }


class DossierQuerySerializer(serializers.Serializer):
    """Which dossier: the naming application for a level, or the assessment pack
    of a year between the studio's founding and this year."""

    kind = serializers.ChoiceField(choices=[NAMING, ASSESSMENT])
    level = serializers.ChoiceField(choices=RecognitionList.Level.choices, required=False)
    year = serializers.IntegerField(required=False)

    def validate(self, data):
        if data["kind"] == NAMING and not data.get("level"):
            raise ValidationError({"level": [_("Choose the honour level applied for.")]})
        if data["kind"] == ASSESSMENT:
            year = data.get("year")
            studio = self.context["studio"]
            first, last = studio.founded_on.year, timezone.localdate().year
            if year is None:
                raise ValidationError({"year": [_("Choose the year assessed.")]})
            if not first <= year <= last:
                raise ValidationError(
                    {
                        "year": [
                            _("Choose a year from %(first)s to %(last)s.")
                            % {"first": first, "last": last}
                        ]
                    }
                )
        return data


class StudioDossierView(APIView):
    @extend_schema(
        operation_id="studios_dossier",
        parameters=[
            OpenApiParameter("kind", enum=[NAMING, ASSESSMENT], required=True),
            OpenApiParameter("level", enum=RecognitionList.Level.values),
            OpenApiParameter("year", int),
        ],
        responses={(200, DOCX_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request, pk):
        """A studio's naming application or annual assessment pack (DOCX)."""
        studio = get_object_or_404(studios_with_access(request.user), pk=pk)
        access = studio_access(request.user, studio)
        if not (access.leads or access.manages):
            raise PermissionDenied(_("Only the studio's lead and the officials over it may."))
        query = DossierQuerySerializer(data=request.query_params, context={"studio": studio})
        query.is_valid(raise_exception=True)
        if query.validated_data["kind"] == NAMING:
            level = query.validated_data["level"]
            content = naming_application(studio_dossier(request.user, studio), level)
            title = naming_title(level)
        else:
            year = query.validated_data["year"]
            content = assessment_pack(studio_dossier(request.user, studio, year=year))
            title = pgettext("file name", "Annual assessment %(year)s") % {"year": year}
        return docx_response(content, export_filename(title, studio.name))


class NamingApplicationDossierView(APIView):
    @extend_schema(
        operation_id="naming_applications_dossier",
        responses={(200, DOCX_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request, pk):
        """A naming application's 申报表 (DOCX): its call's level, its
        statement, the studio's facts as submitted."""
        application = get_object_or_404(naming_applications_with_access(request.user), pk=pk)
        access = naming_application_access(request.user, application)
        if not access.reads_material:
            raise PermissionDenied(
                _("Only the studio, the officials over it, the call's office and its experts may.")
            )
        level = application.call.level
        dossier = naming_application_dossier(request.user, application, access)
        materials = list(naming_materials_of(application))
        content = naming_application(dossier, level, application=application, materials=materials)
        studio_name = application.facts.get("name", application.studio.name)
        return docx_response(content, export_filename(naming_title(level), studio_name))


class AwardListView(APIView):
    @extend_schema(
        operation_id="campaigns_award_list",
        responses={(200, DOCX_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request, pk):
        """A campaign's five-small award list for finance (DOCX)."""
        campaign = get_object_or_404(campaigns_visible_to(request.user), pk=pk)
        if not is_official(request.user):
            raise PermissionDenied(_("Only union officials may download the award list."))
        content = award_list_document(award_list(request.user, campaign))
        title = pgettext("file name", "Five-small award list")
        return docx_response(content, export_filename(title, campaign.name))


urlpatterns = [
    path("studios/<int:pk>/dossier/", StudioDossierView.as_view(), name="studio-dossier"),
    path(
        "naming-applications/<int:pk>/dossier/",
        NamingApplicationDossierView.as_view(),
        name="naming-application-dossier",
    ),
    path("campaigns/<int:pk>/award-list/", AwardListView.as_view(), name="campaign-award-list"),
]
