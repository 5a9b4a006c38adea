"""Review pages for the union office: assignment and recusal, replacing a
reviewer, the decision, implementation, verification and the award."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from competitions import services
from competitions.models import Award, AwardShare, Proposal, ReviewAssignment
from competitions.views import decisions as decision_views
from tests.competitions.conftest import a201_reviewers, proposal_maker
from tests.competitions.pages import events_of, message_levels, message_texts, url, zh
from tests.competitions.review_pages import QUEUE, post, snapshot
from tests.competitions.review_steps import DEPARTMENT, EVIDENCE, assign, decided, review, reviewed
from tests.competitions.states import proposal_in
from tests.page_html import form_of
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status


# --- What the tests start from ----------------------------------------------------------


def new_spray(org, make_proposal):
    """worker_a's proposal (colleague_a co-author at 30 %) under review."""
    return proposal_in(
        Status.UNDER_REVIEW,
        org=org,
        make_proposal=make_proposal,
        co_authors=[(org.colleague_a, Decimal(30))],
    )


@shared_data(needs=("org", "campaigns"))
def office(built):
    """`people`'s reviewers and `spray`, built once: the authors keep their names
    here (a level leaves the rows of `org` as its objects show them); the
    `people` fixture below names them for each test."""
    org, make_proposal = built.get("org"), proposal_maker(built.get("campaigns"))
    return SimpleNamespace(people=a201_reviewers(org), spray=new_spray(org, make_proposal))


@shared_data(needs=("org", "campaigns", "office"))
def office_steps(built):
    """A proposal like `spray` at each step a test starts from, reviewed by
    reviewers 1-3: "reviewed" (still under review), approved, implemented, its
    benefit verified, and awarded (the encouragement prize, which has no limit,
    so every place of the others is left)."""
    org, make_proposal = built.get("org"), proposal_maker(built.get("campaigns"))
    people = built.get("office").people
    trio = [people.one, people.two, people.three]
    steps = {"reviewed": reviewed(new_spray(org, make_proposal), org.official_a, trio)}
    for status in (Status.APPROVED, Status.IMPLEMENTED, Status.BENEFIT_VERIFIED):
        steps[status] = decided(new_spray(org, make_proposal), org.official_a, trio, status)
    steps[Status.AWARDED] = decided(
        new_spray(org, make_proposal), org.official_a, trio, Status.AWARDED, grade="encouragement"
    )
    return steps


@pytest.fixture
def people(org, office):
    """The shared reviewers; the authors named for the pages and messages."""
    for person, name in ((org.worker_a, "王建国"), (org.colleague_a, "李卫东")):
        person.full_name = name
        person.save(update_fields=["full_name"])
    return office.people


@pytest.fixture
def spray(office, people):
    return office.spray


@pytest.fixture
def at_step(office_steps, people):
    """{step: proposal} of `office_steps`, the authors named."""
    return office_steps


# --- The office: assignment and recusal -----------------------------------------------


@pytest.fixture
def panel(org, make_proposal, people, spray):
    """The campaign's panel so far: reviewer 1 and worker_a's teammate review
    colleague_a's own proposal (A102), so both are offered on worker_a's."""
    theirs = proposal_in(
        Status.UNDER_REVIEW,
        org=org,
        make_proposal=make_proposal,
        author=org.colleague_a,
        title="皮带机托辊更换工具改进",
    )
    assign(theirs, org.official_a, [people.one, people.teammate])
    return theirs


