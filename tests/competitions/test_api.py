"""The competitions API for every role (issue 5): campaigns, the worker's
proposals, entry on behalf, the screening actions, the timeline and the
similar-proposal hints, with the status codes of DESIGN.md §5 (400 invalid,
401, 403 visible but not allowed, 404 not visible, 409 the state forbids it)."""

import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from competitions import services
from competitions.models import Campaign, CoAuthor, Proposal
from competitions.services.proposals import REQUIRED_TO_SUBMIT
from core.models import Attachment
from tests.competitions.conftest import COMPLETE
from tests.competitions.states import ALL_OF_ISSUE_5, proposal_in
from tests.factories import PersonFactory, grant_official

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/api/v1/campaigns/"
PROPOSALS = "/api/v1/proposals/"
SIMILAR = f"{PROPOSALS}similar/"
Status = Proposal.Status
DAY = datetime.timedelta(days=1)


# --- Helpers ------------------------------------------------------------------------


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def titles(response) -> set[str]:
    return {row["title"] for row in results(response)}


def field_errors(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    return body["errors"]


def refused(response, status: int, code: str | None = None) -> dict:
    """A refusal other than 400: the one-sentence body, no field errors."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    assert "errors" not in body
    if code:
        assert body["code"] == code
    return body


def snapshot(proposal):
    proposal = Proposal.objects.get(pk=proposal.pk)
    return (proposal.status, proposal.code, proposal.title, proposal.events.count())


def url(proposal, action=None) -> str:
    return f"{PROPOSALS}{proposal.pk}/" + (f"{action}/" if action else "")


def payload(campaign, **overrides) -> dict:
    body = {**COMPLETE, "campaign_id": campaign.pk, "expected_benefit": "120000.00"}
    return {**body, **overrides}


@pytest.fixture
def state(org, make_proposal):
    def bring(status, **kwargs):
        return proposal_in(status, org=org, make_proposal=make_proposal, **kwargs)

    return bring


def test_anonymous_gets_401(api, campaigns):
    for path in (CAMPAIGNS, PROPOSALS, SIMILAR + "?title=喷雾"):
        response = api.get(path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"


# --- Campaigns ----------------------------------------------------------------------


GROUP_WIDE = {"五小竞赛（本年）", "五小竞赛（上年）", "五小竞赛（下期）"}
ALL_CAMPAIGNS = GROUP_WIDE | {"B 公司五小"}


class TestCampaignApi:
    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("group_official", ALL_CAMPAIGNS),
            ("official_a", GROUP_WIDE),
            ("official_b", ALL_CAMPAIGNS),
            ("worker_a", GROUP_WIDE),
            ("worker_b", ALL_CAMPAIGNS),
            ("admin", ALL_CAMPAIGNS),
        ],
    )
    def test_campaigns_are_seen_by_those_who_may_enter_and_their_officials(
        self, api, org, campaigns, role, expected
    ):
        api.force_authenticate(getattr(org, role))
        assert {row["name"] for row in results(api.get(CAMPAIGNS))} == expected

    def test_campaign_of_another_company_is_404(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        refused(api.get(f"{CAMPAIGNS}{campaigns.company_b.pk}/"), 404, "not_found")

    def test_detail_shows_rubric_grades_and_phase(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        body = api.get(f"{CAMPAIGNS}{campaigns.open.pk}/").json()
        assert body["phase"] == "open"
        assert [c["max_points"] for c in body["criteria"]] == [30, 30, 20, 20]
        assert [(g["grade"], g["quota"]) for g in body["grades"]] == [
            ("first", 1),
            ("second", 3),
            ("encouragement", None),
        ]
        phases = {
            row["name"]: row["phase"] for row in results(api.get(CAMPAIGNS, {"page_size": 10}))
        }
        assert phases == {
            "五小竞赛（本年）": "open",
            "五小竞赛（上年）": "closed",
            "五小竞赛（下期）": "upcoming",
        }

    def campaign_payload(self, org, **overrides):
        now = timezone.now()
        return {
            "name": "A 公司五小",
            "year": now.year,
            "org_unit_id": org.company_a.pk,
            "opens_at": now.isoformat(),
            "closes_at": (now + 30 * DAY).isoformat(),
            "review_deadline": (timezone.localdate() + 60 * DAY).isoformat(),
            "grades": [{"grade": "first", "quota": 2, "amount": "3000"}],
            **overrides,
        }

    def test_official_opens_a_campaign(self, api, org):
        api.force_authenticate(org.official_a)
        response = api.post(CAMPAIGNS, self.campaign_payload(org), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["org_unit"]["code"] == "A"
        assert len(body["criteria"]) == 4
        assert body["grades"][0]["amount"] == "3000.00"

    def test_worker_cannot_open_a_campaign_403(self, api, org):
        api.force_authenticate(org.worker_a)
        payload = self.campaign_payload(org, org_unit_id=org.team_a101.pk)
        refused(api.post(CAMPAIGNS, payload, format="json"), 403)
        assert not Campaign.objects.exists()

    def test_unit_outside_the_officials_scope_is_400(self, api, org):
        api.force_authenticate(org.official_b)
        assert "org_unit_id" in field_errors(
            api.post(CAMPAIGNS, self.campaign_payload(org), format="json")
        )
        assert not Campaign.objects.exists()

    def test_closing_before_opening_is_400(self, api, org):
        api.force_authenticate(org.official_a)
        payload = self.campaign_payload(org, closes_at=timezone.now().isoformat())
        payload["opens_at"] = (timezone.now() + DAY).isoformat()
        assert "closes_at" in field_errors(api.post(CAMPAIGNS, payload, format="json"))

    def test_group_official_renames_and_official_b_may_not_403(self, api, org, campaigns):
        api.force_authenticate(org.official_b)
        refused(api.patch(f"{CAMPAIGNS}{campaigns.open.pk}/", {"name": "改名"}), 403)
        api.force_authenticate(org.group_official)
        response = api.patch(f"{CAMPAIGNS}{campaigns.open.pk}/", {"name": "改名"}, format="json")
        assert response.status_code == 200, response.content
        assert Campaign.objects.get(pk=campaigns.open.pk).name == "改名"


# --- Writing a proposal ---------------------------------------------------------------


class TestProposalCreate:
    def test_worker_saves_a_draft(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        response = api.post(PROPOSALS, payload(campaigns.open), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["status"], body["code"], body["author"]["id"]) == (
            "draft",
            None,
            org.worker_a.pk,
        )
        assert (body["entered_by"], body["org_unit"]["code"]) == (None, "A101")
        assert sorted(body["goals"]) == ["energy", "safety"]
        assert body["author_share"] == "100.00"

    def test_a_title_alone_is_a_draft(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        response = api.post(
            PROPOSALS, {"campaign_id": campaigns.open.pk, "title": "托辊"}, format="json"
        )
        assert response.status_code == 201, response.content

    def test_closed_campaign_is_409(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        refused(api.post(PROPOSALS, payload(campaigns.closed), format="json"), 409, "window_closed")
        assert not Proposal.objects.exists()

    def test_campaign_the_worker_cannot_see_is_400(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        errors = field_errors(api.post(PROPOSALS, payload(campaigns.company_b), format="json"))
        assert "campaign_id" in errors
        assert not Proposal.objects.exists()

    def test_co_authors_with_shares(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        body = payload(
            campaigns.open,
            author_share="60",
            co_authors=[{"person_id": org.colleague_a.pk, "share": "40"}],
        )
        response = api.post(PROPOSALS, body, format="json")
        assert response.status_code == 201, response.content
        assert [(c["person"]["id"], c["share"]) for c in response.json()["co_authors"]] == [
            (org.colleague_a.pk, "40.00")
        ]

    @pytest.mark.parametrize(("author", "co"), [("70", "40"), ("50", "20")])
    def test_shares_not_adding_to_100_are_400_on_co_authors(self, api, org, campaigns, author, co):
        api.force_authenticate(org.worker_a)
        body = payload(
            campaigns.open,
            author_share=author,
            co_authors=[{"person_id": org.colleague_a.pk, "share": co}],
        )
        assert "co_authors" in field_errors(api.post(PROPOSALS, body, format="json"))
        assert not Proposal.objects.exists() and not CoAuthor.objects.exists()

    def test_co_author_outside_the_authors_company_is_400(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        body = payload(campaigns.open, co_authors=[{"person_id": org.worker_b.pk, "share": "50"}])
        assert "co_authors" in field_errors(api.post(PROPOSALS, body, format="json"))
        assert not Proposal.objects.exists()

    def test_studio_outside_the_authors_view_is_400(self, api, studios, campaigns):
        api.force_authenticate(studios.org.worker_a)
        for studio in (studios.dust, studios.turbine):
            body = payload(campaigns.open, studio_id=studio.pk)
            assert "studio_id" in field_errors(api.post(PROPOSALS, body, format="json"))
        assert not Proposal.objects.exists()

    def test_unknown_origin_problem_is_400(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        body = payload(campaigns.open, origin_problem_id=999999)
        assert "origin_problem_id" in field_errors(api.post(PROPOSALS, body, format="json"))

    def test_unknown_category_and_aim_are_400(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        body = payload(campaigns.open, category="big", goals=["fame"])
        assert {"category", "goals"} <= set(field_errors(api.post(PROPOSALS, body, format="json")))

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("status", "submitted"),
            ("code", "2025-A101-0001"),
            ("author", 1),
            ("org_unit", 1),
            ("entered_by", 1),
            ("submitted_at", "2025-01-01T00:00:00+08:00"),
            ("duplicate_of", 1),
            ("score", 99),
        ],
    )
    def test_privileged_fields_on_create_are_400_and_nothing_is_saved(
        self, api, org, campaigns, field, value
    ):
        api.force_authenticate(org.worker_a)
        response = api.post(PROPOSALS, payload(campaigns.open, **{field: value}), format="json")
        assert field in field_errors(response)
        assert not Proposal.objects.exists()


class TestEntryOnBehalf:
    def test_official_enters_a_proposal_for_a_worker_in_their_units(self, api, org, campaigns):
        api.force_authenticate(org.official_a)
        response = api.post(
            PROPOSALS, payload(campaigns.open, author_id=org.worker_a.pk), format="json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["author"]["id"], body["entered_by"]["id"]) == (
            org.worker_a.pk,
            org.official_a.pk,
        )
        assert body["org_unit"]["code"] == "A101"
        # the official submits it for the worker; both see it
        submitted = api.post(url(SimpleNamespace(pk=body["id"]), "submit"))
        assert submitted.status_code == 200, submitted.content
        api.force_authenticate(org.worker_a)
        assert api.get(f"{PROPOSALS}{body['id']}/").json()["status"] == "submitted"

    def test_worker_cannot_enter_one_for_a_colleague_403(self, api, org, campaigns):
        api.force_authenticate(org.worker_a)
        response = api.post(
            PROPOSALS, payload(campaigns.open, author_id=org.colleague_a.pk), format="json"
        )
        refused(response, 403)
        assert not Proposal.objects.exists()

    def test_official_cannot_enter_one_for_someone_outside_their_units_400(
        self, api, org, campaigns
    ):
        api.force_authenticate(org.official_b)
        response = api.post(
            PROPOSALS, payload(campaigns.open, author_id=org.worker_a.pk), format="json"
        )
        assert "author_id" in field_errors(response)
        assert not Proposal.objects.exists()

    def test_group_official_cannot_enter_for_a_worker_in_a_campaign_they_may_not_enter(
        self, api, org, campaigns
    ):
        api.force_authenticate(org.group_official)
        response = api.post(
            PROPOSALS, payload(campaigns.company_b, author_id=org.worker_a.pk), format="json"
        )
        assert "campaign_id" in field_errors(response)
        assert not Proposal.objects.exists()

    def test_official_of_one_team_cannot_enter_for_a_worker_they_only_see_400(
        self, api, org, campaigns
    ):
        # an official over team A102 sees worker_a in the company directory,
        # but does not answer for team A101
        team_official = PersonFactory(org_unit=org.team_a102)
        grant_official(team_official, org.team_a102)
        api.force_authenticate(team_official)
        response = api.post(
            PROPOSALS, payload(campaigns.open, author_id=org.worker_a.pk), format="json"
        )
        assert "author_id" in field_errors(response)
        assert not Proposal.objects.exists()

    def test_studio_the_official_sees_but_the_worker_does_not_is_400(self, api, studios, campaigns):
        api.force_authenticate(studios.org.group_official)
        body = payload(campaigns.open, author_id=studios.org.worker_a.pk, studio_id=studios.dust.pk)
        assert "studio_id" in field_errors(api.post(PROPOSALS, body, format="json"))
        assert not Proposal.objects.exists()


class TestProposalUpdate:
    @pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED])
    def test_author_edits_a_draft_or_returned_proposal(self, api, org, state, status):
        proposal = state(status)
        api.force_authenticate(org.worker_a)
        response = api.patch(url(proposal), {"post": "主运输巷 3 号机头"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["post"] == "主运输巷 3 号机头"
        assert response.json()["status"] == status

    @pytest.mark.parametrize(
        "status", [Status.SUBMITTED, Status.WITHDRAWN, Status.UNDER_REVIEW, Status.DUPLICATE]
    )
    def test_editing_outside_draft_or_returned_is_409(self, api, org, state, status):
        proposal = state(status)
        before = snapshot(proposal)
        api.force_authenticate(org.worker_a)
        refused(api.patch(url(proposal), {"title": "改名"}, format="json"), 409)
        assert snapshot(proposal) == before

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("status", "submitted"),
            ("code", "2025-A101-0099"),
            ("author", 1),
            ("author_id", "colleague"),
            ("campaign_id", "upcoming"),
            ("submitted_at", "2025-01-01T00:00:00+08:00"),
            ("duplicate_of", 1),
        ],
    )
    def test_privileged_fields_on_update_are_400_and_nothing_changes(
        self, api, org, campaigns, state, field, value
    ):
        proposal = state(Status.DRAFT)
        value = {"colleague": org.colleague_a.pk, "upcoming": campaigns.upcoming.pk}.get(
            value, value
        )
        api.force_authenticate(org.worker_a)
        response = api.patch(url(proposal), {field: value, "title": "改名"}, format="json")
        assert field in field_errors(response)
        fresh = Proposal.objects.get(pk=proposal.pk)
        assert (fresh.status, fresh.code, fresh.title) == ("draft", None, COMPLETE["title"])
        assert (fresh.author, fresh.campaign) == (org.worker_a, campaigns.open)

    def test_co_author_may_read_but_not_edit_403(self, api, org, make_proposal):
        proposal = make_proposal(org.worker_a, co_authors=[(org.colleague_a, Decimal(40))])
        services.proposal_return(proposal_id=proposal.pk, by=org.official_a, comment="补充")
        api.force_authenticate(org.colleague_a)
        assert api.get(url(proposal)).status_code == 200
        refused(api.patch(url(proposal), {"title": "改名"}, format="json"), 403)
        assert snapshot(proposal)[2] == COMPLETE["title"]

    def test_official_over_the_author_may_not_edit_a_submitted_proposal_403(self, api, org, state):
        proposal = state(Status.SUBMITTED)
        api.force_authenticate(org.official_a)
        refused(api.patch(url(proposal), {"title": "改名"}, format="json"), 403)

    @pytest.mark.parametrize("who", ["official_a", "official_b", "worker_b", "colleague_a"])
    def test_others_cannot_find_a_draft_404(self, api, org, state, who):
        proposal = state(Status.DRAFT)
        api.force_authenticate(getattr(org, who))
        refused(api.patch(url(proposal), {"title": "改名"}, format="json"), 404, "not_found")
        assert snapshot(proposal)[2] == COMPLETE["title"]


class TestProposalDelete:
    def test_author_deletes_a_draft(self, api, org, state):
        proposal = state(Status.DRAFT)
        api.force_authenticate(org.worker_a)
        assert api.delete(url(proposal)).status_code == 204
        assert not Proposal.objects.exists()

    @pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN])
    def test_only_a_draft_can_be_deleted_409(self, api, org, state, status):
        proposal = state(status)
        before = snapshot(proposal)
        api.force_authenticate(org.worker_a)
        refused(api.delete(url(proposal)), 409)
        assert snapshot(proposal) == before

    def test_co_author_cannot_even_find_the_authors_draft_404(self, api, org, make_proposal):
        proposal = make_proposal(
            org.worker_a, submit=False, co_authors=[(org.colleague_a, Decimal(40))]
        )
        api.force_authenticate(org.colleague_a)
        refused(api.delete(url(proposal)), 404)
        assert Proposal.objects.filter(pk=proposal.pk).exists()

    @pytest.mark.parametrize("who", ["official_a", "worker_b", "colleague_a"])
    def test_others_get_404(self, api, org, state, who):
        proposal = state(Status.DRAFT)
        api.force_authenticate(getattr(org, who))
        refused(api.delete(url(proposal)), 404)
        assert Proposal.objects.filter(pk=proposal.pk).exists()


# --- Submission -----------------------------------------------------------------------


class TestSubmit:
    def test_submission_gives_the_code_and_resubmission_keeps_it(self, api, org, campaigns, state):
        proposal = state(Status.DRAFT)
        api.force_authenticate(org.worker_a)
        body = api.post(url(proposal, "submit")).json()
        assert body["status"] == "submitted"
        assert re.fullmatch(rf"{campaigns.open.year}-A101-\d{{4}}", body["code"])
        assert body["submitted_at"]
        # returned, revised and sent again
        api.force_authenticate(org.official_a)
        assert api.post(url(proposal, "return"), {"comment": "补充数据"}).status_code == 200
        api.force_authenticate(org.worker_a)
        assert api.patch(url(proposal), {"improvement": "加装流量计"}).status_code == 200
        again = api.post(url(proposal, "submit")).json()
        assert (again["status"], again["code"], again["submitted_at"]) == (
            "submitted",
            body["code"],
            body["submitted_at"],
        )

    def test_upcoming_campaign_is_409(self, api, org, make_proposal, campaigns):
        proposal = make_proposal(org.worker_a, submit=False, campaign=campaigns.upcoming)
        api.force_authenticate(org.worker_a)
        refused(api.post(url(proposal, "submit")), 409, "window_closed")
        assert snapshot(proposal) == ("draft", None, COMPLETE["title"], 0)

    def test_closed_campaign_is_409(self, api, org, campaigns, state):
        proposal = state(Status.DRAFT)
        now = timezone.now()
        Campaign.objects.filter(pk=campaigns.open.pk).update(
            opens_at=now - 60 * DAY, closes_at=now - DAY
        )
        api.force_authenticate(org.worker_a)
        refused(api.post(url(proposal, "submit")), 409, "window_closed")
        assert snapshot(proposal) == ("draft", None, COMPLETE["title"], 0)

    def test_missing_fields_are_named_400(self, api, org, campaigns):
        proposal = services.proposal_create(by=org.worker_a, campaign=campaigns.open, title="托辊")
        api.force_authenticate(org.worker_a)
        errors = field_errors(api.post(url(proposal, "submit")))
        assert set(errors) == set(REQUIRED_TO_SUBMIT) - {"title"}
        assert all(messages for messages in errors.values())
        assert snapshot(proposal) == ("draft", None, "托辊", 0)


# --- Every transition, every role ---------------------------------------------------------


@pytest.fixture
def original(org, make_proposal):
    """An earlier proposal from the next team with the same idea."""
    return make_proposal(org.colleague_a, title="井下喷雾降尘节水装置")


AUTHOR_ACTIONS = {
    "submit": ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED),
    "withdraw": ({Status.SUBMITTED, Status.RETURNED}, Status.WITHDRAWN),
}
OFFICIAL_ACTIONS = {
    "screen": ({Status.SUBMITTED}, Status.UNDER_REVIEW),
    "return": ({Status.SUBMITTED}, Status.RETURNED),
    "reject-ineligible": ({Status.SUBMITTED}, Status.NOT_ELIGIBLE),
    "mark-duplicate": ({Status.SUBMITTED}, Status.DUPLICATE),
}
ACTIONS = {**AUTHOR_ACTIONS, **OFFICIAL_ACTIONS}


def body_for(action, original) -> dict:
    return {
        "return": {"comment": "请补充用水量数据"},
        "reject-ineligible": {"reason": "属于日常维修"},
        "mark-duplicate": {"duplicate_of_id": original.pk},
    }.get(action, {"note": "好"})


def allowed_cases():
    return [
        (action, status)
        for action, (sources, _target) in ACTIONS.items()
        for status in sorted(sources)
    ]


def refused_cases():
    """Every state of issue 5 an action does not start from (drafts are not shown
    to officials at all, so they are the 404 cases below)."""
    cases = []
    for action, (sources, _target) in ACTIONS.items():
        for status in ALL_OF_ISSUE_5:
            if status in sources or (action in OFFICIAL_ACTIONS and status == Status.DRAFT):
                continue
            cases.append((action, status))
    return cases


class TestTransitions:
    @pytest.mark.parametrize(("action", "status"), allowed_cases())
    def test_right_role_in_the_right_state_moves_it(
        self, api, org, state, original, action, status
    ):
        proposal = state(status)
        events = proposal.events.count()
        actor = org.worker_a if action in AUTHOR_ACTIONS else org.official_a
        api.force_authenticate(actor)
        response = api.post(url(proposal, action), body_for(action, original), format="json")
        assert response.status_code == 200, response.content
        target = ACTIONS[action][1]
        assert response.json()["status"] == target
        proposal.refresh_from_db()
        assert proposal.status == target
        assert proposal.events.count() == events + 1
        last = proposal.events.last()
        assert (last.from_state, last.to_state, last.actor) == (status, target, actor)

    @pytest.mark.parametrize(("action", "status"), refused_cases())
    def test_wrong_state_is_409_and_nothing_changes(
        self, api, org, state, original, action, status
    ):
        proposal = state(status)
        before = snapshot(proposal)
        api.force_authenticate(org.worker_a if action in AUTHOR_ACTIONS else org.official_a)
        response = api.post(url(proposal, action), body_for(action, original), format="json")
        refused(response, 409, "invalid_transition")
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("action", list(AUTHOR_ACTIONS))
    @pytest.mark.parametrize("who", ["official_a", "group_official", "colleague_a"])
    def test_those_who_see_it_but_are_not_the_author_get_403(
        self, api, org, make_proposal, original, action, who
    ):
        # colleague_a is a co-author: they see it, but the author acts
        proposal = make_proposal(org.worker_a, co_authors=[(org.colleague_a, Decimal(40))])
        if action == "submit":
            services.proposal_return(proposal_id=proposal.pk, by=org.official_a, comment="补充")
        before = snapshot(proposal)
        api.force_authenticate(getattr(org, who))
        refused(api.post(url(proposal, action), body_for(action, original), format="json"), 403)
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("action", list(OFFICIAL_ACTIONS))
    @pytest.mark.parametrize("who", ["worker_a", "colleague_a"])
    def test_author_and_co_author_cannot_screen_403(self, api, org, make_proposal, action, who):
        proposal = make_proposal(org.worker_a, co_authors=[(org.colleague_a, Decimal(40))])
        # an original both may see, so the input is valid and the right is what fails
        original = make_proposal(org.worker_b, title="井下喷雾降尘节水装置")
        Proposal.objects.filter(pk=original.pk).update(status=Status.AWARDED)
        before = snapshot(proposal)
        api.force_authenticate(getattr(org, who))
        refused(api.post(url(proposal, action), body_for(action, original), format="json"), 403)
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("action", list(ACTIONS))
    @pytest.mark.parametrize("who", ["official_b", "worker_b", "colleague_a"])
    def test_outsiders_get_404(self, api, org, state, original, action, who):
        proposal = state(Status.RETURNED if action == "submit" else Status.SUBMITTED)
        before = snapshot(proposal)
        api.force_authenticate(getattr(org, who))
        response = api.post(url(proposal, action), body_for(action, original), format="json")
        refused(response, 404, "not_found")
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("action", list(OFFICIAL_ACTIONS))
    def test_officials_cannot_find_a_draft_404(self, api, org, state, original, action):
        proposal = state(Status.DRAFT)
        api.force_authenticate(org.official_a)
        refused(api.post(url(proposal, action), body_for(action, original), format="json"), 404)
        assert snapshot(proposal) == ("draft", None, COMPLETE["title"], 0)

    def test_unknown_proposal_is_404(self, api, org):
        api.force_authenticate(org.admin)
        refused(api.post(f"{PROPOSALS}999999/screen/"), 404)

    @pytest.mark.parametrize(
        ("action", "field", "body"),
        [
            ("return", "comment", {}),
            ("return", "comment", {"comment": "   "}),
            ("reject-ineligible", "reason", {"reason": ""}),
            ("mark-duplicate", "duplicate_of_id", {}),
            ("mark-duplicate", "duplicate_of_id", {"duplicate_of_id": 999999}),
        ],
    )
    def test_missing_comment_reason_or_original_is_400(self, api, org, state, action, field, body):
        proposal = state(Status.SUBMITTED)
        before = snapshot(proposal)
        api.force_authenticate(org.official_a)
        assert field in field_errors(api.post(url(proposal, action), body, format="json"))
        assert snapshot(proposal) == before

    def test_duplicate_of_itself_is_400(self, api, org, state):
        proposal = state(Status.SUBMITTED)
        api.force_authenticate(org.official_a)
        response = api.post(url(proposal, "mark-duplicate"), {"duplicate_of_id": proposal.pk})
        assert "duplicate_of_id" in field_errors(response)
        assert snapshot(proposal)[0] == "submitted"

    def test_original_outside_the_officials_scope_is_400(self, api, org, state, make_proposal):
        in_b = make_proposal(org.worker_b, title="井下喷雾降尘节水装置")
        proposal = state(Status.SUBMITTED)
        api.force_authenticate(org.official_a)
        response = api.post(url(proposal, "mark-duplicate"), {"duplicate_of_id": in_b.pk})
        assert "duplicate_of_id" in field_errors(response)
        assert snapshot(proposal)[0] == "submitted"

    def test_marked_duplicate_names_its_original(self, api, org, state, original):
        proposal = state(Status.SUBMITTED)
        api.force_authenticate(org.official_a)
        body = api.post(url(proposal, "mark-duplicate"), {"duplicate_of_id": original.pk}).json()
        assert body["duplicate_of"] == {
            "id": original.pk,
            "code": original.code,
            "title": original.title,
        }


# --- Who sees what ------------------------------------------------------------------------


@pytest.fixture
def board(org, make_proposal):
    """Proposals in several hands and states, each with its own title."""

    def make(author, title, status=Status.SUBMITTED, **fields):
        return proposal_in(
            status, org=org, make_proposal=make_proposal, author=author, title=title, **fields
        )

    return SimpleNamespace(
        my_draft=make(org.worker_a, "我的草稿", Status.DRAFT),
        my_submitted=make(org.worker_a, "我的已提交"),
        my_returned=make(org.worker_a, "我的退回", Status.RETURNED),
        my_withdrawn=make(org.worker_a, "我的撤回", Status.WITHDRAWN),
        colleague_draft=make(org.colleague_a, "同事草稿", Status.DRAFT),
        colleague_submitted=make(org.colleague_a, "同事已提交"),
        colleague_screened=make(org.colleague_a, "同事评审中", Status.UNDER_REVIEW),
        co_authored=make(org.colleague_a, "合作项目", co_authors=[(org.worker_a, Decimal(30))]),
        b_submitted=make(org.worker_b, "B公司已提交"),
        b_awarded=make(org.worker_b, "B公司获奖", Status.AWARDED),
    )


MINE = {"我的草稿", "我的已提交", "我的退回", "我的撤回"}
COMPANY_A_SENT = {"我的已提交", "我的退回", "我的撤回", "同事已提交", "同事评审中", "合作项目"}
EVERY_SENT = COMPANY_A_SENT | {"B公司已提交", "B公司获奖"}


class TestVisibility:
    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("worker_a", MINE | {"合作项目", "B公司获奖"}),
            ("colleague_a", {"同事草稿", "同事已提交", "同事评审中", "合作项目", "B公司获奖"}),
            ("worker_b", {"B公司已提交", "B公司获奖"}),
            ("official_a", COMPANY_A_SENT | {"B公司获奖"}),
            ("official_b", {"B公司已提交", "B公司获奖"}),
            ("group_official", EVERY_SENT),
            ("admin", EVERY_SENT | {"我的草稿", "同事草稿"}),
        ],
    )
    def test_list_follows_authorship_scope_and_the_showcase(self, api, org, board, role, expected):
        api.force_authenticate(getattr(org, role))
        assert titles(api.get(PROPOSALS, {"page_size": 50})) == expected

    @pytest.mark.parametrize(
        ("role", "entry"),
        [
            ("worker_a", "colleague_submitted"),
            ("worker_a", "colleague_screened"),
            ("worker_a", "colleague_draft"),
            ("worker_a", "b_submitted"),
            ("worker_b", "my_submitted"),
            ("official_b", "my_submitted"),
            ("official_b", "co_authored"),
            ("official_a", "my_draft"),
            ("official_a", "b_submitted"),
            ("group_official", "colleague_draft"),
        ],
    )
    def test_in_progress_proposal_of_someone_else_is_404(self, api, org, board, role, entry):
        api.force_authenticate(getattr(org, role))
        refused(api.get(url(getattr(board, entry))), 404, "not_found")
        refused(api.get(url(getattr(board, entry), "events")), 404, "not_found")

    @pytest.mark.parametrize("role", ["worker_a", "worker_b", "official_a", "colleague_a"])
    def test_awarded_proposals_are_everyones_showcase(self, api, org, board, role):
        api.force_authenticate(getattr(org, role))
        response = api.get(url(board.b_awarded))
        assert response.status_code == 200
        assert response.json()["status"] == "awarded"

    def test_co_author_sees_the_proposal_and_its_share(self, api, org, board):
        api.force_authenticate(org.worker_a)
        body = api.get(url(board.co_authored)).json()
        assert body["author"]["id"] == org.colleague_a.pk
        assert [(c["person"]["id"], c["share"]) for c in body["co_authors"]] == [
            (org.worker_a.pk, "30.00")
        ]

    def test_related_proposals_the_reader_may_not_see_are_left_out(
        self, api, org, board, make_proposal
    ):
        # worker_a links a draft to worker_b's awarded proposal (the link is mutual)
        mine = make_proposal(org.worker_a, submit=False, related_to=[board.b_awarded])
        api.force_authenticate(org.worker_a)
        assert api.get(url(mine)).json()["related_to_ids"] == [board.b_awarded.pk]
        api.force_authenticate(org.worker_b)
        assert api.get(url(board.b_awarded)).json()["related_to_ids"] == []
        rows = results(api.get(PROPOSALS, {"page_size": 50}))
        assert all(mine.pk not in row["related_to_ids"] for row in rows)

    def test_filters(self, api, org, board, campaigns):
        api.force_authenticate(org.group_official)

        def listed(**params):
            return titles(api.get(PROPOSALS, {"page_size": 50, **params}))

        assert listed(status="returned") == {"我的退回"}
        assert listed(status="under_review") == {"同事评审中"}
        assert listed(org_unit=org.company_b.pk) == {"B公司已提交", "B公司获奖"}
        assert listed(org_unit=org.team_a102.pk) == {"同事已提交", "同事评审中", "合作项目"}
        assert listed(author=org.worker_b.pk) == {"B公司已提交", "B公司获奖"}
        assert listed(campaign=campaigns.open.pk) == EVERY_SENT
        assert listed(campaign=campaigns.closed.pk) == set()
        assert listed(year=campaigns.open.year) == EVERY_SENT
        assert listed(year=campaigns.open.year - 1) == set()
        assert listed(category="innovation") == EVERY_SENT
        assert listed(category="suggestion") == set()
        assert listed(search="同事") == {"同事已提交", "同事评审中"}
        assert listed(search=board.b_awarded.code) == {"B公司获奖"}

    def test_filters_never_widen_the_scope(self, api, org, board):
        api.force_authenticate(org.worker_a)
        assert titles(api.get(PROPOSALS, {"author": org.colleague_a.pk})) == {"合作项目"}
        assert titles(api.get(PROPOSALS, {"status": "under_review"})) == set()


class TestTimeline:
    def test_author_reads_the_timeline_with_the_return_comment(self, api, org, state):
        proposal = state(Status.RETURNED)
        api.force_authenticate(org.worker_a)
        response = api.get(url(proposal, "events"))
        assert response.status_code == 200
        rows = response.json()
        assert [(r["from_state"], r["to_state"]) for r in rows] == [
            ("draft", "submitted"),
            ("submitted", "returned"),
        ]
        assert rows[0]["actor"]["id"] == org.worker_a.pk
        assert rows[1]["actor"]["id"] == org.official_a.pk
        assert rows[1]["note"] == "请补充节水数据"
        assert all(row["at"] for row in rows)

    def test_official_reads_the_timeline_of_a_proposal_in_scope(self, api, org, state):
        proposal = state(Status.NOT_ELIGIBLE)
        api.force_authenticate(org.group_official)
        rows = api.get(url(proposal, "events")).json()
        assert rows[-1]["note"] == "不属于五小范围"


# --- Similar proposals ----------------------------------------------------------------------


class TestSimilarApi:
    @pytest.fixture
    def pool(self, org, make_proposal):
        return SimpleNamespace(
            near=make_proposal(org.colleague_a, title="井下喷雾降尘装置的节水改进"),
            unrelated=make_proposal(org.colleague_a, title="皮带机托辊更换工具改进"),
            awarded_elsewhere=proposal_in(
                Status.AWARDED,
                org=org,
                make_proposal=make_proposal,
                author=org.worker_b,
                title="井下喷雾降尘装置节水改造方案",
            ),
        )

    def test_official_finds_the_chinese_near_duplicate_and_not_the_unrelated(self, api, org, pool):
        api.force_authenticate(org.official_a)
        response = api.get(SIMILAR, {"title": "井下喷雾降尘装置节水改造"})
        assert response.status_code == 200
        rows = response.json()
        ids = [row["id"] for row in rows]
        assert pool.near.pk in ids and pool.awarded_elsewhere.pk in ids
        assert pool.unrelated.pk not in ids
        assert all(0 < row["similarity"] <= 1 for row in rows)
        assert [row["similarity"] for row in rows] == sorted(
            (row["similarity"] for row in rows), reverse=True
        )

    def test_worker_sees_awarded_hints_but_never_someone_elses_proposal_in_progress(
        self, api, org, pool
    ):
        api.force_authenticate(org.worker_a)
        rows = api.get(SIMILAR, {"title": "井下喷雾降尘装置节水改造"}).json()
        assert [row["id"] for row in rows] == [pool.awarded_elsewhere.pk]
        assert rows[0]["status"] == "awarded"

    def test_worker_sees_their_own_earlier_proposal_except_the_one_being_typed(
        self, api, org, pool, make_proposal
    ):
        mine = make_proposal(org.worker_a, submit=False, title="喷雾降尘装置节水改造")
        api.force_authenticate(org.worker_a)
        found = api.get(SIMILAR, {"title": "井下喷雾降尘装置节水改造"}).json()
        assert mine.pk in [row["id"] for row in found]
        excluded = api.get(SIMILAR, {"title": "井下喷雾降尘装置节水改造", "exclude": mine.pk})
        assert mine.pk not in [row["id"] for row in excluded.json()]

    def test_official_of_another_company_gets_no_hint_from_company_a(self, api, org, pool):
        api.force_authenticate(org.official_b)
        rows = api.get(SIMILAR, {"title": "井下喷雾降尘装置节水改造"}).json()
        assert [row["id"] for row in rows] == [pool.awarded_elsewhere.pk]

    def test_missing_title_is_400(self, api, org):
        api.force_authenticate(org.worker_a)
        assert "title" in field_errors(api.get(SIMILAR))

    def test_title_without_words_finds_nothing(self, api, org, pool):
        api.force_authenticate(org.official_a)
        assert api.get(SIMILAR, {"title": "！？"}).json() == []


# --- Photos ------------------------------------------------------------------------------


def phone_photo() -> SimpleUploadedFile:
    body = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(body, format="JPEG")
    return SimpleUploadedFile("现场.jpg", body.getvalue(), content_type="image/jpeg")


class TestPhotos:
    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    def test_author_adds_a_photo_to_a_draft(self, api, org, state):
        proposal = state(Status.DRAFT)
        api.force_authenticate(org.worker_a)
        response = api.post(
            url(proposal, "attachments"), {"file": phone_photo()}, format="multipart"
        )
        assert response.status_code == 201, response.content
        assert response.json()["mime_type"] == "image/jpeg"
        assert [row["name"] for row in api.get(url(proposal, "attachments")).json()] == ["现场.jpg"]

    def test_no_photo_once_submitted_409(self, api, org, state):
        proposal = state(Status.SUBMITTED)
        api.force_authenticate(org.worker_a)
        response = api.post(
            url(proposal, "attachments"), {"file": phone_photo()}, format="multipart"
        )
        refused(response, 409)
        assert not Attachment.objects.exists()

    def test_official_cannot_add_a_photo_to_a_workers_proposal_403(self, api, org, state):
        proposal = state(Status.RETURNED)
        api.force_authenticate(org.official_a)
        response = api.post(
            url(proposal, "attachments"), {"file": phone_photo()}, format="multipart"
        )
        refused(response, 403)
        assert not Attachment.objects.exists()
