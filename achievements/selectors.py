"""Who reads which problems, achievements and patents (DESIGN.md §4, issue 4).

Insiders of a studio (officials over it and its members) read everything of it.
Beyond them: a problem's announcement (title, studio, category, status) is
public to every signed-in user; achievements promoted group-wide are public, and
those promoted within the company are visible across that company; published
and granted patents are public records.
"""

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from accounts.selectors import user_scope
from achievements.models import (
    Achievement,
    Adoption,
    Patent,
    PromotionConference,
    TechnicalProblem,
)
from core.scoping import signed_in, within_paths
from studios.models import Studio
from studios.selectors import studio_insiders_q


def _insider_studios(user) -> QuerySet[Studio]:
    return Studio.objects.filter(studio_insiders_q(user))


def problems_visible_to(user) -> QuerySet[TechnicalProblem]:
    """Every problem's announcement, annotated `full_access` for insiders."""
    if not signed_in(user):
        return TechnicalProblem.objects.none()
    insider = Q(studio__in=_insider_studios(user))
    return TechnicalProblem.objects.select_related("studio").annotate(
        full_access=ExpressionWrapper(insider, output_field=BooleanField())
    )


def problems_fully_visible_to(user) -> QuerySet[TechnicalProblem]:
    """Problems whose details, team and files the person may read."""
    if not signed_in(user):
        return TechnicalProblem.objects.none()
    return TechnicalProblem.objects.filter(studio__in=_insider_studios(user)).select_related(
        "studio"
    )


def achievements_visible_to(user) -> QuerySet[Achievement]:
    if not signed_in(user):
        return Achievement.objects.none()
    achievements = Achievement.objects.select_related(
        "studio", "studio__org_unit", "origin_problem"
    )
    scope = user_scope(user)
    if scope.is_superuser:
        return achievements
    in_company = within_paths(
        [scope.company_path] if scope.company_path else [], unit_field="studio__org_unit"
    )
    return achievements.filter(
        Q(studio__in=_insider_studios(user))
        | Q(promotion=Achievement.Promotion.GROUP)
        | (Q(promotion=Achievement.Promotion.UNIT) & in_company)
    )


PUBLIC_PATENT_STATUSES = (Patent.Status.PUBLISHED, Patent.Status.GRANTED, Patent.Status.LAPSED)


def patents_visible_to(user) -> QuerySet[Patent]:
    """Insiders' patents and every published or granted one (public records),
    annotated `achievement_visible`: whether the linked achievement may be shown."""
    if not signed_in(user):
        return Patent.objects.none()
    linked_visible = achievements_visible_to(user).filter(pk=OuterRef("achievement_id"))
    return (
        Patent.objects.select_related("studio", "achievement")
        .filter(Q(studio__in=_insider_studios(user)) | Q(status__in=PUBLIC_PATENT_STATUSES))
        .annotate(achievement_visible=Exists(linked_visible))
    )


def patents_fully_visible_to(user) -> QuerySet[Patent]:
    """Patents whose files (drafts, correspondence) the person may read: insiders."""
    if not signed_in(user):
        return Patent.objects.none()
    return Patent.objects.filter(studio__in=_insider_studios(user))


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
