from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import is_official
from reports.api.serializers import OverviewQuerySerializer, OverviewSerializer
from reports.selectors import dashboard_figures, dashboard_scope_for


class StatsOverviewView(APIView):
    """The dashboard's figures for a unit the official manages and a year: the
    same numbers as the page and the reports."""

    @extend_schema(parameters=[OverviewQuerySerializer], responses=OverviewSerializer)
    def get(self, request):
        if not is_official(request.user):
            raise PermissionDenied
        query = OverviewQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        scope = dashboard_scope_for(request.user, **query.scope_arguments())
        return Response(OverviewSerializer(dashboard_figures(scope)).data)
