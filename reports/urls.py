from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.dashboard, name="dashboard"),
    path("reports/runs/", views.ReportRunListView.as_view(), name="run-list"),
    path("reports/runs/<int:pk>/row/", views.report_run_row, name="run-row"),
    path("reports/runs/<int:pk>/download/", views.report_run_download, name="run-download"),
]
