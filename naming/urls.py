from django.urls import path

from naming.views import applications, management

app_name = "naming"

urlpatterns = [
    path("", applications.NamingCallListView.as_view(), name="call-list"),
    path("calls/new/", applications.call_create, name="call-create"),
    path("calls/<int:pk>/", applications.call_detail, name="call-detail"),
    path("calls/<int:pk>/apply/", applications.call_apply, name="call-apply"),
    path(
        "applications/", applications.NamingApplicationListView.as_view(), name="application-list"
    ),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path("applications/<int:pk>/review/", applications.review_form, name="review-form"),
    path(
        "applications/<int:pk>/photos/",
        applications.application_photo_add,
        name="application-photos",
    ),
    path(
        "applications/<int:pk>/materials/",
        applications.application_material_add,
        name="application-materials",
    ),
    path(
        "applications/<int:pk>/materials/<int:attachment_pk>/remove/",
        applications.application_material_remove,
        name="application-material-remove",
    ),
    path(
        "applications/<int:pk>/experts/<int:expert_pk>/<slug:move>/",
        applications.expert_move,
        name="application-expert-move",
    ),
    path(
        "applications/<int:pk>/<slug:move>/",
        applications.application_move,
        name="application-move",
    ),
    path("objections/<int:pk>/decide/", applications.objection_decide, name="objection-decide"),
    path("rectifications/", management.RectificationListView.as_view(), name="rectification-list"),
    path("rectifications/new/", management.rectification_create, name="rectification-create"),
    path("rectifications/<int:pk>/", management.rectification_detail, name="rectification-detail"),
    path(
        "rectifications/<int:pk>/<slug:move>/",
        management.rectification_move,
        name="rectification-move",
    ),
    path("re-reviews/", management.ReReviewDueView.as_view(), name="re-review-list"),
    path("re-reviews/<int:studio_pk>/", management.re_review_record, name="re-review-record"),
]
