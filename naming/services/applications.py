"""An application's own moves: the draft, its submission (eligibility checked and
the studio's facts frozen), the unit's recommendation and the office's decision.
Named and recommended take one of the call's places: the call's row lock makes
the last place go to one application only."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict
from core.services import ensure, save_or_conflict
from naming.models import (
    PLACED,
    NamingApplication,
    NamingCall,
    Objection,
)
from naming.selectors import (
    eligibility_checks,
    naming_application_access,
    naming_call_access,
    studio_record,
    studios_that_may_apply,
)
from naming.services.guards import ensure_move, locked_application, office_locked, reason_required
from naming.services.telling import tell_applicant
from studios import services as studio_services
from studios.models import RecognitionList, Studio

Status = NamingApplication.Status
# Moves a decision may make, and the one an enterprise or a higher call allows.
OUTCOMES = (Status.NAMED, Status.RECOMMENDED_UPWARD, Status.REJECTED)


@transaction.atomic
def naming_application_create(
    *, by: User, call: NamingCall, studio: Studio, statement: str = ""
) -> NamingApplication:
    """A draft application of `studio` (which `by` leads or manages) to `call`."""
    ensure(
        naming_call_access(by, call).read,
        ValidationError({"call": _("This call is outside your scope.")}),
    )
    ensure(
        call.is_open(),
        Conflict(_("The call closed on %(date)s.") % {"date": call.deadline.isoformat()}),
    )
    ensure(
        not NamingApplication.objects.filter(call=call, studio=studio).exists(),
        Conflict(_("This studio has already applied to this call.")),
    )
    ensure(
        studios_that_may_apply(by, call).filter(pk=studio.pk).exists(),
        ValidationError(
            {
                "studio": _(
                    "Choose an established studio in the calling unit that you lead or manage."
                )
            }
        ),
    )
    application = NamingApplication(
        call=call, studio=studio, applicant=by, statement=(statement or "").strip()
    )
    application.full_clean()
    save_or_conflict(application, _("This studio has already applied to this call."))
    return application


@transaction.atomic
def naming_application_update(
    *, application_id: int, by: User, statement: str
) -> NamingApplication:
    """The applicant rewrites the statement while the application is a draft."""
    application = locked_application(application_id, by)
    ensure(naming_application_access(by, application).applies, PermissionDenied())
    ensure(
        application.status == Status.DRAFT,
        Conflict(_("Only a draft can be changed; this one has been submitted.")),
    )
    application.statement = (statement or "").strip()
    application.save(update_fields=["statement"])
    return application


@transaction.atomic
def naming_application_submit(
    *, application_id: int, by: User, eligibility_override: str = ""
) -> NamingApplication:
    """Send the application in, freezing the studio's facts as they are now.
    A failed eligibility check refuses it, each one explained, unless an
    official overrides them with a reason (kept on the application)."""
    application = locked_application(application_id, by)
    access = naming_application_access(by, application)
    ensure(access.applies or access.runs, PermissionDenied())
    ensure_move(application, Status.SUBMITTED)
    call = application.call
    ensure(
        call.is_open(),
        Conflict(_("The call closed on %(date)s.") % {"date": call.deadline.isoformat()}),
    )
    override = (eligibility_override or "").strip()
    ensure(
        not override or access.recommends or access.runs,
        PermissionDenied(_("Only an official may override the eligibility checks.")),
    )
    facts = studio_record(application.studio, output_years=call.output_years)
    failed = [check for check in eligibility_checks(call, facts) if not check.passed]
    ensure(
        not failed or bool(override),
        ValidationError({"eligibility": [f"{c.label}: {c.explanation}" for c in failed]}),
    )
    application.facts = facts
    application.submitted_at = timezone.now()
    note = ""
    if failed:
        application.eligibility_override = override
        application.overridden_by = by
        note = _("Eligibility overridden: %(reason)s") % {"reason": override}
    application.transition_to(
        Status.SUBMITTED,
        by=by,
        note=note,
        also_save=("facts", "submitted_at", "eligibility_override", "overridden_by"),
    )
    return application


@transaction.atomic
def naming_application_recommend(
    *, application_id: int, by: User, note: str = ""
) -> NamingApplication:
    """The official over the studio's unit recommends it on to the call's office."""
    application = locked_application(application_id, by)
    ensure(
        naming_application_access(by, application).recommends,
        PermissionDenied(_("Only the union officials over the studio, outside it, recommend it.")),
    )
    application.transition_to(Status.RECOMMENDED, by=by, note=(note or "").strip())
    return application


def _name_on_group_list(call: NamingCall, studio: Studio, by: User) -> None:
    """Place the studio on the group's own list of the call, made with its
    first naming (one list a call, as many places as the call has)."""
    if call.recognition_list_id is None:
        call.recognition_list = studio_services.recognition_list_create(
            by=by,
            title=call.title,
            level=call.level,
            conferred_by=call.org_unit.name,
            year=call.year,
            total_named=call.quota,
            org_unit=call.org_unit,
        )
        call.save(update_fields=["recognition_list"])
    studio_services.honour_create(
        by=by,
        recognition_list=call.recognition_list,
        studio=studio,
        conferred_on=timezone.localdate(),
    )


@transaction.atomic
def naming_application_decide(
    *, application_id: int, by: User, outcome: str, reason: str = ""
) -> NamingApplication:
    """The office's decision after the notice: named (enterprise level: on the
    group's list), recommended upward (higher levels), or rejected at any step
    before (with the reason; the unit's officials may reject what they have
    not recommended yet). Named and recommended take one of the call's places:
    the call's row lock makes the last place go to one application only."""
    application = locked_application(application_id, by)
    access = naming_application_access(by, application)
    ensure(
        outcome in OUTCOMES,
        ValidationError({"outcome": _("Choose named, recommended upward or rejected.")}),
    )
    if outcome == Status.REJECTED:
        ensure(
            access.runs or (access.recommends and application.status == Status.SUBMITTED),
            PermissionDenied(_("Only the union office over the call rejects an application.")),
        )
        ensure_move(application, Status.REJECTED)
        reason = reason_required(reason)
        application.transition_to(Status.REJECTED, by=by, note=reason)
        tell_applicant(application, "naming.application_decided", by, reason=reason)
        return application

    ensure(access.runs, PermissionDenied(_("Only the union office over the call decides.")))
    ensure_move(application, outcome)
    call = NamingCall.objects.select_for_update().get(pk=application.call_id)
    ensure(
        (outcome == Status.NAMED) == call.names_itself,
        ValidationError(
            {
                "outcome": _("The group names at enterprise level only; recommend it upward.")
                if outcome == Status.NAMED
                else _("An enterprise-level call names the studio itself.")
            }
        ),
    )
    ensure(
        timezone.localdate() > application.notice_ends_on,
        Conflict(
            _("The public notice runs until %(date)s.")
            % {"date": application.notice_ends_on.isoformat()}
        ),
    )
    ensure(
        not application.objections.filter(status=Objection.Status.OPEN).exists(),
        Conflict(_("Decide the open objections first.")),
    )
    taken = call.applications.filter(status__in=PLACED).count()
    ensure(
        taken < call.quota,
        Conflict(_("All %(quota)s places of the call are taken.") % {"quota": call.quota}),
    )
    if outcome == Status.NAMED:
        _name_on_group_list(call, application.studio, by)
    reason = (reason or "").strip()
    application.transition_to(outcome, by=by, note=reason)
    tell_applicant(application, "naming.application_decided", by, reason=reason)
    return application


@transaction.atomic
def naming_result_record(
    *,
    application_id: int,
    by: User,
    named: bool,
    outside_list: RecognitionList | None = None,
    note: str = "",
) -> NamingApplication:
    """The outside body's answer to a studio recommended upward: named on its
    list (the studio's honour is recorded there) or not."""
    application = office_locked(application_id, by)
    target = Status.NAMED if named else Status.NOT_NAMED
    ensure_move(application, target)
    call = application.call
    if outside_list is not None:
        ensure(
            outside_list.level == call.level,
            ValidationError(
                {
                    "outside_list": _("Choose a list of the call's level (%(level)s).")
                    % {"level": call.get_level_display()}
                }
            ),
        )
    if named:
        ensure(
            outside_list is not None,
            ValidationError({"outside_list": _("Choose the list the studio was named on.")}),
        )
        studio_services.honour_create(
            by=by, recognition_list=outside_list, studio=application.studio
        )
    application.outside_list = outside_list
    application.transition_to(target, by=by, note=(note or "").strip(), also_save=("outside_list",))
    return application
