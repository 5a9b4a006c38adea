from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")

    def ready(self):
        from django.conf import settings
        from PIL import Image

        from core import lookups  # noqa: F401 - registers `__in_ids`
        from core.history import install

        install()
        # Pillow refuses past twice this (and warns past it, which core.attachments
        # treats as a refusal): the same cap for every image decoded anywhere.
        Image.MAX_IMAGE_PIXELS = settings.UPLOAD_MAX_PIXELS
