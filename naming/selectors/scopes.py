"""Who sees and runs which naming calls, applications, reviews and objections:
one scoping function per model and an access object per record (docs/access.md)."""

from dataclasses import dataclass

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

from accounts.models import OrgUnit, User
from accounts.selectors import (
    active_people_visible_to,
    people_refused,
    people_visible_to,
    user_scope,
)
from core.access import Fact, RecordAccess, annotate_facts, column, read_facts
from core.attachments import attachments_of
from core.models import Attachment
from core.scoping import signed_in, within_paths
from naming.models import (
    PLACED,
    PUBLIC,
    ExpertAssignment,
    NamingApplication,
    NamingCall,
    NamingMaterials,
    NamingReview,
    Objection,
)
from studios.models import Membership, Studio
from studios.selectors import studios_led_by

Status = NamingApplication.Status

# --- Calls -------------------------------------------------------------------------


def _ancestor_paths(paths) -> set[str]:
    """Each path and the paths of its ancestors (every prefix one step long)."""
    step = OrgUnit.steplen
    return {path[:end] for path in paths if path for end in range(step, len(path) + 1, step)}


def naming_calls_visible_to(user) -> QuerySet[NamingCall]:
    """A call is seen by everyone in its unit (who may apply, or object during a
    notice), by officials of any unit inside or above it, and by the experts
    who read the material of one of its applications (its conditions and rubric
    are what they score against, wherever they work)."""
    if not signed_in(user):
        return NamingCall.objects.none()
    calls = NamingCall.objects.select_related("org_unit")
    scope = user_scope(user)
    if scope.is_superuser:
        return calls
    own = (
        OrgUnit.objects.filter(pk=user.org_unit_id).values_list("path", flat=True).first()
        if user.org_unit_id
        else None
    )
    above = _ancestor_paths([own, *scope.official_paths])
    reviewed = NamingApplication.objects.filter(call=OuterRef("pk")).filter(_expert_reads_q(user))
    return calls.filter(
        Q(org_unit__path__in=above)
        | within_paths(scope.official_paths, unit_field="org_unit")
        | Q(Exists(reviewed))
    )


def _runs_call_q(scope, prefix: str = "") -> Q | bool:
    """Officials over the call's unit run it (a superuser runs every call)."""
    if scope.is_superuser:
        return True
    return within_paths(scope.official_paths, unit_field=f"{prefix}org_unit")


@dataclass(frozen=True)
class NamingCallAccess(RecordAccess):
    # Officials over the calling unit: its applications' review, notice and decision.
    manages: bool = False


def naming_call_facts(user) -> dict[str, Fact]:
    if not signed_in(user):
        return dict.fromkeys(NamingCallAccess.fact_names(), False)
    return {"read": True, "manages": _runs_call_q(user_scope(user))}


def naming_call_access(user, call: NamingCall) -> NamingCallAccess:
    return NamingCallAccess(
        **read_facts(
            call,
            NamingCallAccess.fact_names(),
            user=user,
            visible_to=naming_calls_visible_to,
            facts_of=naming_call_facts,
        )
    )


def naming_calls_with_places(calls: QuerySet[NamingCall]) -> QuerySet[NamingCall]:
    """Each call with `places_taken`: applications named or sent upward."""
    # An aggregate drops Meta.ordering; keep the calls' natural order for paging.
    return calls.annotate(
        places_taken=Count("applications", filter=Q(applications__status__in=PLACED))
    ).order_by(*NamingCall._meta.ordering)


# --- Applications ------------------------------------------------------------------


def _member_q(user, role: str | None = None) -> Q:
    memberships = Membership.objects.filter(
        studio=OuterRef("studio"), person=user, left_on__isnull=True
    )
    if role:
        memberships = memberships.filter(role=role)
    return Q(Exists(memberships))


def _expert_q(user) -> Q:
    """Asked to score it and not taken off (an ended assignment gives nothing)."""
    assigned = ExpertAssignment.objects.filter(
        application=OuterRef("pk"), expert=user, ended_at__isnull=True
    )
    return Q(Exists(assigned))


