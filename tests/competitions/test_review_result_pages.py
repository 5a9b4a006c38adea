"""What the review's results show: the award table, the decisions board, what
authors and everyone else read, and who may do what."""

import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from docx import Document

from competitions import services
from competitions.models import PLAIN_EVENTS, Proposal
from tests.competitions.conftest import a201_reviewers, proposal_maker
from tests.competitions.pages import fresh, url, zh
from tests.competitions.review_pages import board, crowd, post, review_form, snapshot
from tests.competitions.review_steps import (
    DEPARTMENT,
    EVIDENCE,
    VERIFIED,
    assign,
    decided,
    review,
    reviewed,
)
from tests.competitions.states import proposal_in
from tests.exports import exported_rows
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status


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

    @pytest.mark.parametrize(
        "set_up",
        [("first", "second", "encouragement"), ("encouragement", "second", "first")],
        ids=["in-rank-order", "lowest-first"],
    )
    def test_awards_are_listed_by_grade_rank_however_the_grades_were_set_up(
        self, as_person, org, make_proposal, spray, trio, set_up
    ):
        quota_and_amount = {"first": (1, 5000), "second": (3, 2000), "encouragement": (None, 200)}
        services.campaign_update(
            campaign_id=spray.campaign.pk,
            by=org.group_official,
            grades=[(grade, *quota_and_amount[grade]) for grade in set_up],
        )
        spray = decided(spray, org.official_a, trio, Status.AWARDED, grade="encouragement")
        roller, belt = (
            proposal_in(
                Status.UNDER_REVIEW,
                org=org,
                make_proposal=make_proposal,
                author=org.colleague_a,
                title=title,
            )
            for title in ("皮带机托辊更换工具改进", "刮板输送机链条张紧装置")
        )
        belt = decided(belt, org.official_a, trio, Status.AWARDED, grade="encouragement")
        roller = decided(roller, org.official_a, trio, Status.AWARDED, grade="first")

        response = as_person(org.official_a).get(awards(spray.campaign))

        # The grade's rank (first prize before encouragement), then the code.
        assert list(response.context["awards"]) == [roller.award, spray.award, belt.award]
        html = response.content.decode()
        rows = re.findall(r'<tr data-testid="award-row">.*?</tr>', html, re.S)
        codes = (roller.code, spray.code, belt.code)
        assert [code for row in rows for code in codes if code in row] == list(codes)

    def test_the_table_links_the_award_list_for_finance_in_word(
        self, as_person, org, make_proposal, spray, trio
    ):
        spray = decided(spray, org.official_a, trio, Status.AWARDED, grade="second")
        html = as_person(org.official_a).get(awards(spray.campaign)).content.decode()
        link = re.search(r'href="([^"]+)" download data-testid="award-list"', html).group(1)
        document = Document(io.BytesIO(as_person(org.official_a).get(link).content))
        cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
        assert {"王建国", "李卫东", spray.code} <= cells

    def test_the_table_exports_each_persons_share_for_finance(
        self, as_person, api, org, make_proposal, spray, trio
    ):
        spray = decided(spray, org.official_a, trio, Status.AWARDED, grade="second")
        html = as_person(org.official_a).get(awards(spray.campaign)).content.decode()
        csv_link = re.search(r'href="([^"]+as=csv)"', html).group(1).replace("&amp;", "&")
        rows = exported_rows(as_person(org.official_a).get(csv_link), "csv")
        header, body = rows[0], rows[1:]
        paid = {row[header.index("人员")]: row[header.index("应发金额（元）")] for row in body}
        assert paid == {"王建国": "1400.00", "李卫东": "600.00"}
        assert {row[header.index("代码")] for row in body} == {spray.code}
        # A person reads their own share only; another company's office none.
        shares = "/api/v1/award-shares/"
        api.force_authenticate(spray.author)
        mine = api.get(shares).json()["results"]
        assert [(s["person"]["full_name"], s["amount"]) for s in mine] == [("王建国", "1400.00")]
        api.force_authenticate(org.official_b)
        assert api.get(shares).json()["results"] == []
        # The list reads in the same queries however many awards there are.
        api.force_authenticate(org.official_a)
        with CaptureQueriesContext(connection) as two:
            assert len(api.get(shares).json()["results"]) == 2
        roller = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            author=org.colleague_a,
            title="皮带机托辊更换工具改进",
        )
        decided(roller, org.official_a, trio, Status.AWARDED, grade="first")
        with CaptureQueriesContext(connection) as three:
            assert len(api.get(shares).json()["results"]) == 3
        assert len(three) == len(two)


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

    @pytest.mark.parametrize(
        ("earlier", "later"), [(40, 90), (90, 40)], ids=["later-higher", "earlier-higher"]
    )
    def test_below_the_minimum_by_code_with_no_score_whatever_they_scored(
        self, as_person, org, make_proposal, people, spray, trio, earlier, later
    ):
        reviewed(spray, org.official_a, trio, 60, 70, 80)
        first, second = (
            proposal_in(
                Status.UNDER_REVIEW,
                org=org,
                make_proposal=make_proposal,
                author=org.colleague_a,
                title=title,
            )
            for title in ("皮带机托辊更换工具改进", "刮板输送机链条张紧装置")
        )
        reviewed(first, org.official_a, [people.one], earlier)
        reviewed(second, org.official_a, [people.one], later)

        response = as_person(org.official_a).get(board(spray.campaign))

        assert list(response.context["rows"]) == [spray, first, second]
        rows = re.findall(r'<tr data-testid="board-row">.*?</tr>', response.content.decode(), re.S)
        assert "70.00" in rows[0]
        for row in rows[1:]:
            assert "1 / 1" in row and "—" in row
            assert "40.00" not in row and "90.00" not in row


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
    pytest.param("proposal-assign", Status.UNDER_REVIEW, {"others_key": "reviewer_4"}, id="assign"),
    pytest.param(
        "proposal-replace-reviewer",
        Status.UNDER_REVIEW,
        {"reviewer": "one", "replacement_key": "reviewer_4"},
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


@shared_data(needs=("org", "campaigns"))
def ready_sprays(built):
    """`people`'s reviewers (`people`; the authors keep their names, which nothing
    here reads) and {state: proposal}: for each state a step starts from, a
    proposal like `spray` brought there by `ready`."""
    org, make_proposal = built.get("org"), proposal_maker(built.get("campaigns"))
    people = a201_reviewers(org)
    sprays = {}
    for status in dict.fromkeys(param.values[1] for param in STEPS):
        spray = proposal_in(
            Status.UNDER_REVIEW,
            org=org,
            make_proposal=make_proposal,
            co_authors=[(org.colleague_a, Decimal(30))],
        )
        sprays[status] = ready(spray, org, people, status)
    return SimpleNamespace(people=people, sprays=sprays)


class TestWhoMayDoWhat:
    @pytest.mark.parametrize(("name", "status", "data"), STEPS)
    @pytest.mark.parametrize(("who", "code"), REFUSED)
    def test_an_official_step_is_refused_to_everyone_but_the_office(
        self, as_person, org, ready_sprays, name, status, data, who, code
    ):
        people, spray = ready_sprays.people, ready_sprays.sprays[status]
        before = snapshot(spray)

        response = post(as_person(role(org, people, who)), name, spray, **step_data(data, people))

        assert response.status_code == code
        assert snapshot(spray) == before

    @pytest.mark.parametrize(("name", "status", "data"), STEPS)
    @pytest.mark.parametrize("who", ["official_a", "group_official", "admin"])
    def test_an_official_step_is_open_to_the_officials_over_the_author(
        self, as_person, org, ready_sprays, name, status, data, who
    ):
        people, spray = ready_sprays.people, ready_sprays.sprays[status]
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


@pytest.mark.parametrize("count", [5, 30])
def test_the_decisions_board_takes_the_same_queries_for_any_number_of_rows(
    as_person, org, make_proposal, people, campaigns, django_assert_num_queries, count
):
    crowd(org, make_proposal, people, count)
    client = as_person(fresh(org.official_a))
    # the session, the user, the scope (own unit, grants; the campaign scope reads
    # the own unit from it), the campaign, the rows with their scores
    with django_assert_num_queries(6):
        response = client.get(board(campaigns.open))
    assert response.status_code == 200
    assert len(response.context["rows"]) == count


def plain(status) -> str:
    """The timeline's plain words for a step, as the Chinese page shows them."""
    with translation.override("zh-hans"):
        return escape(str(PLAIN_EVENTS[status]))
