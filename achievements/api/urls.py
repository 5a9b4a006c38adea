from rest_framework.routers import SimpleRouter

from achievements.api import views

router = SimpleRouter()
router.register("problems", views.ProblemViewSet, basename="problem")
router.register("achievements", views.AchievementViewSet, basename="achievement")
router.register("adoptions", views.AdoptionViewSet, basename="adoption")
router.register("patents", views.PatentViewSet, basename="patent")
router.register("conferences", views.ConferenceViewSet, basename="conference")

urlpatterns = router.urls
