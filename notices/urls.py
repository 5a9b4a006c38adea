from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("", views.NoticeListView.as_view(), name="notice-list"),
    path("bell/", views.notice_bell, name="bell"),
    path("read-all/", views.notices_read_all, name="read-all"),
    path("preferences/", views.notice_preferences, name="preferences"),
    path("<int:pk>/open/", views.notice_open, name="notice-open"),
    path("<int:pk>/read/", views.notice_read, name="notice-read"),
]
