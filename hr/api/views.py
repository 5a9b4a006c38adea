from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.api.views import ScopedViewSetMixin
from hr import services
from hr.api.serializers import ImportRequestSerializer, ImportRunSerializer
from hr.models import ImportRun
from hr.selectors import imports_with_access
from hr.views import XLSX_TYPE, error_file_response, template_response


class ImportRunViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """HR imports: upload a file (202, its preview is built in the background),
    poll it, confirm a ready preview (202, applied in the background), download
    the rejected rows."""

    visible_to = staticmethod(imports_with_access)
    serializer_class = ImportRunSerializer
    ordering = ["-created_at", "-id"]
    filterset_fields = ["kind", "status"]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ImportRequestSerializer, responses={202: ImportRunSerializer})
    def create(self, request):
        upload = ImportRequestSerializer(data=request.data, context=self.get_serializer_context())
        upload.is_valid(raise_exception=True)
        run = services.import_request(
            by=request.user, upload=upload.validated_data.pop("file"), **upload.validated_data
        )
        return Response(self._shown(run), status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: ImportRunSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Apply the ready preview (409 `not_ready` or `preview_stale` otherwise;
        403 for someone who may see the import but did not upload it)."""
        run = services.import_confirm(by=request.user, run=self.get_object())
        return Response(self._shown(run), status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, XLSX_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        """The rejected rows with their reasons, to fix and upload again."""
        run = self.get_object()  # a pk that is not a number is a 404, not a 500
        if not run.error_file:
            raise Http404
        return error_file_response(run)

    @extend_schema(responses={(200, XLSX_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def template(self, request):
        """`?kind=people|org_units`: an empty spreadsheet with the headers and examples."""
        kind = request.query_params.get("kind", ImportRun.Kind.PEOPLE)
        if kind not in ImportRun.Kind.values:
            raise Http404
        return template_response(kind)

    def _shown(self, run: ImportRun) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=run.pk)).data
