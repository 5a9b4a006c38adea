from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "competitions"
    verbose_name = _("Five-small competition")

    def ready(self):
        from competitions.models import Proposal
        from competitions.selectors import proposal_access, proposals_visible_to
        from core.attachments import register_owner

        # A blind reviewer sees the photos but not who uploaded them (the author).
        register_owner(
            Proposal,
            proposals_visible_to,
            hides_uploader=lambda user, pk: proposal_access(user, Proposal(pk=pk)).blind,
        )
