"""Recusal: an official does not screen what they entered, and a reviewer from
the authors' workshop is recused."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from competitions import services
from competitions.models import Proposal

pytestmark = pytest.mark.django_db


def test_an_official_does_not_screen_what_they_entered(org, campaigns):
    proposal = services.proposal_create(
        by=org.official_a,
        campaign=campaigns.open,
        author=org.worker_a,
        title="井下喷雾降尘装置节水改造",
        category="innovation",
        post="泵站",
        current_situation="费水",
        improvement="感应阀",
        expected_effect="节水",
    )
    services.proposal_submit(proposal_id=proposal.pk, by=org.official_a)
    with pytest.raises(PermissionDenied):
        services.proposal_screen(proposal_id=proposal.pk, by=org.official_a)
    services.proposal_screen(proposal_id=proposal.pk, by=org.group_official)
    assert Decimal(Proposal.objects.get(pk=proposal.pk).author_share) == 100


def test_a_reviewer_from_the_authors_workshop_is_recused(org, make_proposal):
    from accounts.models import OrgUnit
    from competitions.selectors import recusal_reason
    from tests.factories import PersonFactory, make_unit

    workshop = make_unit("A1W", org.mine_a1, OrgUnit.Kind.WORKSHOP)
    team = make_unit("A1W1", workshop, OrgUnit.Kind.TEAM)
    author = PersonFactory(employee_no="author_w", org_unit=team)
    head = PersonFactory(employee_no="head_w", org_unit=workshop)
    elsewhere = PersonFactory(employee_no="other_w", org_unit=org.team_a102)
    proposal = make_proposal(author)
    assert recusal_reason(proposal, head)
    assert recusal_reason(proposal, elsewhere) is None
