from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NamingConfig(AppConfig):
    name = "naming"
    verbose_name = _("Studio naming")

    def ready(self):
        from naming import panels  # noqa: F401 - panels register themselves
