"""Craftsman profiles: what a person has been honoured for, built and passed on.

A profile gathers from every app, each part through that app's own scoping
function, so a profile never shows a record its reader could not open: honours
are public, achievements and patents follow the library's rules, awarded
proposals are public, and the lineage names the people a craftsman trained.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window

from accounts.models import User
from accounts.selectors import people_visible_to
from achievements.models import Contributor, Inventor
from achievements.selectors import achievements_visible_to, patents_visible_to
from apprenticeships.models import Pairing
from apprenticeships.selectors import (
    LINEAGE_GENERATIONS,
    lineage_pairings,
    mentors_of,
    pairings_visible_to,
)
from competitions.models import CoAuthor, Proposal
from competitions.selectors import proposals_listed_for
from core.scoping import signed_in
from core.selectors import choice_order
from showcase.models import Story
from showcase.selectors.stories import published_stories
from studios.models import Honour, RecognitionList
from studios.selectors import (
    honours_listed_with_access,
    honours_with_access,
    memberships_visible_to,
)

# Each section of a profile shows at most this many rows (with the total).
PROFILE_SECTION_ROWS = 30
# Honours read from the highest level down: national first.
LEVELS_HIGH_FIRST = list(reversed(RecognitionList.Level.values))


def profiles_visible_to(user) -> QuerySet[User]:
    """Whose profile the reader may open: everyone they may see in the directory,
    plus anyone named publicly (a personal honour, a published story)."""
    if not signed_in(user):
        return User.objects.none()
    honoured = Honour.objects.filter(person=OuterRef("pk"))
    in_story = Story.objects.filter(status=Story.Status.PUBLISHED, people=OuterRef("pk"))
    # One WHERE with the directory's own conditions (an IN over the directory
    # would read every person the reader may see, for each lookup).
    public = User.objects.filter(Q(Exists(honoured)) | Q(Exists(in_story)))
    return (people_visible_to(user) | public).select_related("org_unit")


def openable_profiles(viewer, person_ids) -> set[int]:
    """Which of these people's profiles the reader may open (one query), so a
    page links only to profiles that will not answer 404."""
    if not person_ids:
        return set()
    return set(profiles_visible_to(viewer).filter(pk__in=person_ids).values_list("pk", flat=True))


@dataclass
class LineageNode:
    """One apprentice in a lineage, with the pairing that made them one and the
    apprentices they trained in turn. The names are the showcase's (a lineage is
    shown publicly); the pairing's details only to those who may read the pairing."""

    person: User
    pairing: Pairing
    generation: int
    children: list["LineageNode"] = field(default_factory=list)
    has_profile: bool = False
    shows_details: bool = False


def pairings_shown_in_full(viewer, pairings) -> set[int]:
    """Which pairings' status, dates and skill level the reader may see."""
    if not pairings:
        return set()
    return set(
        pairings_visible_to(viewer)
        .filter(pk__in=[pairing.pk for pairing in pairings])
        .values_list("pk", flat=True)
    )


def lineage_tree(person: User, viewer, *, generations: int = LINEAGE_GENERATIONS) -> list:
    """The person's apprentices as a tree, `generations` deep, each person once
    (at their nearest place), so bad data with a loop cannot repeat anyone."""
    # Nearest generation first, so each mentor is placed before their apprentices.
    pairings = sorted(
        lineage_pairings(person, generations=generations),
        key=lambda pairing: (pairing.generation, pairing.starts_on, pairing.pk),
    )
    openable = openable_profiles(viewer, {pairing.apprentice_id for pairing in pairings})
    in_full = pairings_shown_in_full(viewer, pairings)
    placed: dict[int, list[LineageNode]] = {person.pk: []}  # person id → their children
    for pairing in pairings:
        if pairing.mentor_id not in placed or pairing.apprentice_id in placed:
            continue
        node = LineageNode(
            person=pairing.apprentice,
            pairing=pairing,
            generation=pairing.generation,
            has_profile=pairing.apprentice_id in openable,
            shows_details=pairing.pk in in_full,
        )
        placed[pairing.mentor_id].append(node)
        placed[pairing.apprentice_id] = node.children
    return placed[person.pk]


def lineage_size(nodes: list[LineageNode]) -> int:
    return sum(1 + lineage_size(node.children) for node in nodes)


def _rows(queryset) -> dict:
    """A section: its first rows and how many there are in all, in one query
    (the total is a window count over the rows before the limit)."""
    rows = list(queryset.annotate(section_total=Window(Count("pk")))[:PROFILE_SECTION_ROWS])
    return {"rows": rows, "total": rows[0].section_total if rows else 0}


def personal_honours(person: User, viewer) -> list[Honour]:
    """The person's titles, the highest level first (public, as on the honour
    roll), each with what the viewer may do with it (`access`: its certificate)."""
    return honours_listed_with_access(
        viewer,
        honours_with_access(viewer)
        .filter(person=person)
        .annotate(level_rank=choice_order("recognition_list__level", LEVELS_HIGH_FIRST))
        .order_by("level_rank", "-recognition_list__year", "id"),
    )


def craftsman_profile(person: User, viewer) -> dict:
    """Everything the profile page and `/api/v1/profiles/{id}/` show, each part
    read through its own app's scope. A fixed number of queries however much the
    person has done (each section is one query with its total)."""
    awarded = (
        proposals_listed_for(viewer)
        .filter(status=Proposal.Status.AWARDED)
        .filter(
            Q(author=person)
            | Exists(CoAuthor.objects.filter(proposal=OuterRef("pk"), person=person))
        )
        .select_related("award__grade", "campaign")
        .order_by("-campaign__year", "-id")
    )
    lineage = lineage_tree(person, viewer)
    mentors = list(mentors_of(person))
    openable = openable_profiles(viewer, {pairing.mentor_id for pairing in mentors})
    in_full = pairings_shown_in_full(viewer, mentors)
    for pairing in mentors:
        pairing.mentor_has_profile = pairing.mentor_id in openable
        pairing.shows_details = pairing.pk in in_full
    return {
        "person": person,
        "honours": personal_honours(person, viewer),
        "memberships": list(
            memberships_visible_to(viewer)
            .filter(person=person)
            .select_related("studio__org_unit")
            .order_by(F("left_on").asc(nulls_first=True), "-joined_on", "id")
        ),
        "achievements": _rows(
            achievements_visible_to(viewer)
            .filter(Exists(Contributor.objects.filter(achievement=OuterRef("pk"), person=person)))
            .order_by("-completed_on", "-id")
        ),
        "patents": _rows(
            patents_visible_to(viewer)
            .filter(Exists(Inventor.objects.filter(patent=OuterRef("pk"), person=person)))
            .order_by("-filed_on", "-id")
        ),
        "awards": _rows(awarded),
        "mentors": mentors,
        "lineage": lineage,
        "lineage_size": lineage_size(lineage),
        "stories": _rows(
            published_stories(viewer)
            .filter(Exists(Story.people.through.objects.filter(story=OuterRef("pk"), user=person)))
            .order_by("-published_on", "-id")
        ),
    }
