"""The review services: every step for every role, assignment and recusal,
reviews submitted and updated, the score and the reviewer's queue."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation

from competitions import services
from competitions.models import Campaign, Proposal, Review, ReviewAssignment
from competitions.selectors import (
    decisions_board,
    proposal_access,
    proposals_visible_to,
    recusal_reason,
    review_queue,
    reviews_waiting_for,
    with_scores,
)
from core.exceptions import Conflict
from tests.competitions.conftest import proposal_maker
from tests.competitions.review_services import award, person, verify
from tests.competitions.states import (
    EVERY_STATE,
    proposal_at,
    proposal_reviewed,
    review_snapshot,
    rubric_scores,
)
from tests.factories import PersonFactory
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status


def current(proposal):
    """The running figures of a proposal, as the board and the decision read them."""
    return with_scores(Proposal.objects.filter(pk=proposal.pk)).get()


def points(proposal, values) -> dict[int, Decimal]:
    """The rubric's criteria, in order, given these points."""
    ids = proposal.campaign.criteria.order_by("position").values_list("pk", flat=True)
    return dict(zip(ids, map(Decimal, values), strict=True))


def submit(proposal, reviewer, total=None, *, scores=None, comment="可行"):
    scores = scores if scores is not None else rubric_scores(proposal.campaign, total)
    return services.review_submit(
        proposal_id=proposal.pk, by=reviewer, scores=scores, comment=comment
    )


# The steps after review, each from the state it starts in.
def assign(proposal, by, panel):
    return services.reviewers_assign(proposal_id=proposal.pk, by=by, reviewers=[panel.neighbour])


def replace(proposal, by, panel):
    # experts[3] is assigned but has not reviewed
    return services.reviewer_replace(
        proposal_id=proposal.pk, by=by, reviewer=panel.experts[3], replacement=panel.neighbour
    )


def approve(proposal, by, panel):
    return services.proposal_decide(proposal_id=proposal.pk, by=by, outcome=Status.APPROVED)


def reject(proposal, by, panel):
    return services.proposal_decide(
        proposal_id=proposal.pk, by=by, outcome=Status.REJECTED, reason="推广价值有限"
    )


def implement(proposal, by, panel):
    return services.proposal_implement(
        proposal_id=proposal.pk, by=by, implemented_on=timezone.localdate(), department="机电科"
    )


# name: (step, the state it starts from, the state it leads to (None: stays))
STEPS = {
    "assign": (assign, Status.UNDER_REVIEW, None),
    "replace": (replace, Status.UNDER_REVIEW, None),
    "approve": (approve, Status.UNDER_REVIEW, Status.APPROVED),
    "reject": (reject, Status.UNDER_REVIEW, Status.REJECTED),
    "implement": (implement, Status.APPROVED, Status.IMPLEMENTED),
    "verify": (verify, Status.IMPLEMENTED, Status.BENEFIT_VERIFIED),
    "award": (award, Status.BENEFIT_VERIFIED, Status.AWARDED),
}

# Who sees the proposal but may not take these steps (403), and who cannot see it (404).
SEE_BUT_MAY_NOT = ["worker_a", "colleague_a", "reviewer"]

CANNOT_SEE = ["official_b", "worker_b", "outside_expert"]


@shared_data(needs=("org", "campaigns", "panel"))
def officials_own(built):
    """{(part, state): proposal}: in each state a step starts from, a proposal
    official_a wrote ("author") and one they co-wrote with worker_a at 50 %
    ("co-author"), run by the group official, reviewed as `at` reviews."""
    org, panel = built.get("org"), built.get("panel")
    make_proposal = proposal_maker(built.get("campaigns"))
    parts = {
        "author": {"author": org.official_a},
        "co-author": {"author_share": Decimal(50), "co_authors": [(org.official_a, Decimal(50))]},
    }
    return {
        (part, source): proposal_at(
            source,
            org=org,
            make_proposal=make_proposal,
            reviewers=panel.experts[:4],
            official=org.group_official,
            **own,
        )
        for part, own in parts.items()
        for source in dict.fromkeys(source for _step, source, _target in STEPS.values())
    }


