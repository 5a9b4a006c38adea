"""Demo entry and screening: ~500 proposals over two campaigns."""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from accounts.models import OrgUnit, User
from competitions import services
from competitions.demo import background
from competitions.models import (
    AwardGrade,
    Campaign,
    Proposal,
    ProposalEvent,
)
from competitions.similarity import title_grams

Status = Proposal.Status
Category = Proposal.Category
Goal = Proposal.Goal

EQUIPMENT = [
    "皮带机托辊",
    "井下喷雾降尘装置",
    "液压支架",
    "刮板输送机",
    "采煤机截齿",
    "锅炉给水泵",
    "汽轮机润滑油系统",
    "输煤皮带",
    "磨煤机",
    "除尘器滤袋",
    "变压器冷却风机",
    "矿车",
    "中央水泵房",
    "空压机",
    "调度绞车",
    "锚杆钻机",
    "风门",
    "低压配电柜",
    "检修平台",
    "跳汰机",
    "浮选机",
    "压滤机",
    "数控车床",
    "焊接工装",
    "减速机齿轮箱",
]
# (what is done, category, aims, typical situation, typical improvement)
ACTIONS = [
    (
        "更换工具改进",
        Category.INVENTION,
        [Goal.EFFICIENCY, Goal.SAFETY],
        "更换时需多人配合撬动，耗时长且易砸伤手。",
        "制作专用快速拆装工具，一人即可完成更换。",
    ),
    (
        "节水改造",
        Category.INNOVATION,
        [Goal.ENERGY, Goal.COST],
        "设备常开供水，用水量大，现场积水严重。",
        "加装感应阀和定时控制，按需供水。",
    ),
    (
        "快速拆装装置研制",
        Category.INVENTION,
        [Goal.EFFICIENCY],
        "检修拆装靠人工敲击，效率低、易损件。",
        "研制液压顶出装置，拆装时间缩短一半。",
    ),
    (
        "防护罩设计",
        Category.DESIGN,
        [Goal.SAFETY],
        "转动部位外露，巡检人员存在卷入风险。",
        "设计可开启式防护罩，兼顾巡检观察和安全。",
    ),
    (
        "运行状态在线监测",
        Category.INNOVATION,
        [Goal.SAFETY, Goal.QUALITY],
        "依靠人工巡检发现异常，故障发现晚。",
        "加装温度、振动传感器，接入调度监控平台。",
    ),
    (
        "节能改造",
        Category.INNOVATION,
        [Goal.ENERGY, Goal.COST],
        "电机长期满负荷运行，电耗高。",
        "加装变频器，按负荷调速运行。",
    ),
    (
        "防堵改进",
        Category.INNOVATION,
        [Goal.EFFICIENCY, Goal.QUALITY],
        "湿煤季节经常堵塞，需停机人工清理。",
        "改进落料口角度并加装振打装置。",
    ),
    (
        "润滑方式改进",
        Category.CREATION,
        [Goal.COST, Goal.EFFICIENCY],
        "人工加油不均匀，轴承磨损快。",
        "利用废旧油壶改制自动滴油器，定量润滑。",
    ),
    (
        "定位夹具设计",
        Category.DESIGN,
        [Goal.QUALITY, Goal.EFFICIENCY],
        "加工时反复找正，尺寸一致性差。",
        "设计专用定位夹具，一次装夹完成加工。",
    ),
    (
        "巡检流程优化建议",
        Category.SUGGESTION,
        [Goal.SAFETY, Goal.EFFICIENCY],
        "巡检路线重复，重点部位容易漏检。",
        "建议按设备风险分级制定巡检路线和点检表。",
    ),
    (
        "废旧材料再利用",
        Category.CREATION,
        [Goal.COST, Goal.ENVIRONMENT],
        "更换下来的旧件直接报废，浪费大。",
        "利用旧件改制工具架和支护构件。",
    ),
]
DEMO_ACCOUNTS = {
    "admin",
    "official",
    "official2",
    "lead",
    "lead2",
    "worker",
    "worker2",
    "reviewer",
    "reviewer2",
    "reviewer3",
    "mentor",
    "apprentice",
}
GRADES = [
    (AwardGrade.Grade.SPECIAL, 1, Decimal("10000")),
    (AwardGrade.Grade.FIRST, 3, Decimal("5000")),
    (AwardGrade.Grade.SECOND, 8, Decimal("2000")),
    (AwardGrade.Grade.THIRD, 15, Decimal("1000")),
    (AwardGrade.Grade.EXCELLENCE, 30, Decimal("500")),
    (AwardGrade.Grade.ENCOURAGEMENT, None, Decimal("200")),
]


