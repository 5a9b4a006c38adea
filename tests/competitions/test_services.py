"""Campaign and proposal services: the author's drafts and submissions,
entry on a worker's behalf, and the union office's screening, with the rights
and states checked inside each service."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from achievements import services as achievement_services
from achievements.models import TechnicalProblem
from competitions import services
from competitions.models import Campaign, CoAuthor, CodeSequence, Proposal, TitleGram
from competitions.services.proposals import REQUIRED_TO_SUBMIT
from core.exceptions import Conflict
from tests.competitions.conftest import COMPLETE
from tests.competitions.states import SCREENED_OR_LATER, proposal_in
from tests.factories import PersonFactory, grant_official

pytestmark = pytest.mark.django_db

Status = Proposal.Status
DAY = datetime.timedelta(days=1)


# --- Helpers ------------------------------------------------------------------------


def snapshot(proposal):
    """What a refused call must leave as it was."""
    proposal = Proposal.objects.get(pk=proposal.pk)
    return (proposal.status, proposal.code, proposal.title, proposal.events.count())


def close_window(campaign):
    """The campaign's submissions closed yesterday (the review runs on)."""
    now = timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=now - 60 * DAY, closes_at=now - DAY)


@pytest.fixture
def state(org, make_proposal):
    """`state(status, author=…, **fields)`: a proposal brought to `status`."""

    def bring(status, **kwargs):
        return proposal_in(status, org=org, make_proposal=make_proposal, **kwargs)

    return bring


# --- Campaigns ----------------------------------------------------------------------


class TestCampaigns:
    def new(self, org, *, by=None, unit=None, **fields):
        now = timezone.now()
        values = {
            "name": "2025 五小竞赛",
            "year": now.year,
            "opens_at": now,
            "closes_at": now + 30 * DAY,
            "review_deadline": (timezone.localtime(now) + 60 * DAY).date(),
            **fields,
        }
        return services.campaign_create(
            by=by or org.official_a, org_unit=unit or org.company_a, **values
        )

    def test_official_opens_a_campaign_with_the_default_rubric(self, org):
        campaign = self.new(org)
        assert campaign.created_by == org.official_a
        assert [c.max_points for c in campaign.criteria.all()] == [30, 30, 20, 20]
        assert (campaign.min_reviews, campaign.blind_review) == (3, True)
        assert not campaign.grades.exists()

    def test_quota_may_be_empty_meaning_unlimited(self, org):
        campaign = self.new(org, grades=[("first", 1, Decimal(5000)), ("excellence", None, 0)])
        assert [(g.grade, g.quota) for g in campaign.grades.all()] == [
            ("first", 1),
            ("excellence", None),
        ]

    def test_worker_cannot_open_a_campaign(self, org):
        with pytest.raises(PermissionDenied):
            self.new(org, by=org.worker_a, unit=org.team_a101)
        assert not Campaign.objects.exists()

    def test_official_cannot_open_one_for_a_unit_outside_their_scope(self, org):
        with pytest.raises(ValidationError) as refused:
            self.new(org, by=org.official_b)
        assert "org_unit" in refused.value.message_dict
        assert not Campaign.objects.exists()

    def test_window_must_close_after_it_opens(self, org):
        now = timezone.now()
        with pytest.raises(ValidationError) as refused:
            self.new(org, opens_at=now, closes_at=now - DAY)
        assert "closes_at" in refused.value.message_dict

    def test_review_deadline_before_closing_is_400(self, org):
        with pytest.raises(ValidationError) as refused:
            self.new(org, review_deadline=timezone.localdate())
        assert "review_deadline" in refused.value.message_dict

    @pytest.mark.parametrize("who", ["official_b", "worker_a"])
    def test_those_who_see_a_group_campaign_but_do_not_run_it_cannot_edit_403(
        self, org, campaigns, who
    ):
        with pytest.raises(PermissionDenied):
            services.campaign_update(
                campaign_id=campaigns.open.pk, by=getattr(org, who), name="改名"
            )
        campaigns.open.refresh_from_db()
        assert campaigns.open.name == "五小竞赛（本年）"

    def test_outsider_editing_a_campaign_gets_404(self, org, campaigns):
        with pytest.raises(Http404):
            services.campaign_update(campaign_id=campaigns.company_b.pk, by=org.worker_a, name="x")

    def test_rubric_is_fixed_once_review_has_started(self, org, campaigns, state):
        state(Status.UNDER_REVIEW)
        with pytest.raises(Conflict):
            services.campaign_update(
                campaign_id=campaigns.open.pk, by=org.group_official, criteria=[("技术", 100)]
            )
        assert campaigns.open.criteria.count() == 4
        # the name and the window may still change
        services.campaign_update(campaign_id=campaigns.open.pk, by=org.group_official, name="改名")


