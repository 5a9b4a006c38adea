from django.contrib import admin

from notices.models import Delivery, Notice, NoticePreference, UnitWebhook


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]
    readonly_fields = ["created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notice", "channel", "status", "attempts", "sent_at"]
    list_filter = ["channel", "status"]
    raw_id_fields = ["notice", "webhook"]


@admin.register(UnitWebhook)
class UnitWebhookAdmin(admin.ModelAdmin):
    # The URL itself is never shown: only its hint (notices.webhooks).
    list_display = ["org_unit", "kind", "url_hint", "active", "failures", "last_error"]
    fields = ["org_unit", "kind", "url_hint", "active", "failures", "last_failed_at", "last_error"]
    readonly_fields = ["url_hint", "failures", "last_failed_at", "last_error"]
    raw_id_fields = ["org_unit"]

    def has_add_permission(self, request):
        return False  # set through the API, which checks and encrypts the URL


@admin.register(NoticePreference)
class NoticePreferenceAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "channel", "cadence"]
    raw_id_fields = ["person"]
