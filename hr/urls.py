from django.urls import path

from hr import views

app_name = "hr"

urlpatterns = [
    path("", views.ImportListView.as_view(), name="import-list"),
    path("<int:pk>/", views.import_detail, name="import-detail"),
    path("<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("<int:pk>/errors/", views.import_errors, name="import-errors"),
    path("template/<str:kind>/", views.import_template, name="import-template"),
]
