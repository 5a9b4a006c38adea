"""Demo problems, achievements and patents: the dust-control
studio of `lead` with 38 solved dust-control problems, achievements from them,
6 granted patents and two applications of the last two years; a group
conference displaying 483 achievements; adoptions across companies. Dates run
up to today (the current year's dashboard has figures of its own). Idempotent."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import OrgUnit, User
from achievements import services
from achievements.models import (
    Achievement,
    Adoption,
    Contributor,
    Patent,
    ProblemEvent,
    PromotionConference,
    TechnicalProblem,
)
from achievements.patent_numbers import check_digit
from core import demo
from core.signals import records_changed
from studios.models import Studio

DUST_STUDIO_CODE = "A104-FC"
CONFERENCE_SIZE = 483

DUST_TOPICS = [
    "综采工作面",
    "掘进迎头",
    "转载点",
    "皮带机头",
    "回风巷",
    "采煤机滚筒",
    "液压支架",
    "破碎机",
    "溜煤眼",
    "装车站",
    "煤仓",
    "喷浆作业",
    "打钻作业",
    "放炮后",
    "运输大巷",
    "井底车场",
    "上隅角",
    "架间",
    "割煤",
    "移架",
    "刮板机",
    "巷道冲洗",
    "水幕",
    "泡沫",
]
DUST_METHODS = [
    "喷雾降尘改造",
    "负压除尘装置研制",
    "湿式除尘器优化",
    "粉尘浓度在线监测",
    "降尘水质过滤",
]
KINDS = list(Achievement.Kind.values)
CATEGORIES = list(TechnicalProblem.Category.values)
# A named studio whose output stopped two years ago: the dormancy rule flags it
# and the naming demo puts it under rectification (docs/naming.md#dormancy).
QUIET_STUDIO_CODE = "A203-07"


def _on(today: datetime.date, years_ago: int, month: int, day: int) -> datetime.date:
    """That day `years_ago` years before this year, and never after today."""
    return min(datetime.date(today.year - years_ago, month, day), today)


def _conference_name(today: datetime.date) -> str:
    return f"{today.year - 1}年集团职工创新成果推广会"


def _official() -> User:
    return User.objects.get(employee_no="official")


def _patent_number(year: int, type_digit: str, serial: int) -> str:
    digits = f"{year}{type_digit}{serial:07d}"
    return f"CN{digits}.{check_digit(digits)}"


def _members(studio: Studio) -> list[User]:
    return [
        m.person for m in studio.memberships.filter(left_on__isnull=True).select_related("person")
    ]


def _seed_dust_studio(rng: random.Random, today: datetime.date) -> None:
    studio = Studio.objects.get(code=DUST_STUDIO_CODE)
    lead = User.objects.get(employee_no="lead")
    if studio.problems.count() >= 38:
        return
    members = _members(studio)
    for index in range(38):
        place = DUST_TOPICS[index % len(DUST_TOPICS)]
        method = DUST_METHODS[index % len(DUST_METHODS)]
        # Eight years of work, five or so problems a year, up to this year.
        started = _on(today, 7 - index // 5, 1 + index % 12, 1)
        solved = min(started + datetime.timedelta(days=rng.randint(60, 300)), today)
        problem = services.problem_create(
            by=lead,
            studio=studio,
            title=f"{place}{method}（第{index + 1}项）",
            category=TechnicalProblem.Category.DUST_CONTROL,
            description=f"{place}粉尘浓度超标，影响职工健康和安全生产。",
            started_on=started,
            team=rng.sample(members, k=min(3, len(members))),
            estimated_benefit=Decimal(rng.randint(5, 60) * 10000),
            status=TechnicalProblem.Status.SOLVED,
            solved_on=solved,
            realised_benefit=Decimal(rng.randint(5, 50) * 10000),
        )
        if index % 3 == 0:  # 13 achievements come out of the 38 problems
            achievement = services.achievement_create(
                by=lead,
                studio=studio,
                title=f"{place}{method}成果",
                kind=Achievement.Kind.EQUIPMENT_MODIFICATION,
                completed_on=problem.solved_on,
                summary=f"通过{method}，{place}粉尘浓度下降70%以上。",
                contributors=[(lead, Decimal(60)), (members[index % len(members)], Decimal(40))]
                if members[index % len(members)] != lead
                else [(lead, Decimal(100))],
                origin_problem=problem,
                claimed_benefit=Decimal(rng.randint(20, 120) * 10000),
            )
            # The first six become granted patents; the newest two are
            # applications still under examination.
            if index < 18 or index >= 33:
                granted = index < 18
                services.patent_create(
                    by=lead,
                    studio=studio,
                    application_no=_patent_number(problem.solved_on.year, "2", 300000 + index),
                    title=f"一种用于{place}的降尘装置" if granted else f"一种{place}喷雾控制装置",
                    patent_type=Patent.Type.UTILITY_MODEL,
                    filed_on=problem.solved_on,
                    holder="北岭煤业公司",
                    inventors=[lead],
                    achievement=achievement,
                    **(
                        {
                            "status": Patent.Status.GRANTED,
                            "granted_on": min(
                                problem.solved_on + datetime.timedelta(days=240), today
                            ),
                        }
                        if granted
                        else {}
                    ),
                )
    # The best of them is verified and promoted group-wide.
    best = studio.achievements.order_by("completed_on").first()
    services.achievement_verify_benefit(
        achievement_id=best.pk,
        by=_official(),
        verified_benefit=Decimal(860000),
        evidence=f"公司财务部{best.completed_on.year}年度效益确认单"
        f"（财字〔{best.completed_on.year}〕12号）",
    )
    services.achievement_update(achievement_id=best.pk, by=_official(), promotion="group")


def _seed_other_studios(rng: random.Random, today: datetime.date) -> None:
    """A few problems and achievements for every other active studio, so the
    library holds well over the 483 shown at the conference.

    Background records nobody acts on in the demo, so they are written in bulk
    rather than through `problem_create` and `achievement_create` (some 700
    calls, each checking the official's access again): the same rows those
    write (the problem with its team and first status event, the achievement
    with its ordered contributors), and the dashboard's snapshots of the
    studios' units marked stale, which a bulk write does not do by itself."""
    if Achievement.objects.count() >= CONFERENCE_SIZE + 20:
        return
    studios = Studio.objects.exclude(code=DUST_STUDIO_CODE).exclude(
        status__in=[Studio.Status.PREPARING, Studio.Status.REVOKED]
    )
    official = _official()
    problems, teams, achievements, contributors = [], [], [], []
    for studio in studios.order_by("code"):
        members = _members(studio)
        for index in range(13):
            problem = None
            if index % 4 == 0:
                category = rng.choice(CATEGORIES)
                solved = index % 8 == 0
                status = "solved" if solved else rng.choice(["open", "in_progress"])
                problem = TechnicalProblem(
                    studio=studio,
                    title=f"{studio.speciality}难题攻关{index + 1}",
                    category=category,
                    # The open ones were taken up last year and this year.
                    started_on=_on(today, 7 - index % 7 if solved else (12 - index) // 8, 3, 1),
                    status=status,
                    solved_on=_on(today, 7 - index % 7, 9, 1) if solved else None,
                    created_by=official,
                )
                problems.append(problem)
                teams += [(problem, person) for person in members[:2]]
            shares = [Decimal(100)] if len(members) < 2 else [Decimal(70), Decimal(30)]
            years_ago = 6 - index % 7
            if studio.code == QUIET_STUDIO_CODE:
                years_ago = max(years_ago, 2)
            achievement = Achievement(
                studio=studio,
                title=f"{studio.speciality}创新成果{index + 1}",
                kind=rng.choice(KINDS),
                completed_on=_on(today, years_ago, 6, 15),
                summary=f"在{studio.speciality}方面的改进，提高效率、降低成本。",
                origin_problem=problem if problem and problem.status == "solved" else None,
                claimed_benefit=Decimal(rng.randint(1, 80) * 10000),
                promotion=rng.choice(["studio", "unit", "group"]),
                created_by=official,
            )
            achievements.append(achievement)
            contributors += [
                Contributor(achievement=achievement, person=person, position=position, share=share)
                for position, (person, share) in enumerate(
                    zip(members[: len(shares)], shares, strict=True), start=1
                )
            ]
    TechnicalProblem.objects.bulk_create(problems)
    ProblemEvent.objects.bulk_create(
        ProblemEvent(problem=problem, actor=official, from_state="", to_state=problem.status)
        for problem in problems
    )
    TechnicalProblem.team.through.objects.bulk_create(
        TechnicalProblem.team.through(technicalproblem=problem, user=person)
        for problem, person in teams
    )
    Achievement.objects.bulk_create(achievements)
    Contributor.objects.bulk_create(contributors)
    records_changed.send(sender=Achievement, unit_ids={studio.org_unit_id for studio in studios})


def _seed_conference_and_adoptions(rng: random.Random, today: datetime.date) -> None:
    official = _official()
    conference = PromotionConference.objects.filter(name=_conference_name(today)).first()
    if conference is None:
        conference = services.conference_create(
            by=official,
            name=_conference_name(today),
            held_on=datetime.date(today.year - 1, 10, 28),
            organiser=OrgUnit.objects.get(code="G"),
            description="集团工会组织的年度职工创新成果展示与推广交流会。",
        )
    if conference.achievements.count() < CONFERENCE_SIZE:
        chosen = list(Achievement.objects.order_by("id")[:CONFERENCE_SIZE])
        services.conference_show_achievements(
            conference_id=conference.pk, by=official, achievements=chosen
        )
    if Adoption.objects.exists():
        return
    units = list(OrgUnit.objects.filter(numchild=0).order_by("code"))
    public = list(Achievement.objects.filter(promotion="group").order_by("id")[:12])
    for achievement in public:
        # Adopted in other companies: spread beyond the workshop is the point.
        company = achievement.studio.org_unit.company_path
        elsewhere = [unit for unit in units if not unit.path.startswith(company)]
        for unit in rng.sample(elsewhere, k=2):
            services.adoption_record(
                by=official,
                achievement=achievement,
                org_unit=unit,
                adopted_on=min(achievement.completed_on + datetime.timedelta(days=120), today),
                annual_benefit=Decimal(rng.randint(2, 30) * 10000),
            )


@demo.seeder(order=30)
def seed_achievements() -> None:
    rng = random.Random(2028)
    today = timezone.localdate()
    _seed_dust_studio(rng, today)
    _seed_other_studios(rng, today)
    _seed_conference_and_adoptions(rng, today)
