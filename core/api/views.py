"""Base classes for API viewsets: a viewset declares its scoping function, and
every list, detail and action reads through it, so outsiders get 404."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect
from django.urls import resolve
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.export_columns import export_rows
from core.exports import (
    FORMATS,
    XLSX_MAX_ROWS,
    csv_response,
    export_filename,
    list_title_block,
    xlsx_response,
)


class ScopedViewSetMixin:
    """`visible_to(user) -> QuerySet` is the model's one scoping function."""

    visible_to: Callable[..., QuerySet]

    def get_queryset(self):
        return type(self).visible_to(self.request.user)


def record_access(request, action: str, note: str = "") -> None:
    """An access event (an export, a download) by the person signed in, written
    by the service ACCESS_EVENT_SERVICE names (core imports no app)."""
    import_string(settings.ACCESS_EVENT_SERVICE)(
        action=action, person=request.user, note=note, request=request
    )


class ExportQueuedSerializer(serializers.Serializer):
    """The answer to an export too long for the response: the report run that
    builds it (poll `url`; its `download_url` appears when it has succeeded)."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    url = serializers.CharField()


class ExportMixin:
    """`GET <list>/export/?as=xlsx|csv&<the list's filters>`: the rows the list
    shows, as a file (core/exports.py). Up to EXPORT_SYNC_MAX_ROWS rows come in
    the answer; a larger export is handed to the background service named by
    EXPORT_BACKGROUND_SERVICE (a report run only its requester may download),
    answered 202 with the run, or a redirect to it for a browser."""

    # What the file is named after (a translated plural: "五小提案").
    export_title = None

    @extend_schema(
        parameters=[OpenApiParameter("as", enum=list(FORMATS), default="xlsx")],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            ),
            (200, "text/csv"): OpenApiTypes.BINARY,
            202: ExportQueuedSerializer,
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request, *args, **kwargs):
        """The list as an Excel workbook or a CSV file, with the same filters."""
        kind = request.query_params.get("as", "xlsx")
        if kind not in FORMATS:
            raise ValidationError({"as": [_("Choose xlsx or csv.")]})
        queryset = self.filter_queryset(self.get_queryset())
        unit = self._export_unit(queryset)
        record_access(request, "exported", f"{self._export_title(queryset)} · {kind}")
        limit = settings.EXPORT_SYNC_MAX_ROWS
        if queryset.order_by().values("pk")[: limit + 1].count() > limit:
            return self._export_in_background(queryset, kind, unit)
        title, header, rows = self.export_table(queryset)
        filename = export_filename(title, getattr(unit, "name", None))
        if kind == "csv":
            return csv_response(filename, header, rows)
        heading = list_title_block(
            title, unit=getattr(unit, "name", None), requested_by=request.user.full_name
        )
        return xlsx_response(filename, title, header, rows, heading=heading)

    def export_table(self, queryset) -> tuple[str, list[str], Iterator[list]]:
        """(title, header, rows) of the list: what the answer and a background
        run write alike."""
        header, rows = export_rows(
            queryset, self.get_serializer_class(), self.get_serializer_context()
        )
        return self._export_title(queryset), header, rows

    def _export_title(self, queryset) -> str:
        return str(self.export_title or queryset.model._meta.verbose_name_plural)

    def _export_unit(self, queryset):
        """The unit the list was filtered to, else the viewer's own (or None)."""
        unit = None
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None and "org_unit" in filterset_class.base_filters:
            filterset = filterset_class(
                self.request.query_params, queryset=queryset, request=self.request
            )
            if filterset.is_valid():
                unit = filterset.form.cleaned_data.get("org_unit")
        return unit or getattr(self.request.user, "org_unit", None)

    def _export_in_background(self, queryset, kind: str, unit):
        request = self.request
        if (
            kind == "xlsx"
            and queryset.order_by().values("pk")[: XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS
        ):
            raise ValidationError(
                {
                    "as": [
                        _(
                            "A worksheet holds at most %(limit)s rows: "
                            "export CSV or narrow the filters."
                        )
                        % {"limit": f"{XLSX_MAX_ROWS:,}"}
                    ]
                }
            )
        queue_export = import_string(settings.EXPORT_BACKGROUND_SERVICE)
        run = queue_export(
            by=request.user,
            url=request.build_absolute_uri(),
            title=self._export_title(queryset),
            org_unit=unit,
            format=kind,
        )
        if "text/html" in request.headers.get("Accept", ""):
            # A page's export link: the person follows the run on the runs page.
            messages.info(
                request._request,
                _(
                    "The list is long: it is being exported in the background. "
                    "Download it here when it is ready."
                ),
            )
            return redirect(run.get_absolute_url())
        answer = {"id": run.pk, "status": run.status, "url": run.get_api_url()}
        return Response(ExportQueuedSerializer(answer).data, status=status.HTTP_202_ACCEPTED)


def replayed_list(url: str, user) -> tuple["ExportMixin", QuerySet]:
    """The viewset of the export at `url` (a list's export address with its
    filters) and its rows as `user` gets them now: how a background run reads
    a list, through the same scope, filters, ordering and serializer as the
    answer would have."""
    parts = urlsplit(url)
    match = resolve(parts.path)
    view_function = match.func
    http = HttpRequest()
    http.method = "GET"
    http.path = http.path_info = parts.path
    http.GET = QueryDict(parts.query)
    http.META.update({"HTTP_HOST": parts.netloc, "wsgi.url_scheme": parts.scheme or "http"})
    http.user = user
    view = view_function.cls(**view_function.initkwargs)
    view.action_map = view_function.actions
    view.args, view.kwargs, view.headers, view.format_kwarg = (), match.kwargs, {}, None
    request = view.initialize_request(http)
    request.user = user  # the requester, checked again below as they are now
    view.request = request
    view.check_permissions(request)
    return view, view.filter_queryset(view.get_queryset())


class ScopedReadOnlyViewSet(ExportMixin, ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


@contextmanager
def errors_named_as_sent(serializer):
    """Services name fields after the model (`leader`); the API client sent
    `leader_id`. Rename the keys of a service's ValidationError accordingly."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        sent_as = {
            field.source: name
            for name, field in serializer.fields.items()
            if not field.read_only and field.source not in (name, "*")
        }
        raise DjangoValidationError(
            {sent_as.get(key, key): errors for key, errors in exc.error_dict.items()}
        ) from exc


class ServiceWriteMixin:
    """Route a viewset's create and update through services.

    The serializer validates and shapes; `create_via_service(data)` and
    `update_via_service(instance, data)` call the app's services with the acting
    user, and the response shows the object the service returned.
    """

    def create_via_service(self, data: dict):
        raise NotImplementedError

    def update_via_service(self, instance, data: dict):
        raise NotImplementedError

    def perform_create(self, serializer):
        with errors_named_as_sent(serializer):
            record = self.create_via_service(serializer.validated_data)
        serializer.instance = self._as_listed(record)

    def perform_update(self, serializer):
        with errors_named_as_sent(serializer):
            record = self.update_via_service(serializer.instance, serializer.validated_data)
        serializer.instance = self._as_listed(record)

    def _as_listed(self, record):
        """The record as the viewset's queryset shapes it (annotations, prefetches)."""
        return self.get_queryset().get(pk=record.pk)

    def act(self, request, *, service, record_arg: str, input_serializer=None, **extra):
        """Run a state-change action: read the record through the scope (404),
        validate the input (400), call `service(<record_arg>=id, by=user, …)`
        (which checks rights and state: 403, 409) and answer with the fresh record."""
        record = self.get_object()
        data = {}
        naming_errors = nullcontext()
        if input_serializer is not None:
            serializer = input_serializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            naming_errors = errors_named_as_sent(serializer)
        with naming_errors:
            service(**{record_arg: record.pk}, by=request.user, **data, **extra)
        return Response(self.get_serializer(self._as_listed(record)).data)


class ScopedServiceViewSet(
    ExportMixin,
    ServiceWriteMixin,
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update; no delete (records are ended, not erased)."""
