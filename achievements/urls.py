from django.urls import path

from achievements import views

app_name = "achievements"

urlpatterns = [
    path("", views.AchievementListView.as_view(), name="achievement-list"),
    path("new/", views.achievement_create, name="achievement-create"),
    path("<int:pk>/", views.achievement_detail, name="achievement-detail"),
    path("<int:pk>/edit/", views.achievement_edit, name="achievement-edit"),
    path("<int:pk>/verify/", views.achievement_verify, name="achievement-verify"),
    path("<int:pk>/adoptions/", views.adoption_add, name="adoption-add"),
    path("<int:pk>/conference/", views.achievement_show_at_conference, name="achievement-show"),
    path("<int:pk>/files/", views.achievement_attach, name="achievement-attach"),
    path("problems/", views.ProblemListView.as_view(), name="problem-list"),
    path("problems/new/", views.problem_create, name="problem-create"),
    path("problems/<int:pk>/", views.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problem-edit"),
    path("problems/<int:pk>/status/", views.problem_change_status, name="problem-change-status"),
    path("problems/<int:pk>/files/", views.problem_attach, name="problem-attach"),
    path("patents/", views.PatentListView.as_view(), name="patent-list"),
    path("patents/new/", views.patent_create, name="patent-create"),
    path("patents/<int:pk>/", views.patent_detail, name="patent-detail"),
    path("patents/<int:pk>/edit/", views.patent_edit, name="patent-edit"),
    path("patents/<int:pk>/status/", views.patent_change_status, name="patent-change-status"),
    path("patents/<int:pk>/files/", views.patent_attach, name="patent-attach"),
    path("conferences/", views.ConferenceListView.as_view(), name="conference-list"),
    path("conferences/new/", views.conference_create, name="conference-create"),
    path("conferences/<int:pk>/", views.ConferenceDetailView.as_view(), name="conference-detail"),
]
