from rest_framework.routers import SimpleRouter

from showcase.api import views

router = SimpleRouter()
router.register("stories", views.StoryViewSet, basename="story")
router.register("profiles", views.ProfileViewSet, basename="profile")

urlpatterns = router.urls
