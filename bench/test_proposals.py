"""The proposal list and the similar-title look-up stay within a fixed factor of
raw SQL reading the same rows, with a mine's worth of years of proposals."""

import datetime
import random

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import User
from bench.conftest import best_seconds
from bench.test_lists import PAGE, api_get, group, raw  # noqa: F401 - `group` is a fixture
from competitions.models import Campaign, Proposal, TitleGram
from competitions.similarity import title_grams

pytestmark = pytest.mark.django_db

PROPOSALS = 20_000
EQUIPMENT = [
    "皮带机托辊",
    "喷雾降尘装置",
    "液压支架",
    "刮板输送机",
    "采煤机截齿",
    "给水泵",
    "输煤皮带",
    "磨煤机",
    "除尘器滤袋",
    "冷却风机",
    "矿车",
    "空压机",
    "绞车",
    "风门",
]
ACTIONS = [
    "更换工具改进",
    "节水改造",
    "快速拆装装置",
    "防护罩设计",
    "在线监测",
    "节能改造",
    "防堵改进",
    "润滑方式改进",
    "定位夹具设计",
    "巡检流程优化建议",
]
# Measured on a two-core machine: list ≈ 43x (the scope is an OR of five rules,
# several of them EXISTS, checked on every row for the pager's COUNT and the
# page; the baseline reads without a scope), similar ≈ 10x. The ceilings leave
# room for a busy machine and catch an N+1 or a lost index.
TARGETS = {"proposals": 80, "similar": 25}
QUERY_TITLE = "井下喷雾降尘装置节水改造"


@pytest.fixture
def proposals(group):  # noqa: F811 - the fixture imported above
    now = timezone.now()
    campaign = Campaign.objects.create(
        name="五小",
        year=now.year,
        org_unit=group.org_unit,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=30),
        review_deadline=now.date(),
        created_by=group,
    )
    rng = random.Random(1)
    authors = list(
        User.objects.filter(employee_no__startswith="E")
        .select_related("org_unit")
        .order_by("id")[:5000]
    )
    rows = []
    for i in range(PROPOSALS):
        author = authors[i % len(authors)]
        title = f"{rng.choice(EQUIPMENT)}{rng.choice(ACTIONS)}"
        rows.append(
            Proposal(
                campaign=campaign,
                code=f"{now.year}-{author.org_unit.code}-{i:05d}",
                author=author,
                org_unit=author.org_unit,
                title=title,
                category="innovation",
                status="submitted",
                title_gram_count=len(title_grams(title)),
            )
        )
    Proposal.objects.bulk_create(rows, batch_size=2000)
    TitleGram.objects.bulk_create(
        (
            TitleGram(proposal_id=pk, gram=gram)
            for pk, title in Proposal.objects.values_list("pk", "title")
            for gram in title_grams(title)
        ),
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return group


def test_proposal_list_stays_within_its_ratio_of_raw_sql(proposals, ratio):
    measured = best_seconds(api_get(proposals, "/api/v1/proposals/"))
    baseline = best_seconds(
        raw(
            "SELECT COUNT(*) FROM competitions_proposal",
            "SELECT p.*, u.full_name, c.name FROM competitions_proposal p "
            "JOIN accounts_user u ON u.id = p.author_id "
            "JOIN competitions_campaign c ON c.id = p.campaign_id "
            f"ORDER BY p.created_at DESC, p.id DESC LIMIT {PAGE}",
        )
    )
    assert ratio(measured, baseline, "proposals") < TARGETS["proposals"]


def test_similar_titles_stay_within_their_ratio_of_raw_sql(proposals, ratio):
    grams = ", ".join(f"'{gram}'" for gram in sorted(title_grams(QUERY_TITLE)))
    measured = best_seconds(api_get(proposals, "/api/v1/proposals/similar/", title=QUERY_TITLE))
    baseline = best_seconds(
        raw(
            "SELECT g.proposal_id, COUNT(*) AS common FROM competitions_titlegram g "
            f"WHERE g.gram IN ({grams}) GROUP BY g.proposal_id ORDER BY common DESC LIMIT 5",
        )
    )
    assert ratio(measured, baseline, "similar") < TARGETS["similar"]