def wrong_state_cases():
    """Every state a step does not start from (drafts: 404, see below)."""
    return [
        (name, status)
        for name, (_step, source, _target) in STEPS.items()
        for status in EVERY_STATE
        if status not in (source, Status.DRAFT)
    ]


# --- Every step, every role ---------------------------------------------------------------


class TestSteps:
    @pytest.mark.parametrize("name", list(STEPS))
    @pytest.mark.parametrize("who", ["official_a", "group_official", "admin"])
    def test_official_over_the_author_takes_the_step(self, org, panel, each_state, name, who):
        step, source, target = STEPS[name]
        proposal = each_state[source]
        events = proposal.events.count()
        actor = getattr(org, who)
        step(proposal, actor, panel)
        proposal.refresh_from_db()
        if target is None:  # reviewers change, the state does not
            assert (proposal.status, proposal.events.count()) == (source, events)
            return
        assert proposal.status == target
        assert proposal.events.count() == events + 1
        event = proposal.events.last()
        assert (event.from_state, event.to_state, event.actor) == (source, target, actor)

    @pytest.mark.parametrize(("name", "status"), wrong_state_cases())
    def test_any_other_state_is_409_and_nothing_changes(self, org, panel, each_state, name, status):
        step, _source, _target = STEPS[name]
        proposal = each_state[status]
        before = review_snapshot(proposal)
        with pytest.raises(Conflict) as refused:
            step(proposal, org.official_a, panel)
        assert refused.value.code == "invalid_transition"
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("name", list(STEPS))
    def test_a_draft_is_not_even_found_404(self, org, panel, each_state, name):
        proposal = each_state[Status.DRAFT]
        with pytest.raises(Http404):
            STEPS[name][0](proposal, org.official_a, panel)
        assert review_snapshot(proposal)["status"] == Status.DRAFT

    @pytest.mark.parametrize("name", list(STEPS))
    @pytest.mark.parametrize("who", SEE_BUT_MAY_NOT)
    def test_author_co_author_and_reviewer_see_it_but_may_not_403(
        self, org, panel, each_state, name, who
    ):
        step, source, _target = STEPS[name]
        proposal = each_state[source]
        before = review_snapshot(proposal)
        with pytest.raises(PermissionDenied):
            step(proposal, person(org, panel, who), panel)
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("name", list(STEPS))
    @pytest.mark.parametrize("who", CANNOT_SEE)
    def test_outsiders_cannot_find_it_404(self, org, panel, each_state, name, who):
        step, source, _target = STEPS[name]
        proposal = each_state[source]
        before = review_snapshot(proposal)
        with pytest.raises(Http404):
            step(proposal, person(org, panel, who), panel)
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("name", list(STEPS))
    @pytest.mark.parametrize("part", ["author", "co-author"])
    def test_an_official_never_takes_a_step_on_their_own_proposal_403(
        self, org, panel, officials_own, name, part
    ):
        # official_a answers for company A, but wrote (or co-wrote) this one; the
        # group official runs it
        step, source, _target = STEPS[name]
        proposal = officials_own[part, source]
        before = review_snapshot(proposal)
        with pytest.raises(PermissionDenied):
            step(proposal, org.official_a, panel)
        assert review_snapshot(proposal) == before


# --- Assignment and recusal ------------------------------------------------------------------


