from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("org-units/", views.OrgUnitListView.as_view(), name="orgunit-list"),
    path("role-grants/", views.RoleGrantListView.as_view(), name="rolegrant-list"),
    path("role-grants/new/", views.role_grant_create, name="rolegrant-create"),
    path("role-grants/<int:pk>/remove/", views.role_grant_remove, name="rolegrant-remove"),
]