# --- Drafts -------------------------------------------------------------------------


class TestProposalCreate:
    def test_worker_starts_a_draft_without_a_code(self, org, make_proposal):
        proposal = make_proposal(org.worker_a, submit=False)
        assert (proposal.status, proposal.code, proposal.submitted_at) == (Status.DRAFT, None, None)
        assert (proposal.author, proposal.entered_by) == (org.worker_a, None)
        assert proposal.org_unit == org.team_a101
        assert proposal.author_share == Decimal(100)
        assert proposal.goals == ["energy", "safety"]
        assert TitleGram.objects.filter(proposal=proposal, gram="喷雾").exists()

    def test_an_incomplete_draft_is_kept(self, org, campaigns):
        # the phone page saves as the worker types
        proposal = services.proposal_create(by=org.worker_a, campaign=campaigns.open, title="托辊")
        assert (proposal.status, proposal.category, proposal.post) == (Status.DRAFT, "", "")

    def test_a_draft_may_wait_for_an_upcoming_campaign(self, org, campaigns):
        proposal = services.proposal_create(
            by=org.worker_a, campaign=campaigns.upcoming, **COMPLETE
        )
        assert proposal.status == Status.DRAFT

    def test_closed_campaign_takes_no_new_draft_409(self, org, campaigns):
        with pytest.raises(Conflict) as refused:
            services.proposal_create(by=org.worker_a, campaign=campaigns.closed, **COMPLETE)
        assert refused.value.code == "window_closed"
        assert not Proposal.objects.exists()

    def test_campaign_of_another_company_is_400(self, org, campaigns):
        with pytest.raises(ValidationError) as refused:
            services.proposal_create(by=org.worker_a, campaign=campaigns.company_b, **COMPLETE)
        assert "campaign" in refused.value.message_dict
        assert not Proposal.objects.exists()

    def test_co_authors_share_the_credit_in_order(self, org, studios, make_proposal):
        proposal = make_proposal(
            org.worker_a,
            submit=False,
            author_share=Decimal(50),
            co_authors=[(org.colleague_a, Decimal(30)), (studios.member_a, Decimal(20))],
        )
        rows = list(proposal.co_authors.values_list("person", "position", "share"))
        assert rows == [(org.colleague_a.pk, 1, Decimal(30)), (studios.member_a.pk, 2, Decimal(20))]
        assert proposal.author_share == Decimal(50)

    def test_author_share_defaults_to_what_the_co_authors_leave(self, org, make_proposal):
        proposal = make_proposal(
            org.worker_a, submit=False, co_authors=[(org.colleague_a, Decimal(40))]
        )
        assert proposal.author_share == Decimal(60)

    @pytest.mark.parametrize(
        ("author_share", "co_share"),
        [(Decimal(70), Decimal(40)), (Decimal(50), Decimal(20)), (Decimal(100), Decimal(0))],
        ids=["over 100", "under 100", "zero share"],
    )
    def test_shares_not_adding_to_100_are_400(self, org, make_proposal, author_share, co_share):
        with pytest.raises(ValidationError) as refused:
            make_proposal(
                org.worker_a,
                submit=False,
                author_share=author_share,
                co_authors=[(org.colleague_a, co_share)],
            )
        assert "co_authors" in refused.value.message_dict
        assert not Proposal.objects.exists()

    def test_co_author_from_another_company_is_400(self, org, make_proposal):
        with pytest.raises(ValidationError) as refused:
            make_proposal(org.worker_a, submit=False, co_authors=[(org.worker_b, Decimal(50))])
        assert "co_authors" in refused.value.message_dict
        assert not Proposal.objects.exists() and not CoAuthor.objects.exists()

    def test_author_is_not_also_a_co_author(self, org, make_proposal):
        with pytest.raises(ValidationError) as refused:
            make_proposal(
                org.worker_a,
                submit=False,
                author_share=Decimal(50),
                co_authors=[(org.worker_a, Decimal(50))],
            )
        assert "co_authors" in refused.value.message_dict

    def test_same_co_author_twice_is_400(self, org, make_proposal):
        with pytest.raises(ValidationError) as refused:
            make_proposal(
                org.worker_a,
                submit=False,
                co_authors=[(org.colleague_a, Decimal(20)), (org.colleague_a, Decimal(20))],
            )
        assert "co_authors" in refused.value.message_dict

    def test_studio_the_author_cannot_see_is_400(self, studios, make_proposal):
        # worker_a is no member of the dust studio, which is not named yet
        with pytest.raises(ValidationError) as refused:
            make_proposal(studios.org.worker_a, submit=False, studio=studios.dust)
        assert "studio" in refused.value.message_dict
        with pytest.raises(ValidationError):
            make_proposal(studios.org.worker_a, submit=False, studio=studios.turbine)
        assert not Proposal.objects.exists()

    def test_member_links_their_studio_and_one_of_its_problems(self, studios, make_proposal):
        problem = achievement_services.problem_create(
            by=studios.lead_a,
            studio=studios.dust,
            title="转载点粉尘大",
            category=TechnicalProblem.Category.DUST_CONTROL,
        )
        proposal = make_proposal(
            studios.member_a, submit=False, studio=studios.dust, origin_problem=problem
        )
        assert (proposal.studio, proposal.origin_problem) == (studios.dust, problem)

    def test_unknown_aim_is_400(self, org, make_proposal):
        with pytest.raises(ValidationError) as refused:
            make_proposal(org.worker_a, submit=False, goals=["fame"])
        assert "goals" in refused.value.message_dict


