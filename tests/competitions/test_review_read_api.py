"""The review API for reviews and reading: reviews, the reviewer's queue, blind
review, who sees scores and the lists' query counts."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from accounts.models import User
from competitions import services
from competitions.models import Campaign, Proposal, Review
from tests.api_answers import results
from tests.competitions.conftest import COMPLETE
from tests.competitions.review_api import (
    PROPOSALS,
    REVIEWS,
    field_errors,
    refused,
    review_body,
    scores_body,
    url,
    who,
)
from tests.competitions.states import (
    proposal_at,
    review_snapshot,
    reviewer_panel,
    rubric_scores,
)
from tests.exports import exported_text
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status


# --- Reviews ------------------------------------------------------------------------------


class TestReviewsApi:
    def test_assigned_reviewer_posts_a_review(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        api.force_authenticate(panel.experts[0])
        body = {
            "proposal_id": proposal.pk,
            "scores": [
                {"criterion_id": criterion.pk, "points": points}
                for criterion, points in zip(
                    proposal.campaign.criteria.order_by("position"),
                    ["25", "28.5", "12", "20"],
                    strict=True,
                )
            ],
            "comment": "节水效果明显",
        }
        response = api.post(REVIEWS, body, format="json")
        assert response.status_code == 201, response.content
        created = response.json()
        assert (created["total"], created["comment"]) == ("85.50", "节水效果明显")
        assert created["reviewer"]["id"] == panel.experts[0].pk
        assert created["proposal"] == {"id": proposal.pk, "title": proposal.title}
        assert [(row["points"], row["max_points"]) for row in created["scores"]] == [
            ("25.0", 30),
            ("28.5", 30),
            ("12.0", 20),
            ("20.0", 20),
        ]

    def test_a_second_review_is_409(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        before = review_snapshot(proposal)
        api.force_authenticate(panel.experts[0])
        refused(api.post(REVIEWS, review_body(proposal, 20), format="json"), 409)
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("role", ["worker_a", "colleague_a", "official_a", "admin"])
    def test_those_who_see_it_but_are_not_its_reviewers_get_404(self, api, org, panel, at, role):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        api.force_authenticate(getattr(org, role))
        refused(api.post(REVIEWS, review_body(proposal), format="json"), 404)
        assert not Review.objects.exists()

    @pytest.mark.parametrize("role", ["outside_expert", "worker_b", "official_b"])
    def test_a_proposal_they_cannot_see_is_400_like_any_unknown_id(self, api, org, panel, at, role):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        api.force_authenticate(who(org, panel, role))
        response = api.post(REVIEWS, review_body(proposal), format="json")
        assert "proposal_id" in field_errors(response)
        assert not Review.objects.exists()

    @pytest.mark.parametrize(
        "points",
        [
            ["31", "30", "20", "20"],
            ["-1", "30", "20", "20"],
            ["30", "30", "20"],
            ["30", "30", "20", "20", "5"],
            ["10.25", "10", "10", "10"],
        ],
        ids=["above max", "negative", "missing", "twice", "too fine"],
    )
    def test_scores_outside_the_rubric_are_400(self, api, org, panel, at, points):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=())
        ids = list(proposal.campaign.criteria.order_by("position").values_list("pk", flat=True))
        ids = ids + ids[:1]  # "twice" scores the first criterion again
        scores = [
            {"criterion_id": criterion_id, "points": value}
            for criterion_id, value in zip(ids, points, strict=False)
        ]
        api.force_authenticate(panel.experts[0])
        response = api.post(REVIEWS, {"proposal_id": proposal.pk, "scores": scores}, format="json")
        assert "scores" in field_errors(response)
        assert not Review.objects.exists()

    def test_reviewer_edits_their_review_until_the_decision(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        review = proposal.reviews.get(reviewer=panel.experts[0])
        api.force_authenticate(panel.experts[0])
        response = api.patch(
            f"{REVIEWS}{review.pk}/",
            {"scores": scores_body(proposal, 95), "comment": "复核后上调"},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert (response.json()["total"], response.json()["comment"]) == ("95.00", "复核后上调")
        api.force_authenticate(org.official_a)
        assert api.get(url(proposal)).json()["current_score"] == "75.00"
        api.post(url(proposal, "decide"), {"outcome": "approved"}, format="json")
        before = review_snapshot(proposal)
        api.force_authenticate(panel.experts[0])
        response = api.patch(f"{REVIEWS}{review.pk}/", {"comment": "再改"}, format="json")
        refused(response, 409)
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("role", ["other_reviewer", "worker_a", "official_b"])
    def test_someone_elses_review_is_404(self, api, org, panel, at, role):
        proposal = at(Status.UNDER_REVIEW)
        review = proposal.reviews.get(reviewer=panel.experts[0])
        api.force_authenticate(panel.experts[1] if role == "other_reviewer" else getattr(org, role))
        refused(api.get(f"{REVIEWS}{review.pk}/"), 404)
        refused(api.patch(f"{REVIEWS}{review.pk}/", {"comment": "代改"}, format="json"), 404)
        assert Review.objects.get(pk=review.pk).comment == "可行"

    def test_official_cannot_edit_a_review_they_read(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        review = proposal.reviews.get(reviewer=panel.experts[0])
        api.force_authenticate(org.official_a)
        assert api.get(f"{REVIEWS}{review.pk}/").status_code == 200
        refused(api.patch(f"{REVIEWS}{review.pk}/", {"comment": "代改"}, format="json"), 404)
        assert Review.objects.get(pk=review.pk).comment == "可行"

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("reviewer", {"mine"}),
            ("official_a", {"mine", "a colleague's"}),
            ("group_official", {"mine", "a colleague's", "in company B"}),
            ("admin", {"mine", "a colleague's", "in company B"}),
            ("official_b", {"in company B"}),
            ("worker_a", set()),  # the author reads no review
            ("colleague_a", set()),
        ],
    )
    def test_reviews_list_is_scoped(self, api, org, panel, at, make_proposal, role, expected):
        proposal = at(Status.UNDER_REVIEW, totals=(80, 70))
        in_b = proposal_at(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            author=org.worker_b,
            reviewers=panel.experts[2:4],
            totals=(50,),
        )
        names = {
            (proposal.pk, panel.experts[0].pk): "mine",
            (proposal.pk, panel.experts[1].pk): "a colleague's",
            (in_b.pk, panel.experts[2].pk): "in company B",
        }
        api.force_authenticate(who(org, panel, role))
        rows = results(api.get(REVIEWS))
        assert {names[(row["proposal"]["id"], row["reviewer"]["id"])] for row in rows} == expected

    def test_reviews_filter_by_proposal_never_widens_the_scope(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        api.force_authenticate(panel.experts[0])
        rows = results(api.get(REVIEWS, {"proposal": proposal.pk}))
        assert [row["reviewer"]["id"] for row in rows] == [panel.experts[0].pk]
        api.force_authenticate(panel.experts[4])
        assert results(api.get(REVIEWS, {"proposal": proposal.pk})) == []


# --- The reviewer's queue: their proposals only -------------------------------------------------


class TestReviewerScope:
    def test_reviewer_sees_their_assigned_proposals_only(self, api, org, panel, at):
        mine = at(Status.UNDER_REVIEW, reviewers=panel.experts[:2], totals=(), title="分给我的")
        other = at(Status.UNDER_REVIEW, reviewers=panel.experts[1:3], totals=(), title="别人的")
        submitted = at(Status.SUBMITTED, title="待初审")
        api.force_authenticate(panel.experts[0])
        assert {row["id"] for row in results(api.get(PROPOSALS))} == {mine.pk}
        assert api.get(url(mine)).status_code == 200
        for hidden in (other, submitted):
            refused(api.get(url(hidden)), 404, "not_found")
            refused(api.get(url(hidden, "events")), 404)
            refused(api.get(url(hidden, "attachments")), 404)
            assert results(api.get(REVIEWS, {"proposal": hidden.pk})) == []

    def test_reviewer_reads_no_timeline_even_of_their_own_proposal_403(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        api.force_authenticate(panel.experts[0])
        refused(api.get(url(proposal, "events")), 403)

    def test_reviewer_cannot_edit_the_proposal(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        before = review_snapshot(proposal)
        api.force_authenticate(panel.experts[0])
        response = api.patch(url(proposal), {"title": "评审改的标题"}, format="json")
        assert response.status_code in (403, 409), response.content
        assert Proposal.objects.get(pk=proposal.pk).title == COMPLETE["title"]
        assert review_snapshot(proposal) == before


# --- Blind review -------------------------------------------------------------------------------


def phone_photo() -> SimpleUploadedFile:
    body = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(body, format="JPEG")
    return SimpleUploadedFile("现场.jpg", body.getvalue(), content_type="image/jpeg")


def people_named(data) -> set[int]:
    """The ids of every person (anything with a full name) in a JSON document."""
    found = set()
    if isinstance(data, dict):
        if "full_name" in data:
            found.add(data.get("id"))
        for value in data.values():
            found |= people_named(value)
    elif isinstance(data, list):
        for value in data:
            found |= people_named(value)
    return found


@pytest.fixture
def blind(org, panel, make_proposal, settings, tmp_path):
    """worker_a's proposal (with colleague_a, and a photo) under review in the
    blind campaign, reviewed by experts 1 and 2; the authors get names and
    numbers that cannot be mistaken for anything else."""
    settings.MEDIA_ROOT = tmp_path
    User.objects.filter(pk=org.worker_a.pk).update(full_name="王守密", employee_no="SECRET-001")
    User.objects.filter(pk=org.colleague_a.pk).update(full_name="李匿名", employee_no="SECRET-002")
    draft = make_proposal(
        org.worker_a,
        submit=False,
        author_share=Decimal(60),
        co_authors=[(org.colleague_a, Decimal(40))],
    )
    services.attachment_add(record=draft, by=org.worker_a, upload=phone_photo())
    services.proposal_submit(proposal_id=draft.pk, by=org.worker_a)
    services.proposal_screen(proposal_id=draft.pk, by=org.official_a)
    services.reviewers_assign(
        proposal_id=draft.pk, by=org.group_official, reviewers=panel.experts[:3]
    )
    proposal = Proposal.objects.get(pk=draft.pk)
    for reviewer, total in ((panel.experts[0], 80), (panel.experts[1], 70)):
        services.review_submit(
            proposal_id=proposal.pk, by=reviewer, scores=rubric_scores(proposal.campaign, total)
        )
    secrets = ["王守密", "SECRET-001", "李匿名", "SECRET-002", proposal.code, "A101", "A102"]
    return proposal, secrets


def assert_anonymous(response, proposal, secrets, reviewer, status=200):
    """No name, number, code or unit of the authors anywhere in the response, and
    no person in it but the reviewer."""
    assert response.status_code == status, response.content
    text = response.content.decode()
    for secret in secrets:
        assert secret not in text, secret
    body = response.json()
    assert people_named(body) <= {reviewer.pk}
    rows = body if isinstance(body, list) else body.get("results", [body])
    for row in rows:
        for key in ("author", "author_share", "co_authors", "entered_by", "org_unit", "code"):
            assert key not in row, key


class TestBlindReview:
    def test_reviewer_never_sees_who_wrote_it(self, api, org, panel, blind):
        proposal, secrets = blind
        reviewer = panel.experts[0]
        review = proposal.reviews.get(reviewer=reviewer)
        api.force_authenticate(reviewer)
        for path, params in (
            (url(proposal), {}),
            (PROPOSALS, {}),
            (PROPOSALS, {"status": "under_review", "campaign": proposal.campaign_id}),
            (REVIEWS, {}),
            (f"{REVIEWS}{review.pk}/", {}),
            (url(proposal, "attachments"), {}),
        ):
            assert_anonymous(api.get(path, params), proposal, secrets, reviewer)
        response = api.patch(f"{REVIEWS}{review.pk}/", {"comment": "复核"}, format="json")
        assert_anonymous(response, proposal, secrets, reviewer)

    @pytest.mark.parametrize("kind", ["csv", "xlsx"])
    def test_the_reviewers_exports_do_not_name_the_authors_either(self, api, panel, blind, kind):
        proposal, secrets = blind
        api.force_authenticate(panel.experts[0])
        for path in (PROPOSALS, REVIEWS):
            answer = api.get(f"{path}export/", {"as": kind})
            assert answer.status_code == 200
            text = exported_text(answer, kind)
            assert proposal.title in text or path == REVIEWS
            for secret in secrets:
                assert secret not in text, secret

    def test_an_attachment_read_by_its_id_does_not_name_the_uploader(self, api, panel, blind):
        proposal, secrets = blind
        reviewer = panel.experts[0]
        api.force_authenticate(reviewer)
        (photo,) = api.get(url(proposal, "attachments")).json()
        assert_anonymous(
            api.get(f"/api/v1/attachments/{photo['id']}/"), proposal, secrets, reviewer
        )

    def test_a_new_review_answers_without_identity_too(self, api, org, panel, blind):
        proposal, secrets = blind
        reviewer = panel.experts[2]
        api.force_authenticate(reviewer)
        response = api.post(REVIEWS, review_body(proposal), format="json")
        assert_anonymous(response, proposal, secrets, reviewer, status=201)

    def test_reviewer_cannot_read_the_timeline_403(self, api, org, panel, blind):
        proposal, _secrets = blind
        api.force_authenticate(panel.experts[0])
        refused(api.get(url(proposal, "events")), 403)

    @pytest.mark.parametrize("by", ["code", "author", "unit"])
    def test_filters_do_not_tell_the_reviewer_who_wrote_it(self, api, org, panel, blind, by):
        # a filter that finds the proposal by its author would name the author
        proposal, _secrets = blind
        params = {
            "code": {"search": proposal.code},
            "author": {"author": org.worker_a.pk},
            "unit": {"org_unit": org.team_a101.pk},
        }[by]
        # the neighbour, in company A, may filter by company A's units
        services.reviewers_assign(
            proposal_id=proposal.pk, by=org.official_a, reviewers=[panel.neighbour]
        )
        for reviewer in (panel.experts[0], panel.neighbour):
            api.force_authenticate(reviewer)
            response = api.get(PROPOSALS, params)
            if response.status_code == 400:  # a unit outside the reviewer's directory
                assert reviewer == panel.experts[0] and by == "unit"
                continue
            assert [row["id"] for row in results(response)] == []
            # while the title still finds it
            assert [row["id"] for row in results(api.get(PROPOSALS, {"search": "喷雾"}))] == [
                proposal.pk
            ]
        # the office still finds it every way
        api.force_authenticate(org.official_a)
        assert [row["id"] for row in results(api.get(PROPOSALS, params))] == [proposal.pk]

    def test_in_a_campaign_that_is_not_blind_the_reviewer_sees_the_authors(
        self, api, org, panel, blind
    ):
        proposal, _secrets = blind
        Campaign.objects.filter(pk=proposal.campaign_id).update(blind_review=False)
        api.force_authenticate(panel.experts[0])
        body = api.get(url(proposal)).json()
        assert (body["author"]["full_name"], body["code"]) == ("王守密", proposal.code)
        assert [row["person"]["full_name"] for row in body["co_authors"]] == ["李匿名"]

    def test_once_awarded_the_showcase_names_the_authors_to_everyone(
        self, api, org, panel, make_proposal
    ):
        proposal = proposal_at(
            Status.AWARDED, org=org, make_proposal=make_proposal, reviewers=panel.experts[:3]
        )
        api.force_authenticate(panel.experts[0])
        assert api.get(url(proposal)).json()["author"]["id"] == org.worker_a.pk

    def test_the_authors_never_see_the_reviewers(self, api, org, panel, blind):
        proposal, _secrets = blind
        for author in (org.worker_a, org.colleague_a):
            api.force_authenticate(author)
            assert results(api.get(REVIEWS)) == []
            text = "".join(
                api.get(path).content.decode() for path in (url(proposal), url(proposal, "events"))
            )
            for expert in panel.experts:
                assert expert.full_name not in text
                assert expert.employee_no not in text


# --- Scores: for the office, not the author --------------------------------------------------


class TestScoreVisibility:
    def test_officials_see_reviews_in_and_the_running_score(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, totals=(80, 70, 60))
        for role in ("official_a", "group_official", "admin"):
            api.force_authenticate(getattr(org, role))
            body = api.get(url(proposal)).json()
            assert (body["reviews_in"], body["current_score"], body["score"]) == (
                3,
                "70.00",
                None,
            )
            # The list leaves the running score to the proposal's own page.
            listed = [row for row in results(api.get(PROPOSALS)) if row["id"] == proposal.pk]
            assert "current_score" not in listed[0]

    @pytest.mark.parametrize("answer", ["read", "after-a-step"])
    def test_the_running_score_waits_for_the_minimum_reviews(self, api, org, panel, at, answer):
        proposal = at(Status.UNDER_REVIEW, totals=(80, 70))
        api.force_authenticate(org.official_a)
        if answer == "read":
            body = api.get(url(proposal)).json()
        else:
            body = api.post(
                url(proposal, "assign-reviewers"),
                {"reviewers": [panel.neighbour.pk]},
                format="json",
            ).json()
        assert (body["reviews_in"], body["current_score"]) == (2, None)

    @pytest.mark.parametrize("role", ["worker_a", "colleague_a", "reviewer"])
    def test_authors_and_reviewers_see_no_score_before_the_decision(
        self, api, org, panel, at, role
    ):
        proposal = at(Status.UNDER_REVIEW, totals=(80, 70, 60))
        api.force_authenticate(who(org, panel, role))
        for body in (
            api.get(url(proposal)).json(),
            next(row for row in results(api.get(PROPOSALS)) if row["id"] == proposal.pk),
        ):
            assert "reviews_in" not in body and "current_score" not in body
            assert body["score"] is None

    def test_author_sees_the_final_score_after_the_decision(self, api, org, panel, at):
        proposal = at(Status.APPROVED, totals=(80, 70, 60))
        api.force_authenticate(org.worker_a)
        assert api.get(url(proposal)).json()["score"] == "70.00"


# --- Query counts ---------------------------------------------------------------------------------


def fresh(person):
    """The person as a new request loads them (no scope cached by the fixtures)."""
    return type(person).objects.get(pk=person.pk)


@shared_data(needs=("org", "campaigns"))
def many(built):
    """12 proposals of company A under review (more than the larger page), each
    co-written, with experts 1–3 of a reviewer panel assigned and experts 1 and 2
    having reviewed."""
    org, campaigns = built.get("org"), built.get("campaigns")
    panel = reviewer_panel(org)
    for index in range(12):
        author = org.worker_a if index % 2 else org.colleague_a
        co_author = org.colleague_a if index % 2 else org.worker_a
        proposal = services.proposal_create(
            by=author,
            campaign=campaigns.open,
            **{**COMPLETE, "title": f"节水改造{index}"},
            author_share=Decimal(70),
            co_authors=[(co_author, Decimal(30))],
        )
        services.proposal_submit(proposal_id=proposal.pk, by=author)
        services.proposal_screen(proposal_id=proposal.pk, by=org.official_a)
        services.reviewers_assign(
            proposal_id=proposal.pk, by=org.group_official, reviewers=panel.experts[:3]
        )
        for reviewer, total in ((panel.experts[0], 80), (panel.experts[1], 60 + index)):
            services.review_submit(
                proposal_id=proposal.pk,
                by=reviewer,
                scores=rubric_scores(campaigns.open, total),
            )
    return panel


def count_queries(api, path, page_size) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, {"page_size": page_size})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] >= 12
    assert len(body["results"]) == page_size
    return len(queries)


@pytest.mark.parametrize("path", [REVIEWS, PROPOSALS])
@pytest.mark.parametrize("role", ["reviewer", "official_a", "group_official", "admin"])
def test_lists_take_the_same_queries_at_any_page_size(
    api, org, many, django_assert_num_queries, path, role
):
    person = fresh(many.experts[0] if role == "reviewer" else getattr(org, role))
    api.force_authenticate(person)
    at_5 = count_queries(api, path, 5)
    api.force_authenticate(fresh(person))
    at_10 = count_queries(api, path, 10)
    assert at_5 == at_10
    api.force_authenticate(fresh(person))
    with django_assert_num_queries(QUERIES[(path, role)]):
        api.get(path, {"page_size": 10})


# The viewer's scope (their unit's path and grants; a superuser has no unit: only
# grants), which the campaign filter's choices read too; then COUNT, the page and
# the prefetches: for reviews their scores (with criteria); for proposals the
# co-authors, related proposals and awards.
QUERIES = {
    (REVIEWS, "reviewer"): 5,
    (REVIEWS, "official_a"): 5,
    (REVIEWS, "group_official"): 5,
    (REVIEWS, "admin"): 4,
    (PROPOSALS, "reviewer"): 7,
    (PROPOSALS, "official_a"): 7,
    (PROPOSALS, "group_official"): 7,
    (PROPOSALS, "admin"): 6,
}
