from rest_framework.routers import SimpleRouter

from competitions.api import views

router = SimpleRouter()
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("review-queue", views.ReviewQueueViewSet, basename="review-queue")
router.register("award-shares", views.AwardShareViewSet, basename="award-share")

urlpatterns = router.urls
