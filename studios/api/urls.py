from rest_framework.routers import SimpleRouter

from studios.api import views

router = SimpleRouter()
router.register("studios", views.StudioViewSet, basename="studio")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("recognition-lists", views.RecognitionListViewSet, basename="recognition-list")
router.register("honours", views.HonourViewSet, basename="honour")
router.register("assessments", views.AssessmentViewSet, basename="assessment")

urlpatterns = router.urls
