"""The honour roll (光荣榜): public to every signed-in user.

Named studios by level and year with the group's share of each list, model
workers and craftsmen by level, the year's awarded five-small proposals and the
most-adopted achievements. Five queries, however many lists and honours.
"""

from itertools import groupby

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from achievements.selectors import achievements_visible_to
from competitions.models import AwardGrade, Proposal
from competitions.selectors import proposals_listed_for
from core.selectors import choice_order
from showcase.selectors.profiles import LEVELS_HIGH_FIRST
from studios.models import Honour, RecognitionList
from studios.selectors import Share, honours_visible_to, recognition_lists_with_share

# The roll shows this many awarded proposals and adopted achievements; the
# five-small results and the library list the rest.
ROLL_ROWS = 30


def _level_sections(rows, level_of) -> list[dict]:
    """Rows (already sorted highest level first) grouped into one section per level."""
    labels = dict(RecognitionList.Level.choices)
    return [
        {"level": level, "level_display": labels[level], "rows": list(items)}
        for level, items in groupby(rows, key=level_of)
    ]


def named_studio_lists(user, *, year: int | None = None) -> list[dict]:
    """Lists naming studios, highest level and newest year first, each with the
    group's share and the studios on it the reader may see. The roll is the
    lists' history: a studio that lost its plaque (摘牌) stays on the lists that
    named it, marked revoked by the page (its `revoked_on`), also once it is
    named again."""
    studio_honours = Honour.objects.filter(recognition_list=OuterRef("pk"), studio__isnull=False)
    lists = RecognitionList.objects.filter(Exists(studio_honours))
    if year is not None:
        lists = lists.filter(year=year)
    lists = list(
        recognition_lists_with_share(lists, None)
        .annotate(level_rank=choice_order("level", LEVELS_HIGH_FIRST))
        .order_by("level_rank", "-year", "title", "id")
    )
    studios_by_list: dict[int, list[Honour]] = {}
    for honour in (
        honours_visible_to(user)
        .filter(recognition_list__in=[item.pk for item in lists], studio__isnull=False)
        .select_related("studio__org_unit")
        .order_by("studio__code")
    ):
        studios_by_list.setdefault(honour.recognition_list_id, []).append(honour)
    for item in lists:
        item.named_studios = studios_by_list.get(item.pk, [])
        item.share = Share(ours=item.ours, total=item.total_named)
    return _level_sections(lists, lambda item: item.level)


def honoured_people(user, *, year: int | None = None) -> list[dict]:
    """Model workers, craftsmen and medal holders, by level (highest first)."""
    honours = (
        honours_visible_to(user)
        .filter(person__isnull=False)
        .select_related("person__org_unit")
        .annotate(level_rank=choice_order("recognition_list__level", LEVELS_HIGH_FIRST))
        .order_by("level_rank", "-recognition_list__year", "person__full_name", "id")
    )
    if year is not None:
        honours = honours.filter(recognition_list__year=year)
    return _level_sections(honours, lambda honour: honour.recognition_list.level)


def awarded_proposals(user, *, year: int) -> list[Proposal]:
    """The year's awarded five-small proposals, the highest prize first."""
    return list(
        proposals_listed_for(user)
        .filter(status=Proposal.Status.AWARDED, campaign__year=year)
        .select_related("award__grade", "author", "org_unit", "campaign")
        .annotate(grade_rank=choice_order("award__grade__grade", AwardGrade.Grade.values))
        .order_by("grade_rank", "-award__awarded_at", "-id")[:ROLL_ROWS]
    )


def most_adopted_achievements(user) -> list:
    """The achievements taken up most often: each recorded adoption is a unit
    that put the result to use."""
    return list(
        achievements_visible_to(user)
        .annotate(adoption_count=Count("adoptions"))
        .filter(adoption_count__gt=0)
        .order_by("-adoption_count", "-completed_on", "-id")[:ROLL_ROWS]
    )


def honour_roll(user, *, year: int | None = None) -> dict:
    """The whole roll; `year` narrows the honours (all years when None) and
    chooses the awards' year (this year when None)."""
    awards_year = year or timezone.localdate().year
    return {
        "year": year,
        "awards_year": awards_year,
        "studio_levels": named_studio_lists(user, year=year),
        "people_levels": honoured_people(user, year=year),
        "awarded": awarded_proposals(user, year=awards_year),
        "adopted": most_adopted_achievements(user),
    }


def newest_honours(user, *, limit: int = 6) -> list[Honour]:
    """The latest honours the reader may see (home page): newest list year
    first. Only those still held: the home page holds them up as examples."""
    return list(
        honours_visible_to(user)
        .filter(revoked_on__isnull=True)
        .select_related("person__org_unit", "studio")
        .order_by("-recognition_list__year", "-created_at", "-id")[:limit]
    )