class TestEntryOnBehalf:
    def test_official_enters_a_proposal_for_a_worker_in_their_units(self, org, campaigns):
        proposal = services.proposal_create(
            by=org.official_a, campaign=campaigns.open, author=org.worker_a, **COMPLETE
        )
        assert (proposal.author, proposal.entered_by) == (org.worker_a, org.official_a)
        assert proposal.org_unit == org.team_a101
        # and acts on the author's side for it
        submitted = services.proposal_submit(proposal_id=proposal.pk, by=org.official_a)
        assert submitted.code.endswith("-A101-0001")
        assert submitted.events.get().actor == org.official_a

    def test_the_author_sees_and_may_submit_what_was_entered_for_them(self, org, campaigns):
        proposal = services.proposal_create(
            by=org.official_a, campaign=campaigns.open, author=org.worker_a, **COMPLETE
        )
        services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
        assert Proposal.objects.get(pk=proposal.pk).status == Status.SUBMITTED

    def test_worker_cannot_enter_one_for_a_colleague_403(self, org, campaigns):
        with pytest.raises(PermissionDenied):
            services.proposal_create(
                by=org.worker_a, campaign=campaigns.open, author=org.colleague_a, **COMPLETE
            )
        assert not Proposal.objects.exists()

    def test_official_cannot_enter_one_for_someone_outside_their_units_400(self, org, campaigns):
        with pytest.raises(ValidationError) as refused:
            services.proposal_create(
                by=org.official_b, campaign=campaigns.open, author=org.worker_a, **COMPLETE
            )
        assert "author" in refused.value.message_dict
        assert not Proposal.objects.exists()

    def test_official_cannot_enter_one_for_their_worker_whose_unit_does_not_take_part_400(
        self, org, campaigns
    ):
        # worker_a is the group official's, but company B's campaign is B's alone
        with pytest.raises(ValidationError) as refused:
            services.proposal_create(
                by=org.group_official, campaign=campaigns.company_b, author=org.worker_a, **COMPLETE
            )
        assert "campaign" in refused.value.message_dict
        assert not Proposal.objects.exists()

    def test_co_authors_are_checked_against_the_author_not_the_official(self, org, campaigns):
        # the group official sees worker_b, but worker_a's directory is company A
        with pytest.raises(ValidationError) as refused:
            services.proposal_create(
                by=org.group_official,
                campaign=campaigns.open,
                author=org.worker_a,
                co_authors=[(org.worker_b, Decimal(50))],
                **COMPLETE,
            )
        assert "co_authors" in refused.value.message_dict
        assert not Proposal.objects.exists()

    def test_co_authors_are_people_the_official_may_see_too(self, org, campaigns):
        """An official of company B over team A101 answers for worker_a but sees
        company A only there: colleague_a (team A102), in worker_a's directory,
        is not theirs to name (the co-author picker never offers them)."""
        official = PersonFactory(employee_no="official_b_a101", org_unit=org.company_b)
        grant_official(official, org.team_a101)
        with pytest.raises(ValidationError) as refused:
            services.proposal_create(
                by=official,
                campaign=campaigns.open,
                author=org.worker_a,
                co_authors=[(org.colleague_a, Decimal(50))],
                **COMPLETE,
            )
        assert refused.value.message_dict["co_authors"] == [
            f"以下人员不在您的范围内：{org.colleague_a.full_name}。"
        ]
        assert not Proposal.objects.exists()


