import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from competitions import services
from competitions.models import AwardGrade, Proposal

COMPLETE = {
    "title": "井下喷雾降尘装置节水改造",
    "category": Proposal.Category.INNOVATION,
    "goals": [Proposal.Goal.ENERGY, Proposal.Goal.SAFETY],
    "post": "综采工作面喷雾泵站",
    "current_situation": "喷雾装置常开，用水量大，巷道积水。",
    "improvement": "加装感应阀，采煤机经过时才喷雾。",
    "expected_effect": "节水四成，粉尘浓度不升高。",
    "expected_benefit": Decimal("120000"),
}


def _campaign(org, *, name, year, opens, closes, unit=None):
    return services.campaign_create(
        by=org.group_official,
        org_unit=unit or org.group,
        name=name,
        year=year,
        opens_at=opens,
        closes_at=closes,
        review_deadline=timezone.localtime(closes).date() + datetime.timedelta(days=30),
        grades=[
            (AwardGrade.Grade.FIRST, 1, Decimal("5000")),
            (AwardGrade.Grade.SECOND, 3, Decimal("2000")),
            (AwardGrade.Grade.ENCOURAGEMENT, None, Decimal("200")),
        ],
    )


@pytest.fixture
def campaigns(org):
    """A group-wide campaign open now, one that closed last year and one that
    opens next month; plus a company-B-only campaign open now."""
    now = timezone.now()
    day = datetime.timedelta(days=1)
    return SimpleNamespace(
        open=_campaign(
            org, name="五小竞赛（本年）", year=now.year, opens=now - 30 * day, closes=now + 30 * day
        ),
        closed=_campaign(
            org,
            name="五小竞赛（上年）",
            year=now.year - 1,
            opens=now - 400 * day,
            closes=now - 300 * day,
        ),
        upcoming=_campaign(
            org, name="五小竞赛（下期）", year=now.year, opens=now + 30 * day, closes=now + 60 * day
        ),
        company_b=_campaign(
            org,
            name="B 公司五小",
            year=now.year,
            opens=now - day,
            closes=now + 30 * day,
            unit=org.company_b,
        ),
    )


@pytest.fixture
def make_proposal(campaigns):
    """`make_proposal(author, submit=True, **fields)`: a complete draft in the open
    campaign, submitted unless asked otherwise."""

    def make(author, *, submit=True, campaign=None, **fields):
        proposal = services.proposal_create(
            by=author, campaign=campaign or campaigns.open, **{**COMPLETE, **fields}
        )
        if submit:
            proposal = services.proposal_submit(proposal_id=proposal.pk, by=author)
        return proposal

    return make
