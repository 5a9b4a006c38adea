from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.attachments import AttachmentsMixin, files_action, files_answer
from core.api.history import HistoryMixin
from core.api.views import ScopedServiceViewSet
from naming import services
from naming.api.serializers import (
    NamingApplicationSerializer,
    NamingApplicationUpdateSerializer,
    NamingAssignExpertsSerializer,
    NamingCallSerializer,
    NamingDecideSerializer,
    NamingNoteSerializer,
    NamingReplaceExpertSerializer,
    NamingResultSerializer,
    NamingReviewSerializer,
    NamingReviewUpdateSerializer,
    NamingSubmitSerializer,
    NamingVisitSerializer,
    NamingWithdrawExpertSerializer,
    ObjectionDecideSerializer,
    ObjectionSerializer,
    RectificationCloseSerializer,
    RectificationDelistSerializer,
    RectificationSerializer,
    ReReviewDueSerializer,
    ReReviewSerializer,
)
from naming.filtersets import (
    NamingApplicationFilterSet,
    NamingCallFilterSet,
    NamingReviewFilterSet,
    ObjectionFilterSet,
    RectificationFilterSet,
    ReReviewFilterSet,
)
from naming.selectors import (
    naming_application_access,
    naming_applications_with_access,
    naming_calls_visible_to,
    naming_calls_with_places,
    naming_materials_of,
    naming_reviews_visible_to,
    objections_visible_to,
    re_reviews_visible_to,
    rectifications_with_access,
    studios_due_for_re_review,
)


