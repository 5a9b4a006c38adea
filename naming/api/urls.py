from rest_framework.routers import SimpleRouter

from naming.api import views

router = SimpleRouter()
router.register("naming-calls", views.NamingCallViewSet, basename="naming-call")
router.register(
    "naming-applications", views.NamingApplicationViewSet, basename="naming-application"
)
router.register("naming-reviews", views.NamingReviewViewSet, basename="naming-review")
router.register("objections", views.ObjectionViewSet, basename="objection")
router.register("rectifications", views.RectificationViewSet, basename="rectification")
router.register("re-reviews", views.ReReviewViewSet, basename="re-review")

urlpatterns = router.urls
