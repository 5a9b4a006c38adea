from rest_framework.routers import SimpleRouter

from hr.api.views import ImportRunViewSet

router = SimpleRouter()
router.register("imports", ImportRunViewSet, basename="import")

urlpatterns = router.urls
