"""The five-small API for writing: anonymous callers, campaigns, creating,
entering on a worker's behalf, updating, deleting and submitting a proposal,
and its photos."""

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
from tests.api_answers import results
from tests.competitions.api import PROPOSALS, SIMILAR, field_errors, refused, snapshot, url
from tests.competitions.conftest import COMPLETE
from tests.factories import PersonFactory, grant_official, make_campaign

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/api/v1/campaigns/"

Status = Proposal.Status

DAY = datetime.timedelta(days=1)


def payload(campaign, **overrides) -> dict:
    body = {**COMPLETE, "campaign_id": campaign.pk, "expected_benefit": "120000.00"}
    return {**body, **overrides}


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

    def test_a_campaign_narrower_than_the_officials_units_takes_only_its_own_400(self, api, org):
        # official_a answers for worker_a (team A101), but team A102 runs this one
        now = timezone.now()
        a102 = make_campaign(
            org.official_a,
            org.team_a102,
            name="A102 五小",
            opens=now - datetime.timedelta(days=1),
            closes=now + datetime.timedelta(days=30),
        )
        api.force_authenticate(org.official_a)
        refused_body = payload(a102, author_id=org.worker_a.pk)
        assert "campaign_id" in field_errors(api.post(PROPOSALS, refused_body, format="json"))
        assert not Proposal.objects.exists()
        taken = api.post(PROPOSALS, payload(a102, author_id=org.colleague_a.pk), format="json")
        assert taken.status_code == 201, taken.content

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

    def test_a_co_author_who_moved_out_of_the_authors_view_is_sent_back_as_read(
        self, api, org, make_proposal
    ):
        """A co-author who has moved to company B since, whom the author no
        longer sees: a new title with the co-authors as read (their share
        changed) is saved; someone new outside the author's view is a 400."""
        mover = PersonFactory(org_unit=org.team_a102)
        proposal = make_proposal(org.worker_a, submit=False, co_authors=[(mover, Decimal(40))])
        type(mover).objects.filter(pk=mover.pk).update(org_unit=org.team_b101)
        api.force_authenticate(org.worker_a)
        read = api.get(url(proposal)).json()["co_authors"]
        sent = [{"person_id": row["person"]["id"], "share": "30"} for row in read]
        body = {"title": "改名", "author_share": "70", "co_authors": sent}
        response = api.patch(url(proposal), body, format="json")
        assert response.status_code == 200, response.content
        assert [(c["person"]["id"], c["share"]) for c in response.json()["co_authors"]] == [
            (mover.pk, "30.00")
        ]
        assert response.json()["title"] == "改名"
        newcomer = PersonFactory(org_unit=org.team_b101)
        sent = [*sent, {"person_id": newcomer.pk, "share": "10"}]
        body = {"author_share": "60", "co_authors": sent}
        assert "co_authors" in field_errors(api.patch(url(proposal), body, format="json"))
        assert list(proposal.co_authors.values_list("person", flat=True)) == [mover.pk]

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
