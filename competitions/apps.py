from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "competitions"
    verbose_name = _("Five-small competition")

    def ready(self):
        from competitions.models import AwardGrade, Campaign, Proposal
        from competitions.selectors import (
            campaigns_visible_to,
            proposal_access,
            proposals_visible_to,
        )
        from core.attachments import register_owner
        from core.history import register_scope

        # A blind reviewer sees the photos but not who uploaded them (the author).
        register_owner(
            Proposal,
            proposals_visible_to,
            hides_uploader=lambda user, pk: proposal_access(user, Proposal(pk=pk)).blind,
        )
        # A change naming a campaign, a proposal or a prize grade (a campaign's)
        # names it to whoever sees it.
        register_scope(Campaign, campaigns_visible_to)
        register_scope(Proposal, proposals_visible_to)
        register_scope(
            AwardGrade,
            lambda user: AwardGrade.objects.filter(campaign__in=campaigns_visible_to(user)),
        )
