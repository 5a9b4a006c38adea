"""Base classes for API viewsets: a viewset declares its scoping function, and
every list, detail and action reads through it, so outsiders get 404."""

from collections.abc import Callable
from contextlib import contextmanager, nullcontext

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.response import Response


class ScopedViewSetMixin:
    """`visible_to(user) -> QuerySet` is the model's one scoping function."""

    visible_to: Callable[..., QuerySet]

    def get_queryset(self):
        return type(self).visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
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
    ServiceWriteMixin,
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update; no delete (records are ended, not erased)."""
