"""What the review API tests share."""

from tests.competitions.states import rubric_scores

PROPOSALS = "/api/v1/proposals/"

REVIEWS = "/api/v1/reviews/"


# --- Helpers ------------------------------------------------------------------------


def field_errors(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["code"], bool(body["detail"])) == ("invalid", True)
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


def url(proposal, action=None) -> str:
    return f"{PROPOSALS}{proposal.pk}/" + (f"{action}/" if action else "")


def scores_body(proposal, total) -> list[dict]:
    return [
        {"criterion_id": criterion_id, "points": str(points)}
        for criterion_id, points in rubric_scores(proposal.campaign, total).items()
    ]


def review_body(proposal, total=75, comment="方案可行") -> dict:
    return {"proposal_id": proposal.pk, "scores": scores_body(proposal, total), "comment": comment}


def who(org, panel, name):
    return {"reviewer": panel.experts[0], "outside_expert": panel.experts[4]}.get(name) or getattr(
        org, name
    )
