"""What a studio's leader hears of their studio and its records
(docs/notices.md): the office's moves, never their own."""

from django.db.models import Model
from django.urls import reverse

from accounts.models import User
from notices.services import notify
from studios.models import Studio
from studios.selectors import studios_visible_to


def tell_leader(
    studio: Studio, kind: str, *, record: Model, url: str, may_open, by: User, **params
) -> None:
    """The studio's leader hears `kind` about `record` (the studio itself, an
    achievement, a patent), if they may open it and did not make the move."""
    notify(
        kind=kind,
        recipients=[studio.leader_id],
        record=record,
        text_params={"studio": studio.name, **params},
        url=url,
        may_open=may_open,
        actor=by,
    )


def tell_leader_of_studio(studio: Studio, kind: str, *, by: User, **params) -> None:
    """The leader hears `kind` about the studio itself (its page)."""
    tell_leader(
        studio,
        kind,
        record=studio,
        url=reverse("studios:studio-detail", args=[studio.pk]),
        may_open=studios_visible_to,
        by=by,
        **params,
    )
