"""Demo entry and screening: ~500 proposals over two campaigns."""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts.models import OrgUnit, User
from competitions import services
from competitions.models import (
    AwardGrade,
    Campaign,
    Proposal,
    ProposalEvent,
)

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
RETURN_COMMENT = "请补充改造前后的用水量对比数据，并附现场照片。"
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


def _write(
    rng: random.Random, campaign: Campaign, author: User, colleagues: list[User], index: int
) -> Proposal:
    equipment = EQUIPMENT[index % len(EQUIPMENT)]
    action, category, goals, situation, improvement = ACTIONS[
        (index // len(EQUIPMENT) + index) % len(ACTIONS)
    ]
    co_authors = []
    if colleagues and rng.random() < 0.2:
        co_authors = [(rng.choice(colleagues), Decimal(40))]
    benefit = Decimal(rng.choice([0.5, 1, 2, 3, 5, 8, 12, 20, 35, 60])) * 10000
    return services.proposal_create(
        by=author,
        campaign=campaign,
        title=f"{equipment}{action}",
        category=category,
        goals=goals,
        post=author.post or "岗位",
        current_situation=f"{equipment}{situation}",
        improvement=improvement,
        expected_effect="减少停机时间，降低劳动强度和材料消耗。",
        expected_benefit=benefit,
        co_authors=co_authors,
    )


def advance(proposal: Proposal, target: str, official: User, rng: random.Random) -> None:
    """Move a draft along the entry and screening steps to `target`."""
    if target == Status.DRAFT:
        return
    author = proposal.author
    services.proposal_submit(proposal_id=proposal.pk, by=author)
    if target == Status.SUBMITTED:
        return
    if target == Status.WITHDRAWN:
        services.proposal_withdraw(proposal_id=proposal.pk, by=author, note="准备完善后明年再报。")
    elif target == Status.RETURNED:
        services.proposal_return(proposal_id=proposal.pk, by=official, comment=RETURN_COMMENT)
    elif target == Status.NOT_ELIGIBLE:
        services.proposal_reject_ineligible(
            proposal_id=proposal.pk,
            by=official,
            reason="属于正常检修工作内容，不符合“五小”创新范围。",
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
    for proposal_id in Proposal.objects.filter(campaign=campaign).values_list("pk", flat=True):
        shift = now - (start + (end - start) * rng.uniform(0.02, 0.98))
        Proposal.objects.filter(pk=proposal_id).update(
            created_at=F("created_at") - shift,
            updated_at=F("updated_at") - shift,
            submitted_at=F("submitted_at") - shift,
            status_changed_at=F("status_changed_at") - shift,
        )
        ProposalEvent.objects.filter(proposal_id=proposal_id).update(at=F("at") - shift)


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
    if Campaign.objects.filter(name=name).exists():
        return None
    campaign = _campaign(name, year, official)
    authors = _authors(rng)
    states, weights = zip(*targets, strict=True)
    for index in range(round(count * settings.DEMO_PROPOSAL_SCALE)):
        author = rng.choice(authors)
        proposal = _write(rng, campaign, author, _colleagues(author, authors), index)
        advance(proposal, rng.choices(states, weights)[0], official, rng)
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
