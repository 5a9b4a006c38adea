from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework import serializers


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id written into a record, looked up among what the requesting user may
    see (`scope(user)`). Anything else is "does not exist" (400), whether it
    exists or not, so ids outside scope are never confirmed. `queryset` names the
    model for the schema only."""

    def __init__(self, *, scope: Callable[..., QuerySet], **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.scope(getattr(request, "user", None))
