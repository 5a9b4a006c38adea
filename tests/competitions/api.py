"""What the five-small API tests share."""

from competitions.models import Proposal

PROPOSALS = "/api/v1/proposals/"

SIMILAR = f"{PROPOSALS}similar/"


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
