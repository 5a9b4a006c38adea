"""A proposal's history: its author reads it, the office over it too; a
reviewer or a stranger does not."""

import pytest

from competitions import services

pytestmark = pytest.mark.django_db


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