class TestAssignment:
    def test_the_proposal_page_offers_the_panel_and_lists_the_recused(
        self, as_person, org, people, spray, panel
    ):
        response = as_person(org.official_a).get(url("proposal-detail", spray))

        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="review-step"' in html
        form = response.context["assign_form"]
        assert list(form.fields["reviewers"].queryset) == [people.one]
        assert set(form.recused) == {people.teammate.pk}
        recused = html[html.index('data-testid="recused"') :]
        recused = recused[: recused.index("</p>")]
        assert "赵同班" in recused
        assert zh("works in the author's own team") in recused
        # the teammate cannot be ticked, reviewer 1 can
        assert f'value="{people.one.pk}"' in html
        assert f'name="reviewers" value="{people.teammate.pk}"' not in html
        assert zh("No reviewer yet.") in html

    def test_assign_from_the_panel_and_by_typed_employee_numbers_in_their_order(
        self, as_person, org, people, spray, panel
    ):
        # Without JavaScript the picker's box takes employee numbers as typed.
        response = post(
            as_person(org.official_a),
            "proposal-assign",
            spray,
            reviewers=[people.one.pk],
            others_key="reviewer_3，reviewer_2",
        )

        assert response.status_code == 302
        assert response.url == url("proposal-detail", spray)
        assert message_levels(response) == ["success"]
        assignments = ReviewAssignment.objects.filter(proposal=spray).order_by("id")
        # the panel's ticks first, then the others in the order typed
        assert [a.reviewer for a in assignments] == [people.one, people.three, people.two]
        assert {a.due_on for a in assignments} == {spray.campaign.review_deadline}
        assert {a.assigned_by for a in assignments} == {org.official_a}

        page = as_person(org.official_a).get(url("proposal-detail", spray))
        step = page.content.decode()
        for name in ("评审甲", "评审乙", "评审丙"):
            assert name in step
        assert zh("%(n)s of %(m)s reviewed", n=0, m=3) in step

    def test_unknown_employee_numbers_are_400_with_a_message_and_nobody_is_assigned(
        self, as_person, org, people, spray
    ):
        before = snapshot(spray)

        response = post(
            as_person(org.official_a),
            "proposal-assign",
            spray,
            others_key="reviewer_2 nobody_x, worker_b",
        )

        assert response.status_code == 400
        errors = response.context["assign_form"].errors["others"]
        # one not on the payroll, one in company B: neither is in the official's scope
        message = "%(value)s is not among your choices."
        assert errors == [said(message, value="nobody_x、worker_b")]
        assert zh(message, value="nobody_x、worker_b") in response.content.decode()
        # what was typed is in the box again, to be corrected
        assert 'value="reviewer_2 nobody_x worker_b"' in response.content.decode()
        assert snapshot(spray) == before

    @pytest.mark.parametrize(
        ("who", "reason"),
        [
            ("teammate", "works in the author's own team"),
            ("author", "an author of the proposal"),
            ("co_author", "an author of the proposal"),
        ],
    )
    def test_a_recused_person_by_number_is_400_with_the_reason(
        self, as_person, org, people, spray, who, reason
    ):
        person = {
            "teammate": people.teammate,
            "author": org.worker_a,
            "co_author": org.colleague_a,
        }[who]
        before = snapshot(spray)

        response = post(
            as_person(org.official_a),
            "proposal-assign",
            spray,
            others_key=f"reviewer_1 {person.employee_no}",
        )

        assert response.status_code == 400
        # the service's reason, beside the box it was typed in
        errors = response.context["assign_form"].errors["others"]
        assert errors == [
            said("%(name)s is recused: %(reason)s", name=person.full_name, reason=said(reason))
        ]
        assert escape(errors[0]) in response.content.decode()
        assert snapshot(spray) == before

    def test_a_recused_panel_member_posted_anyway_is_400(
        self, as_person, org, people, spray, panel
    ):
        before = snapshot(spray)
        response = post(
            as_person(org.official_a), "proposal-assign", spray, reviewers=[people.teammate.pk]
        )
        assert response.status_code == 400
        assert "reviewers" in response.context["assign_form"].errors
        assert snapshot(spray) == before

    def test_choosing_nobody_is_400(self, as_person, org, spray):
        before = snapshot(spray)
        response = post(as_person(org.official_a), "proposal-assign", spray, others_key=" ")
        assert response.status_code == 400
        assert zh("Choose at least one reviewer.") in response.content.decode()
        assert snapshot(spray) == before


