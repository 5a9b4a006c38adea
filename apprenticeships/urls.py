from django.urls import path

from apprenticeships import views

app_name = "apprenticeships"

urlpatterns = [
    path("", views.PairingListView.as_view(), name="pairing-list"),
    path("mine/", views.my_apprenticeship, name="my-apprenticeship"),
    path("mentoring/", views.my_apprentices, name="my-apprentices"),
    path("new/", views.pairing_create, name="pairing-create"),
    path("capacity/", views.mentor_capacity, name="mentor-capacity"),
    path("<int:pk>/", views.pairing_detail, name="pairing-detail"),
    path("<int:pk>/edit/", views.pairing_edit, name="pairing-edit"),
    path("<int:pk>/activate/", views.pairing_activate, name="pairing-activate"),
    path("<int:pk>/extend/", views.pairing_extend, name="pairing-extend"),
    path("<int:pk>/terminate/", views.pairing_terminate, name="pairing-terminate"),
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone-create"),
    path("<int:pk>/evaluations/new/", views.evaluation_create, name="evaluation-create"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone-edit"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone-done"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/confirm/", views.session_confirm, name="session-confirm"),
]