def _expert_reads_q(user) -> Q:
    """An expert still assigned reads the application's material while it is
    under review, and afterwards only if they scored it; one no longer
    assigned reads none of it (docs/naming.md, "What the experts read")."""
    scored = NamingReview.objects.filter(application=OuterRef("pk"), expert=user)
    return _expert_q(user) & (Q(status=Status.UNDER_REVIEW) | Q(Exists(scored)))


def _manages_studio_q(scope) -> Q | bool:
    if scope.is_superuser:
        return True
    return within_paths(scope.official_paths, unit_field="studio__org_unit")


def _as_q(fact: Q | bool) -> Q:
    return Q(pk__isnull=False) if fact is True else (fact or Q(pk__in=[]))


def naming_applications_visible_to(user) -> QuerySet[NamingApplication]:
    """The studio's members and the officials over it see its applications; the
    office over the call sees them once submitted; an expert the ones assigned to
    them; everyone signed in the ones on public notice and the named ones."""
    if not signed_in(user):
        return NamingApplication.objects.none()
    applications = NamingApplication.objects.select_related(
        "call", "call__org_unit", "studio", "studio__org_unit", "applicant"
    )
    scope = user_scope(user)
    if scope.is_superuser:
        return applications
    return applications.filter(
        Q(status__in=PUBLIC)
        | _as_q(_manages_studio_q(scope))
        | (_as_q(_runs_call_q(scope, "call__")) & ~Q(status=Status.DRAFT))
        | _member_q(user)
        | _expert_q(user)
    )


@dataclass(frozen=True)
class NamingApplicationAccess(RecordAccess):
    """What the viewer may do with one application; its status is the services'."""

    # A current member of the studio: never recommends, reviews or decides it.
    own: bool = False
    # Writes and submits it: the studio's lead and the officials over the studio.
    applies: bool = False
    # Recommends it from its unit: an official over the studio, not its member.
    recommends: bool = False
    # The office over the call: experts, site visit, notice, decision, objections,
    # eligibility overrides; never for a studio they belong to.
    runs: bool = False
    # An expert assigned to score it.
    reviews: bool = False
    # Reads its process (the history, the site visit's findings and files): its
    # members, the officials over the studio and the office; not its experts.
    insider: bool = False
    # Reads its material (申报材料): the frozen facts, the checks with an
    # override's reason, the dossier: the insiders, and an assigned expert
    # while it is under review and afterwards if they scored it.
    reads_material: bool = False


def naming_application_facts(user) -> dict[str, Fact]:
    if not signed_in(user):
        return dict.fromkeys(NamingApplicationAccess.fact_names(), False)
    scope = user_scope(user)
    own = _member_q(user)
    manages_studio = _as_q(_manages_studio_q(scope))
    runs = _as_q(_runs_call_q(scope, "call__")) & ~own
    applies = manages_studio | _member_q(user, Membership.Role.LEADER)
    insider = applies | manages_studio | runs | own
    return {
        "read": True,
        "own": own,
        "applies": applies,
        "recommends": manages_studio & ~own,
        "runs": runs,
        "reviews": _expert_q(user),
        "insider": insider,
        "reads_material": insider | _expert_reads_q(user),
    }


def naming_applications_with_access(user) -> QuerySet[NamingApplication]:
    return annotate_facts(naming_applications_visible_to(user), naming_application_facts(user))


def naming_applications_run_by(user) -> QuerySet[NamingApplication]:
    """The applications `user` runs as the office over their call, not those
    of a studio they belong to: who may hear which experts are late."""
    return naming_applications_with_access(user).filter(**{column("runs"): True})


def naming_application_access(user, application: NamingApplication) -> NamingApplicationAccess:
    return NamingApplicationAccess(
        **read_facts(
            application,
            NamingApplicationAccess.fact_names(),
            user=user,
            visible_to=naming_applications_visible_to,
            facts_of=naming_application_facts,
        )
    )


def naming_applications_fully_visible_to(user) -> QuerySet[NamingApplication]:
    """The applications whose process records (the history, the site visit's
    findings and files) the person may read: their insiders (docs/naming.md)."""
    facts = naming_application_facts(user)
    if facts["insider"] is True:
        return naming_applications_visible_to(user)
    return naming_applications_visible_to(user).filter(_as_q(facts["insider"]))


