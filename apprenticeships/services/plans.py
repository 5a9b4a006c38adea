"""The plan (milestones) and the training sessions of pairings."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from apprenticeships.models import Attendance, Milestone, Pairing, Session
from apprenticeships.selectors import (
    milestones_visible_to,
    pairing_access,
    sessions_visible_to,
)
from apprenticeships.services.pairings import ensure_open, locked_pairing
from apprenticeships.services.risk import pairing_risk_refresh
from core import attachments
from core.exceptions import Conflict
from core.services import ensure, locked
from notices.services import notify

Status = Pairing.Status


def _ensure_plans(pairing: Pairing, by: User) -> None:
    ensure(pairing_access(by, pairing).writes_plan, PermissionDenied())


def _locked_milestone(milestone_id: int, by: User) -> tuple[Milestone, Pairing]:
    milestone = milestones_visible_to(by).filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    pairing = locked_pairing(milestone.pairing_id, by)  # the pairing lock guards its plan
    return Milestone.objects.get(pk=milestone_id), pairing


@transaction.atomic
def milestone_create(
    *,
    pairing_id: int,
    by: User,
    title: str,
    due_on: datetime.date,
    skill: str = "",
    method: str = "",
    position: int | None = None,
) -> Milestone:
    """Add a step to the apprentice's plan (by default after the last one)."""
    pairing = locked_pairing(pairing_id, by)
    _ensure_plans(pairing, by)
    ensure_open(pairing)
    if position is None:
        last = pairing.milestones.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    milestone = Milestone(
        pairing=pairing, title=title, due_on=due_on, skill=skill, method=method, position=position
    )
    milestone.full_clean()
    milestone.save()
    pairing_risk_refresh(pairing_ids=[pairing.pk])  # a step due earlier than the others
    return milestone


MILESTONE_FIELDS = {"title", "due_on", "skill", "method", "position"}


@transaction.atomic
def milestone_update(*, milestone_id: int, by: User, **changes) -> Milestone:
    milestone, pairing = _locked_milestone(milestone_id, by)
    _ensure_plans(pairing, by)
    ensure_open(pairing)
    unknown = set(changes) - MILESTONE_FIELDS
    ensure(
        not unknown,
        ValidationError(
            _("Not editable here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        ),
    )
    for field, value in changes.items():
        setattr(milestone, field, value)
    milestone.full_clean()
    milestone.save()
    pairing_risk_refresh(pairing_ids=[pairing.pk])  # its due date may have moved
    return milestone


@transaction.atomic
def milestone_mark_done(
    *,
    milestone_id: int,
    by: User,
    evidence: str = "",
    done_on: datetime.date | None = None,
    upload=None,
) -> Milestone:
    """The apprentice (or the mentor) marks a step done, with evidence: a few
    words, a file sent with it (a phone photo) or one already attached."""
    milestone, pairing = _locked_milestone(milestone_id, by)
    ensure(pairing_access(by, pairing).marks_done, PermissionDenied())
    ensure(pairing.status == Status.ACTIVE, Conflict(_("Only an active pairing's plan moves on.")))
    ensure(milestone.done_on is None, Conflict(_("This step is already done.")))
    done_on = done_on or timezone.localdate()
    ensure(
        pairing.starts_on <= done_on <= timezone.localdate(),
        ValidationError({"done_on": _("The date lies between the start of the term and today.")}),
    )
    evidence = evidence.strip()
    if upload is not None:  # checked last but one, so a refusal above stores no file
        attachments.attachment_create(owner=milestone, upload=upload, by=by)
    ensure(
        bool(evidence) or attachments.attachments_of(milestone).exists(),
        ValidationError({"evidence": _("Say what shows the step is done, or attach a file.")}),
    )
    milestone.done_on = done_on
    milestone.evidence = evidence or milestone.evidence
    milestone.save(update_fields=["done_on", "evidence"])
    pairing_risk_refresh(pairing_ids=[pairing.pk])  # the next step is another one now
    return milestone


@transaction.atomic
def milestone_attach(*, record: Milestone, by: User, upload):
    """A file as evidence of a step: by the apprentice, the mentor or those who
    run the pairing, while it is open."""
    milestone, pairing = _locked_milestone(record.pk, by)
    ensure(pairing_access(by, pairing).attaches, PermissionDenied())
    ensure_open(pairing)
    return attachments.attachment_create(owner=milestone, upload=upload, by=by)


@transaction.atomic
def session_log(
    *,
    by: User,
    pairings: Iterable[Pairing],
    held_on: datetime.date,
    hours: Decimal,
    format: str,
    topic: str,
    notes: str = "",
) -> Session:
    """A mentor logs a session with one or more of their active apprentices
    (one-to-one or one-to-many); each apprentice confirms it afterwards."""
    chosen = list({pairing.pk: pairing for pairing in pairings}.values())
    ensure(bool(chosen), ValidationError({"pairings": _("Choose at least one apprentice.")}))
    locked_rows = list(
        Pairing.objects.select_for_update()
        .filter(pk__in=[pairing.pk for pairing in chosen])
        .select_related("apprentice")
        .order_by("pk")
    )
    # Others' pairings are visible to a lead or an official, but sessions are
    # the mentor's own record (403); an ended pairing takes no more (409).
    ensure(all(pairing.mentor_id == by.pk for pairing in locked_rows), PermissionDenied())
    inactive = [p.apprentice.full_name for p in locked_rows if p.status != Status.ACTIVE]
    ensure(
        not inactive,
        Conflict(_("Not an active pairing: %(names)s.") % {"names": "、".join(inactive)}),
    )
    ensure(
        held_on <= timezone.localdate(),
        ValidationError({"held_on": _("A session is logged once it has taken place.")}),
    )
    too_early = [p.apprentice.full_name for p in locked_rows if held_on < p.starts_on]
    ensure(
        not too_early,
        ValidationError(
            {"held_on": _("Before the term of %(names)s began.") % {"names": "、".join(too_early)}}
        ),
    )
    session = Session(
        mentor=by, held_on=held_on, hours=hours, format=format, topic=topic, notes=notes
    )
    session.full_clean()
    session.save()
    Attendance.objects.bulk_create(
        [Attendance(session=session, pairing=pairing) for pairing in locked_rows]
    )
    pairing_risk_refresh(pairing_ids=[pairing.pk for pairing in locked_rows])
    notify(
        kind="apprenticeships.session_to_confirm",
        recipients=[pairing.apprentice_id for pairing in locked_rows],
        record=session,
        text_params={"mentor": by.full_name, "held_on": held_on.isoformat(), "topic": topic},
        url=reverse("apprenticeships:my-apprenticeship"),
    )
    return session


@transaction.atomic
def session_confirm(*, session_id: int, by: User) -> Session:
    """The apprentice confirms they attended the session."""
    session = locked(sessions_visible_to(by), session_id)
    attendance = (
        Attendance.objects.select_for_update()
        .filter(session=session, pairing__apprentice=by)
        .first()
    )
    ensure(attendance is not None, PermissionDenied())
    ensure(attendance.confirmed_at is None, Conflict(_("You have already confirmed this session.")))
    attendance.confirmed_at = timezone.now()
    attendance.save(update_fields=["confirmed_at"])
    return session