def _campaign(name: str, year: int, official: User) -> Campaign:
    """A group-wide campaign, open while the demo writes its proposals."""
    now = timezone.now()
    return services.campaign_create(
        by=official,
        org_unit=OrgUnit.objects.get(code="G"),
        name=name,
        year=year,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=90),
        review_deadline=timezone.localdate() + datetime.timedelta(days=120),
        description="面向全体职工，围绕岗位开展小发明、小创造、小革新、小设计、小建议活动。",
        grades=GRADES,
    )


def _draft(
    rng: random.Random, campaign: Campaign, author: User, colleagues: list[User], index: int
) -> tuple[Proposal, list[tuple[User, Decimal]]]:
    """A draft as `proposal_create` would build it (not saved), with its
    co-authors: the author's share is what the co-authors leave."""
    equipment = EQUIPMENT[index % len(EQUIPMENT)]
    action, category, goals, situation, improvement = ACTIONS[
        (index // len(EQUIPMENT) + index) % len(ACTIONS)
    ]
    co_authors = []
    if colleagues and rng.random() < 0.2:
        co_authors = [(rng.choice(colleagues), Decimal(40))]
    benefit = Decimal(rng.choice([0.5, 1, 2, 3, 5, 8, 12, 20, 35, 60])) * 10000
    title = f"{equipment}{action}"
    proposal = Proposal(
        campaign=campaign,
        author=author,
        author_share=Decimal(100) - sum((share for _p, share in co_authors), Decimal(0)),
        org_unit_id=author.org_unit_id,
        title=title,
        category=category,
        goals=list(goals),
        post=author.post or "岗位",
        current_situation=f"{equipment}{situation}",
        improvement=improvement,
        expected_effect="减少停机时间，降低劳动强度和材料消耗。",
        expected_benefit=benefit,
        title_gram_count=len(title_grams(title)),
    )
    return proposal, co_authors


def advance(proposal: Proposal, target: str, official: User, rng: random.Random) -> None:
    """Move a draft along the entry and screening steps to `target`."""
    if target == Status.DRAFT:
        return
    author = proposal.author
    services.proposal_submit(proposal_id=proposal.pk, by=author)
    if target == Status.SUBMITTED:
        return
    if target == Status.WITHDRAWN:
        services.proposal_withdraw(
            proposal_id=proposal.pk, by=author, note=background.WITHDRAW_NOTE
        )
    elif target == Status.RETURNED:
        services.proposal_return(
            proposal_id=proposal.pk, by=official, comment=background.RETURN_COMMENT
        )
    elif target == Status.NOT_ELIGIBLE:
        services.proposal_reject_ineligible(
            proposal_id=proposal.pk,
            by=official,
            reason=background.NOT_ELIGIBLE_REASON,
        )
    elif target == Status.UNDER_REVIEW:
        services.proposal_screen(proposal_id=proposal.pk, by=official)


def move_back(
    campaign: Campaign, start: datetime.datetime, end: datetime.datetime, rng: random.Random
) -> None:
    """The services stamp everything "now"; move each proposal's history back to
    a random moment between `start` and `end`, so lists and monthly figures look
    lived-in (demo data only)."""
    now = timezone.now()
    proposals = list(Proposal.objects.filter(campaign=campaign))
    shifts = {p.pk: now - (start + (end - start) * rng.uniform(0.02, 0.98)) for p in proposals}
    stamps = ["created_at", "updated_at", "submitted_at", "status_changed_at"]
    for proposal in proposals:
        for stamp in stamps:
            if getattr(proposal, stamp) is not None:
                setattr(proposal, stamp, getattr(proposal, stamp) - shifts[proposal.pk])
    Proposal.objects.bulk_update(proposals, stamps, batch_size=200)
    events = list(ProposalEvent.objects.filter(proposal__campaign=campaign).only("pk", "at"))
    for event in events:
        event.at -= shifts[event.proposal_id]
    ProposalEvent.objects.bulk_update(events, ["at"], batch_size=500)


def close_last_year(campaign: Campaign, year: int, rng: random.Random) -> None:
    """Last year's campaign was written with its window open: put its window and
    history back into last year."""
    opens = timezone.make_aware(datetime.datetime(year, 3, 1))
    closes = timezone.make_aware(datetime.datetime(year, 10, 31, 23, 59))
    move_back(campaign, opens, closes, rng)
    Campaign.objects.filter(pk=campaign.pk).update(
        opens_at=opens, closes_at=closes, review_deadline=datetime.date(year, 11, 30)
    )


def _authors(rng: random.Random) -> list[User]:
    people = list(
        User.objects.filter(org_unit__isnull=False, is_superuser=False)
        .exclude(employee_no__in=DEMO_ACCOUNTS)
        .select_related("org_unit")
        .order_by("employee_no")
    )
    return rng.sample(people, k=min(len(people), 180))


def _colleagues(author: User, people: list[User]) -> list[User]:
    company = author.org_unit.company_path
    return [p for p in people if p.pk != author.pk and p.org_unit.path.startswith(company)]


def seed_campaign(rng, name, year, count, targets, official) -> Campaign | None:
    """The campaign (through the service) and its background proposals, each
    brought to one of the `targets` states (in bulk: competitions.demo.background)."""
    if Campaign.objects.filter(name=name).exists():
        return None
    campaign = _campaign(name, year, official)
    authors = _authors(rng)
    states, weights = zip(*targets, strict=True)
    rows = []
    for index in range(round(count * settings.DEMO_PROPOSAL_SCALE)):
        author = rng.choice(authors)
        proposal, co_authors = _draft(rng, campaign, author, _colleagues(author, authors), index)
        rows.append((proposal, co_authors, rng.choices(states, weights)[0]))
    background.write_entries(campaign, rows, official)
    return campaign


def seed_worker(campaign: Campaign, official: User) -> None:
    """`worker` (mine A1) has a draft, a submitted, a returned and a screened one."""
    worker = User.objects.get(employee_no="worker")
    rows = [
        ("井下喷雾降尘装置节水改造", Status.RETURNED, 1),
        ("皮带机托辊更换工具改进", Status.UNDER_REVIEW, 0),
        ("刮板输送机链条张紧装置改进", Status.SUBMITTED, 2),
        ("液压支架立柱防护罩设计", Status.DRAFT, 3),
    ]
    rng = random.Random(7)
    for title, target, action_index in rows:
        _action, category, goals, situation, improvement = ACTIONS[action_index]
        proposal = services.proposal_create(
            by=worker,
            campaign=campaign,
            title=title,
            category=category,
            goals=goals,
            post=worker.post or "综采队",
            current_situation=situation,
            improvement=improvement,
            expected_effect="减少停机时间，降低劳动强度。",
            expected_benefit=Decimal(150000),
        )
        advance(proposal, target, official, rng)


def mark_duplicates(campaign: Campaign, official: User) -> None:
    """A few submitted proposals repeat an earlier one word for word: the office
    marks them as duplicates (others stay in the queue, with the hint beside them)."""
    submitted = list(
        Proposal.objects.filter(campaign=campaign, status=Status.SUBMITTED).order_by("id")
    )
    marked = 0
    for proposal in submitted:
        original = (
            Proposal.objects.filter(title=proposal.title, submitted_at__lt=proposal.submitted_at)
            .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN, Status.DUPLICATE])
            .order_by("id")
            .first()
        )
        if original is not None and marked < 12:
            services.proposal_mark_duplicate(
                proposal_id=proposal.pk, by=official, duplicate_of=original
            )
            marked += 1
