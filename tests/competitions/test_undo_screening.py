"""The office takes back a screening outcome it got wrong (returned, not
eligible, duplicate) within 24 hours, before the author acted: the proposal is
`submitted` again and the outcome's event stays (issue 21, defect 8)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions import services
from competitions.models import Proposal, ProposalEvent
from notices.models import Notice
from tests.api_answers import refused
from tests.roles import person

pytestmark = pytest.mark.django_db

Status = Proposal.Status
UNDONE = (Status.RETURNED, Status.NOT_ELIGIBLE, Status.DUPLICATE)


def undo(api, proposal, who):
    api.force_authenticate(who)
    return api.post(f"/api/v1/proposals/{proposal.pk}/undo-screening/", {}, format="json")


@pytest.mark.parametrize("status", UNDONE)
@pytest.mark.parametrize("role", ["official_a", "group_official"])
def test_an_official_over_the_proposal_undoes_the_outcome(api, org, at, status, role):
    proposal = at(status)
    response = undo(api, proposal, person(org, role))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert (proposal.status, proposal.duplicate_of_id) == (Status.SUBMITTED, None)
    moves = list(proposal.events.order_by("at", "pk").values_list("from_state", "to_state"))
    assert moves[-2:] == [("submitted", status), (status, "submitted")]  # the outcome is kept
    assert Notice.objects.filter(
        recipient=org.worker_a, kind="competitions.proposal_screening_undone"
    ).exists()


@pytest.mark.parametrize(
    ("role", "status_code"),
    [("worker_a", 403), ("colleague_a", 403), ("official_b", 404), ("worker_b", 404)],
)
def test_authors_and_outsiders_may_not_undo(api, org, at, role, status_code):
    proposal = at(Status.NOT_ELIGIBLE)
    refused(undo(api, proposal, person(org, role)), status_code)
    assert Proposal.objects.get(pk=proposal.pk).status == Status.NOT_ELIGIBLE


def test_not_signed_in_is_401(api, org, at):
    proposal = at(Status.DUPLICATE)
    assert api.post(f"/api/v1/proposals/{proposal.pk}/undo-screening/").status_code == 401


@pytest.mark.parametrize("status", UNDONE)
def test_after_24_hours_it_is_409(api, org, at, status):
    proposal = at(status)
    long_ago = timezone.now() - datetime.timedelta(hours=25)
    ProposalEvent.objects.filter(proposal=proposal, to_state=status).update(at=long_ago)
    Proposal.objects.filter(pk=proposal.pk).update(updated_at=long_ago)
    refused(undo(api, proposal, org.official_a), 409)
    assert Proposal.objects.get(pk=proposal.pk).status == status


def test_after_the_author_revised_it_is_409(api, org, at):
    proposal = at(Status.RETURNED)
    services.proposal_update(proposal_id=proposal.pk, by=org.worker_a, title="补充了节水数据")
    refused(undo(api, proposal, org.official_a), 409)
    assert Proposal.objects.get(pk=proposal.pk).status == Status.RETURNED


def test_after_the_author_resubmitted_it_is_409(api, org, at):
    proposal = at(Status.RETURNED)
    services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
    refused(undo(api, proposal, org.official_a), 409)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.UNDER_REVIEW, Status.WITHDRAWN])
def test_a_proposal_without_such_an_outcome_is_409(api, org, at, status):
    proposal = at(status)
    refused(undo(api, proposal, org.official_a), 409)
    assert Proposal.objects.get(pk=proposal.pk).status == status


class TestThePage:
    def test_the_official_sees_the_button_and_undoes(self, as_person, org, at):
        proposal = at(Status.DUPLICATE)
        client = as_person(org.official_a)
        page = client.get(reverse("competitions:proposal-detail", args=[proposal.pk]))
        assert 'data-testid="undo-screening"' in page.content.decode()
        response = client.post(reverse("competitions:proposal-undo-screening", args=[proposal.pk]))
        assert response.status_code == 302
        assert Proposal.objects.get(pk=proposal.pk).status == Status.SUBMITTED

    def test_the_author_sees_no_button_and_is_refused(self, as_person, org, at):
        proposal = at(Status.RETURNED)
        client = as_person(org.worker_a)
        page = client.get(reverse("competitions:proposal-detail", args=[proposal.pk]))
        assert 'data-testid="undo-screening"' not in page.content.decode()
        url = reverse("competitions:proposal-undo-screening", args=[proposal.pk])
        assert client.post(url).status_code == 403
        assert as_person(org.worker_b).post(url).status_code == 404

    def test_no_button_after_24_hours(self, as_person, org, at):
        proposal = at(Status.NOT_ELIGIBLE)
        long_ago = timezone.now() - datetime.timedelta(hours=25)
        ProposalEvent.objects.filter(proposal=proposal).update(at=long_ago)
        Proposal.objects.filter(pk=proposal.pk).update(updated_at=long_ago)
        page = as_person(org.official_a).get(
            reverse("competitions:proposal-detail", args=[proposal.pk])
        )
        assert 'data-testid="undo-screening"' not in page.content.decode()

    def test_screening_outcomes_ask_for_confirmation(self, as_person, org, at):
        proposal = at(Status.SUBMITTED)
        html = (
            as_person(org.official_a)
            .get(reverse("competitions:proposal-detail", args=[proposal.pk]))
            .content.decode()
        )
        for testid in ("screen", "return", "reject-ineligible"):
            button = html.split(f'data-testid="{testid}"')[1].split(">")[0]
            assert "data-confirm=" in button, testid
        assert 'data-confirm-with="comment"' in html and 'data-confirm-with="reason"' in html
