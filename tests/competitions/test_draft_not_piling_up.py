"""Defect 9: touching the proposal form made a new "（未命名）" draft each time.
A draft is made only once something is typed (saving or submitting the
untouched form says what is missing); an empty draft of the same campaign is
reused; the author deletes a draft from "my proposals"."""

import pytest
from django.urls import reverse

from competitions import services
from competitions.models import Proposal
from competitions.services.proposals import REQUIRED_TO_SUBMIT
from tests.competitions.conftest import COMPLETE
from tests.competitions.pages import HTMX, form_data, new_url, zh

pytestmark = pytest.mark.django_db

# The form as it is posted when the worker touched it but typed nothing.
UNTYPED = dict.fromkeys(COMPLETE) | {"goals": None}


def test_touching_the_form_without_typing_makes_no_draft(as_person, org, campaigns):
    client = as_person(org.worker_a)
    for _ in range(3):
        response = client.post(new_url(campaigns.open), form_data(**UNTYPED), headers=HTMX)
        assert response.status_code == 200
    assert not Proposal.objects.filter(author=org.worker_a).exists()


def test_saving_the_untouched_form_says_nothing_was_typed_and_makes_nothing(
    as_person, org, campaigns
):
    client = as_person(org.worker_a)
    response = client.post(new_url(campaigns.open), form_data("save", **UNTYPED))
    assert response.status_code == 400
    assert zh("Nothing has been typed yet, so nothing was saved: start with the title.") in (
        response.content.decode()
    )
    assert not Proposal.objects.filter(author=org.worker_a).exists()


def test_submitting_the_untouched_form_names_every_field_still_needed(as_person, org, campaigns):
    client = as_person(org.worker_a)
    response = client.post(new_url(campaigns.open), form_data("submit", **UNTYPED))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == set(REQUIRED_TO_SUBMIT)
    assert 'data-testid="missing-summary"' in response.content.decode()
    assert not Proposal.objects.filter(author=org.worker_a).exists()


def test_an_empty_draft_is_reused_not_piled_up(as_person, org, campaigns):
    client = as_person(org.worker_a)
    empty = services.proposal_create(by=org.worker_a, campaign=campaigns.open)
    client.post(
        new_url(campaigns.open), form_data(**(UNTYPED | {"title": "皮带机托辊"})), headers=HTMX
    )
    assert list(Proposal.objects.filter(author=org.worker_a)) == [empty]
    empty.refresh_from_db()
    assert empty.title == "皮带机托辊"


def test_my_proposals_offers_to_delete_a_draft_and_the_author_deletes_it(
    as_person, org, make_proposal
):
    draft = make_proposal(org.worker_a, submit=False)
    client = as_person(org.worker_a)
    page = client.get(reverse("competitions:my-proposals")).content.decode()
    delete_url = reverse("competitions:proposal-delete", args=[draft.pk])
    assert delete_url in page and "data-confirm" in page
    assert client.post(delete_url).status_code == 302
    assert not Proposal.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("who", ["colleague_a", "official_a"])
def test_others_cannot_delete_the_draft(as_person, org, make_proposal, who):
    draft = make_proposal(org.worker_a, submit=False)
    as_person(getattr(org, who)).post(reverse("competitions:proposal-delete", args=[draft.pk]))
    assert Proposal.objects.filter(pk=draft.pk).exists()


def test_a_submitted_proposal_offers_no_delete_and_is_not_deleted(as_person, org, make_proposal):
    proposal = make_proposal(org.worker_a)
    client = as_person(org.worker_a)
    delete_url = reverse("competitions:proposal-delete", args=[proposal.pk])
    assert delete_url not in client.get(reverse("competitions:my-proposals")).content.decode()
    client.post(delete_url)
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_the_api_deletes_a_draft_for_its_author_only(api, org, make_proposal):
    draft = make_proposal(org.worker_a, submit=False)
    api.force_authenticate(org.colleague_a)
    assert api.delete(f"/api/v1/proposals/{draft.pk}/").status_code == 404
    api.force_authenticate(org.worker_a)
    assert api.delete(f"/api/v1/proposals/{draft.pk}/").status_code == 204
