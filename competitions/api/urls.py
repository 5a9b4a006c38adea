from rest_framework.routers import SimpleRouter

from competitions.api import views

router = SimpleRouter()
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("proposals", views.ProposalViewSet, basename="proposal")

urlpatterns = router.urls
