from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudiosConfig(AppConfig):
    name = "studios"
    verbose_name = _("Innovation studios")

    def ready(self):
        from core.history import register_scope
        from studios import selectors
        from studios.models import RecognitionList, Studio

        # A change naming a studio or a list names it to whoever sees it.
        register_scope(Studio, selectors.studios_visible_to)
        register_scope(RecognitionList, selectors.recognition_lists_visible_to)
