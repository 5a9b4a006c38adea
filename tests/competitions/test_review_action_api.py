"""The review API's office actions for every role: assign, decide, implement,
verify and award."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from competitions import services
from competitions.models import Award, Proposal
from tests.api_answers import results
from tests.competitions.conftest import proposal_maker
from tests.competitions.review_api import (
    PROPOSALS,
    REVIEWS,
    field_errors,
    refused,
    review_body,
    url,
    who,
)
from tests.competitions.states import EVERY_STATE, proposal_at, review_snapshot
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status

DAY = datetime.timedelta(days=1)


# --- Every action, every role --------------------------------------------------------------


def body_for(action, panel, actor=None) -> dict:
    """A valid body for the action, naming only people `actor` may see (so the
    right, not the input, is what a refusal is about): company C's experts see
    each other, company A sees the neighbour."""
    in_company_c = actor is not None and actor.org_unit_id == panel.team_c101.pk
    assignee = panel.experts[4] if in_company_c else panel.neighbour
    return {
        "assign-reviewers": {"reviewers": [assignee.pk]},
        "replace-reviewer": {"reviewer": panel.experts[3].pk, "replacement": panel.neighbour.pk},
        "decide": {"outcome": "approved"},
        "implement": {"implemented_on": timezone.localdate().isoformat(), "department": "机电科"},
        "verify-benefit": {"verified_benefit": "86000.50", "evidence": "财务核算单"},
        "award": {"grade": "encouragement"},
    }[action]


# action: (the state it starts from, the state it leads to (None: stays))
ACTIONS = {
    "assign-reviewers": (Status.UNDER_REVIEW, None),
    "replace-reviewer": (Status.UNDER_REVIEW, None),
    "decide": (Status.UNDER_REVIEW, Status.APPROVED),
    "implement": (Status.APPROVED, Status.IMPLEMENTED),
    "verify-benefit": (Status.IMPLEMENTED, Status.BENEFIT_VERIFIED),
    "award": (Status.BENEFIT_VERIFIED, Status.AWARDED),
}


@shared_data(needs=("org", "campaigns", "panel"))
def co_written_by_official_a(built):
    """{state: proposal}: in each state an action starts from, worker_a's proposal
    co-written by official_a at 50 %, run by the group official."""
    org, panel = built.get("org"), built.get("panel")
    make_proposal = proposal_maker(built.get("campaigns"))
    return {
        source: proposal_at(
            source,
            org=org,
            make_proposal=make_proposal,
            reviewers=panel.experts[:4],
            official=org.group_official,
            author_share=Decimal(50),
            co_authors=[(org.official_a, Decimal(50))],
        )
        for source in dict.fromkeys(source for source, _target in ACTIONS.values())
    }


def wrong_states():
    return [
        (action, status)
        for action, (source, _target) in ACTIONS.items()
        for status in EVERY_STATE
        if status not in (source, Status.DRAFT)
    ]


class TestActions:
    @pytest.mark.parametrize("action", list(ACTIONS))
    @pytest.mark.parametrize("role", ["official_a", "group_official", "admin"])
    def test_official_over_the_author_acts(self, api, org, panel, each_state, action, role):
        source, target = ACTIONS[action]
        proposal = each_state[source]
        events = proposal.events.count()
        api.force_authenticate(getattr(org, role))
        response = api.post(url(proposal, action), body_for(action, panel), format="json")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == (target or source)
        proposal.refresh_from_db()
        assert proposal.status == (target or source)
        assert proposal.events.count() == events + (target is not None)

    @pytest.mark.parametrize(("action", "status"), wrong_states())
    def test_any_other_state_is_409_and_nothing_changes(
        self, api, org, panel, each_state, action, status
    ):
        # experts[3] is a reviewer of each_state's proposal under review (one of
        # official_a's), so the replace-reviewer body names someone official_a
        # may replace and the state is what fails
        proposal = each_state[status]
        before = review_snapshot(proposal)
        api.force_authenticate(org.official_a)
        response = api.post(url(proposal, action), body_for(action, panel), format="json")
        refused(response, 409, "invalid_transition")
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("action", [name for name in ACTIONS if name != "replace-reviewer"])
    @pytest.mark.parametrize("role", ["worker_a", "colleague_a", "reviewer"])
    def test_author_co_author_and_reviewer_get_403(self, api, org, panel, each_state, action, role):
        proposal = each_state[ACTIONS[action][0]]
        before = review_snapshot(proposal)
        actor = who(org, panel, role)
        api.force_authenticate(actor)
        body = body_for(action, panel, actor)
        refused(api.post(url(proposal, action), body, format="json"), 403)
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("role", ["worker_a", "colleague_a", "reviewer"])
    def test_those_who_answer_for_no_proposal_cannot_even_name_a_reviewer_to_replace_400(
        self, api, org, panel, each_state, role
    ):
        # the reviewer to replace is looked up among the reviewers of proposals
        # the requester answers for: an author learns nothing of who reviews
        proposal = each_state[Status.UNDER_REVIEW]
        before = review_snapshot(proposal)
        api.force_authenticate(who(org, panel, role))
        response = api.post(
            url(proposal, "replace-reviewer"), body_for("replace-reviewer", panel), format="json"
        )
        assert "reviewer" in field_errors(response)
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("action", list(ACTIONS))
    @pytest.mark.parametrize("role", ["official_b", "worker_b", "outside_expert"])
    def test_outsiders_get_404(self, api, org, panel, each_state, action, role):
        proposal = each_state[ACTIONS[action][0]]
        before = review_snapshot(proposal)
        api.force_authenticate(who(org, panel, role))
        response = api.post(url(proposal, action), body_for(action, panel), format="json")
        refused(response, 404, "not_found")
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("action", list(ACTIONS))
    def test_anonymous_gets_401(self, api, org, panel, each_state, action):
        proposal = each_state[ACTIONS[action][0]]
        response = api.post(url(proposal, action), body_for(action, panel), format="json")
        refused(response, 401, "not_authenticated")

    @pytest.mark.parametrize("action", list(ACTIONS))
    def test_an_official_cannot_act_on_a_proposal_they_co_wrote_403(
        self, api, org, panel, co_written_by_official_a, action
    ):
        proposal = co_written_by_official_a[ACTIONS[action][0]]
        before = review_snapshot(proposal)
        api.force_authenticate(org.official_a)
        refused(api.post(url(proposal, action), body_for(action, panel), format="json"), 403)
        assert review_snapshot(proposal) == before


class TestAssignApi:
    def test_assignment_by_the_group_official(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        api.force_authenticate(org.group_official)
        response = api.post(
            url(proposal, "assign-reviewers"),
            {"reviewers": [panel.experts[1].pk, panel.experts[2].pk]},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["reviews_in"] == 0
        assert set(proposal.assignments.values_list("reviewer_id", flat=True)) == {
            expert.pk for expert in panel.experts[:3]
        }

    @pytest.mark.parametrize("recused", ["worker_a", "colleague_a", "teammate"])
    def test_recused_people_are_400_naming_them(self, api, org, panel, at, recused):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        person = getattr(panel, recused, None) or getattr(org, recused)
        before = review_snapshot(proposal)
        api.force_authenticate(org.group_official)
        response = api.post(
            url(proposal, "assign-reviewers"),
            {"reviewers": [panel.experts[1].pk, person.pk]},
            format="json",
        )
        (message,) = field_errors(response)["reviewers"]
        assert person.full_name in message
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("case", ["none", "empty", "unknown", "company C for official_a"])
    def test_no_unknown_or_unseen_reviewer_is_400(self, api, org, panel, at, case):
        proposal = at(Status.UNDER_REVIEW, reviewers=panel.experts[:1], totals=())
        body = {
            "none": {},
            "empty": {"reviewers": []},
            "unknown": {"reviewers": [999999]},
            "company C for official_a": {"reviewers": [panel.experts[1].pk]},
        }[case]
        before = review_snapshot(proposal)
        api.force_authenticate(org.official_a)
        response = api.post(url(proposal, "assign-reviewers"), body, format="json")
        assert "reviewers" in field_errors(response)
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize(
        ("action", "field"),
        [("assign-reviewers", "reviewers"), ("replace-reviewer", "replacement")],
    )
    def test_someone_no_longer_active_is_400_naming_them(self, api, org, panel, at, action, field):
        proposal = at(Status.UNDER_REVIEW)  # experts[3] has not reviewed
        gone = panel.experts[4]
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
        body = {
            "assign-reviewers": {"reviewers": [gone.pk]},
            "replace-reviewer": {"reviewer": panel.experts[3].pk, "replacement": gone.pk},
        }[action]
        before = review_snapshot(proposal)
        api.force_authenticate(org.group_official)
        response = api.post(url(proposal, action), body, format="json")
        assert field_errors(response)[field] == [f"{gone.full_name} 已停用"]
        assert review_snapshot(proposal) == before

    def test_replacing_a_reviewer_who_has_reviewed_is_409(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        before = review_snapshot(proposal)
        api.force_authenticate(org.group_official)
        body = {"reviewer": panel.experts[0].pk, "replacement": panel.experts[4].pk}
        refused(api.post(url(proposal, "replace-reviewer"), body, format="json"), 409)
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize(
        ("reviewer", "replacement", "field"),
        [
            (4, "neighbour", "reviewer"),  # experts[4] does not review it
            (3, "teammate", "replacement"),  # recused
            (3, "worker_a", "replacement"),  # the author
        ],
    )
    def test_replacement_refused_400_on_the_field_sent(
        self, api, org, panel, at, reviewer, replacement, field
    ):
        proposal = at(Status.UNDER_REVIEW)
        replacement = getattr(panel, replacement, None) or getattr(org, replacement)
        before = review_snapshot(proposal)
        api.force_authenticate(org.group_official)
        body = {"reviewer": panel.experts[reviewer].pk, "replacement": replacement.pk}
        response = api.post(url(proposal, "replace-reviewer"), body, format="json")
        assert field in field_errors(response)
        assert review_snapshot(proposal) == before

    def test_the_replaced_reviewer_loses_the_proposal_404(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        api.force_authenticate(org.group_official)
        body = {"reviewer": panel.experts[3].pk, "replacement": panel.experts[4].pk}
        assert api.post(url(proposal, "replace-reviewer"), body, format="json").status_code == 200
        api.force_authenticate(panel.experts[3])
        refused(api.get(url(proposal)), 404)
        assert "proposal_id" in field_errors(
            api.post(REVIEWS, review_body(proposal), format="json")
        )
        api.force_authenticate(panel.experts[4])
        assert api.post(REVIEWS, review_body(proposal), format="json").status_code == 201


class TestDecisionApi:
    def test_decision_fixes_the_score(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, totals=(80, 70, 71))
        api.force_authenticate(org.official_a)
        body = api.post(url(proposal, "decide"), {"outcome": "approved"}, format="json").json()
        assert (body["status"], body["score"]) == ("approved", "73.67")
        assert body["decided_at"]

    def test_before_the_minimum_reviews_is_409(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW, totals=(80, 70))
        before = review_snapshot(proposal)
        api.force_authenticate(org.official_a)
        response = api.post(url(proposal, "decide"), {"outcome": "approved"}, format="json")
        refused(response, 409, "reviews_missing")
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"outcome": "rejected"}, "reason"),
            ({"outcome": "rejected", "reason": "  "}, "reason"),
            ({"outcome": "awarded"}, "outcome"),
            ({}, "outcome"),
        ],
    )
    def test_rejection_without_a_reason_or_an_unknown_outcome_is_400(
        self, api, org, panel, at, body, field
    ):
        proposal = at(Status.UNDER_REVIEW)
        before = review_snapshot(proposal)
        api.force_authenticate(org.official_a)
        assert field in field_errors(api.post(url(proposal, "decide"), body, format="json"))
        assert review_snapshot(proposal) == before

    def test_rejection_with_its_reason(self, api, org, panel, at):
        proposal = at(Status.UNDER_REVIEW)
        api.force_authenticate(org.official_a)
        body = {"outcome": "rejected", "reason": "推广价值有限"}
        response = api.post(url(proposal, "decide"), body, format="json").json()
        assert (response["status"], response["decision_reason"]) == ("rejected", "推广价值有限")
        # the author reads it on the timeline
        api.force_authenticate(org.worker_a)
        assert api.get(url(proposal, "events")).json()[-1]["note"] == "推广价值有限"


class TestImplementAndVerifyApi:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"implemented_on": "", "department": "机电科"}, "implemented_on"),
            ({"implemented_on": "tomorrow", "department": "机电科"}, "implemented_on"),
            ({"implemented_on": "today", "department": ""}, "department"),
            (
                {"implemented_on": "today", "department": "机电科", "achievement_id": 999999},
                "achievement_id",
            ),
        ],
    )
    def test_missing_or_impossible_implementation_is_400(self, api, org, panel, at, body, field):
        dates = {"today": timezone.localdate(), "tomorrow": timezone.localdate() + DAY}
        body = {**body, "implemented_on": str(dates.get(body["implemented_on"], ""))}
        proposal = at(Status.APPROVED)
        before = review_snapshot(proposal)
        api.force_authenticate(org.official_a)
        assert field in field_errors(api.post(url(proposal, "implement"), body, format="json"))
        assert review_snapshot(proposal) == before

    def test_implementation_is_shown(self, api, org, panel, at):
        proposal = at(Status.APPROVED)
        api.force_authenticate(org.official_a)
        body = api.post(url(proposal, "implement"), body_for("implement", panel), format="json")
        assert (body.json()["implemented_on"], body.json()["implementing_department"]) == (
            timezone.localdate().isoformat(),
            "机电科",
        )

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"verified_benefit": "-1", "evidence": "财务核算"}, "verified_benefit"),
            ({"evidence": "财务核算"}, "verified_benefit"),
            ({"verified_benefit": "1000"}, "evidence"),
            ({"verified_benefit": "1000", "evidence": " "}, "evidence"),
        ],
    )
    def test_missing_figure_or_evidence_is_400(self, api, org, panel, at, body, field):
        proposal = at(Status.IMPLEMENTED)
        before = review_snapshot(proposal)
        api.force_authenticate(org.official_a)
        response = api.post(url(proposal, "verify-benefit"), body, format="json")
        assert field in field_errors(response)
        assert review_snapshot(proposal) == before

    @pytest.mark.parametrize("status", [Status.BENEFIT_VERIFIED, Status.AWARDED])
    def test_verified_figure_cannot_be_changed_in_any_way(self, api, org, panel, at, status):
        proposal = at(status)
        before = review_snapshot(proposal)
        for role in ("official_a", "group_official", "admin"):
            api.force_authenticate(getattr(org, role))
            again = {"verified_benefit": "1.00", "evidence": "重新核算"}
            refused(api.post(url(proposal, "verify-benefit"), again, format="json"), 409)
        for role in ("worker_a", "official_a", "admin"):
            api.force_authenticate(getattr(org, role))
            for field, value in (("verified_benefit", "1.00"), ("verified_on", "2000-01-01")):
                response = api.patch(url(proposal), {field: value}, format="json")
                assert response.status_code in (400, 403, 409), response.content
        assert review_snapshot(proposal) == before
        api.force_authenticate(org.worker_a)
        assert api.get(url(proposal)).json()["verified_benefit"] == "98000.00"


class TestAwardApi:
    def test_award_shows_the_split_to_the_authors(self, api, org, panel, at):
        proposal = at(Status.BENEFIT_VERIFIED)  # worker_a 60 %, colleague_a 40 %
        api.force_authenticate(org.official_a)
        response = api.post(url(proposal, "award"), {"grade": "second"}, format="json")
        assert response.status_code == 200, response.content
        for author in (org.worker_a, org.colleague_a):
            api.force_authenticate(author)
            body = api.get(url(proposal)).json()
            assert body["status"] == "awarded"
            given = body["award"]
            assert (given["grade"], given["amount"]) == ("second", "2000.00")
            shares = {row["person"]["id"]: (row["share"], row["amount"]) for row in given["shares"]}
            assert shares == {
                org.worker_a.pk: ("60.00", "1200.00"),
                org.colleague_a.pk: ("40.00", "800.00"),
            }
            mine = [row for row in results(api.get(PROPOSALS)) if row["id"] == proposal.pk]
            assert mine[0]["award"] == given

    def test_awkward_split_sums_exactly_in_the_api(
        self, api, org, panel, make_proposal, studios, campaigns
    ):
        services.campaign_update(
            campaign_id=campaigns.open.pk,
            by=org.group_official,
            grades=[("excellence", None, Decimal("999.99"))],
        )
        proposal = proposal_at(
            Status.BENEFIT_VERIFIED,
            org=org,
            make_proposal=make_proposal,
            reviewers=panel.experts[:3],
            author_share=Decimal("33.33"),
            co_authors=[(org.colleague_a, Decimal("33.33")), (studios.member_a, Decimal("33.34"))],
        )
        api.force_authenticate(org.official_a)
        given = api.post(url(proposal, "award"), {"grade": "excellence"}, format="json").json()
        amounts = [Decimal(row["amount"]) for row in given["award"]["shares"]]
        assert sum(amounts) == Decimal("999.99")
        by_person = {row["person"]["id"]: row["amount"] for row in given["award"]["shares"]}
        assert by_person == {
            org.worker_a.pk: "333.31",  # the remainder goes to the author
            org.colleague_a.pk: "333.29",
            studios.member_a.pk: "333.39",
        }

    @pytest.mark.parametrize("grade", ["special", "third", "nonsense"])
    def test_a_grade_not_in_the_campaign_is_400(self, api, org, panel, at, grade):
        proposal = at(Status.BENEFIT_VERIFIED)
        before = review_snapshot(proposal)
        api.force_authenticate(org.official_a)
        response = api.post(url(proposal, "award"), {"grade": grade}, format="json")
        assert "grade" in field_errors(response)
        assert review_snapshot(proposal) == before

    def test_quota_used_up_is_409(self, api, org, panel, at):
        first = at(Status.BENEFIT_VERIFIED, title="一等奖")
        second = at(Status.BENEFIT_VERIFIED, title="也想一等奖")
        api.force_authenticate(org.official_a)
        assert api.post(url(first, "award"), {"grade": "first"}).status_code == 200
        before = review_snapshot(second)
        api.force_authenticate(org.group_official)
        response = api.post(url(second, "award"), {"grade": "first"}, format="json")
        refused(response, 409, "quota_used_up")
        assert review_snapshot(second) == before
        assert Award.objects.filter(grade__grade="first").count() == 1

    def test_unlimited_grade_keeps_giving(self, api, org, panel, at):
        api.force_authenticate(org.official_a)
        for index in range(4):
            proposal = at(Status.BENEFIT_VERIFIED, title=f"鼓励{index}")
            response = api.post(url(proposal, "award"), {"grade": "encouragement"}, format="json")
            assert response.status_code == 200, response.content
        assert Award.objects.filter(grade__grade="encouragement").count() == 4
