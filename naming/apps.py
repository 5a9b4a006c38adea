from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NamingConfig(AppConfig):
    name = "naming"
    verbose_name = _("Studio naming")

    def ready(self):
        from core.attachments import register_owner
        from naming import panels, selectors  # noqa: F401 - panels register themselves
        from naming.models import NamingApplication

        # The site visit's photos are the insiders' (the studio, its officials, the office).
        register_owner(NamingApplication, selectors.naming_applications_fully_visible_to)
