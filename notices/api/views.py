from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import ScopedViewSetMixin
from notices import services
from notices.api.serializers import (
    NoticePreferenceSerializer,
    NoticeSerializer,
    ReadAllSerializer,
)
from notices.filtersets import NoticeFilterSet
from notices.selectors import notice_preferences_of, notices_visible_to


class NoticeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The reader's own notices, unread first, newest first; anyone else's is a 404."""

    serializer_class = NoticeSerializer
    filterset_class = NoticeFilterSet
    visible_to = staticmethod(notices_visible_to)
    ordering_fields = []

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark the notice read."""
        notice = self.get_object()
        services.notice_mark_read(notice_id=notice.pk, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=notice.pk)).data)

    @extend_schema(request=None, responses=ReadAllSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark every unread notice read."""
        marked = services.notices_mark_all_read(by=request.user)
        return Response(ReadAllSerializer({"marked": marked}).data)


class NoticePreferencesView(APIView):
    """Each kind and channel with when the reader gets it: at once, in the daily
    digest or not at all (the app always shows it). PUT changes the entries sent."""

    @extend_schema(responses=NoticePreferenceSerializer(many=True))
    def get(self, request):
        rows = notice_preferences_of(request.user)
        return Response(NoticePreferenceSerializer(rows, many=True).data)

    @extend_schema(
        request=NoticePreferenceSerializer(many=True),
        responses=NoticePreferenceSerializer(many=True),
    )
    def put(self, request):
        serializer = NoticePreferenceSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        services.notice_preferences_set(person=request.user, choices=serializer.validated_data)
        rows = notice_preferences_of(request.user)
        return Response(NoticePreferenceSerializer(rows, many=True).data, status=status.HTTP_200_OK)
