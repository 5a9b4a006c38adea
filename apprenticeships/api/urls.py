from rest_framework.routers import SimpleRouter

from apprenticeships.api import views

router = SimpleRouter()
router.register("pairings", views.PairingViewSet, basename="pairing")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")

urlpatterns = router.urls