class TestProposalUpdate:
    @pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED])
    def test_author_edits_a_draft_or_a_returned_proposal(self, org, state, status):
        proposal = state(status)
        events = proposal.events.count()
        updated = services.proposal_update(
            proposal_id=proposal.pk,
            by=org.worker_a,
            title="皮带机托辊更换工具改进",
            post="主运输巷",
        )
        assert (updated.title, updated.post, updated.status) == (
            "皮带机托辊更换工具改进",
            "主运输巷",
            status,
        )
        assert updated.events.count() == events
        # the similar-proposal index follows the new title
        grams = set(TitleGram.objects.filter(proposal=proposal).values_list("gram", flat=True))
        assert "托辊" in grams and "喷雾" not in grams
        assert Proposal.objects.get(pk=proposal.pk).title_gram_count == len(grams)

    def test_changing_co_authors_keeps_shares_at_100(self, org, state):
        proposal = state(Status.DRAFT)
        services.proposal_update(
            proposal_id=proposal.pk, by=org.worker_a, co_authors=[(org.colleague_a, Decimal(25))]
        )
        proposal.refresh_from_db()
        assert proposal.author_share == Decimal(75)
        with pytest.raises(ValidationError) as refused:
            services.proposal_update(
                proposal_id=proposal.pk, by=org.worker_a, author_share=Decimal(80)
            )
        assert "co_authors" in refused.value.message_dict
        proposal.refresh_from_db()
        assert proposal.author_share == Decimal(75)

    def test_a_co_author_who_moved_out_of_the_authors_view_stays(self, org, make_proposal):
        """A co-author who has moved to company B since, whom the author no
        longer sees, stays through the author's edits, their share changed
        too; only someone newly named must be someone the author may see."""
        mover = PersonFactory(org_unit=org.team_a102)
        proposal = make_proposal(org.worker_a, submit=False, co_authors=[(mover, Decimal(40))])
        type(mover).objects.filter(pk=mover.pk).update(org_unit=org.team_b101)
        services.proposal_update(
            proposal_id=proposal.pk,
            by=org.worker_a,
            title="皮带机托辊更换工具改进",
            author_share=Decimal(70),
            co_authors=[(mover, Decimal(30))],
        )
        proposal.refresh_from_db()
        assert (proposal.title, proposal.author_share) == ("皮带机托辊更换工具改进", Decimal(70))
        rows = list(proposal.co_authors.values_list("person", "position", "share"))
        assert rows == [(mover.pk, 1, Decimal(30))]
        newcomer = PersonFactory(org_unit=org.team_b101)
        with pytest.raises(ValidationError) as refused:
            services.proposal_update(
                proposal_id=proposal.pk,
                by=org.worker_a,
                author_share=Decimal(60),
                co_authors=[(mover, Decimal(30)), (newcomer, Decimal(10))],
            )
        assert refused.value.message_dict["co_authors"] == [
            f"以下人员不在您的范围内：{newcomer.full_name}。"
        ]
        assert list(proposal.co_authors.values_list("person", flat=True)) == [mover.pk]

    @pytest.mark.parametrize(
        "status", [Status.SUBMITTED, Status.WITHDRAWN, Status.UNDER_REVIEW, Status.NOT_ELIGIBLE]
    )
    def test_author_cannot_edit_outside_draft_or_returned_409(self, org, state, status):
        proposal = state(status)
        before = snapshot(proposal)
        with pytest.raises(Conflict):
            services.proposal_update(proposal_id=proposal.pk, by=org.worker_a, title="改名")
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("field", ["status", "code", "author", "org_unit", "entered_by"])
    def test_privileged_fields_are_refused(self, org, state, field):
        proposal = state(Status.DRAFT)
        before = snapshot(proposal)
        value = {
            "status": Status.SUBMITTED,
            "code": "2025-A101-9999",
            "author": org.colleague_a,
            "org_unit": org.team_a102,
            "entered_by": org.official_a,
        }[field]
        with pytest.raises(PermissionDenied):
            services.proposal_update(proposal_id=proposal.pk, by=org.worker_a, **{field: value})
        assert snapshot(proposal) == before
        assert Proposal.objects.get(pk=proposal.pk).author == org.worker_a

    def test_co_author_sees_but_cannot_edit_403(self, org, make_proposal):
        # A returned proposal: the co-author reads it (a draft stays the author's).
        proposal = make_proposal(org.worker_a, co_authors=[(org.colleague_a, Decimal(40))])
        services.proposal_return(proposal_id=proposal.pk, by=org.official_a, comment="补充")
        with pytest.raises(PermissionDenied):
            services.proposal_update(proposal_id=proposal.pk, by=org.colleague_a, title="改名")
        assert Proposal.objects.get(pk=proposal.pk).title == COMPLETE["title"]

    def test_official_over_the_author_cannot_edit_a_submitted_proposal_403(self, org, state):
        proposal = state(Status.SUBMITTED)
        with pytest.raises(PermissionDenied):
            services.proposal_update(proposal_id=proposal.pk, by=org.official_a, title="改名")

    @pytest.mark.parametrize("who", ["colleague_a", "worker_b", "official_b", "official_a"])
    def test_others_cannot_find_a_draft_404(self, org, state, who):
        proposal = state(Status.DRAFT)
        with pytest.raises(Http404):
            services.proposal_update(proposal_id=proposal.pk, by=getattr(org, who), title="改名")
        assert Proposal.objects.get(pk=proposal.pk).title == COMPLETE["title"]