class NamingCallViewSet(ScopedServiceViewSet):
    """Naming calls: seen by the calling unit's people, opened by its officials."""

    serializer_class = NamingCallSerializer
    filterset_class = NamingCallFilterSet
    export_title = pgettext_lazy("file name", "Naming calls")
    ordering_fields = ["year", "deadline", "title"]
    ordering = ["-year", "-deadline", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    @staticmethod
    def visible_to(user):
        return naming_calls_with_places(naming_calls_visible_to(user))

    def create_via_service(self, data):
        return services.naming_call_create(by=self.request.user, **data)


class NamingApplicationViewSet(HistoryMixin, AttachmentsMixin, ScopedServiceViewSet):
    """Naming applications from draft to named; every move is a POST action;
    `attachments` are the site visit's photos (the office adds them after the
    visit; insiders read them, its experts do not); `materials` are the
    applicant's supporting files (added to the draft, and by the office until
    the notice; its experts read them too)."""

    serializer_class = NamingApplicationSerializer
    filterset_class = NamingApplicationFilterSet
    export_title = pgettext_lazy("file name", "Naming applications")
    ordering_fields = ["created_at", "submitted_at", "status_changed_at"]
    ordering = ["-created_at", "-id"]
    # DELETE only takes a supporting file off (`materials/{attachment_id}`).
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    visible_to = staticmethod(naming_applications_with_access)

    def get_serializer_context(self):
        # The eligibility checks are read for one application, never for a list.
        return {**super().get_serializer_context(), "with_checks": self.action != "list"}

    def create_via_service(self, data):
        return services.naming_application_create(by=self.request.user, **data)

    def add_attachment(self, record, upload):
        return services.naming_visit_photo_add(record=record, by=self.request.user, upload=upload)

    def may_read_attachments(self, record) -> bool:
        # The files are the site visit's, the office's process: not its experts'.
        return naming_application_access(self.request.user, record).insider

    @files_action()
    def materials(self, request, pk=None):
        """The applicant's supporting materials (certificates, a report, photos
        of the studio): read by whoever reads the application's material, its
        experts included; added by the applicant to the draft and by the office
        until the public notice starts (the service says who and when)."""
        record = self.get_object()
        if (
            request.method == "GET"
            and not naming_application_access(request.user, record).reads_material
        ):
            raise PermissionDenied
        return files_answer(
            request,
            lambda: naming_materials_of(record),
            lambda upload: services.naming_material_add(
                record=record, by=request.user, upload=upload
            ),
        )

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"materials/(?P<attachment_id>[0-9]+)",
        url_name="material",
    )
    def material(self, request, pk=None, attachment_id=None):
        """The applicant takes a supporting file off the draft."""
        record = self.get_object()
        services.naming_material_remove(
            application_id=record.pk, attachment_id=int(attachment_id), by=request.user
        )
        return Response(status=204)

    def history_visible(self, record) -> bool:
        return naming_application_access(self.request.user, record).insider

    @extend_schema(request=NamingApplicationUpdateSerializer, responses=NamingApplicationSerializer)
    def partial_update(self, request, *args, **kwargs):
        """The statement of a draft."""
        return self.act(
            request,
            service=services.naming_application_update,
            record_arg="application_id",
            input_serializer=NamingApplicationUpdateSerializer,
        )

    def _act(self, request, service, input_serializer=NamingNoteSerializer):
        return self.act(
            request, service=service, record_arg="application_id", input_serializer=input_serializer
        )

    @extend_schema(request=NamingSubmitSerializer, responses=NamingApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send it in (the studio's facts are frozen); failed checks are a 400
        unless an official overrides them with a reason."""
        return self._act(request, services.naming_application_submit, NamingSubmitSerializer)

    @extend_schema(request=NamingNoteSerializer, responses=NamingApplicationSerializer)
    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None):
        """The officials over the studio's unit recommend it to the call's office."""
        return self._act(request, services.naming_application_recommend)

    @extend_schema(request=NamingAssignExpertsSerializer, responses=NamingApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="assign-experts")
    def assign_experts(self, request, pk=None):
        return self._act(request, services.naming_experts_assign, NamingAssignExpertsSerializer)

    @extend_schema(request=NamingReplaceExpertSerializer, responses=NamingApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="replace-expert")
    def replace_expert(self, request, pk=None):
        """Put another person in the place of an expert who has not scored, for
        a reason (under review only)."""
        return self._act(request, services.naming_expert_replace, NamingReplaceExpertSerializer)

    @extend_schema(request=NamingWithdrawExpertSerializer, responses=NamingApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="withdraw-expert")
    def withdraw_expert(self, request, pk=None):
        """Take an expert who has not scored off the application, for a reason,
        while another expert remains."""
        return self._act(request, services.naming_expert_withdraw, NamingWithdrawExpertSerializer)

    @extend_schema(request=NamingVisitSerializer, responses=NamingApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="record-visit")
    def record_visit(self, request, pk=None):
        return self._act(request, services.naming_visit_record, NamingVisitSerializer)

    @extend_schema(request=NamingNoteSerializer, responses=NamingApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="start-notice")
    def start_notice(self, request, pk=None):
        return self._act(request, services.naming_notice_start)

    @extend_schema(request=NamingDecideSerializer, responses=NamingApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Named (enterprise level), recommended upward (higher levels) or rejected."""
        return self._act(request, services.naming_application_decide, NamingDecideSerializer)

    @extend_schema(request=NamingResultSerializer, responses=NamingApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="record-result")
    def record_result(self, request, pk=None):
        """The outside body's result for a studio recommended upward."""
        return self._act(request, services.naming_result_record, NamingResultSerializer)


class NamingReviewViewSet(ScopedServiceViewSet):
    """An expert's rubric scores: POST once, PATCH while under review."""

    visible_to = staticmethod(naming_reviews_visible_to)
    serializer_class = NamingReviewSerializer
    filterset_class = NamingReviewFilterSet
    ordering = ["application_id", "created_at", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_via_service(self, data):
        application = data.pop("application")
        return services.naming_review_submit(
            application_id=application.pk, by=self.request.user, **data
        )

    @extend_schema(request=NamingReviewUpdateSerializer, responses=NamingReviewSerializer)
    def partial_update(self, request, *args, **kwargs):
        review = self.get_object()
        serializer = NamingReviewUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.naming_review_update(
            review_id=review.pk, by=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(self._as_listed(review)).data)


class ObjectionViewSet(ScopedServiceViewSet):
    """Objections to applications on public notice: lodged by anyone signed in,
    decided by the office over the call."""

    visible_to = staticmethod(objections_visible_to)
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilterSet
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    def create_via_service(self, data):
        return services.objection_lodge(by=self.request.user, **data)

    @extend_schema(request=ObjectionDecideSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self.act(
            request,
            service=services.objection_decide,
            record_arg="objection_id",
            input_serializer=ObjectionDecideSerializer,
        )


class RectificationViewSet(ScopedServiceViewSet):
    """Rectifications (整改): opened by the office over the studio, closed or
    ended by de-listing the studio after the deadline."""

    serializer_class = RectificationSerializer
    filterset_class = RectificationFilterSet
    export_title = pgettext_lazy("file name", "Rectifications")
    ordering_fields = ["opened_on", "deadline"]
    ordering = ["-opened_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]
    visible_to = staticmethod(rectifications_with_access)

    def create_via_service(self, data):
        return services.rectification_open(by=self.request.user, **data)

    @extend_schema(request=RectificationCloseSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The studio improved: closed, and the studio back to named or established."""
        return self.act(
            request,
            service=services.rectification_close,
            record_arg="rectification_id",
            input_serializer=RectificationCloseSerializer,
        )

    @extend_schema(request=RectificationDelistSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def delist(self, request, pk=None):
        """De-list the studio (摘牌): its honours revoked with the reason and today's date."""
        return self.act(
            request,
            service=services.rectification_delist,
            record_arg="rectification_id",
            input_serializer=RectificationDelistSerializer,
        )


class ReReviewViewSet(ScopedServiceViewSet):
    """Re-reviews of studios named five or more years ago: the outcomes recorded,
    and `due/`, this year's studios still to review."""

    serializer_class = ReReviewSerializer
    filterset_class = ReReviewFilterSet
    export_title = pgettext_lazy("file name", "Re-reviews")
    ordering = ["-year", "-decided_at", "-id"]
    http_method_names = ["get", "post", "head", "options"]
    visible_to = staticmethod(re_reviews_visible_to)

    def create_via_service(self, data):
        return services.re_review_record(by=self.request.user, **data)

    @extend_schema(responses=ReReviewDueSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], filterset_class=None)
    def due(self, request):
        """The studios the reader, as their office, re-reviews this year."""
        studios = studios_due_for_re_review(request.user, timezone.localdate().year)
        page = self.paginate_queryset(studios)
        return self.get_paginated_response(ReReviewDueSerializer(page, many=True).data)
