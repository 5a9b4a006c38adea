from collections.abc import Callable

from django.db.models import Q, QuerySet
from rest_framework import serializers


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id written into a record, looked up among what the requesting user may
    see (`scope(user)`). Anything else is "does not exist" (400), whether it
    exists or not, so ids outside scope are never confirmed. `queryset` names the
    model for the schema only.

    `kept(record)`, where given, names the ids the record being updated holds
    already (the people it credits, as its answer lists them): those are taken
    too, seen by the writer or not, since the service keeps them (whoever named
    them may have seen more); a new id must still be in scope."""

    def __init__(
        self,
        *,
        scope: Callable[..., QuerySet],
        kept: Callable[[object], QuerySet] | None = None,
        **kwargs,
    ):
        self.scope = scope
        self.kept = kept
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        scoped = self.scope(getattr(request, "user", None))
        record = getattr(self.root, "instance", None)
        if self.kept is None or getattr(record, "pk", None) is None:
            return scoped
        return scoped.model.objects.filter(
            Q(pk__in=scoped.values("pk")) | Q(pk__in=self.kept(record))
        )

    @classmethod
    def many_init(cls, *args, listed_as: str | None = None, **kwargs):
        """`many=True`. `listed_as` names the attribute a list prefetches the
        related records into (`Prefetch(..., to_attr=...)`), read in place of
        the relation when a record has it: Django's own prefetch cache costs a
        clone of the prefetch's queryset for every record (a scoped one is a
        large tree), a list attribute nothing."""
        field = super().many_init(*args, **kwargs)
        if listed_as is None:
            return field
        return ListedManyRelatedField(*field._args, listed_as=listed_as, **field._kwargs)


class ListedManyRelatedField(serializers.ManyRelatedField):
    """A many-valued relation read from a prefetched list when the record has
    one (see `ScopedPrimaryKeyRelatedField.many_init`)."""

    def __init__(self, *args, listed_as: str, **kwargs):
        self.listed_as = listed_as
        super().__init__(*args, **kwargs)

    def get_attribute(self, instance):
        listed = getattr(instance, self.listed_as, None)
        return super().get_attribute(instance) if listed is None else listed


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