class TestProposalDelete:
    def test_author_deletes_a_draft_with_its_co_authors_and_grams(self, org, make_proposal):
        proposal = make_proposal(
            org.worker_a, submit=False, co_authors=[(org.colleague_a, Decimal(40))]
        )
        services.proposal_delete(proposal_id=proposal.pk, by=org.worker_a)
        assert not Proposal.objects.exists()
        assert not CoAuthor.objects.exists() and not TitleGram.objects.exists()

    @pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN])
    def test_only_a_draft_can_be_deleted_409(self, org, state, status):
        proposal = state(status)
        before = snapshot(proposal)
        with pytest.raises(Conflict):
            services.proposal_delete(proposal_id=proposal.pk, by=org.worker_a)
        assert snapshot(proposal) == before

    def test_co_author_cannot_find_the_authors_draft_to_delete_404(self, org, make_proposal):
        proposal = make_proposal(
            org.worker_a, submit=False, co_authors=[(org.colleague_a, Decimal(40))]
        )
        with pytest.raises(Http404):
            services.proposal_delete(proposal_id=proposal.pk, by=org.colleague_a)
        assert Proposal.objects.filter(pk=proposal.pk).exists()

    @pytest.mark.parametrize("who", ["worker_b", "official_a", "colleague_a"])
    def test_others_cannot_delete_404(self, org, state, who):
        proposal = state(Status.DRAFT)
        with pytest.raises(Http404):
            services.proposal_delete(proposal_id=proposal.pk, by=getattr(org, who))
        assert Proposal.objects.filter(pk=proposal.pk).exists()


# --- Submission -----------------------------------------------------------------------