class TestReplaceReviewer:
    def test_a_reviewer_who_has_not_reviewed_is_replaced(self, as_person, org, people, spray):
        assign(spray, org.official_a, [people.one, people.two])
        review(spray, people.two)
        page = as_person(org.official_a).get(url("proposal-detail", spray))
        # only the one still to review is offered for replacement
        assert list(page.context["replace_form"].fields["reviewer"].queryset) == [people.one]

        response = post(
            as_person(org.official_a),
            "proposal-replace-reviewer",
            spray,
            reviewer=people.one.pk,
            replacement_key="reviewer_4",
        )

        assert response.status_code == 302
        assert message_levels(response) == ["success"]
        active = ReviewAssignment.objects.filter(proposal=spray, replaced_at__isnull=True)
        assert {a.reviewer for a in active} == {people.two, people.four}
        ended = ReviewAssignment.objects.get(proposal=spray, reviewer=people.one)
        assert ended.replaced_at is not None
        queue = as_person(people.four).get(QUEUE).context["assignments"]
        assert [assignment.proposal for assignment in queue] == [spray]

    def test_a_reviewer_who_has_reviewed_cannot_be_replaced(self, as_person, org, people, spray):
        assign(spray, org.official_a, [people.one])
        review(spray, people.one)
        before = snapshot(spray)

        response = post(
            as_person(org.official_a),
            "proposal-replace-reviewer",
            spray,
            reviewer=people.one.pk,
            replacement_key="reviewer_4",
        )

        assert response.status_code == 400
        assert "reviewer" in response.context["replace_form"].errors
        assert snapshot(spray) == before

    @pytest.mark.parametrize(
        "replacement", ["nobody_x", "worker_b", "teammate_a", "colleague_a", "reviewer_2"]
    )
    def test_an_unknown_recused_or_already_reviewing_replacement_is_400(
        self, as_person, org, people, spray, replacement
    ):
        assign(spray, org.official_a, [people.one, people.two])
        before = snapshot(spray)

        response = post(
            as_person(org.official_a),
            "proposal-replace-reviewer",
            spray,
            reviewer=people.one.pk,
            replacement_key=replacement,
        )

        assert response.status_code == 400
        errors = response.context["replace_form"].errors["replacement"]
        assert escape(errors[0]) in response.content.decode()
        assert snapshot(spray) == before


# --- The office: decision ---------------------------------------------------------------


