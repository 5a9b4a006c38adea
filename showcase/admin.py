from django.contrib import admin
from django.db import models

from core.admin import ReadOnlyEventInline
from showcase.models import Story, StoryEvent


class StoryEventInline(ReadOnlyEventInline):
    model = StoryEvent


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    """For support staff: status, featuring and subjects move through the
    services (pages and API), which check who acts."""

    list_display = ["title", "form", "status", "featured", "published_on", "org_unit"]
    list_filter = ["status", "form", "featured"]
    search_fields = ["title", "creator"]
    readonly_fields = ["status", "featured", "published_on", "author", "org_unit", "people",
                       "studios", "created_at", "updated_at", "status_changed_at"]  # fmt: skip
    inlines = [StoryEventInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
