from django.urls import path
from rest_framework.routers import SimpleRouter

from reports.api import views

router = SimpleRouter()
router.register("report-runs", views.ReportRunViewSet, basename="report-run")

urlpatterns = [
    path("stats/overview/", views.StatsOverviewView.as_view(), name="stats-overview"),
    *router.urls,
]
