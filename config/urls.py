from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.pickers import picker_search
from core.views import attachment_download, favicon, healthz

admin.site.site_header = _("Innovation Studios administration")
admin.site.site_title = _("Innovation Studios")

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("studios.api.urls")),
    path("", include("achievements.api.urls")),
    path("", include("competitions.api.urls")),
    path("", include("apprenticeships.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("hr.api.urls")),
    path("", include("showcase.api.urls")),
    path("", include("naming.api.urls")),
    path("", include("notices.api.urls")),
    path("", include("documents.api.urls")),
    path("", include("accounts.api.unit_webhooks")),
    path("", include("core.api.urls")),
]

# No URL serves MEDIA_ROOT, in any mode: every uploaded file and report goes
# through a view that checks the reader may see its record (docs/operations.md).
urlpatterns = [
    path("", include("reports.urls")),
    path("accounts/", include("hr.urls")),
    path("accounts/", include("accounts.urls")),
    path("studios/naming/", include("naming.urls")),
    path("studios/", include("studios.urls")),
    path("achievements/", include("achievements.urls")),
    path("competitions/", include("competitions.urls")),
    path("apprenticeships/", include("apprenticeships.urls")),
    path("showcase/", include("showcase.urls")),
    path("notices/", include("notices.urls")),
    path("", include("documents.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("pickers/<str:name>/", picker_search, name="picker-search"),
    # A source's choices for one record (core.pickers, `for_record`).
    path("pickers/<str:name>/<int:record_id>/", picker_search, name="picker-search"),
    path("files/<int:pk>/", attachment_download, name="attachment-download"),
    path(
        "files/<int:pk>/thumbnail/",
        attachment_download,
        {"thumbnail": True},
        name="attachment-thumbnail",
    ),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
