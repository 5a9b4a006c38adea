"""Studio memberships."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict
from core.services import ensure, save_or_conflict
from studios.models import Membership, Studio
from studios.selectors import newcomers_offered, studios_visible_to
from studios.services.guards import (
    ensure_manages_or_leads,
    ensure_person_visible,
    locked_studio,
)


@transaction.atomic
def membership_add(
    *,
    studio_id: int,
    by: User,
    person: User,
    role: str = Membership.Role.MEMBER,
    joined_on: datetime.date | None = None,
) -> Membership:
    """Add a core member or member (the leader changes through `studio_update`):
    someone `by` may see who is still active and not yet a current member
    (`newcomers_offered`, whom the membership form's picker offers)."""
    studio = locked_studio(studio_id, by)
    ensure_manages_or_leads(studio, by)
    ensure(studio.status != Studio.Status.REVOKED, Conflict(_("This studio has been revoked.")))
    ensure(
        role in (Membership.Role.CORE, Membership.Role.MEMBER),
        ValidationError({"role": _("Change the leader on the studio itself.")}),
    )
    ensure_person_visible(person, by, "person")
    if not newcomers_offered(by, studio).filter(pk=person.pk).exists():
        # The offer decides; say which of its rules the person fails.
        ensure(
            not studio.memberships.filter(person=person, left_on__isnull=True).exists(),
            Conflict(_("This person is already a member of the studio.")),
        )
        raise ValidationError(
            {"person": _("%(name)s is no longer active") % {"name": person.full_name}}
        )
    joined_on = joined_on or timezone.localdate()
    ensure(
        studio.founded_on <= joined_on <= timezone.localdate(),
        ValidationError(
            {"joined_on": _("The joining date lies between the founding date and today.")}
        ),
    )
    membership = Membership(studio=studio, person=person, role=role, joined_on=joined_on)
    membership.full_clean(validate_constraints=False)
    save_or_conflict(membership, _("This person is already a member of the studio."))
    return membership


def _locked_membership(membership_id: int, by: User) -> Membership:
    membership = (
        Membership.objects.filter(studio__in=studios_visible_to(by), pk=membership_id)
        .select_for_update()
        .first()
    )
    if membership is None:
        raise Http404
    return membership


@transaction.atomic
def membership_change_role(*, membership_id: int, by: User, role: str) -> Membership:
    membership = _locked_membership(membership_id, by)
    ensure_manages_or_leads(membership.studio, by)
    ensure(membership.left_on is None, Conflict(_("This membership has ended.")))
    ensure(
        membership.role != Membership.Role.LEADER and role != Membership.Role.LEADER,
        ValidationError({"role": _("Change the leader on the studio itself.")}),
    )
    ensure(role in Membership.Role.values, ValidationError({"role": _("Unknown role.")}))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_end(
    *, membership_id: int, by: User, left_on: datetime.date | None = None
) -> Membership:
    """A member leaves the studio (the record is kept, with the date)."""
    membership = _locked_membership(membership_id, by)
    ensure_manages_or_leads(membership.studio, by)
    ensure(membership.left_on is None, Conflict(_("This membership has already ended.")))
    ensure(
        membership.role != Membership.Role.LEADER,
        Conflict(_("The leader cannot leave; appoint a new leader first.")),
    )
    left_on = left_on or timezone.localdate()
    ensure(
        left_on >= membership.joined_on,
        ValidationError({"left_on": _("The leaving date is before the joining date.")}),
    )
    membership.left_on = left_on
    membership.check_dates("left_on")
    membership.save(update_fields=["left_on"])
    return membership


@transaction.atomic
def membership_restore(*, membership_id: int, by: User) -> Membership:
    """Take back a membership ended today by mistake: the member is on the
    studio again from their original joining date. 409 once the day is over,
    or if the person has joined the studio again meanwhile."""
    membership = _locked_membership(membership_id, by)
    ensure_manages_or_leads(membership.studio, by)
    ensure(membership.left_on is not None, Conflict(_("This membership has not ended.")))
    ensure(
        membership.left_on == timezone.localdate(),
        Conflict(_("Only a membership ended today can be restored; add the person again.")),
    )
    ensure(
        membership.studio.status != Studio.Status.REVOKED,
        Conflict(_("This studio has been revoked.")),
    )
    ensure(
        not Membership.objects.filter(
            studio_id=membership.studio_id, person_id=membership.person_id, left_on__isnull=True
        ).exists(),
        Conflict(_("This person is already a member of the studio.")),
    )
    membership.left_on = None
    save_or_conflict(membership, _("This person is already a member of the studio."))
    return membership
