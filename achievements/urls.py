from django.urls import path

from achievements.views import conferences, library, patents, problems

app_name = "achievements"

urlpatterns = [
    path("", library.AchievementListView.as_view(), name="achievement-list"),
    path("new/", library.achievement_create, name="achievement-create"),
    path("<int:pk>/", library.achievement_detail, name="achievement-detail"),
    path("<int:pk>/edit/", library.achievement_edit, name="achievement-edit"),
    path("<int:pk>/verify/", library.achievement_verify, name="achievement-verify"),
    path("<int:pk>/adoptions/", library.adoption_add, name="adoption-add"),
    path("<int:pk>/conference/", library.achievement_show_at_conference, name="achievement-show"),
    path("<int:pk>/files/", library.achievement_attach, name="achievement-attach"),
    path("problems/", problems.ProblemListView.as_view(), name="problem-list"),
    path("problems/new/", problems.problem_create, name="problem-create"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem-detail"),
    path("problems/<int:pk>/edit/", problems.problem_edit, name="problem-edit"),
    path("problems/<int:pk>/status/", problems.problem_change_status, name="problem-change-status"),
    path("problems/<int:pk>/files/", problems.problem_attach, name="problem-attach"),
    path("patents/", patents.PatentListView.as_view(), name="patent-list"),
    path("patents/new/", patents.patent_create, name="patent-create"),
    path("patents/<int:pk>/", patents.patent_detail, name="patent-detail"),
    path("patents/<int:pk>/edit/", patents.patent_edit, name="patent-edit"),
    path("patents/<int:pk>/status/", patents.patent_change_status, name="patent-change-status"),
    path("patents/<int:pk>/files/", patents.patent_attach, name="patent-attach"),
    path("conferences/", conferences.ConferenceListView.as_view(), name="conference-list"),
    path("conferences/new/", conferences.conference_create, name="conference-create"),
    path(
        "conferences/<int:pk>/",
        conferences.ConferenceDetailView.as_view(),
        name="conference-detail",
    ),
    path("conferences/<int:pk>/edit/", conferences.conference_edit, name="conference-edit"),
]
