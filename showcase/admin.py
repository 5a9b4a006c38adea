from django.contrib import admin

from core.admin import ReadOnlyEventInline
from showcase.models import Story, StoryEvent


class StoryEventInline(ReadOnlyEventInline):
    model = StoryEvent


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """For support staff to look up a story: writing, review and featuring go
    through the pages and the API, whose services check who acts and keep the
    rendered text and the history in step."""

    list_display = ["title", "form", "status", "featured", "published_on", "org_unit"]
    list_filter = ["status", "form", "featured"]
    search_fields = ["title", "creator"]
    readonly_fields = [
        "status",
        "featured",
        "published_on",
        "author",
        "org_unit",
        "people",
        "studios",
        "created_at",
        "updated_at",
        "status_changed_at",
    ]
    inlines = [StoryEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
