"""What a studio's dossier states, gathered through the domain apps' own scoping
functions for the person who asks (its lead or an official over it, who see all
of the studio's records), so a dossier never shows more than its reader may
see; a naming application's expert reads its studio's records as the lead
presents them (`naming_application_dossier`). With a year, everything is
limited to that year, counted as the dashboard and the studio annual report
count it (reports/selectors/dashboard.py)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, Sum

from achievements.models import Achievement, Patent, TechnicalProblem
from achievements.selectors import (
    achievements_visible_to,
    patents_visible_to,
    problems_fully_visible_to,
)
from apprenticeships.models import Pairing
from apprenticeships.selectors import pairings_visible_to
from core.models import Attachment
from naming.models import NamingApplication
from naming.selectors import NamingApplicationAccess
from studios.models import Assessment, Honour, Membership, Studio
from studios.selectors import (
    assessments_visible_to,
    honours_visible_to,
    memberships_visible_to,
)

MAX_PHOTOS = 6


@dataclass
class StudioDossier:
    """Every figure and list a naming application or an assessment pack shows."""

    studio: Studio
    year: int | None
    members: list[Membership]
    personal_honours: dict[int, list[Honour]]  # person id → their honours
    problems: list[TechnicalProblem]
    problems_solved: int
    achievements: list[Achievement]
    verified_benefit: Decimal
    claimed_benefit: Decimal
    patents: list[Patent]
    patents_by_status: dict[str, int]
    pairings: list[Pairing]
    apprentices_trained: int  # pairings completed (出师)
    honours: list[Honour]
    assessment: Assessment | None = None
    photos: list[tuple[bytes, str]] = field(default_factory=list)

    @property
    def patents_granted(self) -> int:
        return self.patents_by_status.get(Patent.Status.GRANTED, 0)


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def studio_dossier(user, studio: Studio, *, year: int | None = None) -> StudioDossier:
    """The studio's facts as `user` may see them, all time or for `year`."""
    members = memberships_visible_to(user).filter(studio=studio)
    problems = problems_fully_visible_to(user).filter(studio=studio)
    achievements = achievements_visible_to(user).filter(studio=studio)
    patents = patents_visible_to(user).filter(studio=studio)
    pairings = pairings_visible_to(user).filter(studio=studio)
    honours = honours_visible_to(user).filter(studio=studio)
    if year is None:
        members = members.filter(left_on__isnull=True)
        solved = Q(status=TechnicalProblem.Status.SOLVED)
        trained = Q(status=Pairing.Status.COMPLETED)
    else:
        first, last = _year_bounds(year)
        # Who belonged to the studio at some point of the year.
        members = members.filter(joined_on__lte=last).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=first)
        )
        # Problems opened or solved in the year; solved counts those solved in it.
        problems = problems.filter(Q(started_on__year=year) | Q(solved_on__year=year))
        solved = Q(solved_on__year=year)
        achievements = achievements.filter(completed_on__year=year)
        patents = patents.filter(Q(filed_on__year=year) | Q(granted_on__year=year))
        # Pairings running at some point of the year; trained: completed in it.
        pairings = pairings.filter(starts_on__lte=last).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=first)
        )
        trained = Q(status=Pairing.Status.COMPLETED, ended_on__year=year)
        honours = honours.filter(recognition_list__year=year)

    members = list(members.select_related("person__org_unit").order_by("role", "joined_on", "id"))
    # Leader first, then core members, then members (not the codes' alphabetical order).
    role_order = list(Membership.Role.values)
    members.sort(key=lambda m: role_order.index(m.role))
    people = {m.person_id for m in members}
    personal = {}
    for honour in (
        honours_visible_to(user)
        .filter(person__in=people)
        .select_related("recognition_list")
        .order_by("-recognition_list__year", "id")
    ):
        personal.setdefault(honour.person_id, []).append(honour)

    problem_rows = list(problems.order_by("started_on", "id"))
    benefit = achievements.aggregate(
        verified=Sum("verified_benefit"), claimed=Sum("claimed_benefit")
    )
    patent_counts = dict(
        patents.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    pairing_rows = list(pairings.select_related("mentor", "apprentice").order_by("starts_on", "id"))
    dossier = StudioDossier(
        studio=studio,
        year=year,
        members=members,
        personal_honours=personal,
        problems=problem_rows,
        problems_solved=problems.filter(solved).count(),
        achievements=list(achievements.order_by("completed_on", "id")),
        verified_benefit=benefit["verified"] or Decimal(0),
        claimed_benefit=benefit["claimed"] or Decimal(0),
        patents=list(patents.order_by("filed_on", "id")),
        patents_by_status=patent_counts,
        pairings=pairing_rows,
        apprentices_trained=pairings.filter(trained).count(),
        honours=list(honours.order_by("-recognition_list__year", "id")),
    )
    if year is not None:
        dossier.assessment = assessments_visible_to(user).filter(studio=studio, year=year).first()
    dossier.photos = _photos(problems, achievements, patents)
    return dossier


def naming_application_dossier(
    user, application: NamingApplication, access: NamingApplicationAccess
) -> StudioDossier:
    """The dossier of a naming application's 申报表 for a reader of its
    material (`access.reads_material`): the studio's records as the reader sees
    them when they are its insider; its expert, who reads the application but
    none of the studio's own records, reads them as the studio's lead presents
    them, since what the expert scores is what the studio sent in
    (docs/naming.md, "What the experts read")."""
    studio = application.studio
    return studio_dossier(user if access.insider else studio.leader, studio)


def _photos(*owners_querysets) -> list[tuple[bytes, str]]:
    """Up to six photos from the files of the studio's problems, achievements and
    patents (the querysets above: the reader's scope, the year's records), the
    latest first, each with its record's title as caption. The thumbnail (a
    480-pixel JPEG) is what goes in: it prints well at 7.5 cm and keeps the file
    small whatever the phone took."""
    condition = Q(pk__in=[])
    titles: dict[tuple[int, int], str] = {}
    for owners in owners_querysets:
        content_type = ContentType.objects.get_for_model(owners.model)
        condition |= Q(content_type=content_type, object_id__in=owners.values("pk"))
    photos = list(
        Attachment.objects.filter(condition, mime_type__startswith="image/")
        .exclude(thumbnail="")
        .order_by("-uploaded_at", "-id")[:MAX_PHOTOS]
    )
    by_model: dict[int, set[int]] = {}
    for photo in photos:
        by_model.setdefault(photo.content_type_id, set()).add(photo.object_id)
    for owners in owners_querysets:
        content_type = ContentType.objects.get_for_model(owners.model)
        ids = by_model.get(content_type.pk)
        if ids:
            for pk, title in owners.filter(pk__in=ids).values_list("pk", "title"):
                titles[(content_type.pk, pk)] = title
    gathered = []
    for photo in photos:
        try:
            with photo.thumbnail.open("rb") as stored:
                data = stored.read()
        except OSError:
            continue  # a file lost from storage leaves a gap, not an error
        gathered.append((data, titles.get((photo.content_type_id, photo.object_id), "")))
    return gathered
