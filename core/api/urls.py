from rest_framework.routers import SimpleRouter

from core.api.attachments import AttachmentViewSet

router = SimpleRouter()
router.register("attachments", AttachmentViewSet, basename="attachment")

urlpatterns = router.urls
