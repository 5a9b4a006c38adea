"""Who reads which problems, achievements and patents (docs/access.md).

Insiders of a studio (officials over it and its members) read everything of it.
Beyond them: a problem's announcement (title, studio, category, status) is
public to every signed-in user; achievements promoted group-wide are public, and
those promoted within the company are visible across that company; published
and granted patents are public records.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from accounts.selectors import user_scope
from achievements.models import (
    Achievement,
    Adoption,
    Patent,
    PromotionConference,
    TechnicalProblem,
)
from core.access import Fact, RecordAccess, annotate_facts, read_facts
from core.scoping import signed_in, within_paths
from studios.models import Studio
from studios.selectors import studio_insiders_q, studios_managed_by, studios_writable_by


def _insider_studios(user) -> QuerySet[Studio]:
    return Studio.objects.filter(studio_insiders_q(user))


def _facts_for(access_class: type[RecordAccess], user, **own: Fact) -> dict[str, Fact]:
    """The facts of `access_class` as SQL conditions on the row of a studio's
    record: those it owes to the viewer's place in the studio (an insider reads
    it in full, a writer of the studio edits it, an official over the studio
    manages it), then the record's `own`. All False for an anonymous visitor."""
    if not signed_in(user):
        return dict.fromkeys(access_class.fact_names(), False)
    facts = {
        "read": True,  # the facts are read on the viewer's scoped rows only
        "reads_full": Q(studio__in=_insider_studios(user)),
        "edits": Q(studio__in=studios_writable_by(user)),
        "manages": Q(studio__in=studios_managed_by(user)),
        **own,
    }
    return {name: facts[name] for name in access_class.fact_names()}


def problems_visible_to(user) -> QuerySet[TechnicalProblem]:
    """Every problem's announcement (title, studio, category, status); what else
    the viewer reads of each is `problem_access(...).reads_full`."""
    if not signed_in(user):
        return TechnicalProblem.objects.none()
    return TechnicalProblem.objects.select_related("studio")


def problems_fully_visible_to(user) -> QuerySet[TechnicalProblem]:
    """Problems whose details, team and files the person may read."""
    if not signed_in(user):
        return TechnicalProblem.objects.none()
    return TechnicalProblem.objects.filter(studio__in=_insider_studios(user)).select_related(
        "studio"
    )


@dataclass(frozen=True)
class ProblemAccess(RecordAccess):
    """What the viewer may do with one problem; the statuses it may move to are
    the services' to check (409)."""

    # Reads the details, team, history and files, not just the announcement:
    # the studio's insiders.
    reads_full: bool = False
    # Edits it, moves its status and attaches files: the studio's writers.
    edits: bool = False


def problem_facts(user) -> dict[str, Fact]:
    """The facts of `ProblemAccess` as SQL conditions on a problem's row."""
    return _facts_for(ProblemAccess, user)


def problems_with_access(user) -> QuerySet[TechnicalProblem]:
    """`problems_visible_to(user)` with each row's access facts as columns, so a
    list, its filters and its serializer read `problem_access()` without a
    query a row."""
    return annotate_facts(problems_visible_to(user), problem_facts(user))


def problem_access(user, problem: TechnicalProblem) -> ProblemAccess:
    """Everything `user` may do with `problem`: from the row's access columns
    when it came from `problems_with_access`, else one query."""
    return ProblemAccess(
        **read_facts(
            problem,
            ProblemAccess.fact_names(),
            user=user,
            visible_to=problems_visible_to,
            facts_of=problem_facts,
        )
    )


def achievements_visible_to(user) -> QuerySet[Achievement]:
    """The studio's insiders read all its achievements; beyond them, those
    promoted group-wide, and within the studio's company those promoted there."""
    if not signed_in(user):
        return Achievement.objects.none()
    achievements = Achievement.objects.select_related(
        "studio", "studio__org_unit", "origin_problem"
    )
    scope = user_scope(user)
    if scope.is_superuser:
        return achievements
    # The company's studios as a subquery, not a join through each row's studio
    # and unit: the list's count then reads the achievements alone (a third of
    # its time at 10,000 rows went to those joins).
    company_studios = Studio.objects.filter(
        within_paths([scope.company_path] if scope.company_path else [], unit_field="org_unit")
    )
    in_company = Q(studio__in=company_studios)
    return achievements.filter(
        Q(studio__in=_insider_studios(user))
        | Q(promotion=Achievement.Promotion.GROUP)
        | (Q(promotion=Achievement.Promotion.UNIT) & in_company)
    )


@dataclass(frozen=True)
class AchievementAccess(RecordAccess):
    """What the viewer may do with one achievement (its readers see all of it)."""

    # Edits it within the studio's own promotion level and attaches files: the
    # studio's writers.
    edits: bool = False
    # An official over its studio: promotes it beyond the studio (or takes
    # that back) and verifies its benefit.
    manages: bool = False


def achievement_facts(user) -> dict[str, Fact]:
    """The facts of `AchievementAccess` as SQL conditions on an achievement's row."""
    return _facts_for(AchievementAccess, user)


