from django.contrib import admin

from documents.models import Certificate


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates are issued by their downloads, never typed: read-only here."""

    list_display = ["code", "kind", "recipient", "distinction", "awarded_on", "issuer"]
    list_filter = ["kind"]
    search_fields = ["code", "recipient"]
    readonly_fields = [field.name for field in Certificate._meta.fields]
    raw_id_fields = ["proposal", "honour"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
