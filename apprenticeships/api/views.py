from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action

from apprenticeships import services
from apprenticeships.api.serializers import (
    ActivateSerializer,
    EvaluationSerializer,
    ExtendSerializer,
    MarkDoneSerializer,
    MilestoneSerializer,
    PairingSerializer,
    SessionSerializer,
    TerminateSerializer,
)
from apprenticeships.filtersets import (
    EvaluationFilterSet,
    MilestoneFilterSet,
    PairingFilterSet,
    SessionFilterSet,
)
from apprenticeships.selectors import (
    attendances_visible_to,
    evaluations_visible_to,
    milestones_visible_to,
    pairing_access,
    pairings_visible_to,
    session_managed_by,
    sessions_visible_to,
)
from core.api.attachments import AttachmentsMixin
from core.api.history import HistoryMixin
from core.api.pagination import KeysetPagination
from core.api.views import (
    ExportMixin,
    ScopedServiceViewSet,
    ScopedViewSetMixin,
    ServiceWriteMixin,
)

# Fixed once proposed: a different mentor, apprentice or studio is a new pairing.
FIXED_PAIRING_FIELDS = ("mentor", "apprentice", "studio", "org_unit")


class PairingViewSet(HistoryMixin, ScopedServiceViewSet):
    """Mentor–apprentice pairings; state moves through the actions."""

    visible_to = staticmethod(pairings_visible_to)

    def history_visible(self, record) -> bool:
        return pairing_access(self.request.user, record).manages

    serializer_class = PairingSerializer
    filterset_class = PairingFilterSet
    ordering_fields = ["starts_on", "planned_end_on", "last_session_on"]
    ordering = ["-starts_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_via_service(self, data):
        return services.pairing_propose(by=self.request.user, **data)

    def update_via_service(self, instance, data):
        fixed = sorted(field for field in FIXED_PAIRING_FIELDS if field in data)
        if fixed:
            raise ValidationError(
                {f"{field}_id": _("Fixed once the pairing is proposed.") for field in fixed}
            )
        return services.pairing_update(pairing_id=instance.pk, by=self.request.user, **data)

    @extend_schema(request=ActivateSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """The agreement is signed: start the pairing (within the mentor's cap)."""
        return self.act(
            request,
            service=services.pairing_activate,
            record_arg="pairing_id",
            input_serializer=ActivateSerializer,
        )

    @extend_schema(request=ExtendSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Move the planned end later, with a reason."""
        return self.act(
            request,
            service=services.pairing_extend,
            record_arg="pairing_id",
            input_serializer=ExtendSerializer,
        )

    @extend_schema(request=TerminateSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        """End the pairing early, with a reason."""
        return self.act(
            request,
            service=services.pairing_terminate,
            record_arg="pairing_id",
            input_serializer=TerminateSerializer,
        )


class MilestoneViewSet(HistoryMixin, AttachmentsMixin, ScopedServiceViewSet):
    """The steps of each apprentice's plan."""

    visible_to = staticmethod(milestones_visible_to)

    def history_visible(self, record) -> bool:
        return pairing_access(self.request.user, record.pairing).manages

    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    ordering_fields = ["due_on", "position"]
    ordering = ["pairing_id", "position", "due_on", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_via_service(self, data):
        pairing = data.pop("pairing")
        return services.milestone_create(pairing_id=pairing.pk, by=self.request.user, **data)

    def update_via_service(self, instance, data):
        if "pairing" in data:
            raise ValidationError({"pairing_id": _("A step stays in its plan.")})
        return services.milestone_update(milestone_id=instance.pk, by=self.request.user, **data)

    @extend_schema(request=MarkDoneSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"], url_path="mark-done")
    def mark_done(self, request, pk=None):
        """The apprentice (or mentor) marks the step done, with evidence."""
        return self.act(
            request,
            service=services.milestone_mark_done,
            record_arg="milestone_id",
            input_serializer=MarkDoneSerializer,
        )

    def add_attachment(self, milestone, upload):
        return services.milestone_attach(record=milestone, by=self.request.user, upload=upload)


class SessionViewSet(HistoryMixin, ScopedServiceViewSet):
    """Training sessions; the mentor logs them, each apprentice confirms."""

    def history_visible(self, record) -> bool:
        return session_managed_by(self.request.user, record)

    pagination_class = KeysetPagination
    serializer_class = SessionSerializer
    filterset_class = SessionFilterSet
    ordering_fields = ["held_on"]
    ordering = ["-held_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    @staticmethod
    def visible_to(user):
        # Only the attendances of pairings the reader may see: a group session
        # may include another studio's apprentice.
        return sessions_visible_to(user).prefetch_related(
            Prefetch(
                "attendances", attendances_visible_to(user).select_related("pairing__apprentice")
            )
        )

    def create_via_service(self, data):
        return services.session_log(by=self.request.user, **data)

    @extend_schema(request=None, responses=SessionSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The apprentice confirms they attended."""
        return self.act(request, service=services.session_confirm, record_arg="session_id")


class EvaluationViewSet(
    ExportMixin,
    ServiceWriteMixin,
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Evaluations are recorded once and never edited (a record of assessment)."""

    visible_to = staticmethod(evaluations_visible_to)
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilterSet
    ordering_fields = ["evaluated_on"]
    ordering = ["-evaluated_on", "-id"]

    def create_via_service(self, data):
        pairing = data.pop("pairing")
        return services.evaluation_record(pairing_id=pairing.pk, by=self.request.user, **data)