def naming_materials_visible_to(user) -> QuerySet[NamingMaterials]:
    """The supporting materials of the applications whose material the person
    reads (`reads_material`: the insiders and its current experts), the scope
    core.attachments serves their files by."""
    readable = naming_applications_visible_to(user).filter(
        _as_q(naming_application_facts(user)["reads_material"])
    )
    return NamingMaterials.objects.filter(application__in=readable.values("pk"))


def naming_materials_of(application: NamingApplication) -> QuerySet[Attachment]:
    """The application's supporting files, oldest first (the caller checked
    `reads_material`)."""
    # The owner's key is the application's: no row of it is read first.
    return attachments_of(NamingMaterials(application_id=application.pk))


def applications_to_score(user) -> QuerySet[NamingApplication]:
    """The applications under review that `user`, asked as an expert and not
    taken off, has not scored yet, each with the day the office asked for the
    scores by (`due_on`, None if it named none): their work waiting on the
    home page, the earliest day first, then the oldest."""
    scored = NamingReview.objects.filter(application=OuterRef("pk"), expert=user)
    asked = ExpertAssignment.objects.filter(
        application=OuterRef("pk"), expert=user, ended_at__isnull=True
    )
    return (
        NamingApplication.objects.filter(status=Status.UNDER_REVIEW)
        .filter(_expert_q(user))
        .exclude(Exists(scored))
        .annotate(due_on=Subquery(asked.values("due_on")[:1]))
        .select_related("studio", "call")
        .order_by(F("due_on").asc(nulls_last=True), "status_changed_at", "id")
    )


def unscored_assignments() -> QuerySet[ExpertAssignment]:
    """Every current assignment of an application under review whose expert
    has not scored it: the reminder sweep's rows (naming/services/reminders.py)."""
    scored = NamingReview.objects.filter(
        application=OuterRef("application_id"), expert=OuterRef("expert_id")
    )
    return ExpertAssignment.objects.filter(
        ended_at__isnull=True, application__status=Status.UNDER_REVIEW
    ).exclude(Exists(scored))


def applications_on_notice(user) -> QuerySet[NamingApplication]:
    """The public notice (公示): applications whose notice is running, for
    everyone signed in."""
    return naming_applications_visible_to(user).filter(
        status=Status.PUBLIC_NOTICE, notice_ends_on__gte=timezone.localdate()
    )


def studios_that_may_apply(user, call: NamingCall) -> QuerySet[Studio]:
    """Studios the person may apply for under `call`: in the calling unit's
    subtree, established or named, led by them or in units they manage, and
    not already applying."""
    if not signed_in(user):
        return Studio.objects.none()
    scope = user_scope(user)
    if scope.is_superuser:
        mine = Q(pk__isnull=False)
    else:
        mine = Q(pk__in=studios_led_by(user).values("pk")) | within_paths(
            scope.official_paths, unit_field="org_unit"
        )
    return (
        Studio.objects.filter(mine)
        .filter(within_paths([call.org_unit.path], unit_field="org_unit"))
        .filter(status__in=[Studio.Status.ESTABLISHED, Studio.Status.NAMED])
        .exclude(naming_applications__call=call)
        .order_by("code")
    )


def _own_or_the_offices(queryset: QuerySet, user, person_field: str) -> QuerySet:
    """Rows about an application that `user` wrote (`person_field`) or that
    the office over its call reads."""
    if not signed_in(user):
        return queryset.none()
    scope = user_scope(user)
    if scope.is_superuser:
        return queryset
    return queryset.filter(
        Q(**{person_field: user})
        | within_paths(scope.official_paths, unit_field="application__call__org_unit")
    )


def naming_reviews_visible_to(user) -> QuerySet[NamingReview]:
    """An expert's own reviews; every review to the office over the call."""
    reviews = NamingReview.objects.select_related("expert", "application")
    return _own_or_the_offices(reviews, user, "expert")


def objections_visible_to(user) -> QuerySet[Objection]:
    """An objection is seen by the person who lodged it and by the office over
    the call, never by the studio (who objected is not theirs to know)."""
    objections = Objection.objects.select_related("application", "lodged_by")
    return _own_or_the_offices(objections, user, "lodged_by")


