"""Reads of HR imports, and the open work of people who moved or left.

An import holds people's data of a whole subtree, so it is visible to the
official who uploaded it and to the officials (and superusers) whose scope
covers its unit; only the uploader confirms it (docs/access.md).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import open_units_managed_by, user_scope
from apprenticeships.models import Pairing
from competitions.models import Proposal, Review, ReviewAssignment
from core.access import Fact, RecordAccess, annotate_facts, read_facts
from hr.models import ImportRun
from naming.models import ExpertAssignment, NamingApplication, NamingReview
from studios.models import Studio

OPEN_WORK_SHOWN = 200


def _covering_units(user) -> Q:
    """Imports over a unit inside one of the viewer's official subtrees."""
    scope = user_scope(user)
    condition = Q(pk__in=[])
    for path in scope.official_paths:
        condition |= Q(org_unit__path__startswith=path)
    return condition


def imports_visible_to(user) -> QuerySet[ImportRun]:
    imports = ImportRun.objects.select_related("org_unit", "requested_by")
    scope = user_scope(user)
    if scope.is_superuser:
        return imports
    if not scope.is_official:
        return imports.none()
    return imports.filter(Q(requested_by=user) | _covering_units(user))


@dataclass(frozen=True)
class ImportAccess(RecordAccess):
    """What the viewer may do with one import."""

    confirm: bool = False  # the uploader: they checked the preview


def import_facts(user) -> dict[str, Fact]:
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(ImportAccess.fact_names(), False)
    return {"read": True, "confirm": Q(requested_by=user)}


def imports_with_access(user) -> QuerySet[ImportRun]:
    return annotate_facts(imports_visible_to(user), import_facts(user))


def import_access(user, run: ImportRun) -> ImportAccess:
    return ImportAccess(
        **read_facts(
            run,
            ImportAccess.fact_names(),
            user=user,
            visible_to=imports_visible_to,
            facts_of=import_facts,
        )
    )


def merge_targets(user, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The units `unit` may be merged into by `user` (None: the system, for an
    import it applies): open units they manage outside `unit`'s own subtree,
    none while `unit` is closed. The merge form's picker offers them
    (`/pickers/merge-targets/<unit id>/`) and `unit_merge` takes them: one rule
    for both."""
    if user is None:
        units = OrgUnit.objects.filter(closed_on__isnull=True).order_by("path")
    else:
        units = open_units_managed_by(user)
    if unit.is_closed:
        return units.none()
    return units.exclude(path__startswith=unit.path)


def people_left(unit) -> QuerySet[User]:
    """The people of `unit`'s subtree that HR marked as no longer active."""
    return User.objects.filter(org_unit__path__startswith=unit.path, is_active=False)


def open_work_of(people: QuerySet[User]) -> list[dict]:
    """What depends on these people and is still open: pairings they mentor or
    learn in, reviews they owe (a five-small proposal's, a naming application's
    scores), studios they lead, drafts entered for them (at most
    OPEN_WORK_SHOWN rows). The office reassigns these; nothing is moved
    automatically. `people` is used as a subquery: five queries whatever its size."""
    work = []

    def add(person: User, what: str, record: str, url: str) -> None:
        work.append(
            {
                "person": person.full_name,
                "person_id": person.pk,
                "what": what,
                "record": record,
                "url": url,
            }
        )

    # Through the ids of either side's pairings: an OR of the two INs tests every
    # open pairing of the group against both lists, on every dashboard visit.
    # (Unordered: SQLite refuses an ORDER BY inside a UNION's parts.)
    theirs = (
        Pairing.objects.filter(mentor__in=people)
        .order_by()
        .values("pk")
        .union(Pairing.objects.filter(apprentice__in=people).order_by().values("pk"))
    )
    pairings = (
        Pairing.objects.filter(pk__in=theirs, status__in=Pairing.OPEN_STATUSES)
        .annotate(as_mentor=Exists(people.filter(pk=OuterRef("mentor_id"))))
        .select_related("mentor", "apprentice")
    )
    for pairing in pairings.order_by("pk")[:OPEN_WORK_SHOWN]:
        add(
            pairing.mentor if pairing.as_mentor else pairing.apprentice,
            _("Open pairing as mentor") if pairing.as_mentor else _("Open pairing as apprentice"),
            str(pairing),
            reverse("apprenticeships:pairing-detail", args=[pairing.pk]),
        )
    owed = (
        ReviewAssignment.objects.filter(reviewer__in=people, replaced_at__isnull=True)
        .filter(
            ~Exists(
                Review.objects.filter(proposal=OuterRef("proposal"), reviewer=OuterRef("reviewer"))
            )
        )
        .select_related("reviewer", "proposal")
    )
    for assignment in owed.order_by("pk")[:OPEN_WORK_SHOWN]:
        add(
            assignment.reviewer,
            _("Review not given"),
            assignment.proposal.code or assignment.proposal.title,
            reverse("competitions:proposal-detail", args=[assignment.proposal_id]),
        )
    # A naming expert still asked, the application waiting under review for
    # their scores (the office replaces them, docs/naming.md).
    scores_owed = (
        ExpertAssignment.objects.filter(
            expert__in=people,
            ended_at__isnull=True,
            application__status=NamingApplication.Status.UNDER_REVIEW,
        )
        .filter(
            ~Exists(
                NamingReview.objects.filter(
                    application=OuterRef("application"), expert=OuterRef("expert")
                )
            )
        )
        .select_related("expert", "application__studio", "application__call")
    )
    for assignment in scores_owed.order_by("pk")[:OPEN_WORK_SHOWN]:
        application = assignment.application
        add(
            assignment.expert,
            _("Naming scores not given"),
            f"{application.studio.name} · {application.call.title}",
            reverse("naming:application-detail", args=[application.pk]),
        )
    led = (
        Studio.objects.filter(leader__in=people)
        .exclude(status=Studio.Status.REVOKED)
        .select_related("leader")
    )
    for studio in led.order_by("pk")[:OPEN_WORK_SHOWN]:
        add(
            studio.leader,
            _("Leads a studio"),
            studio.name,
            reverse("studios:studio-detail", args=[studio.pk]),
        )
    drafts = Proposal.objects.filter(
        author__in=people, status__in=(Proposal.Status.DRAFT, Proposal.Status.RETURNED)
    ).select_related("author")
    for proposal in drafts.order_by("pk")[:OPEN_WORK_SHOWN]:
        add(
            proposal.author,
            _("Open draft"),
            proposal.title,
            reverse("competitions:proposal-detail", args=[proposal.pk]),
        )
    return work[:OPEN_WORK_SHOWN]