class TestProposalSubmit:
    def test_first_submission_gives_the_code_and_writes_the_event(self, org, campaigns, state):
        proposal = state(Status.DRAFT)
        before = timezone.now()
        submitted = services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a, note="请审")
        assert submitted.status == Status.SUBMITTED
        assert re.fullmatch(rf"{campaigns.open.year}-A101-\d{{4}}", submitted.code)
        assert submitted.code == f"{campaigns.open.year}-A101-0001"
        assert submitted.submitted_at >= before
        event = submitted.events.get()
        assert (event.from_state, event.to_state, event.actor, event.note) == (
            "draft",
            "submitted",
            org.worker_a,
            "请审",
        )

    def test_codes_count_per_year_and_unit(self, org, campaigns, make_proposal):
        year = campaigns.open.year
        first = make_proposal(org.worker_a)
        second = make_proposal(org.worker_a, title="皮带机托辊更换工具改进")
        neighbour = make_proposal(org.colleague_a, title="采煤机截齿快速更换")
        other_company = make_proposal(org.worker_b, title="汽轮机轴封漏汽治理")
        assert [first.code, second.code, neighbour.code, other_company.code] == [
            f"{year}-A101-0001",
            f"{year}-A101-0002",
            f"{year}-A102-0001",
            f"{year}-B101-0001",
        ]

    def test_resubmission_after_return_keeps_the_code(self, org, state):
        proposal = state(Status.RETURNED)
        code, submitted_at = proposal.code, proposal.submitted_at
        services.proposal_update(proposal_id=proposal.pk, by=org.worker_a, improvement="加装流量计")
        again = services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
        assert (again.status, again.code, again.submitted_at) == (
            Status.SUBMITTED,
            code,
            submitted_at,
        )
        assert list(again.events.values_list("to_state", flat=True)) == [
            "submitted",
            "returned",
            "submitted",
        ]
        assert CodeSequence.objects.get().last == 1

    def test_a_withdrawn_code_is_never_given_again(self, org, state, make_proposal):
        withdrawn = state(Status.WITHDRAWN)
        later = make_proposal(org.worker_a, title="皮带机托辊更换工具改进")
        assert withdrawn.code.endswith("-0001")
        assert later.code.endswith("-0002")

    def test_submission_before_the_window_opens_is_409(self, org, campaigns):
        proposal = services.proposal_create(
            by=org.worker_a, campaign=campaigns.upcoming, **COMPLETE
        )
        with pytest.raises(Conflict) as refused:
            services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
        assert refused.value.code == "window_closed"
        assert snapshot(proposal) == (Status.DRAFT, None, COMPLETE["title"], 0)
        assert not CodeSequence.objects.filter(last__gt=0).exists()

    def test_submission_after_the_window_closed_is_409(self, org, campaigns, state):
        proposal = state(Status.DRAFT)
        close_window(campaigns.open)
        with pytest.raises(Conflict) as refused:
            services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
        assert refused.value.code == "window_closed"
        assert snapshot(proposal) == (Status.DRAFT, None, COMPLETE["title"], 0)

    def test_returned_proposal_may_come_back_after_closing_until_the_review_deadline(
        self, org, campaigns, state
    ):
        proposal = state(Status.RETURNED)
        close_window(campaigns.open)
        again = services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
        assert again.status == Status.SUBMITTED

    def test_returned_proposal_after_the_review_deadline_is_409(self, org, campaigns, state):
        proposal = state(Status.RETURNED)
        close_window(campaigns.open)
        Campaign.objects.filter(pk=campaigns.open.pk).update(
            review_deadline=timezone.localdate() - DAY
        )
        before = snapshot(proposal)
        with pytest.raises(Conflict):
            services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
        assert snapshot(proposal) == before

    def test_missing_fields_are_all_named_400(self, org, campaigns):
        proposal = services.proposal_create(by=org.worker_a, campaign=campaigns.open, title="  ")
        with pytest.raises(ValidationError) as refused:
            services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
        assert set(refused.value.message_dict) == set(REQUIRED_TO_SUBMIT)
        assert snapshot(proposal) == (Status.DRAFT, None, "  ", 0)
        assert not CodeSequence.objects.filter(last__gt=0).exists()

    def test_one_missing_field_is_named_alone(self, org, make_proposal):
        proposal = make_proposal(org.worker_a, submit=False, improvement="")
        with pytest.raises(ValidationError) as refused:
            services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
        assert set(refused.value.message_dict) == {"improvement"}

    @pytest.mark.parametrize("status", [Status.SUBMITTED, *SCREENED_OR_LATER[1:]])
    def test_submitting_from_another_state_is_409(self, org, state, status):
        proposal = state(status)
        before = snapshot(proposal)
        with pytest.raises(Conflict) as refused:
            services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
        assert refused.value.code == "invalid_transition"
        assert snapshot(proposal) == before

    def test_co_author_cannot_submit_403(self, org, make_proposal):
        proposal = make_proposal(org.worker_a, co_authors=[(org.colleague_a, Decimal(40))])
        services.proposal_return(proposal_id=proposal.pk, by=org.official_a, comment="补充")
        with pytest.raises(PermissionDenied):
            services.proposal_submit(proposal_id=proposal.pk, by=org.colleague_a)
        assert snapshot(proposal)[0] == Status.RETURNED

    @pytest.mark.parametrize("who", ["official_a", "worker_b", "colleague_a"])
    def test_others_cannot_submit_a_draft_404(self, org, state, who):
        proposal = state(Status.DRAFT)
        with pytest.raises(Http404):
            services.proposal_submit(proposal_id=proposal.pk, by=getattr(org, who))
        assert snapshot(proposal)[0] == Status.DRAFT


class TestProposalWithdraw:
    @pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RETURNED])
    def test_author_withdraws_a_submitted_or_returned_proposal(self, org, state, status):
        proposal = state(status)
        withdrawn = services.proposal_withdraw(
            proposal_id=proposal.pk, by=org.worker_a, note="重复"
        )
        assert withdrawn.status == Status.WITHDRAWN
        event = withdrawn.events.last()
        assert (event.from_state, event.to_state, event.actor) == (
            status,
            "withdrawn",
            org.worker_a,
        )

    @pytest.mark.parametrize("status", [Status.DRAFT, *SCREENED_OR_LATER[1:]])
    def test_withdrawing_from_another_state_is_409(self, org, state, status):
        proposal = state(status)
        before = snapshot(proposal)
        with pytest.raises(Conflict):
            services.proposal_withdraw(proposal_id=proposal.pk, by=org.worker_a)
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("who", ["official_a", "group_official"])
    def test_official_cannot_withdraw_for_the_author_403(self, org, state, who):
        proposal = state(Status.SUBMITTED)
        before = snapshot(proposal)
        with pytest.raises(PermissionDenied):
            services.proposal_withdraw(proposal_id=proposal.pk, by=getattr(org, who))
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("who", ["official_b", "worker_b", "colleague_a"])
    def test_outsiders_cannot_withdraw_404(self, org, state, who):
        proposal = state(Status.SUBMITTED)
        before = snapshot(proposal)
        with pytest.raises(Http404):
            services.proposal_withdraw(proposal_id=proposal.pk, by=getattr(org, who))
        assert snapshot(proposal) == before


