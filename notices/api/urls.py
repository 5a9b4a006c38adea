from django.urls import path
from rest_framework.routers import SimpleRouter

from notices.api import views

router = SimpleRouter()
router.register("notices", views.NoticeViewSet, basename="notice")

urlpatterns = [
    *router.urls,
    path("notice-preferences/", views.NoticePreferencesView.as_view(), name="notice-preferences"),
]
