"""Prize money and scores under load: each request in a thread of its
own with its own database connection, all released at the same moment. The
last place of a grade goes to exactly one proposal, a double-posted review is
stored once, and a decision racing a review edit never fixes a score the reviews
do not add up to. PostgreSQL only: SQLite serialises writers, so it cannot show
a race."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from competitions import services
from competitions.models import Award, AwardShare, Proposal, Review, ReviewScore
from core.exceptions import Conflict
from tests.competitions.states import proposal_reviewed, reviewer_panel, rubric_scores
from tests.concurrency import RACES, run_at_once

pytestmark = RACES

Status = Proposal.Status


@pytest.fixture
def panel(org):
    return reviewer_panel(org)


@pytest.fixture
def at(org, make_proposal, panel):
    """`at(status, **kwargs)`: worker_a's proposal in `status`, reviewed by three
    experts (80, 70, 60 unless `totals` says otherwise)."""

    def bring(status, **kwargs):
        return proposal_reviewed(
            status, org=org, make_proposal=make_proposal, reviewers=panel.experts[:3], **kwargs
        )

    return bring


# What each thread runs, as a request would: its own user object, no shared cache.


def award(proposal_id: int, official_id: int, grade: str) -> int:
    official = User.objects.get(pk=official_id)
    return services.proposal_award(proposal_id=proposal_id, by=official, grade=grade).pk


def review(proposal_id: int, reviewer_id: int, total: int) -> int:
    reviewer = User.objects.get(pk=reviewer_id)
    proposal = Proposal.objects.get(pk=proposal_id)
    return services.review_submit(
        proposal_id=proposal_id, by=reviewer, scores=rubric_scores(proposal.campaign, total)
    ).pk


def edit(review_id: int, reviewer_id: int, total: int) -> str:
    reviewer = User.objects.get(pk=reviewer_id)
    campaign = Review.objects.get(pk=review_id).proposal.campaign
    services.review_update(
        review_id=review_id, by=reviewer, scores=rubric_scores(campaign, total), comment="复核"
    )
    return "edited"


def decide(proposal_id: int, official_id: int) -> str:
    official = User.objects.get(pk=official_id)
    services.proposal_decide(proposal_id=proposal_id, by=official, outcome=Status.APPROVED)
    return "decided"


def post(person_id: int, method: str, path: str, body: dict) -> int:
    """An API request from its own client."""
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=person_id))
    return getattr(client, method)(path, body, format="json").status_code


def assert_score_matches_the_reviews(proposal):
    """The decided score is the mean of the reviews as they are stored now, and
    every review's total is the sum of its stored points."""
    proposal.refresh_from_db()
    totals = list(proposal.reviews.values_list("total", flat=True))
    mean = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert proposal.score == mean, (proposal.score, totals)
    for stored in proposal.reviews.all():
        assert sum(stored.scores.values_list("points", flat=True)) == stored.total


# --- The last place of a grade ----------------------------------------------------------


def test_two_officials_awarding_the_last_first_prize_at_once_one_wins_one_gets_409(org, at):
    # the first prize has one place; two proposals are ready for it
    mine = at(Status.BENEFIT_VERIFIED, title="甲")
    theirs = at(Status.BENEFIT_VERIFIED, title="乙")
    results, errors = run_at_once(
        [
            (award, mine.pk, org.official_a.pk, "first"),
            (award, theirs.pk, org.group_official.pk, "first"),
        ]
    )
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert errors[0].code == "quota_used_up"
    assert Award.objects.filter(grade__grade="first").count() == 1
    statuses = sorted(Proposal.objects.filter(pk__in=[mine.pk, theirs.pk]).values_list("status"))
    assert statuses == [("awarded",), ("benefit_verified",)]
    # the loser kept nothing: no shares, no event
    loser = Proposal.objects.get(status=Status.BENEFIT_VERIFIED)
    assert not AwardShare.objects.filter(award__proposal=loser).exists()
    assert loser.events.last().to_state == Status.BENEFIT_VERIFIED


def test_six_proposals_racing_for_three_second_prizes_get_exactly_three(org, at):
    ready = [at(Status.BENEFIT_VERIFIED, title=f"候选{index}") for index in range(6)]
    officials = [org.official_a, org.group_official, org.admin]
    results, errors = run_at_once(
        [
            (award, proposal.pk, officials[index % 3].pk, "second")
            for index, proposal in enumerate(ready)
        ]
    )
    assert (len(results), len(errors)) == (3, 3)
    assert all(isinstance(error, Conflict) and error.code == "quota_used_up" for error in errors)
    assert Award.objects.filter(grade__grade="second").count() == 3
    assert Proposal.objects.filter(status=Status.AWARDED).count() == 3