class TestDecision:
    def test_no_decision_form_and_no_score_before_the_minimum_reviews(
        self, as_person, org, people, spray, trio
    ):
        assign(spray, org.official_a, trio)
        review(spray, people.one)
        review(spray, people.two)

        response = as_person(org.official_a).get(url("proposal-detail", spray))

        html = response.content.decode()
        assert response.context["may_decide"] is False
        assert 'data-testid="decide-form"' not in html
        assert url("proposal-decide", spray) not in html
        assert 'data-testid="current-score"' not in html
        assert zh("The decision opens once %(n)s reviews are in.", n=3) in html

    def test_a_decision_posted_before_the_minimum_is_409_and_changes_nothing(
        self, as_person, org, people, spray, trio
    ):
        assign(spray, org.official_a, trio)
        review(spray, people.one)
        review(spray, people.two)
        before = snapshot(spray)

        response = post(as_person(org.official_a), "proposal-decide", spray, outcome="approved")

        assert response.status_code == 409
        refusal = "%(n)s of the %(needed)s reviews needed are in."
        assert message_levels(response) == ["error"]
        assert message_texts(response) == [said(refusal, n=2, needed=3)]
        assert zh(refusal, n=2, needed=3) in response.content.decode()
        assert snapshot(spray) == before

    def test_with_the_minimum_in_the_score_and_the_form_show(
        self, as_person, org, people, spray, trio
    ):
        reviewed(spray, org.official_a, trio, 60, 70, 95)

        response = as_person(org.official_a).get(url("proposal-detail", spray))

        html = response.content.decode()
        assert response.context["may_decide"] is True
        assert 'data-testid="decide-form"' in html
        # the two outcomes laid out as a list of choices (not squeezed into a box)
        assert re.search(r'<div[^>]*class="choice-list"[^>]*>\s*<div>\s*<label', html)
        assert '<span data-testid="current-score">75.00</span>' in html
        # the office sees who reviewed and what they gave
        for name in ("评审甲", "评审乙", "评审丙"):
            assert name in html

    def test_approve_fixes_the_score_and_records_the_event(
        self, as_person, org, people, spray, trio
    ):
        reviewed(spray, org.official_a, trio, 60, 70, 95)

        response = post(as_person(org.official_a), "proposal-decide", spray, outcome="approved")

        assert response.status_code == 302
        assert response.url == url("proposal-detail", spray)
        assert message_levels(response) == ["success"]
        spray.refresh_from_db()
        assert spray.status == Status.APPROVED
        assert spray.score == Decimal("75.00")
        assert spray.decided_at is not None
        assert events_of(spray)[-1] == (Status.UNDER_REVIEW, Status.APPROVED)
        assert spray.events.last().actor == org.official_a

    def test_a_rejection_needs_a_reason(self, as_person, org, at_step):
        spray = at_step["reviewed"]
        before = snapshot(spray)
        client = as_person(org.official_a)

        response = post(client, "proposal-decide", spray, outcome="rejected", reason="  ")

        assert response.status_code == 400
        assert "reason" in response.context["decide_form"].errors
        assert zh("A rejection must give its reasons.") in response.content.decode()
        assert snapshot(spray) == before

        response = post(client, "proposal-decide", spray, outcome="rejected", reason="效益测算不足")
        assert response.status_code == 302
        spray.refresh_from_db()
        assert (spray.status, spray.decision_reason) == (Status.REJECTED, "效益测算不足")
        # the author reads the reasons on their status page
        author_page = as_person(org.worker_a).get(url("proposal-detail", spray))
        assert "效益测算不足" in author_page.content.decode()

    @pytest.mark.parametrize("outcome", ["awarded", "", "implemented"])
    def test_an_outcome_other_than_approve_or_reject_is_400(self, as_person, org, at_step, outcome):
        spray = at_step["reviewed"]
        before = snapshot(spray)
        response = post(as_person(org.official_a), "proposal-decide", spray, outcome=outcome)
        assert response.status_code == 400
        assert "outcome" in response.context["decide_form"].errors
        assert snapshot(spray) == before

    def test_a_second_decision_is_409(self, as_person, org, at_step):
        spray = at_step[Status.APPROVED]
        before = snapshot(spray)
        response = post(
            as_person(org.group_official),
            "proposal-decide",
            spray,
            outcome="rejected",
            reason="重复",
        )
        assert response.status_code == 409
        assert message_levels(response) == ["error"]
        assert snapshot(spray) == before


# --- The office: who scored what, after the decision ------------------------------------


def reviewer_rows(html: str) -> list[str]:
    """The rows of the reviewers' scores table, tags stripped."""
    rows = re.findall(r'<tr data-testid="reviewer-score">(.*?)</tr>', html, re.S)
    return [re.sub(r"<[^>]+>", " ", row).split() for row in rows]


