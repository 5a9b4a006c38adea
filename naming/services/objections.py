"""Objections during the public notice, lodged by anyone signed in and decided
by the office."""

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict
from core.services import ensure, save_or_conflict
from naming.models import (
    NamingApplication,
    Objection,
    ObjectionEvent,
)
from naming.selectors import (
    objections_visible_to,
)
from naming.services.guards import locked_application, office_locked, reason_required
from naming.services.telling import tell_applicant

Status = NamingApplication.Status


@transaction.atomic
def objection_lodge(*, by: User, application: NamingApplication, reason: str) -> Objection:
    """Anyone signed in objects to an application while it is on public notice."""
    application = locked_application(application.pk, by)
    ensure(
        application.status == Status.PUBLIC_NOTICE
        and timezone.localdate() <= application.notice_ends_on,
        Conflict(_("Objections are taken only while the application is on public notice.")),
    )
    reason = reason_required(reason)
    ensure(
        not application.objections.filter(lodged_by=by, status=Objection.Status.OPEN).exists(),
        Conflict(_("You have already lodged an objection that is still open.")),
    )
    objection = Objection(application=application, lodged_by=by, reason=reason)
    objection.full_clean()
    save_or_conflict(objection, _("You have already lodged an objection that is still open."))
    ObjectionEvent.objects.create(
        objection=objection, actor=by, to_state=Objection.Status.OPEN, at=objection.created_at
    )
    return objection


@transaction.atomic
def objection_decide(
    *, objection_id: int, by: User, upheld: bool, reason: str, reject: bool = False
) -> Objection:
    """The office upholds an objection (the application goes back to expert
    review, or is rejected with `reject`) or dismisses it; either with a reason."""
    objection = objections_visible_to(by).filter(pk=objection_id).first()
    ensure(objection is not None, Http404())
    application = office_locked(objection.application_id, by)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    reason = reason_required(reason)
    target = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    if upheld:
        ensure(
            objection.can_move_to(target) and application.status == Status.PUBLIC_NOTICE,
            Conflict(_("Only an open objection to an application on notice can be upheld.")),
        )
    objection.decision_reason = reason
    objection.transition_to(target, by=by, note=reason, also_save=("decision_reason",))
    if upheld:
        back_to = Status.REJECTED if reject else Status.UNDER_REVIEW
        application.transition_to(
            back_to, by=by, note=_("Objection upheld: %(reason)s") % {"reason": reason}
        )
        kind = "naming.application_decided" if reject else "naming.application_returned"
        tell_applicant(application, kind, by, reason=reason)
    return objection
