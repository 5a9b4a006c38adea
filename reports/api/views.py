from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import is_official
from core.api.views import ExportMixin, ScopedViewSetMixin, ServiceWriteMixin, record_access
from reports import services
from reports.api.serializers import (
    OverviewQuerySerializer,
    OverviewSerializer,
    ReportRunSerializer,
)
from reports.selectors import (
    dashboard_scope_for,
    report_run_access,
    report_runs_with_access,
)
from reports.snapshots import dashboard_figures
from reports.views import XLSX_TYPE, report_file_response


class StatsOverviewView(APIView):
    """The dashboard's figures for a unit the official manages and a year: the
    same numbers as the page, as of `as_of` (reports/snapshots.py)."""

    @extend_schema(parameters=[OverviewQuerySerializer], responses=OverviewSerializer)
    def get(self, request):
        if not is_official(request.user):
            raise PermissionDenied
        query = OverviewQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        scope = dashboard_scope_for(request.user, **query.scope_arguments())
        kept = dashboard_figures(scope)  # after the scope: outside it is refused above
        return Response(OverviewSerializer({**kept.figures, "as_of": kept.as_of}).data)


class ReportRunViewSet(
    ExportMixin,
    ServiceWriteMixin,
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Report runs: `POST {"kind", "org_unit_id", "year"}` queues one; poll the
    run for its progress; download the file when it has succeeded."""

    visible_to = staticmethod(report_runs_with_access)
    serializer_class = ReportRunSerializer
    ordering = ["-created_at", "-id"]
    filterset_fields = ["kind", "status", "year"]

    def create_via_service(self, data):
        if "year" not in data:
            data["year"] = timezone.localdate().year
        return services.report_run_request(by=self.request.user, **data)

    @extend_schema(responses={(200, XLSX_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file of a succeeded run (404 while it is being built)."""
        run = self.get_object()  # DRF's look-up: "abc" is a 404, as any unknown id
        if not report_run_access(request.user, run).download:
            raise Http404  # no file yet: answered as for a run that does not exist
        record_access(request, "downloaded", str(run))
        return report_file_response(run)
