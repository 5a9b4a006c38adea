"""A proposal's history: its author reads it, the office over it too; a
reviewer or a stranger does not."""

from decimal import Decimal

import pytest

from competitions import services
from competitions.models import Proposal

pytestmark = [pytest.mark.django_db, pytest.mark.history]


def history(api, person, proposal):
    api.force_authenticate(person)
    return api.get(f"/api/v1/proposals/{proposal.pk}/history/")


def test_the_author_reads_the_history_of_their_own_proposal(org, make_proposal, api):
    proposal = make_proposal(org.worker_a)
    services.proposal_screen(proposal_id=proposal.pk, by=org.official_a)
    answer = history(api, org.worker_a, proposal)
    assert answer.status_code == 200
    assert any(change["field"] for row in answer.json()["results"] for change in row["changes"])


def test_the_office_over_it_reads_it_and_another_office_gets_404(org, make_proposal, api):
    proposal = make_proposal(org.worker_a)
    assert history(api, org.official_a, proposal).status_code == 200
    assert history(api, org.official_b, proposal).status_code == 404


def test_a_colleague_gets_404(org, make_proposal, api):
    proposal = make_proposal(org.worker_a)
    assert history(api, org.colleague_a, proposal).status_code == 404


# --- On the proposal's page -------------------------------------------------------


def page(client, person, proposal):
    client.force_login(person)
    return client.get(f"/competitions/proposals/{proposal.pk}/", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("who", ["worker_a", "official_a", "group_official", "admin"])
def test_the_author_and_the_office_see_the_change_history_on_the_page(
    org, make_proposal, client, who
):
    proposal = make_proposal(org.worker_a)
    Proposal.objects.filter(pk=proposal.pk).update(expected_benefit=Decimal("12345.5"))
    response = page(client, getattr(org, who), proposal)
    assert response.status_code == 200
    changes = [c for e in response.context["changes"]["entries"] for c in e.changes]
    assert "¥12,345.50" in [change.new for change in changes]  # money as the pages print it


def test_others_get_no_change_history_or_404(org, make_proposal, client):
    proposal = make_proposal(org.worker_a)
    assert page(client, org.official_b, proposal).status_code == 404
    assert page(client, org.colleague_a, proposal).status_code == 404
