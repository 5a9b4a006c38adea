"""Rules on a five-small proposal's entry: a sane prize quota, complete co-author
rows, autosave after submission, unit and year fixed once proposals are in, the
earlier proposal as the original of a duplicate, a draft's photos deleted with
it, and filing only under one's own studio."""

import datetime
import os

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from competitions import services
from competitions.models import Proposal
from core.attachments import attachment_create
from core.exceptions import Conflict
from studios import services as studio_services
from studios.models import Membership
from tests.competitions.pages import form_data, jpeg, new_url, url

pytestmark = pytest.mark.django_db

Status = Proposal.Status


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_prize_quota_beyond_reason_is_400_not_500(api, org):
    api.force_authenticate(org.group_official)
    now = timezone.now()
    response = api.post(
        "/api/v1/campaigns/",
        {
            "name": "五小",
            "year": now.year,
            "org_unit_id": org.group.pk,
            "opens_at": now.isoformat(),
            "closes_at": (now + datetime.timedelta(days=9)).isoformat(),
            "review_deadline": (now + datetime.timedelta(days=30)).date().isoformat(),
            "grades": [{"grade": "first", "quota": 10**12, "amount": "1"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "grades" in response.json()["errors"]


def test_a_half_typed_co_author_row_stops_the_submission(as_person, org, campaigns):
    data = form_data(
        "submit",
        **{
            "co_authors-TOTAL_FORMS": "1",
            "co_authors-0-person": str(org.colleague_a.pk),
            "co_authors-0-share": "",
        },
    )
    response = as_person(org.worker_a).post(new_url(campaigns.open), data)
    assert response.status_code == 400
    assert not Proposal.objects.exclude(status=Status.DRAFT).exists()


def test_autosave_of_a_proposal_submitted_meanwhile_moves_the_whole_page(
    as_person, org, make_proposal
):
    proposal = make_proposal(org.worker_a)
    response = as_person(org.worker_a).post(
        url("proposal-edit", proposal), form_data(title="改名"), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == url("proposal-detail", proposal)
    proposal.refresh_from_db()
    assert proposal.title != "改名"


def test_unit_and_year_are_fixed_once_proposals_are_in(org, campaigns, make_proposal):
    make_proposal(org.worker_a)
    with pytest.raises(Conflict):
        services.campaign_update(
            campaign_id=campaigns.open.pk, by=org.group_official, org_unit=org.company_b
        )
    with pytest.raises(Conflict):
        services.campaign_update(campaign_id=campaigns.open.pk, by=org.group_official, year=2001)
    # Other settings may still change.
    services.campaign_update(campaign_id=campaigns.open.pk, by=org.group_official, name="新名")


def test_the_original_of_a_duplicate_is_the_earlier_proposal(org, make_proposal):
    older = make_proposal(org.worker_a)
    newer = make_proposal(org.colleague_a)
    with pytest.raises(ValidationError) as refused:
        services.proposal_mark_duplicate(
            proposal_id=older.pk, by=org.official_a, duplicate_of=newer
        )
    assert "duplicate_of" in refused.value.message_dict
    assert Proposal.objects.get(pk=older.pk).status == Status.SUBMITTED


def test_deleting_a_draft_removes_its_photos_from_disk(
    org, make_proposal, media, django_capture_on_commit_callbacks
):
    draft = make_proposal(org.worker_a, submit=False)
    attachment = attachment_create(owner=draft, upload=jpeg(), by=org.worker_a)
    path = attachment.file.path
    # The files go once the deletion has committed (a rollback keeps them).
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_delete(proposal_id=draft.pk, by=org.worker_a)
        assert os.path.exists(path)
    assert not os.path.exists(path)


def test_a_worker_files_only_under_a_studio_they_belong_to(studios, make_proposal):
    with pytest.raises(ValidationError) as refused:
        make_proposal(studios.org.worker_b, submit=False, studio=studios.turbine)
    assert "studio" in refused.value.message_dict
    studio_services.membership_add(
        studio_id=studios.turbine.pk,
        by=studios.org.group_official,
        person=studios.org.worker_b,
        role=Membership.Role.MEMBER,
    )
    proposal = make_proposal(studios.org.worker_b, submit=False, studio=studios.turbine)
    assert proposal.studio == studios.turbine
