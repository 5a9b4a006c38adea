"""Base classes for API viewsets: a viewset declares its scoping function, and
every list, detail and action reads through it, so outsiders get 404."""

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework import viewsets


class ScopedViewSetMixin:
    """`visible_to(user) -> QuerySet` is the model's one scoping function."""

    visible_to: Callable[..., QuerySet]

    def get_queryset(self):
        return type(self).visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
