from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from achievements import services
from achievements.api.serializers import (
    AchievementSerializer,
    AdoptionSerializer,
    ConferenceSerializer,
    ConferenceShowSerializer,
    PatentSerializer,
    PatentStatusSerializer,
    ProblemSerializer,
    ProblemStatusSerializer,
    VerifyBenefitSerializer,
)
from achievements.filtersets import (
    AchievementFilterSet,
    AdoptionFilterSet,
    ConferenceFilterSet,
    PatentFilterSet,
    ProblemFilterSet,
)
from achievements.models import Contributor, Inventor
from achievements.selectors import (
    achievement_access,
    achievements_visible_to,
    adoptions_visible_to,
    conferences_visible_to,
    patent_access,
    patents_with_access,
    problem_access,
    problems_with_access,
)
from core.api.attachments import AttachmentsMixin
from core.api.history import HistoryMixin
from core.api.pagination import KeysetPagination
from core.api.views import ScopedServiceViewSet
from studios.selectors import studio_access


class ProblemViewSet(HistoryMixin, AttachmentsMixin, ScopedServiceViewSet):
    """Technical problems: announced to everyone, detailed to insiders."""

    pagination_class = KeysetPagination
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet
    ordering_fields = ["started_on", "solved_on", "title"]
    ordering = ["-started_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def history_visible(self, record) -> bool:
        return studio_access(self.request.user, record.studio).manages

    @staticmethod
    def visible_to(user):
        return problems_with_access(user).prefetch_related("team")

    def create_via_service(self, data):
        return services.problem_create(by=self.request.user, **data)

    def update_via_service(self, instance, data):
        # The studio and status are refused by the serializer (status moves
        # through change-status).
        return services.problem_update(problem_id=instance.pk, by=self.request.user, **data)

    @extend_schema(request=ProblemStatusSerializer, responses=ProblemSerializer)
    @action(detail=True, methods=["post"], url_path="change-status")
    def change_status(self, request, pk=None):
        return self.act(
            request,
            service=services.problem_change_status,
            record_arg="problem_id",
            input_serializer=ProblemStatusSerializer,
        )

    def may_read_attachments(self, problem) -> bool:
        return problem_access(self.request.user, problem).reads_full

    def add_attachment(self, problem, upload):
        return services.attachment_add(record=problem, by=self.request.user, upload=upload)


class AchievementViewSet(HistoryMixin, AttachmentsMixin, ScopedServiceViewSet):
    """The achievement library: group-wide ones are public, the rest in scope."""

    pagination_class = KeysetPagination
    serializer_class = AchievementSerializer
    filterset_class = AchievementFilterSet
    ordering_fields = ["completed_on", "claimed_benefit", "verified_benefit", "title"]
    ordering = ["-completed_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def history_visible(self, record) -> bool:
        return achievement_access(self.request.user, record).manages

    @staticmethod
    def visible_to(user):
        # What the answer names: the studio and who verified the benefit (each
        # row would read its verifier otherwise); not the studio's unit or the
        # origin problem the pages show, whose rows cost a list as much again.
        return (
            achievements_visible_to(user)
            .select_related(None)
            .select_related("studio", "verified_by")
            .prefetch_related(
                Prefetch("contributors", Contributor.objects.select_related("person"))
            )
        )

    def create_via_service(self, data):
        return services.achievement_create(by=self.request.user, **data)

    def update_via_service(self, instance, data):
        return services.achievement_update(achievement_id=instance.pk, by=self.request.user, **data)

    @extend_schema(request=VerifyBenefitSerializer, responses=AchievementSerializer)
    @action(detail=True, methods=["post"], url_path="verify-benefit")
    def verify_benefit(self, request, pk=None):
        """An official confirms the annual benefit; the figure is then locked."""
        return self.act(
            request,
            service=services.achievement_verify_benefit,
            record_arg="achievement_id",
            input_serializer=VerifyBenefitSerializer,
        )

    def add_attachment(self, achievement, upload):
        return services.attachment_add(record=achievement, by=self.request.user, upload=upload)


class AdoptionViewSet(ScopedServiceViewSet):
    visible_to = staticmethod(adoptions_visible_to)
    serializer_class = AdoptionSerializer
    filterset_class = AdoptionFilterSet
    ordering_fields = ["adopted_on", "annual_benefit"]
    ordering = ["-adopted_on", "-id"]
    http_method_names = ["get", "post", "head", "options"]

    def create_via_service(self, data):
        return services.adoption_record(by=self.request.user, **data)


class PatentViewSet(HistoryMixin, AttachmentsMixin, ScopedServiceViewSet):
    serializer_class = PatentSerializer
    filterset_class = PatentFilterSet
    ordering_fields = ["filed_on", "granted_on", "title"]
    ordering = ["-filed_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def history_visible(self, record) -> bool:
        return studio_access(self.request.user, record.studio).manages

    @staticmethod
    def visible_to(user):
        return patents_with_access(user).prefetch_related(
            Prefetch("inventors", Inventor.objects.select_related("person"))
        )

    def create_via_service(self, data):
        return services.patent_create(by=self.request.user, **data)

    def update_via_service(self, instance, data):
        return services.patent_update(patent_id=instance.pk, by=self.request.user, **data)

    @extend_schema(request=PatentStatusSerializer, responses=PatentSerializer)
    @action(detail=True, methods=["post"], url_path="change-status")
    def change_status(self, request, pk=None):
        return self.act(
            request,
            service=services.patent_change_status,
            record_arg="patent_id",
            input_serializer=PatentStatusSerializer,
        )

    def may_read_attachments(self, patent) -> bool:
        # A public patent's readers see the record, not its files.
        return patent_access(self.request.user, patent).reads_full

    def add_attachment(self, patent, upload):
        return services.attachment_add(record=patent, by=self.request.user, upload=upload)


class ConferenceViewSet(ScopedServiceViewSet):
    visible_to = staticmethod(conferences_visible_to)
    serializer_class = ConferenceSerializer
    filterset_class = ConferenceFilterSet
    ordering_fields = ["held_on", "name"]
    ordering = ["-held_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_via_service(self, data):
        return services.conference_create(by=self.request.user, **data)

    def update_via_service(self, instance, data):
        return services.conference_update(conference_id=instance.pk, by=self.request.user, **data)

    @extend_schema(request=ConferenceShowSerializer, responses=ConferenceSerializer)
    @action(detail=True, methods=["post"], url_path="hide-achievements")
    def hide_achievements(self, request, pk=None):
        """Take achievements off what the conference displayed."""
        return self.act(
            request,
            service=services.conference_hide_achievements,
            record_arg="conference_id",
            input_serializer=ConferenceShowSerializer,
        )

    @extend_schema(request=ConferenceShowSerializer, responses=ConferenceSerializer)
    @action(detail=True, methods=["post"], url_path="show-achievements")
    def show_achievements(self, request, pk=None):
        """Add achievements to what the conference displayed."""
        return self.act(
            request,
            service=services.conference_show_achievements,
            record_arg="conference_id",
            input_serializer=ConferenceShowSerializer,
        )