class TestReviewersScoresAfterTheDecision:
    @pytest.mark.parametrize(
        "status",
        [Status.APPROVED, Status.IMPLEMENTED, Status.BENEFIT_VERIFIED, Status.AWARDED],
    )
    def test_the_office_still_reads_each_reviewers_total_and_comment(
        self, as_person, org, at_step, people, status
    ):
        proposal = at_step[status]
        reviews = {r.reviewer.full_name: r for r in proposal.reviews.select_related("reviewer")}
        assert len(reviews) == 3

        html = as_person(org.official_a).get(url("proposal-detail", proposal)).content.decode()

        assert 'data-testid="reviewer-scores"' in html
        rows = reviewer_rows(html)
        assert sorted(row[0] for row in rows) == sorted(reviews)
        for row in rows:
            review = reviews[row[0]]
            assert row[1] == f"{review.total:.1f}"
            assert " ".join(row[2:]) == review.comment

    def test_a_rejected_proposals_scores_stay_with_the_office(
        self, as_person, org, make_proposal, people
    ):
        rejected = reviewed(
            new_spray(org, make_proposal), org.official_a, [people.one, people.two, people.three]
        )
        services.proposal_decide(
            proposal_id=rejected.pk, by=org.official_a, outcome="rejected", reason="效益不明显"
        )

        html = as_person(org.official_a).get(url("proposal-detail", rejected)).content.decode()

        assert len(reviewer_rows(html)) == 3

    @pytest.mark.parametrize("role", ["worker_a", "colleague_a", "worker_b", "reviewer"])
    def test_nobody_else_reads_who_scored_what(self, as_person, org, at_step, people, role):
        proposal = at_step[Status.AWARDED]
        viewer = people.one if role == "reviewer" else getattr(org, role)

        response = as_person(viewer).get(url("proposal-detail", proposal))

        html = response.content.decode()
        assert 'data-testid="reviewer-scores"' not in html
        for reviewer in (people.two, people.three):
            assert reviewer.full_name not in html


# --- The office: implementation, verification, award ------------------------------------


