from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    name = "showcase"
    verbose_name = _("Craftsman showcase")

    def ready(self):
        from core.attachments import register_owner
        from showcase import selectors
        from showcase.models import Story

        # A story's photos, audio and video are served to whoever may read it.
        register_owner(Story, selectors.stories_visible_to)
