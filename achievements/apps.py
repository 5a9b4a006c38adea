from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "achievements"
    verbose_name = _("Problems, achievements and patents")

    def ready(self):
        from achievements import panels, selectors  # noqa: F401 - panels register themselves
        from achievements.models import Achievement, Patent, TechnicalProblem
        from core.attachments import register_owner
        from core.history import register_scope

        # Files on these records are served to whoever may read the record.
        register_owner(TechnicalProblem, selectors.problems_fully_visible_to)
        register_owner(Achievement, selectors.achievements_visible_to)
        register_owner(Patent, selectors.patents_fully_visible_to)
        # A change naming one of them names it to whoever sees it.
        register_scope(TechnicalProblem, selectors.problems_visible_to)
        register_scope(Achievement, selectors.achievements_visible_to)
        register_scope(Patent, selectors.patents_visible_to)
