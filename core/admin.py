from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from core.models import Attachment, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker", "seen_at")
    readonly_fields = ("worker", "seen_at")


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Files are added through the records' pages (which check them); here they
    can only be looked at and removed."""

    list_display = (
        "original_name",
        "mime_type",
        "size",
        "content_type",
        "object_id",
        "uploaded_at",
    )
    list_filter = ("mime_type",)
    readonly_fields = (
        "content_type",
        "object_id",
        "file",
        "thumbnail",
        "original_name",
        "mime_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )

    def has_add_permission(self, request):
        return False


class ReadOnlyEventInline(admin.TabularInline):
    """A record's status history: written by the services only, read-only here.
    Subclasses name the event `model`."""

    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "from_state", "to_state", "note")

    def has_add_permission(self, request, obj=None):
        return False


class HistoryAdmin(LogEntryAdmin):
    """The history of every change (core.history): read only, never deleted,
    not even by a superuser."""

    # auditlog searches first and last names, which our people do not have.
    search_fields = ["object_repr", "changes", "actor__full_name", "actor__employee_no"]

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, HistoryAdmin)
