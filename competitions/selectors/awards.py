"""Who sees the awards' split: each person's part of an award, for the award
table, finance's list and the person's own record (docs/access.md)."""

from django.db.models import Q, QuerySet

from accounts.selectors import user_scope
from competitions.models import AwardShare
from core.scoping import signed_in, within_paths


def award_shares_visible_to(user) -> QuerySet[AwardShare]:
    """The shares of the awards on proposals from units the viewer is an
    official over (as `proposals_managed_by`: awarded proposals are never
    drafts), and the viewer's own shares anywhere."""
    if not signed_in(user):
        return AwardShare.objects.none()
    shares = AwardShare.objects.select_related(
        "person",
        "award__grade",
        "award__proposal__campaign",
        "award__proposal__org_unit",
    )
    scope = user_scope(user)
    if scope.is_superuser:
        return shares
    managed = within_paths(scope.official_paths, unit_field="award__proposal__org_unit")
    return shares.filter(managed | Q(person=user))