def test_the_last_place_over_the_api_is_one_200_and_one_409(org, at):
    first = at(Status.BENEFIT_VERIFIED, title="甲")
    second = at(Status.BENEFIT_VERIFIED, title="乙")
    codes, errors = run_at_once(
        [
            (
                post,
                org.official_a.pk,
                "post",
                f"/api/v1/proposals/{first.pk}/award/",
                {"grade": "first"},
            ),
            (
                post,
                org.group_official.pk,
                "post",
                f"/api/v1/proposals/{second.pk}/award/",
                {"grade": "first"},
            ),
        ]
    )
    assert errors == []
    assert sorted(codes) == [200, 409]
    assert Award.objects.filter(grade__grade="first").count() == 1


def test_the_same_proposal_awarded_twice_at_once_is_awarded_once(org, at):
    proposal = at(Status.BENEFIT_VERIFIED)
    results, errors = run_at_once(
        [
            (award, proposal.pk, org.official_a.pk, "encouragement"),
            (award, proposal.pk, org.group_official.pk, "second"),
        ]
    )
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict)
    assert Award.objects.filter(proposal=proposal).count() == 1
    assert proposal.events.filter(to_state=Status.AWARDED).count() == 1


# --- One review per reviewer ------------------------------------------------------------


def test_the_same_review_posted_five_times_at_once_is_stored_once(org, panel, at):
    proposal = at(Status.UNDER_REVIEW, totals=())
    reviewer = panel.experts[0]
    results, errors = run_at_once([(review, proposal.pk, reviewer.pk, 75)] * 5)
    assert len(results) == 1
    assert len(errors) == 4 and all(isinstance(error, Conflict) for error in errors), errors
    assert Review.objects.filter(proposal=proposal, reviewer=reviewer).count() == 1
    assert ReviewScore.objects.filter(review__proposal=proposal).count() == 4  # one per criterion


def test_a_double_tap_on_the_review_form_over_the_api_is_one_201_and_one_409(org, panel, at):
    proposal = at(Status.UNDER_REVIEW, totals=())
    body = {
        "proposal_id": proposal.pk,
        "scores": [
            {"criterion_id": criterion_id, "points": str(points)}
            for criterion_id, points in rubric_scores(proposal.campaign, 75).items()
        ],
    }
    codes, errors = run_at_once([(post, panel.experts[0].pk, "post", "/api/v1/reviews/", body)] * 2)
    assert errors == []
    assert sorted(codes) == [201, 409]
    assert Review.objects.filter(proposal=proposal).count() == 1


# --- A decision racing the reviews ------------------------------------------------------


def test_a_decision_racing_a_review_edit_fixes_a_score_the_reviews_add_up_to(org, panel, at):
    # four rounds, each on a proposal of its own (each reviewer's edit raced at
    # least once), on one committed set-up: the race is in the round, not the set-up
    proposals = [at(Status.UNDER_REVIEW, totals=(60, 60, 60), title=f"第{n}轮") for n in range(4)]
    for round_, proposal in enumerate(proposals):
        changed = proposal.reviews.get(reviewer=panel.experts[round_ % 3])
        results, errors = run_at_once(
            [
                (decide, proposal.pk, org.official_a.pk),
                (edit, changed.pk, changed.reviewer_id, 90),
            ]
        )
        assert "decided" in results, round_
        # the edit either came first (and counts) or came after and was refused
        if "edited" in results:
            assert errors == [], round_
            assert Proposal.objects.get(pk=proposal.pk).score == Decimal(70), round_
        else:
            assert len(errors) == 1 and isinstance(errors[0], Conflict), (round_, errors)
            assert Proposal.objects.get(pk=proposal.pk).score == Decimal(60), round_
            assert Review.objects.get(pk=changed.pk).total == 60, round_
        assert_score_matches_the_reviews(proposal)


def test_a_decision_racing_several_edits_and_a_late_review_stays_consistent(org, panel, at):
    # three rounds, each on a proposal of its own, on one committed set-up: three
    # reviewers have scored, a fourth is assigned and scores just then, while the
    # first two change their minds
    proposals = [at(Status.UNDER_REVIEW, totals=(50, 60, 70), title=f"第{n}轮") for n in range(3)]
    for round_, proposal in enumerate(proposals):
        services.reviewers_assign(
            proposal_id=proposal.pk, by=org.group_official, reviewers=[panel.experts[3]]
        )
        first, second = (proposal.reviews.get(reviewer=expert) for expert in panel.experts[:2])
        results, errors = run_at_once(
            [
                (decide, proposal.pk, org.group_official.pk),
                (edit, first.pk, first.reviewer_id, 95),
                (edit, second.pk, second.reviewer_id, 15),
                (review, proposal.pk, panel.experts[3].pk, 88),
            ]
        )
        assert "decided" in results, round_
        assert all(isinstance(error, Conflict) for error in errors), (round_, errors)
        assert_score_matches_the_reviews(proposal)
