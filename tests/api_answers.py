"""What every API test reads from an answer: the page of results, the field
errors of a 400 and the one-sentence body of any other refusal (docs/api.md)."""


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response) -> set[int]:
    return {row["id"] for row in results(response)}


def field_errors(response) -> dict:
    """A 400: the machine code, a sentence, and at least one message per field."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert all(messages for messages in body["errors"].values())
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


def url(base: str, record, action: str | None = None) -> str:
    """`/api/v1/<records>/<id>/[<action>/]` for a record or an id."""
    pk = record if isinstance(record, int) else record.pk
    return f"{base}{pk}/" + (f"{action}/" if action else "")
