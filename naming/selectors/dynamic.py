"""Dynamic management (docs/naming.md#dynamic-management): the dormancy rule,
read across studios and achievements; who sees and runs the rectifications
and re-reviews; the studios due for a re-review this year."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest

from accounts.selectors import user_scope
from achievements.models import Achievement, Patent
from core.access import Fact, RecordAccess, annotate_facts, read_facts
from core.scoping import signed_in, within_paths
from naming.models import Rectification, ReReview
from studios.models import Honour, Membership, Studio

# The studios the dormancy rule watches: a named or an established one. One
# under rectification keeps its flag until output appears (the rectification's
# check is about it); one preparing or revoked is no longer watched.
WATCHED = (Studio.Status.NAMED, Studio.Status.ESTABLISHED)
KEEPS_FLAG = (*WATCHED, Studio.Status.RECTIFICATION)


# --- The dormancy rule ---------------------------------------------------------------


def dormancy_window_start(today: datetime.date) -> datetime.date:
    """The first day of the window in which output must appear (12 months by
    default, `NAMING_DORMANCY_MONTHS`)."""
    return today - relativedelta(months=settings.NAMING_DORMANCY_MONTHS)


def _latest(model, field: str) -> Subquery:
    rows = model.objects.filter(studio=OuterRef("pk"), **{f"{field}__isnull": False})
    return Subquery(rows.order_by(f"-{field}").values(field)[:1], output_field=DateField())


def studios_with_last_output(studios: QuerySet[Studio]) -> QuerySet[Studio]:
    """Each studio with `last_output_on`: the day of its latest output, an
    achievement completed (papers are achievements), a patent filed or a
    benefit verified; its founding day if later, so a young studio is given
    its first year. Problems opened and sessions held are not output."""
    founded = "founded_on"
    return studios.annotate(
        last_output_on=Greatest(
            Coalesce(_latest(Achievement, "completed_on"), founded),
            Coalesce(_latest(Achievement, "verified_on"), founded),
            Coalesce(_latest(Patent, "filed_on"), founded),
            founded,
            output_field=DateField(),
        )
    )


def dormant_studios(today: datetime.date) -> QuerySet[Studio]:
    """Named or established studios with no output in the window ending today
    (each with `last_output_on`)."""
    since = dormancy_window_start(today)
    watched = Studio.objects.filter(status__in=WATCHED)
    return studios_with_last_output(watched).filter(last_output_on__lt=since)


def studios_back_to_work(today: datetime.date) -> QuerySet[Studio]:
    """Flagged studios whose flag no longer holds: output appeared in the
    window, or the studio is no longer watched (preparing, revoked)."""
    since = dormancy_window_start(today)
    flagged = studios_with_last_output(Studio.objects.filter(dormant_since__isnull=False))
    return flagged.filter(Q(last_output_on__gte=since) | ~Q(status__in=KEEPS_FLAG))


def output_since(studio: Studio, since: datetime.date) -> dict[str, int]:
    """What the studio produced from `since` on (the rectification's check)."""
    achievements = Achievement.objects.filter(studio=studio)
    return {
        "achievements": achievements.filter(completed_on__gte=since).count(),
        "patents": Patent.objects.filter(studio=studio, filed_on__gte=since).count(),
        "benefits_verified": achievements.filter(verified_on__gte=since).count(),
    }


# --- Rectifications -------------------------------------------------------------------


def _office_q(scope, prefix: str = "studio__") -> Q:
    """Officials over the studio's unit (every studio for a superuser)."""
    if scope.is_superuser:
        return Q(pk__isnull=False)
    return within_paths(scope.official_paths, unit_field=f"{prefix}org_unit")


def _member_q(user, studio_field: str = "studio") -> Q:
    return Q(
        Exists(
            Membership.objects.filter(
                studio=OuterRef(studio_field), person=user, left_on__isnull=True
            )
        )
    )


def _office_and_studio(rows: QuerySet, user) -> QuerySet:
    """Rows about a studio that are the office's business and the studio's:
    the officials over the studio and its current members see them."""
    if not signed_in(user):
        return rows.none()
    scope = user_scope(user)
    if scope.is_superuser:
        return rows
    return rows.filter(_office_q(scope) | _member_q(user))


def rectifications_visible_to(user) -> QuerySet[Rectification]:
    """Officials over the studio and its current members; nobody else."""
    rows = Rectification.objects.select_related("studio", "studio__org_unit", "opened_by")
    return _office_and_studio(rows, user)


@dataclass(frozen=True)
class RectificationAccess(RecordAccess):
    # The office over the studio, never its own member: closes or de-lists it.
    runs: bool = False
    # A current member of the studio (its lead among them): reads it, and the plan.
    own: bool = False


def rectification_facts(user) -> dict[str, Fact]:
    if not signed_in(user):
        return dict.fromkeys(RectificationAccess.fact_names(), False)
    own = _member_q(user)
    return {"read": True, "runs": _office_q(user_scope(user)) & ~own, "own": own}


def rectifications_with_access(user) -> QuerySet[Rectification]:
    return annotate_facts(rectifications_visible_to(user), rectification_facts(user))


def rectification_access(user, rectification: Rectification) -> RectificationAccess:
    return RectificationAccess(
        **read_facts(
            rectification,
            RectificationAccess.fact_names(),
            user=user,
            visible_to=rectifications_visible_to,
            facts_of=rectification_facts,
        )
    )


def runs_studio(user, studio: Studio) -> bool:
    """Whether `user` is the office over `studio` (an official over its unit,
    not one of its members): opens rectifications and records re-reviews."""
    if not signed_in(user):
        return False
    scope = user_scope(user)
    return (
        Studio.objects.filter(pk=studio.pk)
        .filter(_office_q(scope, prefix=""), ~_member_q(user, studio_field="pk"))
        .exists()
    )


def studios_rectifiable_by(user) -> QuerySet[Studio]:
    """The studios `user` may put under rectification as their office: named
    or established, not under an open rectification already, dormant ones
    first. The rectification form's picker offers them
    (`/pickers/rectifiable-studios/?q=`) and `rectification_open` takes them."""
    if not signed_in(user):
        return Studio.objects.none()
    scope = user_scope(user)
    open_rectification = Rectification.objects.filter(
        studio=OuterRef("pk"), status=Rectification.Status.OPEN
    )
    return (
        Studio.objects.filter(status__in=WATCHED)
        .filter(_office_q(scope, prefix="") & ~_member_q(user, studio_field="pk"))
        .exclude(Exists(open_rectification))
        .order_by(F("dormant_since").asc(nulls_last=True), "code")
    )


# --- Re-reviews ------------------------------------------------------------------------


def re_reviews_visible_to(user) -> QuerySet[ReReview]:
    """As a rectification: the officials over the studio and its members."""
    rows = ReReview.objects.select_related("studio", "studio__org_unit", "decided_by")
    return _office_and_studio(rows, user)


def studios_with_named_year(studios: QuerySet[Studio]) -> QuerySet[Studio]:
    """Each studio with `named_year`: the year of the first list it still
    stands on (a revoked honour no longer names it)."""
    first = (
        Honour.objects.filter(studio=OuterRef("pk"), revoked_on__isnull=True)
        .order_by("recognition_list__year")
        .values("recognition_list__year")[:1]
    )
    return studios.annotate(named_year=Subquery(first))


def studios_due_for_re_review(user, year: int) -> QuerySet[Studio]:
    """The studios the office over them re-reviews in `year`: named
    `NAMING_RE_REVIEW_YEARS` (5) or more years before it and not yet reviewed
    that year, oldest title first."""
    if not signed_in(user):
        return Studio.objects.none()
    scope = user_scope(user)
    named = Studio.objects.filter(status=Studio.Status.NAMED).filter(
        _office_q(scope, prefix="") & ~_member_q(user, studio_field="pk")
    )
    reviewed = ReReview.objects.filter(studio=OuterRef("pk"), year=year)
    return (
        studios_with_named_year(named.select_related("org_unit", "leader"))
        .filter(named_year__lte=year - settings.NAMING_RE_REVIEW_YEARS)
        .exclude(Exists(reviewed))
        .order_by("named_year", "code")
    )
