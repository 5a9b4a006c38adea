"""Review pages for reviewers: the queue, the rubric form, blind review and
the queue's query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from competitions import services
from competitions.models import Criterion, Proposal, Review
from tests.competitions.conftest import _campaign, a201_reviewers, proposal_maker
from tests.competitions.pages import fresh, message_levels, url, zh
from tests.competitions.review_pages import QUEUE, crowd, review_form
from tests.competitions.review_steps import assign, decided, review, reviewed, scores_for
from tests.competitions.states import proposal_in
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status


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

    @pytest.mark.parametrize("status", [Status.APPROVED, Status.IMPLEMENTED])
    def test_a_proposal_decided_before_the_reviewer_scored_it_is_listed_but_not_waiting(
        self, as_person, org, make_proposal, people, spray, trio, status
    ):
        later = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            author=org.colleague_a,
            title="皮带机托辊更换工具改进",
        )
        assign(spray, org.official_a, [people.four])
        assign(later, org.official_a, [people.four])
        decided(spray, org.official_a, trio, status)  # the other three reviewed it
        client = as_person(people.four)

        response = client.get(QUEUE)

        assert [a.proposal for a in response.context["assignments"]] == [later, spray]
        assert response.context["waiting"] == 1
        html = response.content.decode()
        rows = re.findall(r'data-testid="queue-item".*?</a>', html, re.S)
        assert zh("To score") in rows[0]
        assert zh("Decided, not scored") in rows[1]
        assert zh("To score") not in rows[1] and zh("Overdue") not in rows[1]
        home = client.get(reverse("competitions:home"))
        assert home.context["reviews_waiting"] == 1

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

    def test_every_input_steps_by_the_points_the_service_takes(self, as_person, org, people, spray):
        # A browser refuses a number off its input's step grid (step 0.5 turned
        # 27.3 away); the grid must be exactly the one decimal the service takes.
        assign(spray, org.official_a, [people.one])
        client = as_person(people.one)
        html = client.get(review_form(spray)).content.decode()
        criteria = list(Criterion.objects.filter(campaign=spray.campaign))
        inputs = [
            re.search(rf'<input[^>]*name="criterion_{c.pk}"[^>]*>', html)[0] for c in criteria
        ]
        steps = {Decimal(re.search(r'step="([^"]+)"', field)[1]) for field in inputs}
        assert len(steps) == 1
        step = steps.pop()
        on_grid = Decimal("27.3")  # one decimal: on the grid, and the service takes it
        off_grid = Decimal("27.35")  # finer: off the grid, and the service refuses it
        assert on_grid % step == 0 and off_grid % step != 0

        with pytest.raises(ValidationError):
            services.review_submit(
                proposal_id=spray.pk,
                by=people.one,
                scores=scores_for(spray.campaign, off_grid, 20, 10, 10),
            )

        response = client.post(review_form(spray), rubric_post(spray.campaign, on_grid, 20, 10, 10))

        assert response.status_code == 302
        assert Review.objects.get().total == Decimal("67.3")

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
            # The results never name the author (the author filter's own box
            # names whom the reviewer asked for, from their directory).
            html = response.content.decode()
            results = html[html.index('id="results"') :]
            assert "王建国" not in results
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


@shared_data(needs=("org", "campaigns"))
def crowded(built):
    """`people`'s reviewers (the authors keep their names, which the test does
    not read) with `crowd`'s 12 proposals under review: more than the larger
    page (a query a row would count differently at 5 and at 10 rows)."""
    org, make_proposal = built.get("org"), proposal_maker(built.get("campaigns"))
    people = a201_reviewers(org)
    crowd(org, make_proposal, people, 12)
    return people


@pytest.mark.parametrize("page_size", [5, 10])
def test_the_review_queue_takes_the_same_queries_at_any_page_size(
    as_person, crowded, django_assert_num_queries, page_size
):
    client = as_person(fresh(crowded.one))
    # the session, the user, COUNT, the page, the "waiting" count
    with django_assert_num_queries(5):
        response = client.get(QUEUE, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == page_size
