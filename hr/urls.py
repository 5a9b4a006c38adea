from django.urls import path

from hr import views

app_name = "hr"

urlpatterns = [
    path("imports/", views.ImportListView.as_view(), name="import-list"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("imports/<int:pk>/errors/", views.import_errors, name="import-errors"),
    path("imports/template/<str:kind>/", views.import_template, name="import-template"),
    path("org-units/<int:pk>/", views.unit_detail, name="unit-detail"),
]
