from django.urls import path

from naming import views

app_name = "naming"

urlpatterns = [
    path("", views.NamingCallListView.as_view(), name="call-list"),
    path("calls/new/", views.call_create, name="call-create"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/apply/", views.call_apply, name="call-apply"),
    path("applications/", views.NamingApplicationListView.as_view(), name="application-list"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/review/", views.review_form, name="review-form"),
    path("applications/<int:pk>/<slug:move>/", views.application_move, name="application-move"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection-decide"),
]
