"""The union office screens submitted proposals: into review, back to the
author, out as not eligible, or out as a duplicate of another; and takes back,
within a day, an outcome it got wrong."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from competitions.models import Proposal
from competitions.selectors import (
    original_refusal,
    originals_offered,
    proposal_access,
    proposals_listed_for,
)
from competitions.services.proposals import locked_proposal, tell_authors
from core.attachments import attachments_of
from core.exceptions import Conflict
from core.services import ensure

Status = Proposal.Status


def locked_for_official(proposal_id: int, by: User) -> Proposal:
    """Lock a proposal the official answers for: 404 if they cannot see it,
    403 if they can (the author, a co-author) but do not answer for it, and 403
    for an official's own proposal: nobody screens their own work."""
    proposal = locked_proposal(proposal_id, by)
    access = proposal_access(by, proposal, only=("manages", "own"))
    ensure(
        access.manages,
        PermissionDenied(_("Only the union officials over the author's unit screen proposals.")),
    )
    ensure(not access.own, PermissionDenied(_("You cannot screen a proposal of your own.")))
    return proposal


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    ensure(bool(text), ValidationError({field: message}))
    return text


@transaction.atomic
def proposal_screen(*, proposal_id: int, by: User, note: str = "") -> Proposal:
    """Eligible and complete: on to the reviewers."""
    proposal = locked_for_official(proposal_id, by)
    proposal.transition_to(Status.UNDER_REVIEW, by=by, note=note)
    return proposal


@transaction.atomic
def proposal_return(*, proposal_id: int, by: User, comment: str) -> Proposal:
    """Back to the author for revision, saying what to change."""
    proposal = locked_for_official(proposal_id, by)
    comment = _required(comment, "comment", _("Tell the author what to change."))
    proposal.transition_to(Status.RETURNED, by=by, note=comment)
    tell_authors(proposal, "competitions.proposal_returned", by, reason=comment)
    return proposal


@transaction.atomic
def proposal_reject_ineligible(*, proposal_id: int, by: User, reason: str) -> Proposal:
    """Outside the competition's rules (not a five-small proposal, not from the
    author's post …); the reason is shown to the author."""
    proposal = locked_for_official(proposal_id, by)
    reason = _required(reason, "reason", _("Give the reason it is not eligible."))
    proposal.transition_to(Status.NOT_ELIGIBLE, by=by, note=reason)
    tell_authors(proposal, "competitions.proposal_not_eligible", by, reason=reason)
    return proposal


@transaction.atomic
def proposal_mark_duplicate(
    *, proposal_id: int, by: User, duplicate_of: Proposal, note: str = ""
) -> Proposal:
    """The same idea was already proposed: link this one to the original, one
    of `originals_offered` (what the duplicate form offers): an earlier
    proposal the official sees with its authors, not a draft, withdrawn or a
    duplicate itself."""
    proposal = locked_for_official(proposal_id, by)
    original = originals_offered(by, proposal).filter(pk=duplicate_of.pk).first()
    if original is None:
        # The offer decides; say which of its rules the proposal named fails
        # (read afresh, and only if the official may see it with its authors:
        # one they read blind is outside their scope, as any list says).
        seen = proposals_listed_for(by).filter(pk=duplicate_of.pk).first()
        refusal = seen and original_refusal(proposal, seen)
        raise ValidationError({"duplicate_of": refusal or _("The original is outside your scope.")})
    proposal.duplicate_of = original
    note = note or _("Duplicate of %(code)s") % {"code": original.code}
    proposal.transition_to(Status.DUPLICATE, by=by, note=note, also_save=("duplicate_of",))
    tell_authors(proposal, "competitions.proposal_duplicate", by, reason=note)
    return proposal


# The outcomes an office gets wrong in daily work, and how long it may take one back.
UNDOABLE = frozenset({Status.RETURNED, Status.NOT_ELIGIBLE, Status.DUPLICATE})
UNDO_WINDOW = datetime.timedelta(hours=24)


def _screening_outcome(proposal: Proposal):
    """The event that gave an undoable status, if it is still the last one."""
    if proposal.status not in UNDOABLE:
        return None
    outcome = proposal.events.order_by("-at", "-pk").first()
    return outcome if outcome is not None and outcome.to_state == proposal.status else None


def screening_undo_refusal(proposal: Proposal) -> str | None:
    """Why the office cannot take back the proposal's screening outcome now
    (None: it can). The one rule for the service and the proposal's page."""
    if proposal.status not in UNDOABLE:
        return _("A proposal that is %(status)s has no screening outcome to undo.") % {
            "status": dict(Status.choices)[proposal.status]
        }
    outcome = _screening_outcome(proposal)
    # Editing a returned proposal, or adding a file to it, is the author's answer.
    if (
        outcome is None
        or proposal.updated_at > outcome.at
        or attachments_of(proposal).filter(uploaded_at__gt=outcome.at).exists()
    ):
        return _("The author has acted on this outcome; it can no longer be undone.")
    if timezone.now() - outcome.at > UNDO_WINDOW:
        return _("A screening outcome can be undone within 24 hours only.")
    return None


def screening_undo_deadline(proposal: Proposal) -> datetime.datetime | None:
    """Until when the outcome may be taken back; None if it cannot be now."""
    if screening_undo_refusal(proposal) is not None:
        return None
    return _screening_outcome(proposal).at + UNDO_WINDOW


@transaction.atomic
def proposal_undo_screening(*, proposal_id: int, by: User, note: str = "") -> Proposal:
    """Take back a return, a not-eligible finding or a duplicate mark: the
    proposal is `submitted` again, to be screened anew. Only within 24 hours of
    the outcome and before the author acted on it (409 otherwise); the outcome's
    event stays, followed by the undo's."""
    proposal = locked_for_official(proposal_id, by)
    refusal = screening_undo_refusal(proposal)
    ensure(refusal is None, Conflict(refusal))
    outcome_status = proposal.status
    proposal.duplicate_of = None
    note = (note or "").strip() or _("Screening outcome undone: %(status)s") % {
        "status": dict(Status.choices)[outcome_status]
    }
    proposal.transition_to(Status.SUBMITTED, by=by, note=note, also_save=("duplicate_of",))
    tell_authors(proposal, "competitions.proposal_screening_undone", by, reason=note)
    return proposal
