from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.selectors import org_units_visible_to
from core.api.history import HistoryMixin
from core.api.views import ScopedServiceViewSet
from studios import services
from studios.api.serializers import (
    AssessmentSerializer,
    HonourSerializer,
    MembershipEndSerializer,
    MembershipRoleSerializer,
    MembershipSerializer,
    RecognitionListSerializer,
    StudioEventSerializer,
    StudioSerializer,
    StudioStatusChangeSerializer,
)
from studios.filtersets import (
    AssessmentFilterSet,
    HonourFilterSet,
    MembershipFilterSet,
    RecognitionListFilterSet,
    StudioFilterSet,
)
from studios.selectors import (
    assessments_visible_to,
    honours_with_access,
    memberships_visible_to,
    recognition_lists_visible_to,
    recognition_lists_with_share,
    studio_access,
    studios_visible_to,
)


class StudioViewSet(HistoryMixin, ScopedServiceViewSet):
    """Studios: officials see their subtree, members their studio, everyone the
    named ones. Status moves only through `change-status`."""

    visible_to = staticmethod(studios_visible_to)

    def history_visible(self, record) -> bool:
        return studio_access(self.request.user, record).manages

    serializer_class = StudioSerializer
    filterset_class = StudioFilterSet
    # Search and ordering come from the FilterSet, shared with the directory page.
    filter_backends = [DjangoFilterBackend]

    def create_via_service(self, data):
        return services.studio_create(by=self.request.user, **data)

    def update_via_service(self, instance, data):
        return services.studio_update(studio_id=instance.pk, by=self.request.user, **data)

    @extend_schema(request=StudioStatusChangeSerializer, responses=StudioSerializer)
    @action(detail=True, methods=["post"], url_path="change-status")
    def change_status(self, request, pk=None):
        return self.act(
            request,
            service=services.studio_change_status,
            record_arg="studio_id",
            input_serializer=StudioStatusChangeSerializer,
        )

    @extend_schema(responses=StudioEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The status history; for officials over the studio and its members."""
        studio = self.get_object()
        if not studio_access(request.user, studio).insider:
            raise PermissionDenied
        events = studio.events.select_related("actor")
        return Response(StudioEventSerializer(events, many=True).data)


class MembershipViewSet(ScopedServiceViewSet):
    visible_to = staticmethod(memberships_visible_to)
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    ordering_fields = ["joined_on", "role"]
    ordering = ["studio_id", "role", "joined_on"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_via_service(self, data):
        return services.membership_add(
            studio_id=data["studio"].pk,
            by=self.request.user,
            person=data["person"],
            role=data.get("role", "member"),
            joined_on=data.get("joined_on"),
        )

    def update_via_service(self, instance, data):
        return services.membership_change_role(
            membership_id=instance.pk, by=self.request.user, role=data.get("role", instance.role)
        )

    def get_serializer_class(self):
        if self.action == "partial_update":
            return MembershipRoleSerializer
        return MembershipSerializer

    @extend_schema(request=MembershipRoleSerializer, responses=MembershipSerializer)
    def partial_update(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = MembershipRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = self.update_via_service(membership, serializer.validated_data)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(request=MembershipEndSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """The member leaves the studio; the record is kept."""
        return self.act(
            request,
            service=services.membership_end,
            record_arg="membership_id",
            input_serializer=MembershipEndSerializer,
        )

    @extend_schema(request=None, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Take back a membership ended today; 409 once the day is over."""
        return self.act(request, service=services.membership_restore, record_arg="membership_id")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "org_unit",
            int,
            description="Count `ours` in this unit and below (default: the whole group).",
        )
    ]
)
class RecognitionListViewSet(ScopedServiceViewSet):
    """Naming batches with our share of each, computed in the database."""

    serializer_class = RecognitionListSerializer
    filterset_class = RecognitionListFilterSet
    ordering_fields = ["year", "level", "title"]
    ordering = ["-year", "level", "title"]

    @staticmethod
    def visible_to(user):
        return recognition_lists_visible_to(user)

    def get_queryset(self):
        return recognition_lists_with_share(super().get_queryset(), self._share_unit())

    def _share_unit(self):
        """`?org_unit=` — a unit the viewer may see; anything else is a 400."""
        unit_id = self.request.query_params.get("org_unit")
        if not unit_id:
            return None
        unit = (
            org_units_visible_to(self.request.user).filter(pk=unit_id).first()
            if unit_id.isdigit()
            else None
        )
        if unit is None:
            raise ValidationError({"org_unit": [_("Choose a unit you can see.")]})
        return unit

    def create_via_service(self, data):
        return services.recognition_list_create(by=self.request.user, **data)

    def update_via_service(self, instance, data):
        return services.recognition_list_update(list_id=instance.pk, by=self.request.user, **data)


class HonourViewSet(ScopedServiceViewSet):
    """Honours, each with its revocation; the access columns come with the
    rows, so the answer and the export read who may see what without a query."""

    visible_to = staticmethod(honours_with_access)
    serializer_class = HonourSerializer
    filterset_class = HonourFilterSet
    ordering_fields = ["id"]
    ordering = ["-recognition_list__year", "id"]
    http_method_names = ["get", "post", "head", "options"]

    def create_via_service(self, data):
        return services.honour_create(by=self.request.user, **data)


class AssessmentViewSet(ScopedServiceViewSet):
    visible_to = staticmethod(assessments_visible_to)
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    ordering_fields = ["year", "score"]
    ordering = ["-year", "studio_id"]
    http_method_names = ["get", "post", "head", "options"]

    def create_via_service(self, data):
        return services.assessment_record(by=self.request.user, **data)