@dataclass(frozen=True)
class ExpertRecusal:
    """Who may not score one application: its studio's current members (the
    leader among them) and anyone working in the studio's own unit or below
    (`unit_path`), as the five-small review recuses an author's team
    (docs/naming.md). Read once per application, then asked about any number
    of people."""

    member_ids: frozenset[int]
    unit_path: str

    def reason(self, person) -> str | None:
        """Why `person` may not score the application (None if they may)."""
        if person.pk in self.member_ids:
            return _("a member of the studio")
        person_path = person.org_unit.path if person.org_unit_id else ""
        if person_path.startswith(self.unit_path):
            return _("works in the studio's own unit")
        return None

    def recused(self) -> Q:
        """The recused as a condition on a person's row (to leave them out)."""
        return Q(pk__in=self.member_ids) | Q(org_unit__path__startswith=self.unit_path)


def expert_recusal_of(application: NamingApplication) -> ExpertRecusal:
    """The application's recusal: its studio's members and the studio's unit."""
    studio = application.studio
    members = Membership.objects.filter(studio=studio, left_on__isnull=True)
    return ExpertRecusal(
        frozenset([studio.leader_id, *members.values_list("person_id", flat=True)]),
        studio.org_unit.path,
    )


def experts_offered(
    user, application: NamingApplication, recusal: ExpertRecusal | None = None
) -> QuerySet:
    """Whom `user` may ask to score `application`: people they may see who are
    still active, less the recused (`recusal`, when already read). The expert
    picker's choices and what `naming_experts_assign` accepts
    (`expert_refusals`), so the picker never offers someone it would refuse."""
    recusal = recusal or expert_recusal_of(application)
    return active_people_visible_to(user).exclude(recusal.recused())


def expert_refusals(user, application: NamingApplication, people: list) -> list[str]:
    """Why each of `people` whom `experts_offered` leaves out may not score
    `application`, one line each (none if all may)."""
    recusal = expert_recusal_of(application)
    offered = experts_offered(user, application, recusal)
    return people_refused(user, people, offered, recusal.reason)


def replacements_offered(user, application: NamingApplication) -> QuerySet:
    """Whom `user` may put in an expert's place on `application`, as
    `naming_expert_replace` checks it: `experts_offered` less those still
    asked to score it (the replacement picker's choices)."""
    asked = application.assignments.filter(ended_at__isnull=True).values("expert_id")
    return experts_offered(user, application).exclude(pk__in=asked)


def experts_taken_off_by(user) -> QuerySet:
    """Whom `user` may name as the expert to take off an application (the
    API's `expert`): the people they may see, and the experts still asked to
    score an application whose call they run, wherever those work (the group
    office asks experts from any company). The service says whether that
    person is one of the application's experts."""
    if not signed_in(user):
        return User.objects.none()
    runs = naming_application_facts(user)["runs"]
    asked = ExpertAssignment.objects.filter(
        ended_at__isnull=True, application__in=NamingApplication.objects.filter(_as_q(runs))
    )
    return User.objects.filter(
        Q(pk__in=people_visible_to(user).values("pk")) | Q(pk__in=asked.values("expert_id"))
    )


def experts_asked(application: NamingApplication) -> QuerySet:
    """The people ever asked to score `application`, taken off or not: whom
    its page's expert moves may name (the application is the reader's
    already; the service says whether they may make the move)."""
    return User.objects.filter(pk__in=application.assignments.values("expert_id"))


def expert_assignments(application: NamingApplication) -> QuerySet[ExpertAssignment]:
    """The application's experts as the office reads them, current ones first,
    then those taken off, each with whether they have scored it (`scored`)
    and whether their day to score by has passed without it (`late`, the
    rule the reminder sweep follows), who took them off and who replaced
    them: one query."""
    scored = NamingReview.objects.filter(application=application, expert=OuterRef("expert"))
    late = Q(
        ended_at__isnull=True,
        application__status=Status.UNDER_REVIEW,
        due_on__lt=timezone.localdate(),
    ) & ~Exists(scored)
    return (
        application.assignments.select_related("expert__org_unit", "ended_by", "successor")
        .annotate(scored=Exists(scored), late=ExpressionWrapper(late, output_field=BooleanField()))
        .order_by(F("ended_at").asc(nulls_first=True), "assigned_at", "id")
    )
