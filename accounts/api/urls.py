from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api.views import ObtainTokenView, OrgUnitViewSet, PersonViewSet, RoleGrantViewSet

router = SimpleRouter()
router.register("org-units", OrgUnitViewSet, basename="org-unit")
router.register("people", PersonViewSet, basename="person")
router.register("role-grants", RoleGrantViewSet, basename="role-grant")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    *router.urls,
]
