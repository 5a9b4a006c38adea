from django.urls import include, path

# Documents hang under the resources they describe (studios/{id}/dossier/,
# campaigns/{id}/award-list/, proposals/{id}/certificate/, honours/{id}/certificate/);
# they live here so the domain apps stay unaware of Word and PDF.
urlpatterns = [
    path("", include("documents.api.dossiers")),
    path("", include("documents.api.certificates")),
]