def achievements_with_access(user) -> QuerySet[Achievement]:
    """`achievements_visible_to(user)` with each row's access facts as columns,
    so a page reads `achievement_access()` without a query."""
    return annotate_facts(achievements_visible_to(user), achievement_facts(user))


def achievement_access(user, achievement: Achievement) -> AchievementAccess:
    """Everything `user` may do with `achievement`: from the row's access
    columns when it came from `achievements_with_access`, else one query."""
    return AchievementAccess(
        **read_facts(
            achievement,
            AchievementAccess.fact_names(),
            user=user,
            visible_to=achievements_visible_to,
            facts_of=achievement_facts,
        )
    )


PUBLIC_PATENT_STATUSES = (Patent.Status.PUBLISHED, Patent.Status.GRANTED, Patent.Status.LAPSED)


def patents_visible_to(user) -> QuerySet[Patent]:
    """Insiders' patents and every published or granted one (public records)."""
    if not signed_in(user):
        return Patent.objects.none()
    return Patent.objects.select_related("studio", "achievement").filter(
        Q(studio__in=_insider_studios(user)) | Q(status__in=PUBLIC_PATENT_STATUSES)
    )


def patents_fully_visible_to(user) -> QuerySet[Patent]:
    """Patents whose files (drafts, correspondence) the person may read: insiders."""
    if not signed_in(user):
        return Patent.objects.none()
    return Patent.objects.filter(studio__in=_insider_studios(user))


@dataclass(frozen=True)
class PatentAccess(RecordAccess):
    """What the viewer may do with one patent; the statuses it may move to are
    `patent_status_targets` and the services' to check (409)."""

    # Reads its files (drafts, correspondence): the studio's insiders; a public
    # patent's other readers see the record only.
    reads_full: bool = False
    # Edits it, moves its status and attaches files: the studio's writers.
    edits: bool = False
    # The achievement it is linked to may be named (the patent may be public
    # while that achievement is not).
    achievement_visible: bool = False


def patent_facts(user) -> dict[str, Fact]:
    """The facts of `PatentAccess` as SQL conditions on a patent's row."""
    linked = achievements_visible_to(user).filter(pk=OuterRef("achievement_id"))
    return _facts_for(PatentAccess, user, achievement_visible=Exists(linked))


def patents_with_access(user) -> QuerySet[Patent]:
    """`patents_visible_to(user)` with each row's access facts as columns, so a
    list and its serializer read `patent_access()` without a query a row."""
    return annotate_facts(patents_visible_to(user), patent_facts(user))


def patent_access(user, patent: Patent) -> PatentAccess:
    """Everything `user` may do with `patent`: from the row's access columns
    when it came from `patents_with_access`, else one query."""
    return PatentAccess(
        **read_facts(
            patent,
            PatentAccess.fact_names(),
            user=user,
            visible_to=patents_visible_to,
            facts_of=patent_facts,
        )
    )


def patent_status_targets(patent: Patent) -> list[str]:
    """Where the patent may move next: inventions are published before grant;
    utility models and designs are granted without publication."""
    targets = set(patent.TRANSITIONS[patent.status])
    if patent.patent_type == Patent.Type.INVENTION:
        if patent.status == Patent.Status.FILED:
            targets.discard(Patent.Status.GRANTED)
    else:
        targets.discard(Patent.Status.PUBLISHED)
    return [status for status in Patent.Status.values if status in targets]


def adoptions_visible_to(user) -> QuerySet[Adoption]:
    return Adoption.objects.filter(
        achievement__in=achievements_visible_to(user).values("pk")
    ).select_related("org_unit", "achievement", "recorded_by")


def conferences_visible_to(user) -> QuerySet[PromotionConference]:
    """Conferences are public to every signed-in user (the library's shop window)."""
    if not signed_in(user):
        return PromotionConference.objects.none()
    # The aggregate drops Meta.ordering, so the order is restated for paging.
    return (
        PromotionConference.objects.select_related("organiser")
        .annotate(displayed=Count("achievements"))
        .order_by(*PromotionConference._meta.ordering)
    )


def conferences_managed_by(user) -> QuerySet[PromotionConference]:
    scope = user_scope(user)
    if scope.is_superuser:
        return PromotionConference.objects.all()
    return PromotionConference.objects.filter(
        within_paths(scope.official_paths, unit_field="organiser")
    )


def studio_record_counts(studio: Studio, user) -> dict:
    """Counts for the studio page's sections, over what the reader may see, in
    three aggregate queries (problems are announced, so all of them count)."""
    problems = (
        problems_visible_to(user)
        .filter(studio=studio)
        .aggregate(
            total=Count("id"), solved=Count("id", filter=Q(status=TechnicalProblem.Status.SOLVED))
        )
    )
    achievements = (
        achievements_visible_to(user)
        .filter(studio=studio)
        .aggregate(total=Count("id"), verified=Sum("verified_benefit"))
    )
    patents = (
        patents_visible_to(user)
        .filter(studio=studio)
        .aggregate(total=Count("id"), granted=Count("id", filter=Q(status=Patent.Status.GRANTED)))
    )
    return {"problems": problems, "achievements": achievements, "patents": patents}