# --- Screening ----------------------------------------------------------------------


def screen(proposal, by):
    return services.proposal_screen(proposal_id=proposal.pk, by=by)


def return_(proposal, by):
    return services.proposal_return(proposal_id=proposal.pk, by=by, comment="补充用水量数据")


def reject(proposal, by):
    return services.proposal_reject_ineligible(
        proposal_id=proposal.pk, by=by, reason="属于日常维修，不属于五小范围"
    )


def mark_duplicate(original):
    def act(proposal, by):
        return services.proposal_mark_duplicate(
            proposal_id=proposal.pk, by=by, duplicate_of=original
        )

    return act


@pytest.fixture
def original(org, make_proposal):
    """An earlier proposal from the next team, with the same idea."""
    return make_proposal(org.colleague_a, title="井下喷雾降尘节水装置")


OUTCOMES = {
    "screen": (screen, Status.UNDER_REVIEW),
    "return": (return_, Status.RETURNED),
    "reject-ineligible": (reject, Status.NOT_ELIGIBLE),
    "mark-duplicate": (None, Status.DUPLICATE),
}


def outcome(name, original):
    action, target = OUTCOMES[name]
    return (action or mark_duplicate(original)), target


class TestScreening:
    @pytest.mark.parametrize("name", list(OUTCOMES))
    @pytest.mark.parametrize("who", ["official_a", "group_official", "admin"])
    def test_official_over_the_author_decides_a_submitted_proposal(
        self, org, state, original, name, who
    ):
        proposal = state(Status.SUBMITTED)
        action, target = outcome(name, original)
        decided = action(proposal, getattr(org, who))
        assert decided.status == target
        event = decided.events.last()
        assert (event.from_state, event.to_state, event.actor) == (
            "submitted",
            target,
            getattr(org, who),
        )
        assert decided.events.count() == 2

    @pytest.mark.parametrize("name", list(OUTCOMES))
    @pytest.mark.parametrize("status", SCREENED_OR_LATER)
    def test_outcomes_from_any_other_state_are_409(self, org, state, original, name, status):
        proposal = state(status)
        action, _target = outcome(name, original)
        before = snapshot(proposal)
        with pytest.raises(Conflict):
            action(proposal, org.official_a)
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("name", list(OUTCOMES))
    def test_a_proposal_the_official_entered_is_screened_by_another_403(
        self, org, campaigns, original, name
    ):
        # Whoever typed it in for the worker does not also judge it.
        proposal = services.proposal_create(
            by=org.official_a, campaign=campaigns.open, author=org.worker_a, **COMPLETE
        )
        action, _target = outcome(name, original)
        with pytest.raises(PermissionDenied):
            action(proposal, org.official_a)
        assert snapshot(proposal) == (Status.DRAFT, None, COMPLETE["title"], 0)

    @pytest.mark.parametrize("name", list(OUTCOMES))
    def test_author_and_co_author_see_it_but_cannot_screen_403(
        self, org, make_proposal, original, name
    ):
        proposal = make_proposal(org.worker_a, co_authors=[(org.colleague_a, Decimal(40))])
        action, _target = outcome(name, original)
        before = snapshot(proposal)
        for who in (org.worker_a, org.colleague_a):
            with pytest.raises(PermissionDenied):
                action(proposal, who)
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("name", list(OUTCOMES))
    @pytest.mark.parametrize("who", ["official_b", "worker_b", "colleague_a"])
    def test_outsiders_cannot_even_find_it_404(self, org, state, original, name, who):
        proposal = state(Status.SUBMITTED)
        action, _target = outcome(name, original)
        before = snapshot(proposal)
        with pytest.raises(Http404):
            action(proposal, getattr(org, who))
        assert snapshot(proposal) == before

    def test_awarded_proposal_is_public_but_not_screenable_by_another_company_403(self, org, state):
        proposal = state(Status.AWARDED)
        before = snapshot(proposal)
        with pytest.raises(PermissionDenied):
            screen(proposal, org.official_b)
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("comment", ["", "   "])
    def test_return_without_a_comment_is_400(self, org, state, comment):
        proposal = state(Status.SUBMITTED)
        before = snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.proposal_return(proposal_id=proposal.pk, by=org.official_a, comment=comment)
        assert "comment" in refused.value.message_dict
        assert snapshot(proposal) == before

    def test_return_comment_is_on_the_timeline(self, org, state):
        proposal = state(Status.SUBMITTED)
        services.proposal_return(proposal_id=proposal.pk, by=org.official_a, comment=" 补充数据 ")
        assert proposal.events.last().note == "补充数据"

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_reject_without_a_reason_is_400(self, org, state, reason):
        proposal = state(Status.SUBMITTED)
        before = snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.proposal_reject_ineligible(
                proposal_id=proposal.pk, by=org.official_a, reason=reason
            )
        assert "reason" in refused.value.message_dict
        assert snapshot(proposal) == before