class TestImplementVerifyAward:
    def test_an_approved_proposal_is_recorded_as_put_into_practice(self, as_person, org, at_step):
        spray = at_step[Status.APPROVED]
        client = as_person(org.official_a)
        page = client.get(url("proposal-detail", spray)).content.decode()
        assert 'data-testid="implement-step"' in page
        assert 'data-testid="verify-step"' not in page
        today = timezone.localdate()

        response = post(
            client,
            "proposal-implement",
            spray,
            implemented_on=today.isoformat(),
            department=DEPARTMENT,
            note="试运行一个月",
        )

        assert response.status_code == 302
        assert message_levels(response) == ["success"]
        spray.refresh_from_db()
        assert spray.status == Status.IMPLEMENTED
        assert (spray.implemented_on, spray.implementing_department) == (today, DEPARTMENT)
        assert spray.events.last().note == "试运行一个月"

    @pytest.mark.parametrize(
        "data",
        [
            pytest.param({"department": ""}, id="no-department"),
            pytest.param({"implemented_on": ""}, id="no-date"),
            pytest.param({"implemented_on": "2999-01-01"}, id="in-the-future"),
            pytest.param({"implemented_on": "2000-01-01"}, id="before-the-decision"),
        ],
    )
    def test_implementation_needs_a_department_and_a_sensible_date(
        self, as_person, org, at_step, data
    ):
        spray = at_step[Status.APPROVED]
        before = snapshot(spray)
        fields = {"implemented_on": timezone.localdate().isoformat(), "department": DEPARTMENT}
        response = post(
            as_person(org.official_a), "proposal-implement", spray, **{**fields, **data}
        )
        assert response.status_code == 400
        assert set(response.context["implement_form"].errors) == set(data)
        assert snapshot(spray) == before

    def test_the_verified_benefit_is_recorded_and_locked(self, as_person, org, at_step):
        spray = at_step[Status.IMPLEMENTED]
        client = as_person(org.official_a)
        assert (
            'data-testid="verify-step"'
            in client.get(url("proposal-detail", spray)).content.decode()
        )

        response = post(
            client,
            "proposal-verify",
            spray,
            verified_benefit="98000.50",
            evidence=EVIDENCE,
            verified_on="",
        )

        assert response.status_code == 302
        spray.refresh_from_db()
        assert spray.status == Status.BENEFIT_VERIFIED
        assert spray.verified_benefit == Decimal("98000.50")
        assert (spray.verified_by, spray.verified_on) == (org.official_a, timezone.localdate())
        assert spray.verification_evidence == EVIDENCE
        # locked: a second verification is refused
        response = post(client, "proposal-verify", spray, verified_benefit="1", evidence="改")
        assert response.status_code == 409
        spray.refresh_from_db()
        assert spray.verified_benefit == Decimal("98000.50")

    @pytest.mark.parametrize(
        "data",
        [
            pytest.param({"evidence": " "}, id="no-evidence"),
            pytest.param({"verified_benefit": "-1"}, id="negative"),
            pytest.param({"verified_benefit": ""}, id="no-figure"),
        ],
    )
    def test_verification_needs_a_figure_and_its_evidence(self, as_person, org, at_step, data):
        spray = at_step[Status.IMPLEMENTED]
        before = snapshot(spray)
        fields = {"verified_benefit": "98000", "evidence": EVIDENCE}
        response = post(as_person(org.official_a), "proposal-verify", spray, **{**fields, **data})
        assert response.status_code == 400
        assert set(response.context["verify_form"].errors) == set(data)
        assert snapshot(spray) == before

    def test_the_award_step_shows_places_left_and_the_split(self, as_person, org, at_step):
        spray = at_step[Status.BENEFIT_VERIFIED]

        response = as_person(org.official_a).get(url("proposal-detail", spray))

        html = response.content.decode()
        assert 'data-testid="award-step"' in html
        choices = dict(response.context["award_form"].fields["grade"].choices)
        assert said("%(left)s of %(quota)s left", left=1, quota=1) in choices["first"]
        assert said("no limit") in choices["encouragement"]
        # the first prize of ¥5,000 split 70 / 30
        assert '王建国 70 % = <span class="money">¥3,500.00</span>' in html
        assert '李卫东 30 % = <span class="money">¥1,500.00</span>' in html

    def test_the_award_form_starts_on_no_grade_and_asks_before_awarding(
        self, as_person, org, at_step
    ):
        spray = at_step[Status.BENEFIT_VERIFIED]

        html = as_person(org.official_a).get(url("proposal-detail", spray)).content.decode()

        form = form_of(html, url("proposal-award", spray))
        options = grade_options(form)
        # the empty option comes first, and no grade is selected
        assert options[0][:2] == ("", said("Choose a grade"))
        assert [value for value, _, attrs in options if "selected" in attrs] in ([], [""])
        button = re.search(r'<button[^>]*data-testid="award"[^>]*>', form)[0]
        assert 'data-confirm="' in button

    def test_an_award_posted_without_a_grade_is_400(self, as_person, org, at_step):
        spray = at_step[Status.BENEFIT_VERIFIED]
        before = snapshot(spray)

        response = post(as_person(org.official_a), "proposal-award", spray, grade="")

        assert response.status_code == 400
        assert "grade" in response.context["award_form"].errors
        assert snapshot(spray) == before

    def test_award_splits_the_amount_among_the_authors(self, as_person, org, at_step):
        spray = at_step[Status.BENEFIT_VERIFIED]

        response = post(as_person(org.official_a), "proposal-award", spray, grade="second")

        assert response.status_code == 302
        assert message_levels(response) == ["success"]
        spray.refresh_from_db()
        assert spray.status == Status.AWARDED
        award = Award.objects.get(proposal=spray)
        assert (award.grade.grade, award.amount, award.awarded_by) == (
            "second",
            Decimal(2000),
            org.official_a,
        )
        shares = {s.person: s.amount_fen for s in award.shares.all()}
        assert shares == {org.worker_a: 140000, org.colleague_a: 60000}
        assert sum(shares.values()) == 200000

    @pytest.fixture
    def first_prize_gone(self, org, make_proposal, trio):
        """The campaign's only first prize, awarded to colleague_a's proposal."""
        roller = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            author=org.colleague_a,
            title="皮带机托辊更换工具改进",
        )
        return decided(roller, org.official_a, trio, Status.AWARDED, grade="first")

    def test_a_full_grade_is_not_offered_and_posting_it_is_refused(
        self, as_person, org, at_step, first_prize_gone
    ):
        spray = at_step[Status.BENEFIT_VERIFIED]
        before = snapshot(spray)
        client = as_person(org.official_a)
        page = client.get(url("proposal-detail", spray))
        choices = dict(page.context["award_form"].fields["grade"].choices)
        assert set(choices) == {"second", "encouragement"}
        assert said("%(left)s of %(quota)s left", left=3, quota=3) in choices["second"]
        # the used-up grade is still listed, disabled, saying why
        shown = {
            value: (text, attrs)
            for value, text, attrs in grade_options(
                form_of(page.content.decode(), url("proposal-award", spray))
            )
        }
        text, attrs = shown["first"]
        assert "disabled" in attrs
        assert escape(said("quota used: %(given)s of %(quota)s", given=1, quota=1)) in text
        assert "disabled" not in shown["second"][1]

        response = post(client, "proposal-award", spray, grade="first")

        assert response.status_code == 400
        assert "grade" in response.context["award_form"].errors
        assert snapshot(spray) == before
        assert AwardShare.objects.filter(award__proposal=spray).count() == 0

    def test_the_last_place_taken_meanwhile_is_409_with_a_message(
        self, as_person, org, at_step, first_prize_gone, monkeypatch
    ):
        # Two officials on the award step; the other one awarded the last first prize
        # after this one's page was loaded: the form still offers it, the service refuses.
        spray = at_step[Status.BENEFIT_VERIFIED]
        before = snapshot(spray)
        counted = decision_views.grades_with_counts

        def as_loaded_before(campaign):
            grades = list(counted(campaign))
            for grade in grades:
                grade.given = 0
            return grades

        monkeypatch.setattr(decision_views, "grades_with_counts", as_loaded_before)

        response = post(as_person(org.official_a), "proposal-award", spray, grade="first")

        assert response.status_code == 409
        refusal = said(
            "All %(quota)s places of “%(grade)s” have been awarded.",
            quota=1,
            grade=said("First prize"),
        )
        assert message_levels(response) == ["error"]
        assert message_texts(response) == [refusal]
        assert escape(refusal) in response.content.decode()
        assert snapshot(spray) == before
        assert Award.objects.filter(grade__grade="first").count() == 1

    def test_a_grade_the_campaign_does_not_have_is_400(self, as_person, org, at_step):
        spray = at_step[Status.BENEFIT_VERIFIED]
        before = snapshot(spray)
        response = post(as_person(org.official_a), "proposal-award", spray, grade="special")
        assert response.status_code == 400
        assert "grade" in response.context["award_form"].errors
        assert snapshot(spray) == before

    @pytest.mark.parametrize(
        ("status", "name", "data"),
        [
            (
                Status.UNDER_REVIEW,
                "proposal-implement",
                {"implemented_on": "2020-01-01", "department": DEPARTMENT},
            ),
            (Status.APPROVED, "proposal-verify", {"verified_benefit": "1", "evidence": "x"}),
            (Status.APPROVED, "proposal-award", {"grade": "encouragement"}),
            (Status.IMPLEMENTED, "proposal-award", {"grade": "encouragement"}),
            (Status.AWARDED, "proposal-award", {"grade": "encouragement"}),
            (Status.IMPLEMENTED, "proposal-decide", {"outcome": "approved"}),
        ],
    )
    def test_a_step_out_of_order_is_409_and_changes_nothing(
        self, as_person, org, at_step, status, name, data
    ):
        spray = at_step["reviewed" if status == Status.UNDER_REVIEW else status]
        before = snapshot(spray)

        response = post(as_person(org.official_a), name, spray, **data)

        assert response.status_code == 409
        assert message_levels(response) == ["error"]
        assert snapshot(spray) == before


# --- Small helpers --------------------------------------------------------------------


def grade_options(form_html: str) -> list[tuple[str, str, str]]:
    """(value, text, other attributes) of each option of the award form's grade."""
    select = re.search(r'<select name="grade"[^>]*>(.*?)</select>', form_html, re.S)[1]
    found = re.findall(r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', select)
    return [(value, text, attrs) for value, attrs, text in found]


def said(message: str, **values) -> str:
    """A message as a Chinese reader gets it (not HTML-escaped: messages, choices)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % values if values else text
