from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import (
    OrgUnitSerializer,
    PersonSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from accounts.filtersets import OrgUnitFilterSet, PersonFilterSet
from accounts.models import OrgUnit
from accounts.selectors import org_units_visible_to, people_with_access
from core.api.views import ScopedReadOnlyViewSet


class OrgUnitViewSet(ScopedReadOnlyViewSet):
    """Org units the viewer may see; `org_unit=<id>` filters a whole subtree."""

    visible_to = staticmethod(org_units_visible_to)
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilterSet
    ordering_fields = ["path", "name", "code"]
    ordering = ["path"]

    def get_queryset(self):
        # The parent is the unit whose path is this path minus its last step: one
        # correlated subquery instead of a query per row.
        parent = OrgUnit.objects.filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - OrgUnit.steplen)
        ).values("pk")[:1]
        return super().get_queryset().annotate(parent_id=Subquery(parent))


class PersonViewSet(ScopedReadOnlyViewSet):
    """The people directory, scoped as docs/access.md says."""

    visible_to = staticmethod(people_with_access)
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    ordering_fields = ["employee_no", "full_name"]
    ordering = ["employee_no"]


class ObtainTokenView(APIView):
    """Exchange an employee number and password for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)
