from django.urls import path

from reports.api import views

urlpatterns = [
    path("stats/overview/", views.StatsOverviewView.as_view(), name="stats-overview"),
]
