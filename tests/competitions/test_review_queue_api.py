"""The reviewer's queue through the API (`GET /api/v1/review-queue/`), for a
reviewer on a phone as on the queue's page: the proposals they are asked to
review, waiting ones first, each named by id and title only; nobody else's.
For every role, and the queries a page takes."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from competitions.models import Proposal, ReviewAssignment
from tests.factories import PersonFactory
from tests.lists import ListCase, each_list
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status
QUEUE = "/api/v1/review-queue/"


def test_the_reviewer_reads_their_queue_waiting_first_by_title_only(api, org, panel, at):
    # Given a reviewer who scored one proposal and still owes another (blind or not)
    reviewer = panel.experts[0]
    done = at(Status.UNDER_REVIEW, totals=(80, 70), title="已评")
    waiting = at(Status.UNDER_REVIEW, reviewers=panel.experts[:3], totals=(), title="待评")

    # When they read their queue
    api.force_authenticate(reviewer)
    rows = api.get(QUEUE).json()["results"]

    # Then what waits for them comes first, with its day and how far review has got
    assert [(r["proposal"], r["waiting"], r["reviewed"]) for r in rows] == [
        ({"id": waiting.pk, "title": "待评"}, True, False),
        ({"id": done.pk, "title": "已评"}, False, True),
    ]
    assert rows[0]["due_on"] == waiting.campaign.review_deadline.isoformat()
    assert (rows[0]["review_count"], rows[0]["assigned_count"]) == (0, 3)
    assert rows[0]["campaign"]["id"] == waiting.campaign_id
    # Nothing that names the author, the unit or the code
    assert not {"code", "author", "org_unit"} & set(rows[0]["proposal"])


@pytest.mark.parametrize("role", ["worker_a", "official_a", "group_official", "colleague_a"])
def test_anyone_not_asked_to_review_reads_an_empty_queue(api, org, panel, at, role):
    assignment_owner = panel.experts[0]
    at(Status.UNDER_REVIEW, reviewers=[assignment_owner], totals=())
    api.force_authenticate(getattr(org, role))
    assert api.get(QUEUE).json()["results"] == []


def test_another_reviewers_row_is_not_found(api, panel, at):
    at(Status.UNDER_REVIEW, reviewers=panel.experts[:2], totals=())
    api.force_authenticate(panel.experts[0])
    mine = api.get(QUEUE).json()["results"][0]["id"]
    assert api.get(f"{QUEUE}{mine}/").status_code == 200
    api.force_authenticate(panel.experts[2])
    assert api.get(f"{QUEUE}{mine}/").status_code == 404


def test_signed_out_is_refused(api):
    assert api.get(QUEUE).status_code in (401, 403)


@shared_data(needs=("org", "campaigns"))
def long_queue(built):
    """A reviewer asked to review 30 proposals (written straight to the table:
    the queue lists whatever they are asked, whatever the proposal's state)."""
    org, campaigns = built.get("org"), built.get("campaigns")
    reviewer = PersonFactory(employee_no="queued", org_unit=org.team_b101)
    due = timezone.localdate() + datetime.timedelta(days=10)
    proposals = [
        Proposal.objects.create(
            campaign=campaigns.open,
            author=org.worker_a,
            org_unit=org.team_a101,
            title=f"排队 {n}",
            category=Proposal.Category.values[0],
        )
        for n in range(30)
    ]
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(proposal=p, reviewer=reviewer, assigned_by=org.group_official, due_on=due)
        for p in proposals
    )
    return SimpleNamespace(reviewer=reviewer, org=org)


@each_list([ListCase(QUEUE, 2, viewer="reviewer")])
def test_the_queue_takes_the_same_queries_at_any_page_size(lists, long_queue, case, page_size):
    lists.read(case, long_queue, page_size)
