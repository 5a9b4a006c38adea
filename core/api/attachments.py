"""Attachments in the API: `GET|POST /<records>/{id}/attachments/` on any viewset
that mixes in `AttachmentsMixin`, and `/attachments/{id}/` (+ `download/`) for
reading a file with a token. All reads go through `attachments_visible_to`."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.serializers import PersonBriefSerializer
from core.attachments import (
    PHOTO_PENDING_RETRY,
    attachment_for,
    attachments_of,
    attachments_visible_to,
    uploader_hidden,
)
from core.downloads import private_file_download


class PhotoPending(exceptions.APIException):
    """A photo the worker has not re-encoded yet (it may still carry its GPS
    position); `wait` makes DRF send `Retry-After`."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = gettext_lazy(
        "This photo is still being processed. Try again in a few seconds."
    )
    default_code = "processing"
    wait = PHOTO_PENDING_RETRY


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    mime_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    uploaded_by = PersonBriefSerializer(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)
    # A photo is re-encoded in the background; until then it has no thumbnail
    # and its download answers 503 with Retry-After.
    processing = serializers.BooleanField(source="pending", read_only=True)
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        # The API's own download, so a client signed in with a token can fetch it.
        return reverse("api:attachment-download", args=[attachment.pk])

    def get_thumbnail_url(self, attachment) -> str | None:
        if not attachment.thumbnail:
            return None
        return reverse("attachment-thumbnail", args=[attachment.pk])

    def to_representation(self, attachment):
        data = super().to_representation(attachment)
        request = self.context.get("request")
        if request is not None and uploader_hidden(request.user, attachment):
            data["uploaded_by"] = None  # it would name the author to a blind reviewer
        return data


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


def files_action(**action_kwargs):
    """An action on one record that lists its files (GET) and takes one more
    (POST, multipart), with its schema: `attachments` below, and any other set
    of files a record holds (a naming application's supporting materials)."""

    def decorate(view):
        view = action(
            detail=True,
            methods=["get", "post"],
            parser_classes=[MultiPartParser, FormParser, JSONParser],
            **action_kwargs,
        )(view)
        view = extend_schema(
            methods=["POST"],
            request=AttachmentUploadSerializer,
            responses={201: AttachmentSerializer},
        )(view)
        return extend_schema(
            methods=["GET"], responses=AttachmentSerializer(many=True), request=None
        )(view)

    return decorate


def files_answer(request, files, add) -> Response:
    """The answer of a `files_action`: POST checks the upload and hands the
    file to `add(upload)` (the app's service, which checks who and when),
    answering the new file; GET answers `files()`. Who may read them is the
    caller's to check first."""
    context = {"request": request}
    if request.method == "POST":
        upload = AttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        attachment = add(upload.validated_data["file"])
        return Response(AttachmentSerializer(attachment, context=context).data, status=201)
    return Response(AttachmentSerializer(files(), many=True, context=context).data)


class AttachmentsMixin:
    """Adds the `attachments` action. Subclasses say who may write files
    (`add_attachment(record, upload)` calls the app's service) and may narrow who
    reads them (`may_read_attachments(record)`)."""

    def add_attachment(self, record, upload):
        raise NotImplementedError

    def may_read_attachments(self, record) -> bool:
        return True

    @files_action()
    def attachments(self, request, pk=None):
        record = self.get_object()
        if not self.may_read_attachments(record):
            raise PermissionDenied
        return files_answer(
            request,
            lambda: attachments_of(record),
            lambda upload: self.add_attachment(record, upload),
        )


class AttachmentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A file the reader may see, by id (files are listed on their record);
    `download/` streams it."""

    serializer_class = AttachmentSerializer
    filter_backends = []

    def get_queryset(self):
        return attachments_visible_to(self.request.user)

    def get_object(self):
        attachment = attachment_for(self.request.user, self.kwargs["pk"])
        if attachment is None:
            raise Http404
        return attachment

    # The file as it was uploaded: its own type (an image, a PDF, a workbook …).
    @extend_schema(responses={(200, "*/*"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment = self.get_object()
        if attachment.pending:
            raise PhotoPending
        return private_file_download(
            attachment.file.open("rb"),
            filename=attachment.original_name,
            content_type=attachment.mime_type,
        )
