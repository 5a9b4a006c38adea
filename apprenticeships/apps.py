from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprenticeshipsConfig(AppConfig):
    name = "apprenticeships"
    verbose_name = _("Mentors and apprentices")

    def ready(self):
        from apprenticeships import panels, selectors  # noqa: F401 - panels register themselves
        from apprenticeships.models import Milestone, Pairing, Session
        from core.attachments import register_owner
        from core.history import register_scope

        # Evidence files of a plan step are served to whoever may read the pairing.
        register_owner(Milestone, selectors.milestones_visible_to)
        # A change naming a pairing or a session names it to whoever sees it.
        register_scope(Pairing, selectors.pairings_visible_to)
        register_scope(Session, selectors.sessions_visible_to)
