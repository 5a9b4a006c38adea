from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """What the office files: dossiers (DOCX), award lists and certificates (PDF)
    anyone can verify at /verify/<code>/ (docs/documents.md)."""

    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from documents.dossiers import panels  # noqa: F401 - the studio page's dossier links
