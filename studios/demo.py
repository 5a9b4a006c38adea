"""Demo studios (docs/domain.md, demo data): ~40 studios across the companies,
the dust-control studio led by `lead`, a provincial list of 28 with 6 of ours
(21.4 %), a national list with one of ours, assessments for two years."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import OrgUnit, User
from core import demo
from core.signals import records_changed
from studios import services
from studios.models import Assessment, Honour, Membership, RecognitionList, Studio

DUST_STUDIO_CODE = "A104-FC"

# (code, name, kind, unit code, speciality, leader employee_no or None, functions)
NAMED_STUDIOS = [
    (
        DUST_STUDIO_CODE,
        "王建军粉尘治理劳模创新工作室",
        Studio.Kind.MODEL_WORKER,
        "A104",
        "粉尘治理",
        "lead",
        ["problem_tackling", "talent_training", "achievement_promotion"],
    ),
    (
        "B102-QJ",
        "李志强汽机检修工匠人才创新工作室",
        Studio.Kind.CRAFTSMAN,
        "B102",
        "汽轮机检修",
        "lead2",
        ["problem_tackling", "emergency_repair", "talent_training"],
    ),
]

SPECIALITIES = {
    "A": [
        "综采设备维护",
        "掘进工艺",
        "机电维修",
        "通风与瓦斯治理",
        "煤质洗选",
        "皮带运输",
        "支护技术",
    ],
    "B": ["锅炉燃烧调整", "汽轮机检修", "电气试验", "热工自动化", "输煤系统", "化学水处理"],
    "C": ["数控加工", "焊接工艺", "液压支架制造", "装配调试", "工装设计"],
}
KINDS = [Studio.Kind.EMPLOYEE] * 5 + [Studio.Kind.MODEL_WORKER] * 3 + [Studio.Kind.CRAFTSMAN] * 2
FUNCTION_CODES = list(Studio.Function.values)
STUDIOS_IN_TOTAL = 40


def _this_year() -> int:
    """The demo's dates follow today: its newest list and assessment are this year's."""
    return timezone.localdate().year


def _official() -> User:
    return User.objects.get(employee_no="official")


def _create_studio(code, name, kind, unit, speciality, leader, functions, rng) -> Studio:
    """Registered and established through the services; its members (a few of
    the leader's colleagues) are written at once, as `membership_add` writes
    them: a background studio's members are nobody the demo signs in as."""
    official = _official()
    studio = services.studio_create(
        by=official,
        name=name,
        code=code,
        kind=kind,
        leader=leader,
        org_unit=unit,
        speciality=speciality,
        founded_on=datetime.date(
            rng.randint(_this_year() - 14, _this_year() - 3), rng.randint(1, 12), 1
        ),
        description=f"围绕{speciality}开展技术攻关、技能传承和成果推广。",
        site_notes="固定活动场所一处，配有会议桌和展示墙。",
        equipment_notes="配备电脑、投影仪及专业检测仪器。",
        functions=functions,
    )
    services.studio_change_status(
        studio_id=studio.pk, by=official, status=Studio.Status.ESTABLISHED, reason=""
    )
    colleagues = list(
        User.objects.filter(org_unit=unit, employee_no__startswith=unit.code)
        .exclude(pk=leader.pk)
        .order_by("employee_no")
    )
    Membership.objects.bulk_create(
        Membership(
            studio=studio,
            person=person,
            role=rng.choice([Membership.Role.CORE, Membership.Role.MEMBER]),
            joined_on=studio.founded_on,
        )
        for person in rng.sample(colleagues, k=min(len(colleagues), rng.randint(3, 7)))
    )
    return studio


def _seed_studios(rng: random.Random) -> list[Studio]:
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    for code, name, kind, unit_code, speciality, leader_no, functions in NAMED_STUDIOS:
        if not Studio.objects.filter(code=code).exists():
            _create_studio(
                code,
                name,
                kind,
                units[unit_code],
                speciality,
                User.objects.get(employee_no=leader_no),
                functions,
                rng,
            )
    dust = Studio.objects.get(code=DUST_STUDIO_CODE)
    mentor = User.objects.get(employee_no="mentor")
    if not dust.memberships.filter(person=mentor, left_on__isnull=True).exists():
        services.membership_add(
            studio_id=dust.pk, by=_official(), person=mentor, role=Membership.Role.CORE
        )

    leaves = sorted(
        (unit for unit in units.values() if unit.numchild == 0), key=lambda unit: unit.code
    )
    index = 0
    while Studio.objects.count() < STUDIOS_IN_TOTAL:
        unit = leaves[index % len(leaves)]
        index += 1
        code = f"{unit.code}-{index:02d}"
        if Studio.objects.filter(code=code).exists():
            continue
        speciality = rng.choice(SPECIALITIES[unit.code[0]])
        # Generated people only: the demo accounts have roles of their own.
        people = User.objects.filter(org_unit=unit, employee_no__startswith=unit.code)
        leader = rng.choice(list(people.order_by("employee_no")))
        kind = rng.choice(KINDS)
        kind_name = {"model_worker": "劳模", "craftsman": "工匠人才", "employee": "职工"}[kind]
        _create_studio(
            code,
            f"{leader.full_name}{speciality}{kind_name}创新工作室",
            kind,
            unit,
            speciality,
            leader,
            rng.sample(FUNCTION_CODES, k=rng.randint(1, 3)),
            rng,
        )
    return list(Studio.objects.order_by("code"))


def _recognition_list(title, level, conferred_by, year, total) -> RecognitionList:
    existing = RecognitionList.objects.filter(title=title).first()
    if existing:
        return existing
    return services.recognition_list_create(
        by=_official(),
        title=title,
        level=level,
        conferred_by=conferred_by,
        year=year,
        total_named=total,
    )


def _name(recognition_list: RecognitionList, studio: Studio) -> None:
    if not Honour.objects.filter(recognition_list=recognition_list, studio=studio).exists():
        services.honour_create(by=_official(), recognition_list=recognition_list, studio=studio)


def _seed_naming(studios: list[Studio], rng: random.Random) -> None:
    year = _this_year()
    dust = Studio.objects.get(code=DUST_STUDIO_CODE)
    lead2_studio = Studio.objects.get(code="B102-QJ")
    others = [s for s in studios if s.pk not in (dust.pk, lead2_studio.pk)]

    enterprise = _recognition_list(
        f"{year - 5}年集团职工创新工作室命名",
        RecognitionList.Level.ENTERPRISE,
        "集团工会",
        year - 5,
        22,
    )
    for studio in [dust, lead2_studio, *others[:20]]:
        _name(enterprise, studio)

    provincial = _recognition_list(
        f"{year - 4}年省级职工（劳模）创新工作室命名",
        RecognitionList.Level.PROVINCIAL,
        "省总工会",
        year - 4,
        28,
    )
    for studio in [dust, lead2_studio, *others[:4]]:  # 6 of the 28 = 21.4 %
        _name(provincial, studio)

    industry = _recognition_list(
        f"{year - 3}年省能源行业创新工作室命名",
        RecognitionList.Level.PROVINCIAL_INDUSTRY,
        "省能源工会",
        year - 3,
        35,
    )
    for studio in [dust, *others[4:8]]:
        _name(industry, studio)

    national = _recognition_list(
        f"{year - 2}年全国示范性劳模和工匠人才创新工作室",
        RecognitionList.Level.NATIONAL,
        "中华全国总工会",
        year - 2,
        100,
    )
    _name(national, dust)

    model_workers = _recognition_list(
        f"{year - 6}年省劳动模范", RecognitionList.Level.PROVINCIAL, "省人民政府", year - 6, 500
    )
    lead = User.objects.get(employee_no="lead")
    _honour_person(model_workers, lead, Honour.PersonalTitle.MODEL_WORKER)
    medals = _recognition_list(
        f"{year - 3}年全国五一劳动奖章",
        RecognitionList.Level.NATIONAL,
        "中华全国总工会",
        year - 3,
        900,
    )
    _honour_person(medals, lead, Honour.PersonalTitle.MAY_DAY_MEDAL)
    craftsmen = _recognition_list(
        f"{year}年集团公司工匠", RecognitionList.Level.ENTERPRISE, "集团公司", year, 30
    )
    for employee_no in ("mentor", "lead2", "reviewer"):
        person = User.objects.get(employee_no=employee_no)
        _honour_person(craftsmen, person, Honour.PersonalTitle.CRAFTSMAN)


def _honour_person(recognition_list: RecognitionList, person: User, title: str) -> None:
    if not Honour.objects.filter(recognition_list=recognition_list, person=person).exists():
        services.honour_create(
            by=_official(), recognition_list=recognition_list, person=person, personal_title=title
        )


def _seed_assessments(rng: random.Random) -> None:
    year_now = _this_year()
    official = _official()
    assessable = Studio.objects.filter(
        status__in=[Studio.Status.ESTABLISHED, Studio.Status.NAMED]
    ).order_by("code")
    grades = [
        (Assessment.Grade.EXCELLENT, 90, 98),
        (Assessment.Grade.GOOD, 80, 89),
        (Assessment.Grade.PASS, 65, 79),
    ]
    # Passing grades change nothing but the assessment row itself: the
    # background studios' are written at once, the dust-control studio's
    # through the service.
    done = set(Assessment.objects.values_list("studio_id", "year"))
    passed = []
    for year in (year_now - 2, year_now - 1):
        for studio in assessable:
            if (studio.pk, year) in done:
                continue
            grade, low, high = rng.choice(grades)
            if studio.code == DUST_STUDIO_CODE:
                grade, low, high = Assessment.Grade.EXCELLENT, 96, 96
            score = Decimal(rng.randint(low, high))
            if studio.code == DUST_STUDIO_CODE:
                services.assessment_record(
                    by=official, studio=studio, year=year, score=score, grade=grade
                )
            else:
                passed.append(
                    Assessment(
                        studio=studio, year=year, score=score, grade=grade, assessor=official
                    )
                )
    Assessment.objects.bulk_create(passed)
    records_changed.send(sender=Assessment, unit_ids={a.studio.org_unit_id for a in passed})
    # One studio without results fails and goes to rectification (docs/domain.md).
    failing = Studio.objects.filter(status=Studio.Status.ESTABLISHED).order_by("-code").first()
    already_failed = Assessment.objects.filter(year=year_now, grade=Assessment.Grade.FAIL)
    if failing and not already_failed.exists():
        services.assessment_record(
            by=official,
            studio=failing,
            year=year_now,
            score=Decimal(52),
            grade=Assessment.Grade.FAIL,
            notes="全年无专利、论文或明显效益。",
        )


@demo.seeder(order=20)
def seed_studios() -> None:
    rng = random.Random(2027)
    studios = _seed_studios(rng)
    _seed_naming(studios, rng)
    _seed_assessments(rng)
    # A studio that lost its plaque after failing again, and one still being set up.
    rectifying = Studio.objects.filter(status=Studio.Status.RECTIFICATION).order_by("code")
    if not Studio.objects.filter(status=Studio.Status.REVOKED).exists() and rectifying.count():
        services.studio_change_status(
            studio_id=Studio.objects.filter(status=Studio.Status.ESTABLISHED)
            .order_by("code")
            .first()
            .pk,
            by=_official(),
            status=Studio.Status.REVOKED,
            reason="连续两年未开展活动，予以摘牌。",
        )
    preparing = Studio.objects.filter(code="C102-PREP").first()
    if preparing is None:
        unit = OrgUnit.objects.get(code="C102")
        leader = User.objects.filter(org_unit=unit, employee_no__startswith="C102").first()
        services.studio_create(
            by=_official(),
            name=f"{leader.full_name}装配工艺职工创新工作室",
            code="C102-PREP",
            kind=Studio.Kind.EMPLOYEE,
            leader=leader,
            org_unit=unit,
            speciality="装配调试",
            founded_on=min(datetime.date(_this_year(), 3, 1), timezone.localdate()),
        )