class TestMarkDuplicate:
    def test_duplicate_points_to_its_original(self, org, state, original):
        proposal = state(Status.SUBMITTED)
        marked = services.proposal_mark_duplicate(
            proposal_id=proposal.pk, by=org.official_a, duplicate_of=original
        )
        marked.refresh_from_db()
        assert (marked.status, marked.duplicate_of) == (Status.DUPLICATE, original)
        assert original.code in marked.events.last().note

    def test_original_may_be_an_awarded_proposal_of_another_company(
        self, org, state, make_proposal
    ):
        # the showcase is public: an idea already awarded elsewhere is a duplicate
        elsewhere = make_proposal(org.worker_b, title="井下喷雾降尘节水装置")
        Proposal.objects.filter(pk=elsewhere.pk).update(status=Status.AWARDED)
        proposal = state(Status.SUBMITTED)
        marked = services.proposal_mark_duplicate(
            proposal_id=proposal.pk, by=org.official_a, duplicate_of=elsewhere
        )
        assert marked.duplicate_of_id == elsewhere.pk

    def refused(self, org, proposal, duplicate_of, says, by=None):
        before = snapshot(proposal)
        with pytest.raises(ValidationError) as refused:
            services.proposal_mark_duplicate(
                proposal_id=proposal.pk, by=by or org.official_a, duplicate_of=duplicate_of
            )
        assert refused.value.message_dict["duplicate_of"] == [gettext(says)]
        assert snapshot(proposal) == before
        assert Proposal.objects.get(pk=proposal.pk).duplicate_of is None

    def test_not_a_duplicate_of_itself(self, org, state):
        proposal = state(Status.SUBMITTED)
        self.refused(org, proposal, proposal, "A proposal is not a duplicate of itself.")

    def test_original_outside_the_officials_scope_is_400(self, org, state, make_proposal):
        in_b = make_proposal(org.worker_b, title="井下喷雾降尘节水装置")
        self.refused(org, state(Status.SUBMITTED), in_b, "The original is outside your scope.")

    @pytest.mark.parametrize("blind", [True, False])
    def test_original_the_official_reviews_blind_is_outside_their_scope(
        self, org, state, make_proposal, blind
    ):
        # Company A's official reviews company B's proposal: in a blind
        # campaign only to score it, so marking would name its code to them.
        in_b = make_proposal(org.worker_b, title="井下喷雾降尘节水装置")
        services.proposal_screen(proposal_id=in_b.pk, by=org.group_official)
        services.reviewers_assign(
            proposal_id=in_b.pk, by=org.group_official, reviewers=[org.official_a]
        )
        Campaign.objects.filter(pk=in_b.campaign_id).update(blind_review=blind)
        proposal = state(Status.SUBMITTED)
        if blind:
            self.refused(org, proposal, in_b, "The original is outside your scope.")
        else:
            marked = services.proposal_mark_duplicate(
                proposal_id=proposal.pk, by=org.official_a, duplicate_of=in_b
            )
            assert marked.duplicate_of_id == in_b.pk

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.WITHDRAWN])
    def test_original_may_not_be_a_draft_or_withdrawn(self, org, make_proposal, state, status):
        other = proposal_in(
            status, org=org, make_proposal=make_proposal, author=org.colleague_a, title="节水喷雾"
        )
        # company A's official sees the withdrawn proposal, not the draft
        says = {
            Status.DRAFT: "The original is outside your scope.",
            Status.WITHDRAWN: "A draft or a withdrawn proposal is not an original.",
        }[status]
        self.refused(org, state(Status.SUBMITTED), other, says)

    def test_original_may_not_itself_be_a_duplicate(self, org, state, make_proposal):
        first_duplicate = state(Status.DUPLICATE)  # of colleague_a's proposal
        proposal = make_proposal(org.worker_a, title="喷雾节水")
        self.refused(
            org,
            proposal,
            first_duplicate,
            "That proposal is itself a duplicate; name its original.",
        )

    @pytest.mark.parametrize("status", [Status.SUBMITTED, Status.UNDER_REVIEW, Status.AWARDED])
    def test_original_may_not_be_a_later_proposal(self, org, state, make_proposal, status):
        proposal = state(Status.SUBMITTED)
        later = proposal_in(
            status, org=org, make_proposal=make_proposal, author=org.colleague_a, title="节水喷雾"
        )
        self.refused(org, proposal, later, "The original is an earlier proposal.")
