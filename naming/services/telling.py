"""What the applicant and the experts hear of an application (docs/notices.md)."""

from django.urls import reverse

from accounts.models import User
from naming.models import NamingApplication
from naming.selectors import naming_applications_visible_to
from notices.kinds import in_product_language
from notices.services import notify


def tell_applicant(application: NamingApplication, kind: str, by: User, **params) -> None:
    """The person who applied hears the office's move (not the official who made
    it)."""
    status = in_product_language(application.get_status_display())
    notify(
        kind=kind,
        recipients=[application.applicant_id],
        record=application,
        text_params={"studio": application.studio.name, "status": status, **params},
        url=reverse("naming:application-detail", args=[application.pk]),
        may_open=naming_applications_visible_to,
        actor=by,
    )


def tell_experts_asked(application: NamingApplication, experts: list[User], by: User) -> None:
    """Each expert newly asked to score the application hears of it, with the
    link to the page where they score (the office that asked is not told)."""
    notify(
        kind="naming.expert_asked",
        recipients=[person.pk for person in experts],
        record=application,
        text_params={"studio": application.studio.name, "call": application.call.title},
        url=reverse("naming:application-detail", args=[application.pk]),
        may_open=naming_applications_visible_to,
        actor=by,
    )
