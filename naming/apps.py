from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NamingConfig(AppConfig):
    name = "naming"
    verbose_name = _("Studio naming")

    def ready(self):
        from core.attachments import register_owner
        from core.history import register_scope
        from naming import panels, selectors  # noqa: F401 - panels register themselves
        from naming.models import NamingApplication, NamingCall, NamingMaterials, Rectification

        # The site visit's photos are the insiders' (the studio, its officials, the office).
        register_owner(NamingApplication, selectors.naming_applications_fully_visible_to)
        # The applicant's supporting materials: whoever reads its material, its experts too.
        register_owner(NamingMaterials, selectors.naming_materials_visible_to)
        # A change naming one of them names it to whoever sees it.
        register_scope(NamingCall, selectors.naming_calls_visible_to)
        register_scope(NamingApplication, selectors.naming_applications_visible_to)
        register_scope(Rectification, selectors.rectifications_visible_to)
