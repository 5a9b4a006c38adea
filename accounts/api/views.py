from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    OneTimePasswordSerializer,
    OrgUnitSerializer,
    PeopleActivateSerializer,
    PersonSerializer,
    PersonWriteSerializer,
    RoleGrantSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from accounts.filtersets import OrgUnitFilterSet, PersonFilterSet, RoleGrantFilterSet
from accounts.models import OrgUnit
from accounts.selectors import (
    is_official,
    org_units_visible_to,
    people_with_access,
    person_access,
    role_grants_managed_by,
)
from accounts.sheets import XLSX_TYPE, activation_sheet_response
from accounts.sign_in_limits import address_failure_count, address_wait
from core.api.history import HistoryMixin
from core.api.pagination import KeysetPagination
from core.api.views import (
    ScopedReadOnlyViewSet,
    ScopedServiceViewSet,
    ScopedViewSetMixin,
    errors_named_as_sent,
)
from core.pdf import PDF_TYPE


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


class PersonViewSet(HistoryMixin, ScopedServiceViewSet):
    """The people directory, scoped as docs/access.md says, and account care by
    the officials over a person: add and correct, reset the password, lift a
    lockout, deactivate and reactivate, one-time passwords for a new team."""

    visible_to = staticmethod(people_with_access)

    def history_visible(self, record) -> bool:
        return person_access(self.request.user, record).manages

    pagination_class = KeysetPagination
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    ordering_fields = ["employee_no", "full_name"]
    ordering = ["employee_no"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return PersonWriteSerializer
        return PersonSerializer

    @extend_schema(request=PersonWriteSerializer, responses={201: PersonSerializer})
    def create(self, request, *args, **kwargs):
        serializer = PersonWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        shown = PersonSerializer(serializer.instance, context=self.get_serializer_context())
        return Response(shown.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PersonWriteSerializer, responses=PersonSerializer)
    def partial_update(self, request, *args, **kwargs):
        # The record is read through the directory (404), then the service
        # decides who may change it (403 for a colleague one only sees).
        person = self.get_object()
        serializer = PersonWriteSerializer(person, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with errors_named_as_sent(serializer):
            person = services.person_update(
                person_id=person.pk, by=request.user, **serializer.validated_data
            )
        return Response(
            PersonSerializer(self._as_listed(person), context={"request": request}).data
        )

    def create_via_service(self, data):
        return services.person_add(by=self.request.user, **data)

    @extend_schema(request=None, responses={200: OneTimePasswordSerializer})
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None):
        """A new one-time password, in this answer only."""
        password = services.person_password_reset(person_id=self.get_object().pk, by=request.user)
        return Response({"one_time_password": password}, headers={"Cache-Control": "no-store"})

    @extend_schema(request=None, responses={200: PersonSerializer})
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        return self.act(request, service=services.person_unlock, record_arg="person_id")

    @extend_schema(request=None, responses={200: PersonSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self.act(
            request, service=services.person_set_active, record_arg="person_id", active=False
        )

    @extend_schema(request=None, responses={200: PersonSerializer})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        return self.act(
            request, service=services.person_set_active, record_arg="person_id", active=True
        )

    @extend_schema(
        request=PeopleActivateSerializer,
        responses={(200, XLSX_TYPE): OpenApiTypes.BINARY, (200, PDF_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["post"])
    def activate(self, request):
        """One-time passwords for the people chosen (or a unit's people without
        a password yet), as the printable sheet of slips: XLSX, or with
        `"sheet_format": "pdf"` a PDF of eight slips to an A4 page."""
        if not is_official(request.user):  # before the ids and unit are read in their scope
            raise PermissionDenied
        chosen = PeopleActivateSerializer(data=request.data, context={"request": request})
        chosen.is_valid(raise_exception=True)
        sheet = services.people_activate(
            by=request.user,
            person_ids=chosen.validated_data.get("ids"),
            org_unit=chosen.validated_data.get("org_unit"),
        )
        return activation_sheet_response(
            sheet,
            sheet_format=chosen.validated_data["sheet_format"],
            sign_in_url=request.build_absolute_uri(reverse("accounts:login")),
        )


class RoleGrantViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Union-official roles over units within the official's own scope."""

    visible_to = staticmethod(role_grants_managed_by)
    serializer_class = RoleGrantSerializer
    filterset_class = RoleGrantFilterSet
    ordering = ["org_unit__path", "user_id"]

    def create(self, request, *args, **kwargs):
        # Someone who manages no unit may grant nothing: a 403, before the
        # person and unit are read in a scope they do not have (a 400).
        if not is_official(request.user):
            raise PermissionDenied
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        with errors_named_as_sent(serializer):
            serializer.instance = services.role_grant_by(
                by=self.request.user, **serializer.validated_data
            )

    def perform_destroy(self, grant):
        services.role_revoke(by=self.request.user, grant_id=grant.pk)


class ObtainTokenView(APIView):
    """Exchange an employee number and password for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "sign_in"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request):
        wait = address_wait(request)
        if wait is not None:
            raise Throttled(wait=wait)
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if api_settings.NON_FIELD_ERRORS_KEY in serializer.errors:  # a wrong password
                address_failure_count(request)
            raise ValidationError(serializer.errors)
        token = services.api_token_issue(person=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)
