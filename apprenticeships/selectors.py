"""Who sees and runs which pairings, and the figures computed from them.

A pairing is read by its mentor, its apprentice, the current leader of its
studio and the union officials over its org unit; it is run (activated,
extended, terminated, evaluated by the department) by that leader and those
officials. Everything below reads through `pairings_visible_to`.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, SkillLevelChange, User
from accounts.selectors import active_people_visible_to, is_official, user_scope
from achievements.selectors import achievements_visible_to
from apprenticeships.models import (
    DEFAULT_MENTOR_CAPACITY,
    Attendance,
    Evaluation,
    MentorCapacity,
    Milestone,
    Pairing,
    Session,
)
from apprenticeships.periods import FINAL_DUE_BEFORE_END_DAYS, DuePeriod, periods_due
from competitions.selectors import proposals_listed_for
from core.access import Fact, RecordAccess, annotate_facts, read_facts
from core.scoping import signed_in, within_paths
from studios.models import Membership, Studio
from studios.selectors import studios_led_by, studios_managed_by

Status = Pairing.Status


def at_risk_condition(today: datetime.date | None = None) -> Q:
    """At risk on `today` (Shanghai date): the stored day the pairing becomes at
    risk has come. One indexed comparison (`appr_pairing_at_risk_from`); never
    true for a pairing that is not active, whose day is empty."""
    today = today or timezone.localdate()
    return Q(at_risk_from__isnull=False, at_risk_from__lte=today)


def with_risk(pairings: QuerySet[Pairing], today: datetime.date | None = None) -> QuerySet:
    """Annotate `at_risk` and `has_overdue_step` (each True or False, never
    NULL) from the columns the services keep: an active pairing whose last
    session (or its start, with none) is 21 or more days before `today`, or with
    a plan step past due and not done. `last_session_on` is a column itself."""
    today = today or timezone.localdate()
    return pairings.annotate(
        at_risk=ExpressionWrapper(at_risk_condition(today), output_field=BooleanField()),
        has_overdue_step=ExpressionWrapper(
            Q(next_step_due_on__isnull=False, next_step_due_on__lt=today),
            output_field=BooleanField(),
        ),
    )


def with_risk_from_records(pairings: QuerySet[Pairing]) -> QuerySet:
    """Annotate what the stored risk columns should say, computed from the
    records themselves: `recorded_last_session_on` (the latest session of the
    pairing) and `recorded_next_step_due_on` (the earliest due date of a step not
    done). Two indexed subqueries per row: for the nightly check and for the
    services' refresh of a few rows, never for a list."""
    last_session = (
        Attendance.objects.filter(pairing=OuterRef("pk"))
        .order_by("-session__held_on")
        .values("session__held_on")[:1]
    )
    next_step = (
        Milestone.objects.filter(pairing=OuterRef("pk"), done_on__isnull=True)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    return pairings.annotate(
        recorded_last_session_on=Subquery(last_session),
        recorded_next_step_due_on=Subquery(next_step),
    )


def _officials_over(user, through: str = "") -> Q:
    return within_paths(user_scope(user).official_paths, unit_field=f"{through}org_unit")


def _run_by(user) -> Q:
    """Pairings the person runs: officials over the unit, the studio's leader."""
    return _officials_over(user) | Q(studio__in=studios_led_by(user).values("pk"))


def _own_pairing_ids(user) -> QuerySet:
    """The ids of the pairings the person mentors, is apprenticed in, or runs
    as the leader of their studio: a few rows, each rule an indexed lookup of
    its own joined by UNION, so PostgreSQL estimates a few rows (an OR holding
    a subquery is guessed at half the table, and a plan built for half the
    table scans it all)."""
    ids = Pairing.objects.order_by().values("pk")
    return ids.filter(mentor=user).union(
        ids.filter(apprentice=user), ids.filter(studio__in=studios_led_by(user).values("pk"))
    )


def _readable(user, through: str = "") -> Q:
    """The pairings a signed-in person who is not a superuser may read, as a
    condition on the queried rows; `through` is the path from them to the
    pairing (`""` on pairings, `"pairing__"` on its plan, evaluations and
    attendances).

    The person's own pairings are a small uncorrelated IN of ids
    (`_own_pairing_ids`); the subtrees they oversee as an official are a path
    prefix of the pairing's unit through the join. Never `pairing__in=<visible
    pairings>`: an official's visible pairings are a large set, and under an OR
    PostgreSQL runs a large IN as a subplan rescanned for every row."""
    return Q(**{f"{through}pk__in": _own_pairing_ids(user)}) | _officials_over(user, through)


def pairings_visible_to(user) -> QuerySet[Pairing]:
    """The mentor, the apprentice, the studio's leader and officials in scope;
    annotated with the at-risk figures every list and page shows."""
    if not signed_in(user):
        return Pairing.objects.none()
    pairings = Pairing.objects.select_related("mentor", "apprentice", "studio", "org_unit")
    if not user_scope(user).is_superuser:
        pairings = pairings.filter(_readable(user))
    return with_risk(pairings)


def _manages(user) -> Q:
    """Run by the person, and never their own apprenticeship (nobody runs or
    graduates themself)."""
    runs = Q(pk__isnull=False) if user_scope(user).is_superuser else _run_by(user)
    return runs & ~Q(apprentice=user)


def _oversees(user) -> Q:
    """Under the person as a union official, unless they are its apprentice or
    its mentor (nobody appraises their own apprenticeship or apprentice)."""
    officials = Q(pk__isnull=False) if user_scope(user).is_superuser else _officials_over(user)
    return officials & ~Q(apprentice=user) & ~Q(mentor=user)


def may_propose_pairings(user) -> bool:
    """Studio leaders (for their studios) and union officials propose pairings.
    A right of the person, not of a pairing, so it is no `PairingAccess` fact."""
    return is_official(user) or studios_led_by(user).exists()


def studios_for_pairings(user) -> QuerySet[Studio]:
    """Studios `user` may propose pairings in: those they lead or oversee as
    an official, unless revoked. The pairing form's studio choices and what
    `pairing_propose` accepts."""
    managed, led = studios_managed_by(user).values("pk"), studios_led_by(user).values("pk")
    return Studio.objects.filter(Q(pk__in=managed) | Q(pk__in=led)).exclude(
        status=Studio.Status.REVOKED
    )


def mentors_offered(user, studio: Studio | None = None) -> QuerySet[User]:
    """Whom `user` may name mentor of a new pairing: people they may see who
    are still active and, in a studio pairing, the studio's current members
    (its leader among them: docs/domain.md). The mentor picker's choices and
    what `pairing_propose` accepts (`pairing_refusals`), so the picker never
    offers someone the proposal would refuse. An apprentice is any of
    `active_people_visible_to(user)` (the `active-people` picker)."""
    people = active_people_visible_to(user)
    if studio is None:
        return people
    members = Membership.objects.filter(studio=studio, left_on__isnull=True)
    return people.filter(pk__in=members.values("person_id"))


def pairing_refusals(
    user, studio: Studio | None, *, mentor: User, apprentice: User
) -> dict[str, list[str]]:
    """Why the mentor whom `mentors_offered` leaves out, or the apprentice
    whom `active_people_visible_to` leaves out, may not take that part in a
    pairing `user` proposes (in `studio`, if any), by field; empty if both
    may. Both are people `user` may see (`people_checked` says so first): the
    offer decides, the reasons only say why."""
    active = active_people_visible_to(user)
    refusals = {}
    if not mentors_offered(user, studio).filter(pk=mentor.pk).exists():
        refusals["mentor"] = [
            # Still active, so the offer's other rule: a member of the studio.
            _("The mentor is not a current member of this studio.")
            if active.filter(pk=mentor.pk).exists()
            else _no_longer_active(mentor)
        ]
    if not active.filter(pk=apprentice.pk).exists():
        refusals["apprentice"] = [_no_longer_active(apprentice)]
    return refusals


def _no_longer_active(person: User) -> str:
    return _("%(name)s is no longer active") % {"name": person.full_name}


@dataclass(frozen=True)
class PairingAccess(RecordAccess):
    """What the viewer may do with one pairing; whether its state allows the
    move (open, active) is the services' to check (409)."""

    # Its mentor: keeps the plan, logs sessions, evaluates monthly.
    mentor: bool = False
    # Its apprentice: confirms sessions, marks steps done, never evaluates.
    apprentice: bool = False
    # The studio's leader or an official over it, not its apprentice: activates,
    # extends, terminates and edits it.
    manages: bool = False
    # An official over it, neither its apprentice nor its mentor: records the
    # yearly and final appraisals.
    oversees: bool = False
    # Adds and edits the steps of the plan: the mentor and those who run it.
    writes_plan: bool = False
    # Marks a step done: the apprentice or the mentor.
    marks_done: bool = False
    # Attaches evidence files to a step: the apprentice, the mentor and those
    # who run it.
    attaches: bool = False
    # Records the quarterly evaluation: those who run it, unless they mentor it
    # (a mentor evaluates monthly, not their own work quarterly).
    evaluates_quarterly: bool = False

    @property
    def evaluation_levels(self) -> list[str]:
        """The evaluation levels this viewer's role lets them record, whatever
        the pairing's state: monthly, quarterly, then yearly and final."""
        levels = []
        if self.mentor:
            levels.append(Evaluation.Level.MENTOR_MONTHLY)
        if self.evaluates_quarterly:
            levels.append(Evaluation.Level.DEPARTMENT_QUARTERLY)
        if self.oversees:
            levels += [Evaluation.Level.UNIT_YEARLY, Evaluation.Level.FINAL]
        return levels


def pairing_facts(user) -> dict[str, Fact]:
    """The facts of `PairingAccess` as SQL conditions on a pairing's row."""
    if not signed_in(user):
        return dict.fromkeys(PairingAccess.fact_names(), False)
    mentor, apprentice, manages = Q(mentor=user), Q(apprentice=user), _manages(user)
    return {
        "read": True,  # the facts are read on the viewer's scoped rows only
        "mentor": mentor,
        "apprentice": apprentice,
        "manages": manages,
        "oversees": _oversees(user),
        "writes_plan": mentor | manages,
        "marks_done": mentor | apprentice,
        "attaches": mentor | apprentice | manages,
        "evaluates_quarterly": manages & ~mentor,
    }


def pairings_with_access(user) -> QuerySet[Pairing]:
    """`pairings_visible_to(user)` with each row's access facts as columns, so a
    page reads `pairing_access()` without a query."""
    return annotate_facts(pairings_visible_to(user), pairing_facts(user))


def pairing_access(user, pairing: Pairing) -> PairingAccess:
    """Everything `user` may do with `pairing`: from the row's access columns
    when it came from `pairings_with_access`, else one query."""
    return PairingAccess(
        **read_facts(
            pairing,
            PairingAccess.fact_names(),
            user=user,
            visible_to=pairings_visible_to,
            facts_of=pairing_facts,
        )
    )


def pairings_mentored_by(user) -> QuerySet[Pairing]:
    """My apprentices: the person's pairings as a mentor, open ones first."""
    return pairings_visible_to(user).filter(mentor=user)


def pairings_of_apprentice(user) -> QuerySet[Pairing]:
    """My apprenticeship: the person's pairings as an apprentice."""
    return pairings_visible_to(user).filter(apprentice=user)


def milestones_visible_to(user) -> QuerySet[Milestone]:
    """The plan steps of the pairings the person may read."""
    if not signed_in(user):
        return Milestone.objects.none()
    milestones = Milestone.objects.select_related("pairing")
    if user_scope(user).is_superuser:
        return milestones
    return milestones.filter(_readable(user, "pairing__"))


def sessions_visible_to(user) -> QuerySet[Session]:
    """Sessions the person held or that concern a pairing they may read."""
    if not signed_in(user):
        return Session.objects.none()
    sessions = Session.objects.select_related("mentor")
    if user_scope(user).is_superuser:
        return sessions
    # A session has a row per apprentice present (`Attendance`), so "concerns a
    # pairing they may read" cannot be a condition on one joined row without
    # repeating sessions. Instead the ids of each rule, joined by UNION: the
    # sessions they held, those of their own pairings (a few, by index) and, for
    # an official, those whose pairing's unit lies in their subtrees (the path
    # prefix through the join). One IN without an OR around it, which
    # PostgreSQL runs as a hashed semi-join, never as a subplan per session.
    attended = Attendance.objects.order_by().values("session_id")
    branches = [attended.filter(pairing__in=_own_pairing_ids(user))]
    if user_scope(user).official_paths:
        branches.append(attended.filter(_officials_over(user, "pairing__")))
    held = Session.objects.filter(mentor=user).order_by().values("pk")
    return sessions.filter(pk__in=held.union(*branches))


def session_managed_by(user, session: Session) -> bool:
    """Whether the person runs one of the pairings the session was held for
    (the studio's leader, an official over it; never its apprentice): the
    office over the session, which reads its history. One query."""
    if not signed_in(user):
        return False
    return Pairing.objects.filter(_manages(user), attendances__session=session).exists()


def attendances_visible_to(user) -> QuerySet[Attendance]:
    """Who attended which session: for the pairings the person may read, and
    everyone at a session the person attended as an apprentice (they were in
    the room), but not another studio's apprentice to that studio's outsiders."""
    if not signed_in(user):
        return Attendance.objects.none()
    if user_scope(user).is_superuser:
        return Attendance.objects.all()
    # The sessions the person attended: a few, an uncorrelated IN.
    attended = Attendance.objects.filter(pairing__apprentice=user).values("session_id")
    return Attendance.objects.filter(_readable(user, "pairing__") | Q(session__in=attended))


def evaluations_visible_to(user) -> QuerySet[Evaluation]:
    """Evaluations of the pairings the person may read (the apprentice reads theirs)."""
    if not signed_in(user):
        return Evaluation.objects.none()
    evaluations = Evaluation.objects.select_related("pairing", "evaluator")
    if user_scope(user).is_superuser:
        return evaluations
    return evaluations.filter(_readable(user, "pairing__"))


def mentor_capacity(mentor) -> int:
    """Active apprentices the mentor may have: the setting of the nearest unit
    above them (their own unit included), else the default of 5."""
    if mentor.org_unit_id is None:
        return DEFAULT_MENTOR_CAPACITY
    path = OrgUnit.objects.filter(pk=mentor.org_unit_id).values_list("path", flat=True).first()
    ancestors = [path[:end] for end in range(OrgUnit.steplen, len(path) + 1, OrgUnit.steplen)]
    setting = (
        MentorCapacity.objects.filter(org_unit__path__in=ancestors)
        .order_by("-org_unit__depth")
        .values_list("max_active_apprentices", flat=True)
        .first()
    )
    return setting or DEFAULT_MENTOR_CAPACITY


def active_apprentice_count(mentor) -> int:
    """The mentor's active pairings, counted against their limit."""
    return Pairing.objects.filter(mentor=mentor, status=Status.ACTIVE).count()


def innovation_during_term(pairing: Pairing, viewer) -> dict:
    """The apprentice's five-small proposals and achievements made during the
    term, as far as the viewer may see them (the innovation link)."""
    end = pairing.ended_on or max(pairing.planned_end_on, timezone.localdate())
    # Not a blind reviewer's assignments: the link would name their author.
    proposals = (
        proposals_listed_for(viewer)
        .filter(
            Q(author=pairing.apprentice_id) | Q(co_authors__person=pairing.apprentice_id),
            submitted_at__date__gte=pairing.starts_on,
            submitted_at__date__lte=end,
        )
        .distinct()
        .order_by("-submitted_at", "-id")
    )
    achievements = (
        achievements_visible_to(viewer)
        .filter(
            contributors__person=pairing.apprentice_id,
            completed_on__gte=pairing.starts_on,
            completed_on__lte=end,
        )
        .distinct()
        .order_by("-completed_on", "-id")
    )
    return {"proposals": proposals, "achievements": achievements}


def mentoring_figures(pairings: QuerySet[Pairing]) -> dict:
    """Active, at-risk, completed and terminated pairings, and the skill-level
    rises their final appraisals brought: one aggregate query plus one count.
    `pairings` comes from `pairings_visible_to`; at risk is read from the
    stored day (`at_risk_condition`)."""
    figures = pairings.order_by().aggregate(
        active=Count("pk", filter=Q(status=Status.ACTIVE)),
        # Not named `at_risk`: the aggregate's alias would shadow the annotation
        # of the same name, and the database would count nothing.
        risky=Count("pk", filter=at_risk_condition()),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
        terminated=Count("pk", filter=Q(status=Status.TERMINATED)),
        proposed=Count("pk", filter=Q(status=Status.PROPOSED)),
    )
    figures["at_risk"] = figures.pop("risky")
    figures["skill_rises"] = SkillLevelChange.objects.filter(
        evaluation__pairing__in=pairings.values("pk")
    ).count()
    return figures


def mentoring_at_a_glance(user) -> dict:
    """The home page's mentoring block: the person's open pairing as an
    apprentice (with its next step), sessions waiting for their confirmation,
    and, as a mentor, their open pairings and how many are at risk."""
    own = (
        pairings_of_apprentice(user)
        .filter(status__in=Pairing.OPEN_STATUSES)
        .order_by("-starts_on", "-id")
        .first()
    )
    next_step = (
        own.milestones.filter(done_on__isnull=True).order_by("position", "due_on", "id").first()
        if own
        else None
    )
    to_confirm = Attendance.objects.filter(
        pairing__apprentice=user, confirmed_at__isnull=True
    ).count()
    mentoring = pairings_mentored_by(user).filter(status__in=Pairing.OPEN_STATUSES)
    as_mentor = mentoring.order_by().aggregate(
        open=Count("pk"), risky=Count("pk", filter=at_risk_condition())
    )
    return {
        "pairing": own,
        "next_step": next_step,
        "to_confirm": to_confirm,
        "mentoring_open": as_mentor["open"],
        "mentoring_at_risk": as_mentor["risky"],
    }


def mentor_capacities_managed_by(user) -> QuerySet[MentorCapacity]:
    """The per-unit caps an official keeps (their subtrees)."""
    scope = user_scope(user)
    settings = MentorCapacity.objects.select_related("org_unit").order_by("org_unit__path")
    if scope.is_superuser:
        return settings
    return settings.filter(within_paths(scope.official_paths, unit_field="org_unit"))


# Generations shown under a craftsman: apprentices, theirs, and theirs.
LINEAGE_GENERATIONS = 3
# A lineage shows pairings that took place: running or graduated.
LINEAGE_STATUSES = (Status.ACTIVE, Status.COMPLETED)
LINEAGE_FIELDS = (
    "mentor_id",
    "apprentice_id",
    "status",
    "starts_on",
    "ended_on",
    "apprentice__full_name",
    "apprentice__skill_level",
)


def lineage_pairings(person, *, generations: int = LINEAGE_GENERATIONS) -> list[Pairing]:
    """The apprentices descending from `person` (传承谱系) down to `generations`,
    each once, with the pairing that brought them to their nearest place and its
    `generation` (1: the person's own apprentices).

    One recursive query finds each descendant's nearest generation and one
    fetches the pairings between them, however large the tree. The walk keeps
    (person, generation) rows only, so it stays small on dense data, and the
    depth cap ends it even on bad data (A mentors B, B mentors A).
    """
    table = Pairing._meta.db_table
    people = Pairing._meta.get_field("mentor").related_model._meta.db_table
    taken_place = ", ".join(["%s"] * len(LINEAGE_STATUSES))
    # The root is read from its own table, so the column has the key's type.
    walk = f"""
        WITH RECURSIVE descent(person_id, generation) AS (
            SELECT id, 0 FROM {people} WHERE id = %s
          UNION
            SELECT child.apprentice_id, descent.generation + 1
            FROM {table} child JOIN descent ON child.mentor_id = descent.person_id
            WHERE descent.generation < %s AND child.status IN ({taken_place})
        )
        SELECT person_id, MIN(generation) FROM descent GROUP BY person_id
    """  # The table names are the models' own; every value is a parameter.
    with connection.cursor() as cursor:
        statuses = [status.value for status in LINEAGE_STATUSES]
        cursor.execute(walk, [person.pk, generations, *statuses])
        generation_of = dict(cursor.fetchall())
    generation_of[person.pk] = 0  # the root, even where a loop leads back to it
    descendants = [pk for pk, generation in generation_of.items() if generation > 0]
    # Only what a tree shows: a lineage can hold a thousand people.
    candidates = (
        Pairing.objects.filter(
            apprentice_id__in=descendants,
            mentor_id__in=list(generation_of),
            status__in=LINEAGE_STATUSES,
        )
        .select_related("apprentice")
        .only(*LINEAGE_FIELDS)
        .order_by("starts_on", "id")
    )
    chosen: dict[int, Pairing] = {}
    for pairing in candidates:
        generation = generation_of[pairing.apprentice_id]
        if generation_of[pairing.mentor_id] == generation - 1:
            pairing.generation = generation
            chosen.setdefault(pairing.apprentice_id, pairing)  # the earliest such pairing
    return list(chosen.values())


def mentors_of(person) -> QuerySet[Pairing]:
    """Whom the person learnt from: their running and graduated pairings as apprentice."""
    return (
        Pairing.objects.filter(apprentice=person, status__in=LINEAGE_STATUSES)
        .select_related("mentor__org_unit", "studio")
        .order_by("starts_on", "id")
    )


def evaluation_due_condition(due: DuePeriod) -> Q:
    """On a pairing's row: active, begun before `due` fell due, and not yet
    evaluated at its level for its period."""
    done = Evaluation.objects.filter(pairing=OuterRef("pk"), level=due.level, period=due.period)
    return Q(status=Status.ACTIVE, starts_on__lte=due.due_from) & ~Exists(done)


def final_due_condition(today: datetime.date) -> Q:
    """On a pairing's row: active, with the planned end within a month (or
    past): the final appraisal is due."""
    soon = today + datetime.timedelta(days=FINAL_DUE_BEFORE_END_DAYS)
    return Q(status=Status.ACTIVE, planned_end_on__lte=soon)


def _any_due(periods: list[DuePeriod], level: str) -> Q:
    condition = Q(pk__in=[])
    for due in periods:
        if due.level == level:
            condition |= evaluation_due_condition(due)
    return condition


def pairings_with_evaluation_due_for(user, today: datetime.date | None = None) -> QuerySet:
    """The pairings waiting for an evaluation the person records (their home
    page's "needs your action"): the monthly one of those they mentor, the
    quarterly one in the studios they lead (not their own), and as an official
    the yearly and final ones (and the quarterly one no leader may record),
    never of their own apprenticeship or apprentice. The same rules as the
    reminder sweep (apprenticeships.periods), oldest start first."""
    if not signed_in(user):
        return Pairing.objects.none()
    today = today or timezone.localdate()
    periods = periods_due(today)
    Level = Evaluation.Level
    own = Q(mentor=user) | Q(apprentice=user)
    led = Q(studio__in=studios_led_by(user).values("pk")) & ~own
    no_leader = (
        Q(studio__isnull=True) | Q(studio__leader=F("mentor")) | Q(studio__leader=F("apprentice"))
    )
    due = (Q(mentor=user) & _any_due(periods, Level.MENTOR_MONTHLY)) | (
        led & _any_due(periods, Level.DEPARTMENT_QUARTERLY)
    )
    if is_official(user):
        due |= _oversees(user) & (
            _any_due(periods, Level.UNIT_YEARLY)
            | final_due_condition(today)
            | no_leader & _any_due(periods, Level.DEPARTMENT_QUARTERLY)
        )
    return pairings_visible_to(user).filter(due).order_by("starts_on", "id")


# A plan step shows on the home page from a week before it falls due.
STEP_DUE_WITHIN_DAYS = 7


def steps_due_for(user, today: datetime.date | None = None) -> QuerySet[Milestone]:
    """Plan steps not done that fall due within a week (or are past due), of
    the active pairings the person is apprenticed in or mentors; earliest first."""
    if not signed_in(user):
        return Milestone.objects.none()
    soon = (today or timezone.localdate()) + datetime.timedelta(days=STEP_DUE_WITHIN_DAYS)
    return (
        milestones_visible_to(user)
        .filter(
            Q(pairing__apprentice=user) | Q(pairing__mentor=user),
            done_on__isnull=True,
            due_on__lte=soon,
            pairing__status=Status.ACTIVE,
        )
        .order_by("due_on", "id")
    )


def sessions_to_confirm(user) -> QuerySet[Attendance]:
    """The sessions the person attended as an apprentice and has not confirmed."""
    if not signed_in(user):
        return Attendance.objects.none()
    return (
        Attendance.objects.filter(pairing__apprentice=user, confirmed_at__isnull=True)
        .select_related("session")
        .order_by("session__held_on", "id")
    )
