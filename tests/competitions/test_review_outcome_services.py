"""The review services after the reviews: decision, implementation,
verification of the benefit, and the award and its split."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from achievements import services as achievement_services
from competitions import services
from competitions.models import Award, AwardShare, Proposal
from competitions.services.decisions import split_in_fen
from core.exceptions import Conflict
from tests.competitions.review_services import award, verify
from tests.competitions.states import proposal_reviewed, review_snapshot

pytestmark = pytest.mark.django_db

Status = Proposal.Status

DAY = datetime.timedelta(days=1)


# --- Decision, implementation, verification --------------------------------------------------


class TestDecide:
    def test_rejection_keeps_its_reason_for_the_author(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        services.proposal_decide(
            proposal_id=proposal.pk, by=org.official_a, outcome="rejected", reason=" 推广价值有限 "
        )
        proposal.refresh_from_db()
        assert (proposal.status, proposal.decision_reason) == (Status.REJECTED, "推广价值有限")
        assert proposal.events.last().note == "推广价值有限"
        assert proposal.score == Decimal(70)

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_rejection_without_a_reason_is_400(self, org, panel, each_state, reason):
        proposal = each_state[Status.UNDER_REVIEW]
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.proposal_decide(
                proposal_id=proposal.pk, by=org.official_a, outcome="rejected", reason=reason
            )
        assert "reason" in refused.value.message_dict
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("outcome", ["awarded", "implemented", "", "maybe"])
    def test_an_outcome_other_than_approved_or_rejected_is_400(
        self, org, panel, each_state, outcome
    ):
        proposal = each_state[Status.UNDER_REVIEW]
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.proposal_decide(proposal_id=proposal.pk, by=org.official_a, outcome=outcome)
        assert "outcome" in refused.value.message_dict
        assert review_snapshot(proposal) == before


class TestImplement:
    def test_implementation_records_date_department_and_achievement(self, org, panel, at, studios):
        achievement = achievement_services.achievement_create(
            by=studios.lead_a,
            studio=studios.dust,
            title="喷雾节水装置",
            kind="technical_innovation",
            completed_on=timezone.localdate(),
            contributors=[(studios.lead_a, Decimal(100))],
        )
        proposal = at(Status.APPROVED)
        services.proposal_implement(
            proposal_id=proposal.pk,
            by=org.official_a,
            implemented_on=timezone.localdate(),
            department=" 综采一队 ",
            achievement=achievement,
            note="试运行一个月",
        )
        proposal.refresh_from_db()
        assert (
            proposal.status,
            proposal.implemented_on,
            proposal.implementing_department,
            proposal.achievement,
        ) == (Status.IMPLEMENTED, timezone.localdate(), "综采一队", achievement)
        assert proposal.events.last().note == "试运行一个月"

    @pytest.mark.parametrize(
        ("field", "changes"),
        [
            ("department", {"department": "  "}),
            ("implemented_on", {"implemented_on": None}),
            ("implemented_on", {"implemented_on": "tomorrow"}),
            ("implemented_on", {"implemented_on": "before the decision"}),
        ],
    )
    def test_missing_or_impossible_details_are_400(self, org, panel, each_state, field, changes):
        proposal = each_state[Status.APPROVED]
        decided_on = timezone.localtime(proposal.decided_at).date()
        dates = {"tomorrow": timezone.localdate() + DAY, "before the decision": decided_on - DAY}
        values = {"implemented_on": timezone.localdate(), "department": "机电科", **changes}
        values["implemented_on"] = dates.get(values["implemented_on"], values["implemented_on"])
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.proposal_implement(proposal_id=proposal.pk, by=org.official_a, **values)
        assert field in refused.value.message_dict
        assert review_snapshot(proposal) == before

    def test_an_achievement_outside_the_officials_scope_is_400(self, org, panel, at, studios):
        theirs = achievement_services.achievement_create(
            by=studios.lead_b,
            studio=studios.turbine,
            title="叶片修复",
            kind="technical_innovation",
            completed_on=timezone.localdate(),
            contributors=[(studios.lead_b, Decimal(100))],
        )
        proposal = at(Status.APPROVED)
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.proposal_implement(
                proposal_id=proposal.pk,
                by=org.official_a,
                implemented_on=timezone.localdate(),
                department="机电科",
                achievement=theirs,
            )
        assert "achievement" in refused.value.message_dict
        assert review_snapshot(proposal) == before


class TestVerifyBenefit:
    def test_verified_benefit_is_recorded_with_who_and_when(self, org, panel, at):
        proposal = at(Status.IMPLEMENTED)
        services.proposal_verify_benefit(
            proposal_id=proposal.pk,
            by=org.official_a,
            verified_benefit=Decimal("86000.50"),
            evidence=" 财务科核算单 ",
            verified_on=timezone.localdate() - DAY,
        )
        proposal.refresh_from_db()
        assert (
            proposal.status,
            proposal.verified_benefit,
            proposal.verification_evidence,
            proposal.verified_by,
            proposal.verified_on,
        ) == (
            Status.BENEFIT_VERIFIED,
            Decimal("86000.50"),
            "财务科核算单",
            org.official_a,
            timezone.localdate() - DAY,
        )
        assert proposal.events.last().note == "财务科核算单"

    def test_verified_on_defaults_to_today(self, org, panel, at):
        proposal = at(Status.IMPLEMENTED)
        verify(proposal, org.official_a, panel)
        assert Proposal.objects.get(pk=proposal.pk).verified_on == timezone.localdate()

    @pytest.mark.parametrize(
        ("field", "benefit", "evidence"),
        [
            ("verified_benefit", None, "财务核算"),
            ("verified_benefit", Decimal("-1"), "财务核算"),
            ("evidence", Decimal(1000), ""),
            ("evidence", Decimal(1000), "   "),
        ],
    )
    def test_missing_figure_or_evidence_is_400(
        self, org, panel, each_state, field, benefit, evidence
    ):
        proposal = each_state[Status.IMPLEMENTED]
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.proposal_verify_benefit(
                proposal_id=proposal.pk,
                by=org.official_a,
                verified_benefit=benefit,
                evidence=evidence,
            )
        assert field in refused.value.message_dict
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("status", [Status.BENEFIT_VERIFIED, Status.AWARDED])
    def test_the_figure_is_locked_once_verified(self, org, panel, each_state, status):
        proposal = each_state[status]
        before = review_snapshot(proposal)
        for by in (org.official_a, org.group_official, org.admin):
            with pytest.raises(Conflict):
                services.proposal_verify_benefit(
                    proposal_id=proposal.pk, by=by, verified_benefit=Decimal(1), evidence="重核"
                )
        # nor through the author's editing (the proposal is long past draft)
        with pytest.raises(Conflict):
            services.proposal_update(
                proposal_id=proposal.pk, by=org.worker_a, expected_benefit=Decimal(1)
            )
        assert review_snapshot(proposal) == before
        assert before["verification"][0] == Decimal("98000.00")


# --- Awards -------------------------------------------------------------------------------------


class TestAward:
    def test_award_is_split_by_share_in_fen(self, org, panel, at):
        proposal = at(Status.BENEFIT_VERIFIED)  # worker_a 60 %, colleague_a 40 %
        given = services.proposal_award(
            proposal_id=proposal.pk, by=org.official_a, grade="second", note="第二名"
        )
        assert (given.grade.grade, given.amount, given.awarded_by) == (
            "second",
            Decimal(2000),
            org.official_a,
        )
        shares = {s.person: (s.share, s.amount_fen) for s in given.shares.all()}
        assert shares == {
            org.worker_a: (Decimal(60), 120000),
            org.colleague_a: (Decimal(40), 80000),
        }
        proposal.refresh_from_db()
        assert proposal.status == Status.AWARDED
        assert proposal.events.last().note == "第二名"

    def test_the_note_defaults_to_the_grade(self, org, panel, at):
        proposal = at(Status.BENEFIT_VERIFIED)
        award(proposal, org.official_a, panel)
        assert proposal.events.last().note  # the grade's name, translated

    @pytest.mark.parametrize("grade", ["special", "third", "nonsense", ""])
    def test_a_grade_the_campaign_does_not_offer_is_400(self, org, panel, each_state, grade):
        proposal = each_state[Status.BENEFIT_VERIFIED]
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.proposal_award(proposal_id=proposal.pk, by=org.official_a, grade=grade)
        assert "grade" in refused.value.message_dict
        assert review_snapshot(proposal) == before

    def test_a_grade_of_another_campaign_is_400(self, org, panel, at, campaigns):
        services.campaign_update(
            campaign_id=campaigns.closed.pk,
            by=org.group_official,
            grades=[("special", 1, Decimal(10000))],
        )
        proposal = at(Status.BENEFIT_VERIFIED)
        with pytest.raises(ValidationError):
            services.proposal_award(proposal_id=proposal.pk, by=org.official_a, grade="special")
        assert not Award.objects.exists()

    def test_quota_used_up_is_409(self, org, panel, at):
        # the first prize has one place
        first = at(Status.BENEFIT_VERIFIED, title="一等奖")
        services.proposal_award(proposal_id=first.pk, by=org.official_a, grade="first")
        second = at(Status.BENEFIT_VERIFIED, title="也想一等奖")
        before = review_snapshot(second)
        with pytest.raises(Conflict) as refused:
            services.proposal_award(proposal_id=second.pk, by=org.group_official, grade="first")
        assert refused.value.code == "quota_used_up"
        assert review_snapshot(second) == before
        assert Award.objects.filter(grade__grade="first").count() == 1
        # another grade still has places
        services.proposal_award(proposal_id=second.pk, by=org.official_a, grade="second")

    def test_quota_counts_the_whole_campaign_across_companies(self, org, panel, at, make_proposal):
        in_b = proposal_reviewed(
            Status.BENEFIT_VERIFIED,
            org=org,
            make_proposal=make_proposal,
            reviewers=panel.experts[:3],
            author=org.worker_b,
        )
        services.proposal_award(proposal_id=in_b.pk, by=org.official_b, grade="first")
        mine = at(Status.BENEFIT_VERIFIED)
        with pytest.raises(Conflict):
            services.proposal_award(proposal_id=mine.pk, by=org.official_a, grade="first")

    def test_an_unlimited_grade_is_never_used_up(self, org, panel, at):
        for index in range(5):
            proposal = at(Status.BENEFIT_VERIFIED, title=f"鼓励{index}")
            award(proposal, org.official_a, panel)
        assert Award.objects.filter(grade__grade="encouragement").count() == 5
        assert AwardShare.objects.count() == 10

    def test_prize_grades_cannot_be_swapped_once_awards_are_given(self, org, panel, at, campaigns):
        proposal = at(Status.AWARDED)
        with pytest.raises(Conflict):
            services.campaign_update(
                campaign_id=campaigns.open.pk,
                by=org.group_official,
                grades=[("first", 5, Decimal(1))],
            )
        assert Award.objects.get(proposal=proposal).amount == Decimal(200)


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("1000.00"),
        Decimal("999.99"),
        Decimal("0.01"),
        Decimal("0.02"),
        Decimal("5000"),
        Decimal("0"),
        Decimal("12345.67"),
    ],
)
@pytest.mark.parametrize(
    "shares",
    [
        ["33.33", "33.33", "33.34"],
        ["33.34", "33.33", "33.33"],
        ["0.01", "99.99"],
        ["100"],
        ["60", "40"],
        ["14.29", "14.29", "14.28", "14.28", "14.28", "14.29", "14.29"],
    ],
)
def test_split_adds_up_to_the_amount_to_the_fen_with_the_remainder_to_the_author(amount, shares):
    shares = [Decimal(share) for share in shares]
    people = [f"person {index}" for index in range(len(shares))]
    parts = split_in_fen(amount, list(zip(people, shares, strict=True)))
    total_fen = int(amount * 100)
    assert sum(fen for _person, _share, fen in parts) == total_fen
    assert [(person, share) for person, share, _fen in parts] == list(
        zip(people, shares, strict=True)
    )
    # everyone but the author gets their share rounded down; the author also
    # gets what rounding left, less than one fen per person
    floors = [int(total_fen * share / 100) for share in shares]
    assert [fen for _p, _s, fen in parts[1:]] == floors[1:]
    assert 0 <= parts[0][2] - floors[0] < len(shares)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1000.00"), [33340, 33330, 33330]),
        (Decimal("999.99"), [33341, 33329, 33329]),
        (Decimal("0.01"), [1, 0, 0]),
    ],
)
def test_split_of_three_nearly_equal_shares(amount, expected):
    parts = split_in_fen(
        amount, [("a", Decimal("33.34")), ("b", Decimal("33.33")), ("c", Decimal("33.33"))]
    )
    assert [fen for _person, _share, fen in parts] == expected


def test_award_of_three_authors_sums_exactly(org, panel, make_proposal, studios, campaigns):
    services.campaign_update(
        campaign_id=campaigns.open.pk,
        by=org.group_official,
        grades=[("excellence", None, Decimal("999.99")), ("encouragement", None, Decimal("0.01"))],
    )
    amounts = {}
    for grade in ("excellence", "encouragement"):
        proposal = proposal_reviewed(
            Status.BENEFIT_VERIFIED,
            org=org,
            make_proposal=make_proposal,
            reviewers=panel.experts[:3],
            author_share=Decimal("33.33"),
            co_authors=[(org.colleague_a, Decimal("33.33")), (studios.member_a, Decimal("33.34"))],
        )
        given = services.proposal_award(proposal_id=proposal.pk, by=org.official_a, grade=grade)
        amounts[grade] = dict(given.shares.values_list("person__employee_no", "amount_fen"))
        assert sum(amounts[grade].values()) == int(given.amount * 100)
    assert amounts == {
        "excellence": {"worker_a": 33331, "colleague_a": 33329, "member_a": 33339},
        "encouragement": {"worker_a": 1, "colleague_a": 0, "member_a": 0},
    }
