"""`/api/v1/unit-webhooks/`: the messenger robots officials set for their units
(docs/notices.md). Here, not in notices, because who may set one is a question
of units and officials; notices keeps, encrypts and posts. The URL is written
only: an answer shows its hint, never the address."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import SimpleRouter

from accounts import services
from accounts.models import OrgUnit
from accounts.selectors import is_official, org_units_visible_to, unit_webhooks_managed_by
from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.read_only import WritableModelSerializer
from core.api.views import ScopedViewSetMixin, ServiceWriteMixin
from notices.models import UnitWebhook

# What the office reads of a robot: its hint and how its posts have gone.
WEBHOOK_STATE_FIELDS = [
    "url_hint",
    "active",
    "created_at",
    "last_sent_at",
    "failures",
    "last_failed_at",
    "last_error",
]


class UnitWebhookSerializer(WritableModelSerializer):
    org_unit_id = ScopedPrimaryKeyRelatedField(
        scope=org_units_visible_to,
        source="org_unit",
        queryset=OrgUnit.objects.all(),
        label=_("Org unit"),
    )
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    url = serializers.CharField(write_only=True, max_length=500)

    class Meta:
        model = UnitWebhook
        fields = ["id", "org_unit_id", "org_unit_name", "kind", "url", *WEBHOOK_STATE_FIELDS]
        read_only_fields = WEBHOOK_STATE_FIELDS


class UnitWebhookViewSet(
    ServiceWriteMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The robots of the units the official manages, with their last failure.
    POST sets a unit's robot for one messenger (replacing the one it had)."""

    serializer_class = UnitWebhookSerializer
    visible_to = staticmethod(unit_webhooks_managed_by)
    ordering_fields = ["created_at"]
    ordering = ["org_unit__path", "kind"]

    def list(self, request, *args, **kwargs):
        if not is_official(request.user):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)

    def create_via_service(self, data):
        return services.unit_webhook_set(by=self.request.user, **data)

    def perform_destroy(self, instance):
        services.unit_webhook_remove(by=self.request.user, webhook_id=instance.pk)


router = SimpleRouter()
router.register("unit-webhooks", UnitWebhookViewSet, basename="unit-webhook")
urlpatterns = router.urls
