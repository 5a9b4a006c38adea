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


class ChoiceLabelField(serializers.CharField):
    """The translated label of a choice field's value (`status_display`): what
    `get_<field>_display()` returns, read from the choices directly, since DRF
    inspects a method's signature every time it calls one as a source (a
    tenth of a 50-row list's time went there)."""

    def __init__(self, *, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))