class TestAssignment:
    def test_group_official_asks_reviewers_from_another_company_by_the_deadline(
        self, org, panel, at, campaigns
    ):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        services.reviewers_assign(
            proposal_id=proposal.pk, by=org.group_official, reviewers=panel.experts[1:3]
        )
        rows = ReviewAssignment.objects.filter(proposal=proposal).order_by("id")
        assert [row.reviewer for row in rows] == panel.experts[:3]
        assert {row.due_on for row in rows} == {campaigns.open.review_deadline}
        assert {row.assigned_by for row in rows} == {org.group_official}
        assert all(row.replaced_at is None for row in rows)

    def test_asking_someone_again_keeps_their_one_assignment(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:2], totals=(80,))
        services.reviewers_assign(
            proposal_id=proposal.pk, by=org.group_official, reviewers=panel.experts[:3]
        )
        assert sorted(proposal.assignments.values_list("reviewer_id", flat=True)) == sorted(
            expert.pk for expert in panel.experts[:3]
        )

    def test_one_active_assignment_per_reviewer_is_a_database_rule(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewAssignment.objects.create(
                proposal=proposal,
                reviewer=panel.experts[0],
                assigned_by=org.group_official,
                due_on=timezone.localdate(),
            )

    def test_company_official_picks_a_reviewer_from_another_team_of_their_company(
        self, org, panel, at
    ):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        services.reviewers_assign(
            proposal_id=proposal.pk, by=org.official_a, reviewers=[panel.neighbour]
        )
        assert proposal.assignments.filter(reviewer=panel.neighbour).exists()

    def test_a_reviewer_outside_the_officials_scope_is_400(self, org, panel, at):
        # company A's official does not see company C's people
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.reviewers_assign(
                proposal_id=proposal.pk, by=org.official_a, reviewers=[panel.experts[1]]
            )
        assert "评审乙" in " ".join(refused.value.message_dict["reviewers"])
        assert review_snapshot(proposal) == before

    def test_no_reviewer_is_400(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        with pytest.raises(ValidationError) as refused:
            services.reviewers_assign(proposal_id=proposal.pk, by=org.group_official, reviewers=[])
        assert "reviewers" in refused.value.message_dict

    @pytest.mark.parametrize(
        ("who", "reason"),
        [
            ("worker_a", "an author"),
            ("colleague_a", "an author"),
            ("teammate", "own team"),
            ("co_authors_teammate", "own team"),
        ],
    )
    def test_authors_and_their_teammates_are_recused_400_naming_them(
        self, org, panel, at, who, reason
    ):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        if who == "co_authors_teammate":  # in team A102 with the co-author colleague_a
            recused = PersonFactory(full_name="合作者同组", org_unit=org.team_a102)
        else:
            recused = getattr(panel, who, None) or getattr(org, who)
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            # a batch with one recused person is refused as a whole
            services.reviewers_assign(
                proposal_id=proposal.pk,
                by=org.group_official,
                reviewers=[panel.experts[1], recused],
            )
        messages = refused.value.message_dict["reviewers"]
        assert len(messages) == 1
        assert recused.full_name in messages[0]
        assert review_snapshot(proposal) == before
        # and the reason is what the assignment page shows
        with translation.override("en"):
            assert reason in recusal_reason(proposal, recused)

    @pytest.mark.parametrize(("step", "field"), [(assign, "reviewers"), (replace, "replacement")])
    def test_someone_no_longer_active_is_400_naming_them(self, org, panel, at, step, field):
        """The neighbour has left (deactivated): neither asked nor put in a
        reviewer's place; nothing changes."""
        proposal = at(Status.UNDER_REVIEW)  # experts[3] has not reviewed
        type(panel.neighbour).objects.filter(pk=panel.neighbour.pk).update(is_active=False)
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            step(proposal, org.group_official, panel)
        assert refused.value.message_dict[field] == ["邻队评审 已停用"]
        assert review_snapshot(proposal) == before

    def test_the_unit_the_proposal_was_written_in_stays_recused_after_the_author_moves(
        self, org, panel, at
    ):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        type(org.worker_a).objects.filter(pk=org.worker_a.pk).update(org_unit=org.team_b101)
        with translation.override("en"):
            assert recusal_reason(proposal, panel.teammate) == "works in the author's own team"

    def test_people_outside_the_authors_teams_are_not_recused(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        for reviewer in (*panel.experts, panel.neighbour, org.official_a, org.worker_b):
            assert recusal_reason(proposal, reviewer) is None

    def test_replacing_a_reviewer_who_has_not_reviewed(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)  # experts[3] has not reviewed
        replace(proposal, org.group_official, panel)
        old = ReviewAssignment.objects.get(proposal=proposal, reviewer=panel.experts[3])
        new = ReviewAssignment.objects.get(proposal=proposal, reviewer=panel.neighbour)
        assert old.replaced_at is not None
        assert (new.replaced_at, new.due_on) == (None, proposal.campaign.review_deadline)
        # the replaced reviewer no longer reads or reviews it
        assert not proposals_visible_to(panel.experts[3]).filter(pk=proposal.pk).exists()
        with pytest.raises(Http404):
            submit(proposal, panel.experts[3], 70)
        submit(proposal, panel.neighbour, 75)
        assert current(proposal).review_count == 4

    def test_a_replaced_reviewer_may_be_asked_again(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        replace(proposal, org.group_official, panel)
        assign_back = [panel.experts[3]]
        services.reviewers_assign(
            proposal_id=proposal.pk, by=org.group_official, reviewers=assign_back
        )
        assert proposal.assignments.filter(reviewer=panel.experts[3]).count() == 2
        submit(proposal, panel.experts[3], 50)

    def test_replacing_someone_who_has_reviewed_is_409(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        before = review_snapshot(proposal)
        with pytest.raises(Conflict):
            services.reviewer_replace(
                proposal_id=proposal.pk,
                by=org.group_official,
                reviewer=panel.experts[0],
                replacement=panel.neighbour,
            )
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize(
        ("reviewer", "replacement", "field"),
        [
            ("experts[4]", "neighbour", "reviewer"),  # not a reviewer of it
            ("experts[3]", "experts[1]", "replacement"),  # already one
            ("experts[3]", "teammate", "replacement"),  # recused
            ("experts[3]", "worker_a", "replacement"),  # the author
            ("experts[3]", "experts[3]", "replacement"),  # themselves
        ],
    )
    def test_replacement_refused_400(self, org, panel, at, reviewer, replacement, field):
        def pick(name):
            if name.startswith("experts"):
                return panel.experts[int(name[8])]
            return getattr(panel, name, None) or getattr(org, name)

        proposal = at(Status.UNDER_REVIEW)
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.reviewer_replace(
                proposal_id=proposal.pk,
                by=org.group_official,
                reviewer=pick(reviewer),
                replacement=pick(replacement),
            )
        assert field in refused.value.message_dict
        assert review_snapshot(proposal) == before


# --- Reviews -----------------------------------------------------------------------------------


class TestReviewSubmit:
    def test_assigned_reviewer_scores_every_criterion(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        scores = points(proposal, ["25", "28.5", "12", "20"])
        review = submit(proposal, panel.experts[0], scores=scores, comment="  节水效果明显  ")
        assert (review.reviewer, review.total, review.comment) == (
            panel.experts[0],
            Decimal("85.5"),
            "节水效果明显",
        )
        stored = dict(review.scores.values_list("criterion_id", "points"))
        assert stored == scores
        # a review is no state change
        proposal.refresh_from_db()
        assert proposal.status == Status.UNDER_REVIEW

    @pytest.mark.parametrize(
        "who", ["worker_a", "colleague_a", "official_a", "group_official", "admin", "outsider"]
    )
    def test_only_an_assigned_reviewer_reviews_404_for_everyone_else(self, org, panel, at, who):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        somebody = panel.experts[4] if who == "outsider" else getattr(org, who)
        with pytest.raises(Http404):
            submit(proposal, somebody, 80)
        assert not Review.objects.exists()

    def test_a_second_review_by_the_same_reviewer_is_409(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        before = review_snapshot(proposal)
        with pytest.raises(Conflict):
            submit(proposal, panel.experts[0], 20)
        assert review_snapshot(proposal) == before

    def test_one_review_per_reviewer_is_a_database_rule(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(proposal=proposal, reviewer=panel.experts[0], total=1)
        assert proposal.reviews.filter(reviewer=panel.experts[0]).count() == 1

    @pytest.mark.parametrize(
        "values",
        [
            ["31", "30", "20", "20"],  # above the first maximum
            ["30", "30", "20", "20.1"],  # just above the last one
            ["-1", "30", "20", "20"],  # negative
        ],
        ids=["above max", "just above max", "negative"],
    )
    def test_scores_outside_zero_to_the_maximum_are_400(self, org, panel, at, values):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        with pytest.raises(ValidationError) as refused:
            submit(proposal, panel.experts[0], scores=points(proposal, values))
        assert "scores" in refused.value.message_dict
        assert not Review.objects.exists()

    def test_the_maximum_and_zero_themselves_are_fine(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        review = submit(proposal, panel.experts[0], scores=points(proposal, [30, 30, 20, 0]))
        assert review.total == 80

    def test_a_missing_or_unknown_criterion_is_400(self, org, panel, at, campaigns):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        scores = rubric_scores(proposal.campaign, 60)
        last = max(scores)
        missing = {key: value for key, value in scores.items() if key != last}
        other_rubric = campaigns.closed.criteria.first().pk
        for wrong in (missing, {**missing, other_rubric: Decimal(10)}, {}):
            with pytest.raises(ValidationError) as refused:
                submit(proposal, panel.experts[0], scores=wrong)
            assert "scores" in refused.value.message_dict
        assert not Review.objects.exists()

    def test_points_finer_than_the_rubric_keeps_are_400_not_silently_rounded(self, org, panel, at):
        # points are kept to one decimal; the total must equal what is stored
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        scores = points(proposal, ["10.25", "10", "10", "10"])
        with pytest.raises(ValidationError):
            submit(proposal, panel.experts[0], scores=scores)
        assert not Review.objects.exists()

    @pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED])
    def test_no_review_after_the_decision_409(self, org, panel, at, status):
        # experts[3] was assigned but had not reviewed when it was decided
        proposal = at(status)
        before = review_snapshot(proposal)
        with pytest.raises(Conflict):
            submit(proposal, panel.experts[3], 90)
        assert review_snapshot(proposal) == before


class TestReviewUpdate:
    def test_reviewer_changes_scores_and_comment_before_the_decision(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        review = proposal.reviews.get(reviewer=panel.experts[0])
        services.review_update(
            review_id=review.pk,
            by=panel.experts[0],
            scores=rubric_scores(proposal.campaign, 95),
            comment=" 再看了现场 ",
        )
        review.refresh_from_db()
        assert (review.total, review.comment) == (Decimal(95), "再看了现场")
        assert sum(review.scores.values_list("points", flat=True)) == 95
        assert current(proposal).current_score == Decimal(75)  # (95 + 70 + 60) / 3

    def test_comment_alone_keeps_the_scores(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        review = proposal.reviews.get(reviewer=panel.experts[1])
        services.review_update(review_id=review.pk, by=panel.experts[1], comment="补充意见")
        review.refresh_from_db()
        assert (review.total, review.comment, review.scores.count()) == (70, "补充意见", 4)

    @pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.AWARDED])
    def test_no_change_after_the_decision_409(self, org, panel, at, status):
        proposal = at(status)
        review = proposal.reviews.get(reviewer=panel.experts[0])
        before = review_snapshot(proposal)
        with pytest.raises(Conflict):
            services.review_update(
                review_id=review.pk,
                by=panel.experts[0],
                scores=rubric_scores(proposal.campaign, 10),
                comment="改主意了",
            )
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("who", ["other_reviewer", "official_a", "worker_a", "admin"])
    def test_someone_elses_review_is_404(self, org, panel, at, who):
        proposal = at(Status.UNDER_REVIEW)
        review = proposal.reviews.get(reviewer=panel.experts[0])
        somebody = panel.experts[1] if who == "other_reviewer" else getattr(org, who)
        before = review_snapshot(proposal)
        with pytest.raises(Http404):
            services.review_update(review_id=review.pk, by=somebody, comment="代改")
        assert review_snapshot(proposal) == before

    def test_invalid_scores_on_edit_are_400_and_keep_the_old_ones(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        review = proposal.reviews.get(reviewer=panel.experts[0])
        before = review_snapshot(proposal)
        with pytest.raises(ValidationError):
            services.review_update(
                review_id=review.pk, by=panel.experts[0], scores=points(proposal, [99, 0, 0, 0])
            )
        assert review_snapshot(proposal) == before


# --- The score -----------------------------------------------------------------------------------


class TestScore:
    def test_score_is_the_mean_of_the_totals_fixed_at_the_decision(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, totals=(80, 70, 71))
        figures = current(proposal)
        assert (figures.review_count, figures.assigned_count) == (3, 4)
        assert figures.current_score.quantize(Decimal("0.0001")) == Decimal("73.6667")
        assert Proposal.objects.get(pk=proposal.pk).score is None  # not final yet
        approve(proposal, org.official_a, panel)
        proposal.refresh_from_db()
        assert proposal.score == Decimal("73.67")
        assert proposal.decided_at is not None

    def test_no_reviews_no_score(self, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, totals=())
        figures = current(proposal)
        assert (figures.review_count, figures.current_score) == (0, None)

    @pytest.mark.parametrize(
        ("drop", "totals", "score"),
        [
            (True, (90, 80, 70, 60, 10), Decimal(70)),  # 90 and 10 dropped
            (True, (80, 80, 80, 60, 60), Decimal("73.33")),  # one of each extreme dropped
            (True, (90, 80, 70, 60), Decimal(75)),  # fewer than five: all count
            (False, (90, 80, 70, 60, 10), Decimal(62)),  # the campaign keeps all
        ],
    )
    def test_highest_and_lowest_dropped_from_five_reviews_when_the_campaign_says(
        self, org, panel, at, campaigns, drop, totals, score
    ):
        services.campaign_update(
            campaign_id=campaigns.open.pk, by=org.group_official, drop_extremes=drop
        )
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts, totals=totals)
        assert current(proposal).current_score.quantize(Decimal("0.01")) == score
        approve(proposal, org.official_a, panel)
        assert Proposal.objects.get(pk=proposal.pk).score == score

    def test_deciding_before_the_minimum_reviews_is_409(self, org, panel, at, campaigns):
        proposal = at(Status.UNDER_REVIEW, totals=(80, 70))
        before = review_snapshot(proposal)
        with pytest.raises(Conflict) as refused:
            approve(proposal, org.official_a, panel)
        assert refused.value.code == "reviews_missing"
        assert review_snapshot(proposal) == before
        # the third review makes it decidable
        submit(proposal, panel.experts[2], 60)
        assert approve(proposal, org.official_a, panel).status == Status.APPROVED

    def test_the_minimum_is_the_campaigns(self, org, panel, at, campaigns):
        services.campaign_update(
            campaign_id=campaigns.open.pk, by=org.group_official, min_reviews=1
        )
        proposal = at(Status.UNDER_REVIEW, totals=(66,))
        assert approve(proposal, org.official_a, panel).score == Decimal(66)

    def test_decisions_board_lists_the_officials_proposals_under_review_best_first(
        self, org, panel, at, make_proposal
    ):
        low = at(Status.UNDER_REVIEW, totals=(50, 50, 50), title="低分")
        high = at(Status.UNDER_REVIEW, totals=(90, 90, 80), title="高分")
        none_yet = at(Status.UNDER_REVIEW, totals=(), title="未评")
        at(Status.APPROVED, title="已决定")
        proposal_reviewed(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            reviewers=panel.experts[:3],
            author=org.worker_b,
            title="B公司",
        )
        board = list(decisions_board(org.official_a, low.campaign))
        assert [row.pk for row in board] == [high.pk, low.pk, none_yet.pk]
        assert [row.review_count for row in board] == [3, 3, 0]
        assert len(decisions_board(org.group_official, low.campaign)) == 4

    @pytest.mark.parametrize(
        ("earlier", "later"),
        [((40, 40), (90, 90)), ((90, 90), (40, 40))],
        ids=["the-later-scores-higher", "the-earlier-scores-higher"],
    )
    def test_the_board_gives_no_score_away_below_the_minimum(self, org, panel, at, earlier, later):
        ready = at(Status.UNDER_REVIEW, totals=(50, 50, 50), title="已评齐")
        first = at(Status.UNDER_REVIEW, totals=earlier, title="先提交")
        second = at(Status.UNDER_REVIEW, totals=later, title="后提交")
        assert first.code < second.code
        board = list(decisions_board(org.official_a, ready.campaign))
        # Two of three reviews: after the scored ones, by code, whatever they scored.
        assert [row.pk for row in board] == [ready.pk, first.pk, second.pk]
        assert board[0].current_score == Decimal(50)
        for row in board[1:]:
            assert (row.review_count, row.current_score) == (2, None)
            # nor any figure of its reviews' totals a page or an answer could show
            assert not {"review_sum", "review_max", "review_min"} & set(vars(row))


# --- The reviewer's queue and blind reading ----------------------------------------------------


class TestQueue:
    def test_queue_shows_deadline_whether_reviewed_and_n_of_m(self, org, panel, at):
        reviewer = panel.experts[0]
        done = at(Status.UNDER_REVIEW, totals=(80, 70), title="已评")  # 2 of 4
        waiting = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=(), title="待评")
        replaced = at(Status.UNDER_REVIEW, reviewers=panel.experts[1:4], totals=())
        services.reviewer_replace(
            proposal_id=replaced.pk,
            by=org.group_official,
            reviewer=panel.experts[1],
            replacement=reviewer,
        )
        services.reviewer_replace(
            proposal_id=replaced.pk,
            by=org.group_official,
            reviewer=reviewer,
            replacement=panel.experts[1],
        )
        rows = [
            (row.proposal_id, row.due_on, row.reviewed, row.review_count, row.assigned_count)
            for row in review_queue(reviewer)
        ]
        deadline = done.campaign.review_deadline
        # what is still to do comes first
        assert rows == [(waiting.pk, deadline, False, 0, 3), (done.pk, deadline, True, 2, 4)]

    @pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.AWARDED])
    def test_a_proposal_decided_before_the_reviewer_scored_it_waits_for_nobody(
        self, org, panel, at, status
    ):
        late = panel.experts[3]  # assigned by `at`, never reviewed
        decided = at(status, title="已决定")
        waiting = at(Status.UNDER_REVIEW, reviewers=[late], totals=(), title="待评")
        rows = [(row.proposal_id, row.reviewed, row.waiting) for row in review_queue(late)]
        # still listed, not reviewed, but after what waits and not waiting itself
        assert rows == [(waiting.pk, False, True), (decided.pk, False, False)]
        assert [row.proposal_id for row in reviews_waiting_for(late)] == [waiting.pk]

    def test_another_reviewer_and_an_official_have_their_own_queues(self, org, panel, at):
        at(Status.UNDER_REVIEW, reviewers=panel.experts[:2], totals=())
        assert list(review_queue(panel.experts[2])) == []
        assert list(review_queue(org.official_a)) == []

    def test_reviewer_reads_only_the_proposals_assigned_to_them(self, org, panel, at):
        mine = at(Status.UNDER_REVIEW, reviewers=panel.experts[:2], totals=())
        at(Status.UNDER_REVIEW, reviewers=panel.experts[1:3], totals=())
        at(Status.SUBMITTED)
        showcase = at(Status.AWARDED, reviewers=panel.experts[1:4])
        visible = set(proposals_visible_to(panel.experts[0]).values_list("pk", flat=True))
        assert visible == {mine.pk, showcase.pk}  # awarded ones are everyone's showcase

    def test_blind_only_for_the_reviewer_of_a_blind_campaign_until_awarded(
        self, org, panel, at, campaigns
    ):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        assert proposal_access(panel.experts[0], proposal).blind
        for insider in (org.worker_a, org.colleague_a, org.official_a, org.admin):
            assert not proposal_access(insider, proposal).blind
        Proposal.objects.filter(pk=proposal.pk).update(status=Status.AWARDED)
        assert not proposal_access(panel.experts[0], proposal).blind
        Campaign.objects.filter(pk=campaigns.open.pk).update(blind_review=False)
        Proposal.objects.filter(pk=proposal.pk).update(status=Status.UNDER_REVIEW)
        assert not proposal_access(panel.experts[0], proposal).blind
