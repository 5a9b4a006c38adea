from django.urls import path

from studios import views

app_name = "studios"

urlpatterns = [
    path("", views.StudioListView.as_view(), name="studio-list"),
    path("new/", views.studio_create, name="studio-create"),
    path("<int:pk>/", views.StudioDetailView.as_view(), name="studio-detail"),
    path("<int:pk>/edit/", views.studio_edit, name="studio-edit"),
    path("<int:pk>/status/", views.studio_change_status, name="studio-change-status"),
    path("<int:pk>/members/", views.membership_add, name="membership-add"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("memberships/<int:pk>/restore/", views.membership_restore, name="membership-restore"),
    path("<int:pk>/assessments/", views.assessment_add, name="assessment-add"),
    path("lists/", views.RecognitionListListView.as_view(), name="recognitionlist-list"),
    path("lists/new/", views.recognition_list_create, name="recognitionlist-create"),
    path("lists/<int:pk>/", views.recognition_list_detail, name="recognitionlist-detail"),
    path("lists/<int:pk>/edit/", views.recognition_list_edit, name="recognitionlist-edit"),
]
