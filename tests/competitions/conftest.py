import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from competitions import services
from competitions.models import AwardGrade, Proposal
from tests.competitions.states import EVERY_STATE, proposal_at, proposal_in, reviewer_panel
from tests.factories import PersonFactory, make_unit
from tests.world import shared_data

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


@shared_data(needs=("org",))
def campaigns(built):
    """A group-wide campaign open now, one that closed last year and one that
    opens next month; plus a company-B-only campaign open now."""
    org = built.get("org")
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


def proposal_maker(campaigns):
    """`make(author, submit=True, **fields)`: a complete draft in the open
    campaign, submitted unless asked otherwise."""

    def make(author, *, submit=True, campaign=None, **fields):
        proposal = services.proposal_create(
            by=author, campaign=campaign or campaigns.open, **{**COMPLETE, **fields}
        )
        if submit:
            proposal = services.proposal_submit(proposal_id=proposal.pk, by=author)
        return proposal

    return make


@pytest.fixture
def make_proposal(campaigns):
    """`make_proposal(author, submit=True, **fields)`: a complete draft in the open
    campaign, submitted unless asked otherwise."""
    return proposal_maker(campaigns)


# --- The union office: screening ----------------------------------------------------


@shared_data(needs=("org", "campaigns"))
def submitted(built):
    """Submitted proposals in both companies, two of them near-duplicates in A,
    one with the same title in B; plus a draft and one already screened in A."""
    org, make_proposal = built.get("org"), proposal_maker(built.get("campaigns"))
    spray = make_proposal(org.worker_a, title="井下喷雾降尘装置节水改造")
    spray_again = make_proposal(org.colleague_a, title="井下喷雾降尘装置的节水改进")
    roller = make_proposal(org.colleague_a, title="皮带机托辊更换工具改进")
    spray_b = make_proposal(org.worker_b, title="井下喷雾降尘装置节水改造")
    draft = make_proposal(org.worker_a, submit=False, title="井下喷雾降尘装置节水")
    screened = make_proposal(org.worker_a, title="刮板输送机链条张紧装置")
    services.proposal_screen(proposal_id=screened.pk, by=org.official_a)
    return SimpleNamespace(
        spray=spray,
        spray_again=spray_again,
        roller=roller,
        spray_b=spray_b,
        draft=draft,
        screened=screened,
    )


# --- Helpers ------------------------------------------------------------------------


@shared_data(needs=("org",))
def panel(built):
    return reviewer_panel(built.get("org"))


def _reviewed(org, make_proposal, panel, status, *, reviewers=None, co_authored=True, **kwargs):
    if co_authored:
        kwargs = {
            "author_share": Decimal(60),
            "co_authors": [(org.colleague_a, Decimal(40))],
            **kwargs,
        }
    return proposal_at(
        status,
        org=org,
        make_proposal=make_proposal,
        reviewers=reviewers or panel.experts[:4],
        **kwargs,
    )


@shared_data(needs=("org", "campaigns", "panel"))
def each_state(built):
    """{status: proposal} for every state of `EVERY_STATE`: one proposal in each,
    each brought there as `at(status)` brings it (so all of them sit side by side
    in the open campaign). For the tests that take one step on one of them and
    compare it before and after; a test that counts rows, or needs the proposal
    alone in its campaign, builds its own with `at`."""
    org, panel = built.get("org"), built.get("panel")
    make_proposal = proposal_maker(built.get("campaigns"))
    return {status: _reviewed(org, make_proposal, panel, status) for status in EVERY_STATE}


@pytest.fixture
def at(org, make_proposal, panel):
    """`at(status, **kwargs)`: worker_a's proposal (colleague_a co-authoring 40 %)
    in `status`; four experts assigned, the first three have reviewed (80, 70, 60)."""

    def bring(status, **kwargs):
        return _reviewed(org, make_proposal, panel, status, **kwargs)

    return bring


Status = Proposal.Status


# --- Given ----------------------------------------------------------------------------


@pytest.fixture
def people(org):
    """The authors get names to look for; four reviewers in team A201 (company A,
    neither author's team), worker_a's teammate (recused), and a stranger in A201
    who has nothing to do with the proposal."""
    for person, name in ((org.worker_a, "王建国"), (org.colleague_a, "李卫东")):
        person.full_name = name
        person.save(update_fields=["full_name"])
    return a201_reviewers(org)


def a201_reviewers(org):
    """`people` without the authors' new names (for a level, which must leave the
    rows of `org` as its objects show them)."""
    team_a201 = make_unit("A201", make_unit("A2", org.company_a, OrgUnit.Kind.MINE))

    def reviewer(number, name, unit=team_a201):
        return PersonFactory(employee_no=number, full_name=name, org_unit=unit)

    return SimpleNamespace(
        one=reviewer("reviewer_1", "评审甲"),
        two=reviewer("reviewer_2", "评审乙"),
        three=reviewer("reviewer_3", "评审丙"),
        four=reviewer("reviewer_4", "评审丁"),
        teammate=reviewer("teammate_a", "赵同班", org.team_a101),
        stranger=reviewer("stranger_a", "孙路人"),
    )


@pytest.fixture
def trio(people):
    return [people.one, people.two, people.three]


@pytest.fixture
def spray(org, make_proposal, people):
    """worker_a's proposal (colleague_a co-author at 30 %) under review in the
    open campaign, which is blind."""
    return proposal_in(
        Status.UNDER_REVIEW,
        org=org,
        make_proposal=make_proposal,
        co_authors=[(org.colleague_a, Decimal(30))],
    )


@pytest.fixture
def state(org, make_proposal):
    def bring(status, **kwargs):
        return proposal_in(status, org=org, make_proposal=make_proposal, **kwargs)

    return bring
