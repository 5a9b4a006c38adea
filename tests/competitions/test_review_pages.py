"""Five-small pages after screening (issue 6), for every role: the reviewer's queue
and rubric form (blind when the campaign says so), the office's assignment with
recusal shown, decision, implementation, verification and award on the proposal
page, the decisions board and award table, and what the authors and everyone
else read of the outcome — allowed and refused, with nothing changed on refusal."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import OrgUnit
from competitions import services
from competitions.models import (
    PLAIN_EVENTS,
    Award,
    AwardShare,
    Criterion,
    Proposal,
    ProposalEvent,
    Review,
    ReviewAssignment,
)
from competitions.views import decisions as decision_views
from tests.competitions.conftest import _campaign
from tests.competitions.review_steps import (
    DEPARTMENT,
    EVIDENCE,
    VERIFIED,
    assign,
    decided,
    review,
    reviewed,
    scores_for,
)
from tests.competitions.states import proposal_in
from tests.competitions.test_pages import (
    events_of,
    fresh,
    message_levels,
    message_texts,
    url,
    zh,
)
from tests.factories import PersonFactory, make_unit

pytestmark = pytest.mark.django_db

QUEUE = reverse("competitions:review-queue")
Status = Proposal.Status


# --- Given ----------------------------------------------------------------------------


@pytest.fixture
def people(org):
    """The authors get names to look for; four reviewers in team A201 (company A,
    neither author's team), worker_a's teammate (recused), and a stranger in A201
    who has nothing to do with the proposal."""
    team_a201 = make_unit("A201", make_unit("A2", org.company_a, OrgUnit.Kind.MINE))
    for person, name in ((org.worker_a, "王建国"), (org.colleague_a, "李卫东")):
        person.full_name = name
        person.save(update_fields=["full_name"])

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
def open_review(org):
    """A group-wide campaign open now whose reviewers see the authors."""
    now = timezone.now()
    campaign = _campaign(
        org,
        name="合理化建议（实名评审）",
        year=now.year,
        opens=now - datetime.timedelta(days=10),
        closes=now + datetime.timedelta(days=10),
    )
    campaign.blind_review = False
    campaign.save(update_fields=["blind_review"])
    return campaign


def post(client, name, proposal, **data):
    return client.post(url(name, proposal), data)


def review_form(proposal) -> str:
    return reverse("competitions:review-form", args=[proposal.pk])


def rubric_post(campaign, *points, comment="结构合理，效益明显。") -> dict:
    data = {f"criterion_{pk}": str(value) for pk, value in scores_for(campaign, *points).items()}
    return {**data, "comment": comment}


def identity_of(proposal) -> list[str]:
    """Everything that says who wrote a proposal."""
    people = [proposal.author] + [c.person for c in proposal.co_authors.select_related("person")]
    units = {proposal.org_unit} | {person.org_unit for person in people}
    return [
        proposal.code,
        *(person.full_name for person in people),
        *(person.employee_no for person in people),
        *(unit.name for unit in units),
        *(unit.code for unit in units),
    ]


def snapshot(proposal) -> tuple:
    """What a refused step must leave as it was."""
    proposal = Proposal.objects.get(pk=proposal.pk)
    return (
        proposal.status,
        proposal.score,
        proposal.decided_at,
        proposal.decision_reason,
        proposal.implemented_on,
        proposal.verified_benefit,
        ProposalEvent.objects.filter(proposal=proposal).count(),
        Award.objects.filter(proposal=proposal).count(),
        list(
            ReviewAssignment.objects.filter(proposal=proposal)
            .order_by("id")
            .values_list("reviewer_id", "replaced_at")
        ),
        list(Review.objects.filter(proposal=proposal).order_by("id").values_list("id", "total")),
    )


# --- The reviewer's queue -------------------------------------------------------------


class TestReviewQueue:
    def test_reviewer_sees_only_their_assignments_with_deadline_and_progress(
        self, as_person, org, make_proposal, people, spray, trio
    ):
        other = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            author=org.colleague_a,
            title="皮带机托辊更换工具改进",
        )
        assign(spray, org.official_a, trio)
        review(spray, people.two)
        assign(other, org.official_a, [people.four])

        response = as_person(people.one).get(QUEUE)

        html = response.content.decode()
        assert response.status_code == 200
        assert [a.proposal for a in response.context["assignments"]] == [spray]
        assert response.context["waiting"] == 1
        assert spray.title in html
        assert review_form(spray) in html
        assert "皮带机托辊更换工具改进" not in html
        assert review_form(other) not in html
        assert spray.campaign.review_deadline.isoformat() in html
        assert zh("%(n)s of %(m)s reviewed", n=1, m=3) in html

    def test_what_is_left_to_score_comes_before_what_is_scored(
        self, as_person, org, make_proposal, people, spray
    ):
        later = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            author=org.colleague_a,
            title="皮带机托辊更换工具改进",
        )
        assign(spray, org.official_a, [people.one])
        assign(later, org.official_a, [people.one])
        review(spray, people.one)

        response = as_person(people.one).get(QUEUE)

        assert [a.proposal for a in response.context["assignments"]] == [later, spray]
        assert [a.reviewed for a in response.context["assignments"]] == [False, True]
        assert response.context["waiting"] == 1

    def test_a_person_with_nothing_assigned_sees_an_empty_queue(self, as_person, org, spray):
        for person in (org.worker_a, org.official_a):
            response = as_person(person).get(QUEUE)
            assert response.status_code == 200
            assert list(response.context["assignments"]) == []
            assert zh("Nothing to review.") in response.content.decode()

    def test_the_front_door_links_the_queue_for_a_reviewer_only(
        self, as_person, org, people, spray
    ):
        assign(spray, org.official_a, [people.one])
        home = reverse("competitions:home")
        response = as_person(people.one).get(home)
        assert 'data-testid="review-queue-link"' in response.content.decode()
        assert response.context["reviews_waiting"] == 1
        response = as_person(org.worker_a).get(home)
        assert 'data-testid="review-queue-link"' not in response.content.decode()

    def test_anonymous_is_sent_to_login(self, client, spray):
        for page in (QUEUE, review_form(spray)):
            response = client.get(page)
            assert response.status_code == 302
            assert reverse("accounts:login") in response.url


# --- The rubric form ------------------------------------------------------------------


class TestRubricForm:
    def test_shows_every_criterion_with_its_maximum(self, as_person, org, people, spray):
        assign(spray, org.official_a, [people.one])

        response = as_person(people.one).get(review_form(spray))

        html = response.content.decode()
        assert response.status_code == 200
        criteria = list(Criterion.objects.filter(campaign=spray.campaign))
        assert [c.max_points for c in criteria] == [30, 30, 20, 20]
        for criterion in criteria:
            field = re.search(rf'<input[^>]*name="criterion_{criterion.pk}"[^>]*>', html)
            assert field, criterion.name
            assert f'max="{criterion.max_points}"' in field.group(0)
            assert 'min="0"' in field.group(0)
            assert "form-control" in field.group(0)
            assert f"{criterion.name}（0–{criterion.max_points}）" in html
        assert response.context["max_total"] == 100
        assert 'data-testid="save-review"' in html
        # what the reviewer judges: the proposal itself
        assert spray.title in html
        assert spray.improvement in html

    def test_a_proposal_not_assigned_to_the_reader_is_404(
        self, as_person, org, make_proposal, people, spray
    ):
        other = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            author=org.colleague_a,
            title="皮带机托辊更换工具改进",
        )
        assign(spray, org.official_a, [people.one])
        assign(other, org.official_a, [people.two])
        client = as_person(people.one)

        assert client.get(review_form(other)).status_code == 404
        assert client.post(review_form(other), rubric_post(other.campaign)).status_code == 404
        # nor is the form a way in for the office, the authors or anyone else
        for person in (org.official_a, org.group_official, org.worker_a, people.stranger):
            assert as_person(person).get(review_form(spray)).status_code == 404
        assert Review.objects.count() == 0

    def test_scores_within_the_maxima_save_a_review_and_go_back_to_the_queue(
        self, as_person, org, people, spray
    ):
        assign(spray, org.official_a, [people.one])
        client = as_person(people.one)

        response = client.post(review_form(spray), rubric_post(spray.campaign, 30, 22.5, 0, 18))

        assert response.status_code == 302
        assert response.url == QUEUE
        assert message_levels(response) == ["success"]
        saved = Review.objects.get()
        assert (saved.proposal, saved.reviewer) == (spray, people.one)
        assert saved.total == Decimal("70.5")
        assert saved.comment == "结构合理，效益明显。"
        assert sorted(saved.scores.values_list("points", flat=True)) == [
            Decimal(0),
            Decimal(18),
            Decimal("22.5"),
            Decimal(30),
        ]
        assert client.get(QUEUE).context["waiting"] == 0

    @pytest.mark.parametrize(
        ("points", "where"),
        [
            pytest.param((31, 20, 10, 10), 0, id="above-the-maximum"),
            pytest.param((20, 20, 21, 10), 2, id="above-a-smaller-maximum"),
            pytest.param((20, -1, 10, 10), 1, id="negative"),
            pytest.param((20, 20, 10, "十"), 3, id="not-a-number"),
            pytest.param((20, 20, 10, ""), 3, id="missing"),
        ],
    )
    def test_out_of_range_scores_are_400_and_nothing_is_saved(
        self, as_person, org, people, spray, points, where
    ):
        assign(spray, org.official_a, [people.one])
        criteria = list(Criterion.objects.filter(campaign=spray.campaign))
        data = {f"criterion_{c.pk}": str(p) for c, p in zip(criteria, points, strict=True)}

        response = as_person(people.one).post(review_form(spray), {**data, "comment": "好"})

        assert response.status_code == 400
        form = response.context["form"]
        assert list(form.errors) == [f"criterion_{criteria[where].pk}"]
        assert 'class="invalid-feedback d-block"' in response.content.decode()
        assert Review.objects.count() == 0

    def test_a_second_post_edits_the_same_review(self, as_person, org, people, spray):
        assign(spray, org.official_a, [people.one])
        client = as_person(people.one)
        client.post(review_form(spray), rubric_post(spray.campaign, 20, 20, 10, 10))
        first = Review.objects.get()

        page = client.get(review_form(spray))
        # the form comes back with what was saved, to change it
        assert page.context["review"] == first
        assert page.context["form"].initial["comment"] == "结构合理，效益明显。"
        html = page.content.decode()
        assert re.search(r'name="criterion_\d+" value="20(\.0)?"', html)
        assert zh("Save changes") in html

        response = client.post(
            review_form(spray), rubric_post(spray.campaign, 25, 28, 15, 16, comment="修改后")
        )

        assert response.status_code == 302
        again = Review.objects.get()
        assert again.pk == first.pk
        assert again.total == Decimal(84)
        assert again.comment == "修改后"
        assert again.scores.count() == 4

    def test_editing_after_the_decision_is_refused_and_changes_nothing(
        self, as_person, org, people, spray, trio
    ):
        reviewed(spray, org.official_a, trio, 60, 70, 80)
        services.proposal_decide(proposal_id=spray.pk, by=org.official_a, outcome="approved")
        mine = Review.objects.get(reviewer=people.one)
        client = as_person(people.one)

        page = client.get(review_form(spray))
        html = page.content.decode()
        assert page.status_code == 200
        assert page.context["may_edit"] is False
        assert 'data-testid="save-review"' not in html
        assert zh("The proposal has been decided; the review can no longer change.") in html

        response = client.post(review_form(spray), rubric_post(spray.campaign, 30, 30, 20, 20))

        assert response.status_code == 409
        assert zh("The proposal has been decided; reviews can no longer change.") in (
            response.content.decode()
        )
        mine.refresh_from_db()
        assert mine.total == Decimal(60)
        spray.refresh_from_db()
        assert spray.score == Decimal(70)

    def test_a_first_review_after_the_decision_is_refused(
        self, as_person, org, people, spray, trio
    ):
        reviewed(spray, org.official_a, trio)
        assign(spray, org.official_a, [people.four])
        services.proposal_decide(proposal_id=spray.pk, by=org.official_a, outcome="approved")

        response = as_person(people.four).post(review_form(spray), rubric_post(spray.campaign))

        assert response.status_code == 409
        assert not Review.objects.filter(reviewer=people.four).exists()

    def test_a_replaced_reviewer_loses_the_proposal(self, as_person, org, people, spray):
        assign(spray, org.official_a, [people.one])
        services.reviewer_replace(
            proposal_id=spray.pk, by=org.official_a, reviewer=people.one, replacement=people.four
        )
        client = as_person(people.one)
        assert list(client.get(QUEUE).context["assignments"]) == []
        assert client.get(review_form(spray)).status_code == 404
        assert client.post(review_form(spray), rubric_post(spray.campaign)).status_code == 404
        assert Review.objects.count() == 0


# --- Blind review ---------------------------------------------------------------------


class TestBlindReview:
    def test_a_blind_reviewer_never_reads_who_wrote_it(self, as_person, org, people, spray):
        assert spray.campaign.blind_review is True
        assign(spray, org.official_a, [people.one])
        client = as_person(people.one)
        secrets = identity_of(spray)
        assert {"王建国", "李卫东", "worker_a", "colleague_a", "Unit A101", "Unit A102"} <= set(
            secrets
        )

        pages = {
            "queue": client.get(QUEUE),
            "form": client.get(review_form(spray)),
            "form with errors": client.post(review_form(spray), {"comment": "缺分"}),
        }
        client.post(review_form(spray), rubric_post(spray.campaign))
        pages["queue after scoring"] = client.get(QUEUE)
        pages["form after scoring"] = client.get(review_form(spray))

        for name, response in pages.items():
            html = response.content.decode()
            assert spray.title in html, name
            leaked = [secret for secret in secrets if secret in html]
            assert leaked == [], name
        assert zh("Blind review: the authors are not shown.") in (pages["form"].content.decode())

    def test_a_blind_reviewer_is_sent_from_the_proposal_page_to_the_rubric_form(
        self, as_person, org, people, spray
    ):
        assign(spray, org.official_a, [people.one])
        client = as_person(people.one)

        response = client.get(url("proposal-detail", spray))

        assert response.status_code == 302
        assert response.url == review_form(spray)
        html = client.get(url("proposal-detail", spray), follow=True).content.decode()
        assert [secret for secret in identity_of(spray) if secret in html] == []

    def test_a_blind_reviewer_finds_it_in_the_list_only_without_its_authors(
        self, as_person, org, people, spray
    ):
        assign(spray, org.official_a, [people.one])
        listing = reverse("competitions:proposal-list")
        client = as_person(people.one)

        # listed as the API lists it: by title, leading to the rubric form, with
        # no code, author or unit
        response = client.get(listing)
        assert list(response.context["proposals"]) == [spray]
        html = response.content.decode()
        assert spray.title in html
        assert review_form(spray) in html
        for secret in ("王建国", spray.code, url("proposal-detail", spray)):
            assert secret not in html, secret
        (row,) = re.findall(r'<a [^>]*data-testid="proposal-row".*?</a>', html, re.S)
        assert "Unit A101" not in row
        # and the filters that would name the authors never match it
        for query in (
            {"author": org.worker_a.pk},
            {"org_unit": org.team_a101.pk},
            {"search": spray.code},
            {"search": spray.code, "ordering": "code"},
        ):
            response = client.get(listing, query)
            assert response.status_code == 200
            assert list(response.context["proposals"]) == []
            html = response.content.decode()
            assert "王建国" not in html
            assert url("proposal-detail", spray) not in html
        # the office still lists it
        assert spray in as_person(org.official_a).get(listing).context["proposals"]

    def test_in_an_open_campaign_the_reviewer_reads_the_author(
        self, as_person, org, make_proposal, people, open_review
    ):
        proposal = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            campaign=open_review,
            co_authors=[(org.colleague_a, Decimal(30))],
        )
        assign(proposal, org.official_a, [people.one])
        client = as_person(people.one)

        html = client.get(review_form(proposal)).content.decode()

        assert proposal.code in html
        assert "王建国" in html
        assert "Unit A101" in html
        assert zh("Blind review: the authors are not shown.") not in html

    def test_the_author_is_shown_to_a_blind_reviewer_once_it_is_awarded(
        self, as_person, org, people, spray, trio
    ):
        # Awarded proposals are public (the showcase): then everyone reads the authors.
        decided(spray, org.official_a, trio, Status.AWARDED)
        html = as_person(people.one).get(review_form(spray)).content.decode()
        assert "王建国" in html


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

    def test_assign_from_the_panel_and_by_employee_number(
        self, as_person, org, people, spray, panel
    ):
        response = post(
            as_person(org.official_a),
            "proposal-assign",
            spray,
            reviewers=[people.one.pk],
            employee_numbers="reviewer_2，reviewer_3  reviewer_2",
        )

        assert response.status_code == 302
        assert response.url == url("proposal-detail", spray)
        assert message_levels(response) == ["success"]
        assignments = ReviewAssignment.objects.filter(proposal=spray)
        assert {a.reviewer for a in assignments} == {people.one, people.two, people.three}
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
            employee_numbers="reviewer_2 nobody_x, worker_b",
        )

        assert response.status_code == 400
        errors = response.context["assign_form"].errors["employee_numbers"]
        # one not on the payroll, one in company B: neither is in the official's scope
        message = "Not found in your scope: %(numbers)s"
        assert errors == [said(message, numbers="nobody_x、worker_b")]
        assert zh(message, numbers="nobody_x、worker_b") in response.content.decode()
        assert snapshot(spray) == before

    @pytest.mark.parametrize("who", ["teammate", "author", "co_author"])
    def test_a_recused_person_by_number_is_400(self, as_person, org, people, spray, who):
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
            employee_numbers=f"reviewer_1 {person.employee_no}",
        )

        assert response.status_code == 400
        errors = response.context["assign_form"].errors["reviewers"]
        assert any(person.full_name in error for error in errors)
        # shown, though there is no panel to tick yet
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
        response = post(as_person(org.official_a), "proposal-assign", spray, employee_numbers=" ")
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
            replacement="reviewer_4",
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
            replacement="reviewer_4",
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
            replacement=replacement,
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

    def test_a_rejection_needs_a_reason(self, as_person, org, people, spray, trio):
        reviewed(spray, org.official_a, trio)
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
    def test_an_outcome_other_than_approve_or_reject_is_400(
        self, as_person, org, spray, trio, outcome
    ):
        reviewed(spray, org.official_a, trio)
        before = snapshot(spray)
        response = post(as_person(org.official_a), "proposal-decide", spray, outcome=outcome)
        assert response.status_code == 400
        assert "outcome" in response.context["decide_form"].errors
        assert snapshot(spray) == before

    def test_a_second_decision_is_409(self, as_person, org, spray, trio):
        decided(spray, org.official_a, trio, Status.APPROVED)
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


# --- The office: implementation, verification, award ------------------------------------


class TestImplementVerifyAward:
    def test_an_approved_proposal_is_recorded_as_put_into_practice(
        self, as_person, org, spray, trio
    ):
        spray = decided(spray, org.official_a, trio, Status.APPROVED)
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
        self, as_person, org, spray, trio, data
    ):
        spray = decided(spray, org.official_a, trio, Status.APPROVED)
        before = snapshot(spray)
        fields = {"implemented_on": timezone.localdate().isoformat(), "department": DEPARTMENT}
        response = post(
            as_person(org.official_a), "proposal-implement", spray, **{**fields, **data}
        )
        assert response.status_code == 400
        assert set(response.context["implement_form"].errors) == set(data)
        assert snapshot(spray) == before

    def test_the_verified_benefit_is_recorded_and_locked(self, as_person, org, spray, trio):
        spray = decided(spray, org.official_a, trio, Status.IMPLEMENTED)
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
    def test_verification_needs_a_figure_and_its_evidence(self, as_person, org, spray, trio, data):
        spray = decided(spray, org.official_a, trio, Status.IMPLEMENTED)
        before = snapshot(spray)
        fields = {"verified_benefit": "98000", "evidence": EVIDENCE}
        response = post(as_person(org.official_a), "proposal-verify", spray, **{**fields, **data})
        assert response.status_code == 400
        assert set(response.context["verify_form"].errors) == set(data)
        assert snapshot(spray) == before

    def test_the_award_step_shows_places_left_and_the_split(self, as_person, org, spray, trio):
        spray = decided(spray, org.official_a, trio, Status.BENEFIT_VERIFIED)

        response = as_person(org.official_a).get(url("proposal-detail", spray))

        html = response.content.decode()
        assert 'data-testid="award-step"' in html
        choices = dict(response.context["award_form"].fields["grade"].choices)
        assert said("%(left)s of %(quota)s left", left=1, quota=1) in choices["first"]
        assert said("no limit") in choices["encouragement"]
        # the first prize of ¥5,000 split 70 / 30
        assert '王建国 70 % = <span class="money">¥3,500.00</span>' in html
        assert '李卫东 30 % = <span class="money">¥1,500.00</span>' in html

    def test_award_splits_the_amount_among_the_authors(self, as_person, org, spray, trio):
        spray = decided(spray, org.official_a, trio, Status.BENEFIT_VERIFIED)

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
        self, as_person, org, spray, trio, first_prize_gone
    ):
        spray = decided(spray, org.official_a, trio, Status.BENEFIT_VERIFIED)
        before = snapshot(spray)
        client = as_person(org.official_a)
        choices = dict(
            client.get(url("proposal-detail", spray)).context["award_form"].fields["grade"].choices
        )
        assert set(choices) == {"second", "encouragement"}
        assert said("%(left)s of %(quota)s left", left=3, quota=3) in choices["second"]

        response = post(client, "proposal-award", spray, grade="first")

        assert response.status_code == 400
        assert "grade" in response.context["award_form"].errors
        assert snapshot(spray) == before
        assert AwardShare.objects.filter(award__proposal=spray).count() == 0

    def test_the_last_place_taken_meanwhile_is_409_with_a_message(
        self, as_person, org, spray, trio, first_prize_gone, monkeypatch
    ):
        # Two officials on the award step; the other one awarded the last first prize
        # after this one's page was loaded: the form still offers it, the service refuses.
        spray = decided(spray, org.official_a, trio, Status.BENEFIT_VERIFIED)
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

    def test_a_grade_the_campaign_does_not_have_is_400(self, as_person, org, spray, trio):
        spray = decided(spray, org.official_a, trio, Status.BENEFIT_VERIFIED)
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
        self, as_person, org, spray, trio, status, name, data
    ):
        if status == Status.UNDER_REVIEW:
            reviewed(spray, org.official_a, trio)
        else:
            spray = decided(spray, org.official_a, trio, status)
        before = snapshot(spray)

        response = post(as_person(org.official_a), name, spray, **data)

        assert response.status_code == 409
        assert message_levels(response) == ["error"]
        assert snapshot(spray) == before


# --- The award table and the board --------------------------------------------------------


def board(campaign) -> str:
    return reverse("competitions:campaign-board", args=[campaign.pk])


def awards(campaign) -> str:
    return reverse("competitions:campaign-awards", args=[campaign.pk])


class TestAwardTable:
    def test_places_left_and_each_persons_split(self, as_person, org, make_proposal, spray, trio):
        roller = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            author=org.colleague_a,
            title="皮带机托辊更换工具改进",
        )
        decided(roller, org.official_a, trio, Status.AWARDED, grade="first")
        spray = decided(spray, org.official_a, trio, Status.AWARDED, grade="second")
        waiting = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            title="刮板输送机链条张紧装置",
        )
        decided(waiting, org.official_a, trio, Status.BENEFIT_VERIFIED)

        response = as_person(org.official_a).get(awards(spray.campaign))

        html = response.content.decode()
        assert response.status_code == 200
        left = {
            grade.grade: (grade.given, grade.places_left) for grade in response.context["grades"]
        }
        assert left == {"first": (1, 0), "second": (1, 2), "encouragement": (0, None)}
        quotas = html[html.index('data-testid="quotas"') :]
        assert "0 / 1" in quotas
        assert "2 / 3" in quotas
        rows = re.findall(r'<tr data-testid="award-row">.*?</tr>', html, re.S)
        assert len(rows) == 2
        spray_row = next(row for row in rows if spray.code in row)
        assert '王建国 <span class="money">¥1,400.00</span>' in spray_row
        assert '李卫东 <span class="money">¥600.00</span>' in spray_row
        roller_row = next(row for row in rows if roller.code in row)
        assert '李卫东 <span class="money">¥5,000.00</span>' in roller_row
        assert list(response.context["waiting"]) == [waiting]
        assert url("proposal-detail", waiting) in html


class TestDecisionsBoard:
    def test_under_review_best_score_first_with_the_score_only_once_enough_are_in(
        self, as_person, org, make_proposal, people, spray, trio
    ):
        better = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            author=org.colleague_a,
            title="皮带机托辊更换工具改进",
        )
        reviewed(spray, org.official_a, trio, 60, 70, 80)
        reviewed(better, org.official_a, trio, 90, 90, 93)
        early = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            title="刮板输送机链条张紧装置",
        )
        assign(early, org.official_a, trio)
        review(early, people.one, 30, 30, 20, 20)
        done = proposal_in(
            Status.UNDER_REVIEW, org=org, make_proposal=make_proposal, title="主通风机在线监测"
        )
        decided(done, org.official_a, trio, Status.APPROVED)

        response = as_person(org.official_a).get(board(spray.campaign))

        html = response.content.decode()
        assert response.status_code == 200
        assert list(response.context["rows"]) == [better, spray, early]
        rows = re.findall(r'<tr data-testid="board-row">.*?</tr>', html, re.S)
        assert "91.00" in rows[0] and "3 / 3" in rows[0]
        assert "70.00" in rows[1]
        # one review of three: no running score yet
        assert "1 / 3" in rows[2] and "100.00" not in rows[2] and "—" in rows[2]
        assert "主通风机在线监测" not in html


# --- What the authors and everyone else read -------------------------------------------


class TestWhatAuthorsRead:
    def test_under_review_the_author_reads_how_many_reviews_are_in_but_not_who(
        self, as_person, org, people, spray, trio
    ):
        assign(spray, org.official_a, trio)
        review(spray, people.one)
        review(spray, people.two)

        for author in (org.worker_a, org.colleague_a):
            response = as_person(author).get(url("proposal-detail", spray))
            html = response.content.decode()
            assert response.status_code == 200
            if author == org.worker_a:
                assert response.context["reviews_in"] == 2
                reviews_in = re.search(r'data-testid="reviews-in">([^<]*)<', html).group(1)
                assert "2" in reviews_in
            for name in ("评审甲", "评审乙", "评审丙", "reviewer_1", "reviewer_2"):
                assert name not in html
            assert 'data-testid="review-step"' not in html
            assert 'data-testid="current-score"' not in html

    def test_the_author_and_co_author_read_the_award_and_their_own_share(
        self, as_person, org, spray, trio
    ):
        spray = decided(spray, org.official_a, trio, Status.AWARDED, grade="second")

        for person, amount in ((org.worker_a, "¥1,400.00"), (org.colleague_a, "¥600.00")):
            response = as_person(person).get(url("proposal-detail", spray))
            html = response.content.decode()
            award = html[html.index('data-testid="award"') :]
            assert zh("Second prize") in award
            assert "¥2,000.00" in award
            mine = re.findall(r'<li class="fw-semibold" data-testid="my-share">(.*?)</li>', html)
            assert len(mine) == 1, person
            assert person.full_name in mine[0]
            assert amount in mine[0]
            # the whole path on the timeline, in plain words
            timeline = html[html.index('data-testid="timeline"') :]
            for step in (
                Status.APPROVED,
                Status.IMPLEMENTED,
                Status.BENEFIT_VERIFIED,
                Status.AWARDED,
            ):
                assert plain(step) in timeline
            assert DEPARTMENT in html
            assert "¥98,000.00" in html

    def test_another_worker_reads_the_award_but_has_no_share(self, as_person, org, spray, trio):
        spray = decided(spray, org.official_a, trio, Status.AWARDED, grade="second")
        response = as_person(org.worker_b).get(url("proposal-detail", spray))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="award"' in html
        assert 'data-testid="my-share"' not in html


class TestCampaignResults:
    def test_every_signed_in_worker_reads_the_results(
        self, as_person, org, make_proposal, spray, trio
    ):
        roller = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            author=org.colleague_a,
            title="皮带机托辊更换工具改进",
        )
        decided(roller, org.official_a, trio, Status.AWARDED, grade="first")
        decided(spray, org.official_a, trio, Status.BENEFIT_VERIFIED)
        page = reverse("competitions:campaign-detail", args=[spray.campaign.pk])

        response = as_person(org.worker_b).get(page)

        html = response.content.decode()
        assert response.status_code == 200
        results = response.context["results"]
        assert (results["awards"], results["prize_money"]) == (1, Decimal(5000))
        assert (results["verified_total"], results["verified_count"]) == (2 * VERIFIED, 2)
        section = html[html.index('data-testid="campaign-results"') :]
        assert "¥5,000.00" in section
        assert "¥196,000.00" in section
        assert list(response.context["awarded"]) == [roller]
        assert "皮带机托辊更换工具改进" in section
        # the verified-but-not-awarded one is not in the public list
        assert url("proposal-detail", spray) not in html
        # and the office's links are not offered to a worker
        assert board(spray.campaign) not in html
        assert awards(spray.campaign) not in html


# --- Who may do what ----------------------------------------------------------------------


# Each official step with a valid form for the state `ready` brings the proposal to.
STEPS = [
    pytest.param(
        "proposal-assign", Status.UNDER_REVIEW, {"employee_numbers": "reviewer_4"}, id="assign"
    ),
    pytest.param(
        "proposal-replace-reviewer",
        Status.UNDER_REVIEW,
        {"reviewer": "one", "replacement": "reviewer_4"},
        id="replace",
    ),
    pytest.param("proposal-decide", Status.UNDER_REVIEW, {"outcome": "approved"}, id="decide"),
    pytest.param(
        "proposal-implement",
        Status.APPROVED,
        {"implemented_on": "today", "department": DEPARTMENT},
        id="implement",
    ),
    pytest.param(
        "proposal-verify",
        Status.IMPLEMENTED,
        {"verified_benefit": "1000", "evidence": EVIDENCE},
        id="verify",
    ),
    pytest.param("proposal-award", Status.BENEFIT_VERIFIED, {"grade": "first"}, id="award"),
]

# Who is refused, and how: those who may read the proposal get 403, the rest 404.
REFUSED = [
    ("worker_a", 403),  # the author
    ("colleague_a", 403),  # the co-author
    ("one", 403),  # an assigned reviewer
    ("stranger", 404),  # a worker of the same company
    ("worker_b", 404),  # a worker of company B
    ("official_b", 404),  # the official of company B
]


def role(org, people, name):
    return getattr(people, name, None) or getattr(org, name)


def ready(spray, org, people, status):
    """`spray` at `status`, with reviewers 1–3 on it, only reviewer 1 not yet scored
    while it is under review (so they may still be replaced)."""
    trio = [people.one, people.two, people.three]
    if status == Status.UNDER_REVIEW:
        assign(spray, org.official_a, trio)
        review(spray, people.two)
        review(spray, people.three)
        return spray
    return decided(spray, org.official_a, trio, status)


def step_data(data, people):
    return {
        key: (
            people.one.pk
            if value == "one"
            else timezone.localdate().isoformat()
            if value == "today"
            else value
        )
        for key, value in data.items()
    }


class TestWhoMayDoWhat:
    @pytest.mark.parametrize(("name", "status", "data"), STEPS)
    @pytest.mark.parametrize(("who", "code"), REFUSED)
    def test_an_official_step_is_refused_to_everyone_but_the_office(
        self, as_person, org, people, spray, name, status, data, who, code
    ):
        spray = ready(spray, org, people, status)
        before = snapshot(spray)

        response = post(as_person(role(org, people, who)), name, spray, **step_data(data, people))

        assert response.status_code == code
        assert snapshot(spray) == before

    @pytest.mark.parametrize(("name", "status", "data"), STEPS)
    @pytest.mark.parametrize("who", ["official_a", "group_official", "admin"])
    def test_an_official_step_is_open_to_the_officials_over_the_author(
        self, as_person, org, people, spray, name, status, data, who
    ):
        spray = ready(spray, org, people, status)
        if name == "proposal-decide":
            review(spray, people.one)
        before = snapshot(spray)

        response = post(as_person(role(org, people, who)), name, spray, **step_data(data, people))

        assert response.status_code == 302, response.context and [
            f.errors for k, f in response.context.flatten().items() if k.endswith("_form")
        ]
        assert snapshot(spray) != before

    def test_anonymous_is_sent_to_login(self, client, org, people, spray):
        for name, _status, data in (p.values for p in STEPS):
            response = post(client, name, spray, **step_data(data, people))
            assert response.status_code == 302
            assert reverse("accounts:login") in response.url
        for page in (board(spray.campaign), awards(spray.campaign)):
            response = client.get(page)
            assert response.status_code == 302
            assert reverse("accounts:login") in response.url
        assert snapshot(spray)[0] == Status.UNDER_REVIEW

    def test_the_steps_take_only_post(self, as_person, org, spray):
        client = as_person(org.official_a)
        for name, _status, _data in (p.values for p in STEPS):
            assert client.get(url(name, spray)).status_code == 405

    @pytest.mark.parametrize("page", [board, awards])
    @pytest.mark.parametrize(
        ("who", "code"),
        [
            ("worker_a", 403),
            ("one", 403),
            ("stranger", 403),
            ("worker_b", 403),
            ("official_a", 200),
            ("group_official", 200),
            ("admin", 200),
        ],
    )
    def test_board_and_award_table_are_the_offices(
        self, as_person, org, people, spray, page, who, code
    ):
        assign(spray, org.official_a, [people.one])
        response = as_person(role(org, people, who)).get(page(spray.campaign))
        assert response.status_code == code

    @pytest.mark.parametrize("page", [board, awards])
    def test_an_official_of_another_company_sees_none_of_company_a(
        self, as_person, org, spray, trio, page
    ):
        reviewed(spray, org.official_a, trio)
        response = as_person(org.official_b).get(page(spray.campaign))
        assert response.status_code == 200
        html = response.content.decode()
        assert spray.title not in html
        assert spray.code not in html

    @pytest.mark.parametrize("page", [board, awards])
    def test_a_campaign_of_another_company_is_404(self, as_person, org, campaigns, page):
        assert as_person(org.official_a).get(page(campaigns.company_b)).status_code == 404
        assert as_person(org.official_b).get(page(campaigns.company_b)).status_code == 200

    def test_official_of_company_b_gets_404_on_the_proposal_page(self, as_person, org, spray):
        assert as_person(org.official_b).get(url("proposal-detail", spray)).status_code == 404
        assert as_person(org.official_b).get(review_form(spray)).status_code == 404


# --- Query counts -------------------------------------------------------------------------


def crowd(org, make_proposal, people, count):
    """`count` proposals under review by worker_a, each assigned to reviewers 1–3,
    two of them scored (so the board has scores), reviewer 1 on every third."""
    titles = ["井下喷雾降尘装置节水改造", "皮带机托辊更换工具改进", "刮板输送机链条张紧装置"]
    for index in range(count):
        proposal = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            title=f"{titles[index % 3]}（第{index}版）",
            co_authors=[(org.colleague_a, Decimal(10))],
        )
        assign(proposal, org.official_a, [people.one, people.two, people.three])
        review(proposal, people.two, 20, 20, 10, 10)
        review(proposal, people.three, 25, 25, 15, 15)
        if index % 3 == 0:
            review(proposal, people.one)


@pytest.mark.parametrize("page_size", [5, 25])
def test_the_review_queue_takes_the_same_queries_at_any_page_size(
    as_person, org, make_proposal, people, django_assert_num_queries, page_size
):
    crowd(org, make_proposal, people, 30)
    client = as_person(fresh(people.one))
    # the session, the user, COUNT, the page, the "waiting" count
    with django_assert_num_queries(5):
        response = client.get(QUEUE, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == page_size


@pytest.mark.parametrize("count", [5, 30])
def test_the_decisions_board_takes_the_same_queries_for_any_number_of_rows(
    as_person, org, make_proposal, people, campaigns, django_assert_num_queries, count
):
    crowd(org, make_proposal, people, count)
    client = as_person(fresh(org.official_a))
    # the session, the user, the scope (own unit, grants; the campaign scope asks for
    # the own unit again), the campaign, the rows with their scores
    with django_assert_num_queries(7):
        response = client.get(board(campaigns.open))
    assert response.status_code == 200
    assert len(response.context["rows"]) == count


# --- Small helpers --------------------------------------------------------------------


def said(message: str, **values) -> str:
    """A message as a Chinese reader gets it (not HTML-escaped: messages, choices)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % values if values else text


def plain(status) -> str:
    """The timeline's plain words for a step, as the Chinese page shows them."""
    with translation.override("zh-hans"):
        return escape(str(PLAIN_EVENTS[status]))
