from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")

    def ready(self):
        from core import lookups  # noqa: F401 - registers `__in_ids`
        from core.history import install

        install()
