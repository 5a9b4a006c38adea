"""Refusing what a client may not write, rather than ignoring it.

DRF drops a read-only field from a create or update without a word, so a client
that sends `status` or `verified_benefit` in a PATCH gets 200 and believes it
changed them. Every writable serializer derives from `WritableModelSerializer`
instead, and such a request is a 400 naming each field (docs/api.md).
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from rest_framework import serializers


class RefuseReadOnlyFields:
    """A serializer mixin: a read-only field in the input is a 400 on that field.

    `ALSO_REFUSED` names what the answer carries beyond the serializer's fields
    (added in `to_representation`, such as a proposal's `award`), and
    `FIXED_ONCE_CREATED` what an update may no longer change. The record's
    `id` stays accepted, so a client may send back what it read."""

    ALSO_REFUSED: frozenset[str] = frozenset()
    # Written when the record is made, fixed afterwards (a patent's number).
    FIXED_ONCE_CREATED: frozenset[str] = frozenset()
    ACCEPTED_AS_SENT = frozenset({"id"})

    def refused_fields(self) -> set[str]:
        refused = {name for name, field in self.fields.items() if field.read_only}
        refused |= set(self.ALSO_REFUSED)
        if getattr(self, "instance", None) is not None:
            refused |= set(self.FIXED_ONCE_CREATED)
        return refused - self.ACCEPTED_AS_SENT

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            sent = set(data) & self.refused_fields()
            if sent:
                raise serializers.ValidationError(
                    {name: [_("This field cannot be set here.")] for name in sorted(sent)}
                )
        return super().to_internal_value(data)


class WritableModelSerializer(RefuseReadOnlyFields, serializers.ModelSerializer):
    """The base of every serializer a create or update goes through."""
