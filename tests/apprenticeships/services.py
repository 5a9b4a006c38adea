"""What the apprenticeship service tests share."""

import datetime

from accounts.models import SkillLevel, SkillLevelChange
from apprenticeships import services
from apprenticeships.models import (
    Attendance,
    Evaluation,
    Extension,
    MentorCapacity,
    Milestone,
    Pairing,
    PairingEvent,
    Session,
)
from tests.apprenticeships.conftest import days_ago, final_passed
from tests.factories import PersonFactory

Status = Pairing.Status

DAY = datetime.timedelta(days=1)


# --- Helpers ------------------------------------------------------------------------


def person(namespace, dotted):
    """`person(m, "org.official_a")`: a person of the fixture by a dotted name."""
    for part in dotted.split("."):
        namespace = getattr(namespace, part)
    return namespace


def snapshot(pairing):
    """What a refused call must leave as it was (read back from the database)."""
    row = Pairing.objects.get(pk=pairing.pk)
    return {
        "status": row.status,
        "goals": row.goals,
        "ended_on": row.ended_on,
        "agreement_signed_on": row.agreement_signed_on,
        "planned_end_on": row.planned_end_on,
        "status_changed_at": row.status_changed_at,
        "events": row.events.count(),
        "extensions": row.extensions.count(),
        "evaluations": row.evaluations.count(),
    }


def counts():
    """Rows of every apprenticeship table, to show a refusal saved nothing."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Pairing,
            PairingEvent,
            Extension,
            Milestone,
            Session,
            Attendance,
            Evaluation,
            SkillLevelChange,
            MentorCapacity,
        )
    }


def apprentice_in(m, unit="team_a101", level=SkillLevel.JUNIOR):
    return PersonFactory(org_unit=getattr(m.org, unit), skill_level=level)


def pairing_in(m, status, *, started=30):
    """A pairing of the mentor `member_a` in the dust studio with a fresh
    apprentice, brought to `status` the way the services do it."""
    active = status in (Status.ACTIVE, Status.COMPLETED)
    pairing = m.pair(
        m.lead_a, m.member_a, apprentice_in(m), m.dust, started=started, activate=active
    )
    if status == Status.TERMINATED:
        services.pairing_terminate(pairing_id=pairing.pk, by=m.lead_a, reason="调离本矿")
    if status == Status.COMPLETED:
        final_passed(pairing, m.org.official_a)
    pairing.refresh_from_db()
    assert pairing.status == status
    return pairing


def propose(m, *, by=None, mentor=None, apprentice=None, studio="dust", **fields):
    values = {
        "starts_on": days_ago(1),
        "planned_end_on": days_ago(1) + 365 * DAY,
        "target_skill_level": SkillLevel.SENIOR,
        **fields,
    }
    return services.pairing_propose(
        by=by or m.lead_a,
        mentor=mentor or m.member_a,
        apprentice=apprentice or apprentice_in(m),
        studio=getattr(m, studio) if studio else None,
        **values,
    )


def _activate(m, pairing):
    services.pairing_activate(pairing_id=pairing.pk, by=m.lead_a, agreement_signed_on=days_ago(1))


def _extend(m, pairing):
    services.pairing_extend(
        pairing_id=pairing.pk,
        by=m.lead_a,
        planned_end_on=pairing.planned_end_on + 90 * DAY,
        reason="项目延期",
    )
