from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.attachments import AttachmentsMixin
from core.api.history import HistoryMixin
from core.api.serializers import StateEventSerializer
from core.api.views import ScopedServiceViewSet, ScopedViewSetMixin
from showcase import services
from showcase.api.serializers import (
    ProfileSerializer,
    StoryFeatureSerializer,
    StoryPublishSerializer,
    StoryReturnSerializer,
    StorySerializer,
)
from showcase.filtersets import StoryFilterSet
from showcase.selectors import (
    craftsman_profile,
    profiles_visible_to,
    stories_with_access,
    story_access,
)


class StoryViewSet(HistoryMixin, AttachmentsMixin, ScopedServiceViewSet):
    """Stories and works about model workers and craftsmen; drafts only for
    their author and the officials over them."""

    serializer_class = StorySerializer
    filterset_class = StoryFilterSet
    ordering_fields = ["published_on", "created_at", "title"]
    ordering = ["-published_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def history_visible(self, record) -> bool:
        return story_access(self.request.user, record).manages

    @staticmethod
    def visible_to(user):
        return stories_with_access(user).prefetch_related("people", "studios")

    def create_via_service(self, data):
        return services.story_create(by=self.request.user, **data)

    def update_via_service(self, instance, data):
        return services.story_update(story_id=instance.pk, by=self.request.user, **data)

    @extend_schema(request=None, responses=StorySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The author sends the draft for review."""
        return self.act(request, service=services.story_submit, record_arg="story_id")

    @extend_schema(request=StoryReturnSerializer, responses=StorySerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        """An official sends a story in review back to its author, saying why."""
        return self.act(
            request,
            service=services.story_return,
            record_arg="story_id",
            input_serializer=StoryReturnSerializer,
        )

    @extend_schema(request=StoryPublishSerializer, responses=StorySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """An official publishes the story (today unless a past date is given)."""
        return self.act(
            request,
            service=services.story_publish,
            record_arg="story_id",
            input_serializer=StoryPublishSerializer,
        )

    @extend_schema(request=None, responses=StorySerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """An official takes a published story off the showcase."""
        return self.act(request, service=services.story_archive, record_arg="story_id")

    @extend_schema(request=StoryFeatureSerializer, responses=StorySerializer)
    @action(detail=True, methods=["post"])
    def feature(self, request, pk=None):
        """An official puts a published story on the home pages (or takes it off)."""
        return self.act(
            request,
            service=services.story_feature,
            record_arg="story_id",
            input_serializer=StoryFeatureSerializer,
        )

    @extend_schema(responses=StateEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """The story's history (who sent it back and why); for its author and the
        officials over it."""
        story = self.get_object()
        if not story_access(request.user, story).follows:
            raise PermissionDenied
        return Response(StateEventSerializer(story.events.select_related("actor"), many=True).data)

    def add_attachment(self, story, upload):
        return services.story_attach(record=story, by=self.request.user, upload=upload)


class ProfileViewSet(ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`/profiles/{person_id}/`: a craftsman's honours, studios, achievements,
    patents, awards, stories and lineage, as far as the reader may see them."""

    visible_to = staticmethod(profiles_visible_to)

    serializer_class = ProfileSerializer

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        return Response(ProfileSerializer(craftsman_profile(person, request.user)).data)
