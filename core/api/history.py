"""`GET /api/v1/<resource>/{id}/history/`: every change of a record (core.history).

A viewset adds `HistoryMixin` and says who may read
its history (`history_visible(record)`). The record is read through the
viewset's scope first, so an outsider gets 404; one who sees the record but
may not read its history gets 403. History is read only.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from core import history
from core.api.pagination import StandardPagination
from core.api.schema import paginated_action


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("The field's label, in the reader's language."))
    old = serializers.CharField(help_text=_("The value before, as the record's page shows it."))
    new = serializers.CharField(help_text=_("The value after, as the record's page shows it."))


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    at = serializers.DateTimeField(source="timestamp", read_only=True)
    action = serializers.SerializerMethodField()
    record = serializers.CharField(source="object_repr", read_only=True)
    record_kind = serializers.SerializerMethodField()
    by = serializers.SerializerMethodField()
    by_name = serializers.SerializerMethodField()
    via = serializers.SerializerMethodField()
    via_display = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    def get_action(self, entry) -> str:
        return history.ACTIONS.get(entry.action, "access")

    def get_record_kind(self, entry) -> str:
        return history.record_kind(entry)

    def get_by(self, entry) -> int | None:
        return entry.actor_id

    def get_by_name(self, entry) -> str | None:
        return entry.actor.full_name if entry.actor_id else None

    def get_via(self, entry) -> str:
        return (entry.additional_data or {}).get("via", history.Via.SYSTEM)

    def get_via_display(self, entry) -> str:
        return history.via_label(entry)

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, entry) -> list:
        names = self.context.get("names")
        return [vars(change) for change in history.changes_of(entry, names)]


class HistoryMixin:
    """Adds the `history` action to a scoped viewset."""

    # The records whose changes belong to the record's: its model's
    # `history_parts` unless the viewset names others.
    history_related: tuple | None = None

    def history_visible(self, record) -> bool:
        """Who reads the record's history beside superusers: the viewset says."""
        return False

    @paginated_action
    @extend_schema(responses=HistoryEntrySerializer(many=True), filters=False)
    @action(
        detail=True,
        methods=["get"],
        serializer_class=HistoryEntrySerializer,
        filter_backends=[],
        # Page numbers whatever the resource's own list uses: one answer shape
        # (one schema) for every history, and a record's history is short.
        pagination_class=StandardPagination,
    )
    def history(self, request, *args, **kwargs):
        """Every change of the record and of its parts, newest first: who, when,
        through what, and each field's old and new value."""
        record = self.get_object()
        if not (request.user.is_superuser or self.history_visible(record)):
            raise PermissionDenied(_("Only the office over this record may read its history."))
        entries = history.history_of(record, self.history_related)
        page = self.paginate_queryset(entries)
        # The names of the related records the page's entries name that the
        # reader may see, read once for the page.
        context = {"names": history.related_names(page, user=request.user, record=record)}
        return self.get_paginated_response(
            HistoryEntrySerializer(page, many=True, context=context).data
        )
