"""Demo pairings: `mentor` with three apprentices —
`apprentice` (active, with a plan, sessions and evaluations), one at risk and
one who graduated with a skill-level rise; `lead` → `mentor` long completed, so
the lineage is two generations deep; pairings in other studios too."""

import datetime

from django.utils import timezone

from accounts.models import SkillLevel, User
from apprenticeships import services
from apprenticeships.models import Evaluation, Pairing
from apprenticeships.services.evaluations import period_of
from core import demo
from studios import services as studio_services
from studios.models import Studio

Level = Evaluation.Level
DUST_STUDIO_CODE = "A104-FC"

PLAN = [
    ("井下通风系统识图", "通风系统", "师傅现场讲解 + 自学"),
    ("粉尘浓度检测仪操作", "粉尘检测", "跟班实操"),
    ("喷雾降尘装置日常维护", "降尘设备", "跟班实操"),
    ("局部通风机安装与调试", "局部通风", "现场演示 + 独立操作"),
    ("编写一项小改小革建议", "创新实践", "师徒共同完成"),
]


def _day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def _person(employee_no: str) -> User:
    return User.objects.get(employee_no=employee_no)


def _scores(base: int) -> dict:
    return {
        "theory": base,
        "practice": base + 4,
        "safety": min(100, base + 8),
        "attitude": min(100, base + 6),
        "innovation": base - 6,
    }


def _pair(
    by,
    mentor,
    apprentice,
    studio,
    *,
    started,
    years=2,
    level=SkillLevel.INTERMEDIATE,
    goals="",
    activate=True,
) -> Pairing:
    starts_on = _day(started)
    pairing = services.pairing_propose(
        by=by,
        mentor=mentor,
        apprentice=apprentice,
        studio=studio,
        starts_on=starts_on,
        planned_end_on=starts_on + datetime.timedelta(days=365 * years),
        target_skill_level=level,
        goals=goals or "掌握岗位核心技能，独立完成本岗位作业，参与一项技术革新。",
        monthly_allowance=200,
    )
    if activate:
        services.pairing_activate(pairing_id=pairing.pk, by=by, agreement_signed_on=starts_on)
    return pairing


def _plan(
    pairing: Pairing, mentor: User, *, started: int, done: int, by_apprentice: User, every: int = 30
):
    """The five-step plan, a step due every `every` days from the start; the first
    `done` steps marked done by the apprentice two days before they were due."""
    for index, (title, skill, method) in enumerate(PLAN):
        due = started - every * (index + 1)
        step = services.milestone_create(
            pairing_id=pairing.pk,
            by=mentor,
            title=title,
            skill=skill,
            method=method,
            due_on=_day(due),
        )
        if index < done:
            services.milestone_mark_done(
                milestone_id=step.pk,
                by=by_apprentice,
                done_on=_day(max(due + 2, 0)),
                evidence="师傅现场考核合格。",
            )


def _monthly(pairing, mentor, *, months_ago: list[int]):
    for progress, months in enumerate(months_ago):
        day = _day(30 * months)
        services.evaluation_record(
            pairing_id=pairing.pk,
            by=mentor,
            level=Level.MENTOR_MONTHLY,
            period=day.strftime("%Y-%m"),
            evaluated_on=day,
            comment="学习态度端正，进步明显。",
            **_scores(76 + 3 * progress),
        )


def _graduate(pairing, official, *, on: datetime.date, level: str):
    services.evaluation_record(
        pairing_id=pairing.pk,
        by=official,
        level=Level.FINAL,
        evaluated_on=on,
        outcome=Evaluation.Outcome.PASSED,
        skill_level_reached=level,
        comment="期满综合鉴定合格，准予出师。",
        **_scores(88),
    )


def _generated(unit_code: str, skip: set[int]) -> list[User]:
    return list(
        User.objects.filter(employee_no__startswith=unit_code, org_unit__code=unit_code)
        .exclude(pk__in=skip)
        .order_by("employee_no")
    )


def _one_studio_per_company(*, exclude: Studio) -> list[Studio]:
    """The first established studio of each company, besides `exclude`."""
    chosen: dict[str, Studio] = {}
    for studio in Studio.objects.exclude(pk=exclude.pk).order_by("code"):
        chosen.setdefault(studio.code[0], studio)
    return list(chosen.values())


@demo.seeder(order=50)
def seed_apprenticeships() -> None:
    mentor, apprentice, lead = _person("mentor"), _person("apprentice"), _person("lead")
    if Pairing.objects.filter(mentor=mentor).exists():
        return
    official = _person("official")
    dust = Studio.objects.get(code=DUST_STUDIO_CODE)

    # Two generations: lead trained mentor years ago; mentor now trains three.
    elder = _pair(lead, lead, mentor, dust, started=2600, years=2, level=SkillLevel.TECHNICIAN)
    services.session_log(
        by=lead,
        pairings=[elder],
        held_on=_day(2500),
        hours=4,
        format="on_site",
        topic="综采面粉尘治理方案现场讲解",
    )
    _graduate(elder, official, on=_day(2600 - 730), level=SkillLevel.TECHNICIAN)

    others = _generated("A104", {mentor.pk, apprentice.pk, lead.pk})
    graduate, struggling = others[0], others[1]
    for person in (graduate, struggling):
        if not dust.memberships.filter(person=person, left_on__isnull=True).exists():
            studio_services.membership_add(
                studio_id=dust.pk, by=official, person=person, joined_on=_day(800)
            )
    # The generated graduate started out as a junior worker (their level before
    # the pairing, not a change to keep in the history).
    User.objects.filter(pk=graduate.pk).update(skill_level=SkillLevel.JUNIOR)
    graduate.refresh_from_db()

    # The graduate: a full term with evaluations at every level, then 出师.
    done = _pair(lead, mentor, graduate, dust, started=760, years=2)
    _plan(done, mentor, started=760, done=len(PLAN), by_apprentice=graduate)
    for days in (740, 700, 650, 600):
        session = services.session_log(
            by=mentor,
            pairings=[done],
            held_on=_day(days),
            hours=3,
            format="on_site",
            topic="通风设施巡检实操",
        )
        services.session_confirm(session_id=session.pk, by=graduate)
    _monthly(done, mentor, months_ago=[24, 23, 22])
    first_quarter_end = _day(640)
    services.evaluation_record(
        pairing_id=done.pk,
        by=lead,
        level=Level.DEPARTMENT_QUARTERLY,
        period=period_of(Level.DEPARTMENT_QUARTERLY, _day(680)),
        evaluated_on=first_quarter_end,
        comment="季度考核良好。",
        **_scores(84),
    )
    year_end = _day(400)
    services.evaluation_record(
        pairing_id=done.pk,
        by=official,
        level=Level.UNIT_YEARLY,
        period=str((year_end - datetime.timedelta(days=200)).year),
        evaluated_on=year_end,
        comment="年度考核合格。",
        **_scores(86),
    )
    _graduate(done, official, on=_day(30), level=SkillLevel.INTERMEDIATE)

    # `apprentice`: active for four months, two steps done, sessions and evaluations.
    current = _pair(lead, mentor, apprentice, dust, started=120, years=2)
    _plan(current, mentor, started=120, done=2, by_apprentice=apprentice, every=45)
    # The struggling one: no session for a month and a step past due (at risk).
    at_risk = _pair(lead, mentor, struggling, dust, started=150, years=2)
    services.milestone_create(
        pairing_id=at_risk.pk,
        by=mentor,
        title="掌握瓦斯检测仪使用",
        skill="瓦斯检测",
        method="跟班实操",
        due_on=_day(10),
    )
    # One-to-many: both apprentices at the same safety session.
    services.session_log(
        by=mentor,
        pairings=[current, at_risk],
        held_on=_day(30),
        hours=2,
        format="safety",
        topic="井下防尘安全规程",
        notes="集体学习，结合事故案例讲解。",
    )
    for days, topic in ((17, "粉尘检测仪校准"), (3, "喷雾装置喷嘴更换")):
        session = services.session_log(
            by=mentor,
            pairings=[current],
            held_on=_day(days),
            hours=3,
            format="on_site",
            topic=topic,
        )
        if days > 3:  # the newest waits for the apprentice's confirmation
            services.session_confirm(session_id=session.pk, by=apprentice)
    _monthly(current, mentor, months_ago=[3, 2, 1])
    services.evaluation_record(
        pairing_id=current.pk,
        by=lead,
        level=Level.DEPARTMENT_QUARTERLY,
        period=period_of(Level.DEPARTMENT_QUARTERLY, _day(100)),
        evaluated_on=_day(40),
        comment="按计划推进。",
        **_scores(80),
    )

    # A proposal still waiting for the agreement, and pairings in other studios.
    _pair(lead, mentor, others[2], dust, started=-7, activate=False)
    for studio in _one_studio_per_company(exclude=dust):
        members = list(
            studio.memberships.filter(left_on__isnull=True)
            .exclude(person=studio.leader)
            .select_related("person")
            .order_by("id")[:1]
        )
        if not members:
            continue
        pairing = _pair(official, studio.leader, members[0].person, studio, started=90)
        services.session_log(
            by=studio.leader,
            pairings=[pairing],
            held_on=_day(8),
            hours=2,
            format="theory",
            topic=f"{studio.speciality}基础知识",
        )


@demo.seeder(order=55)
def seed_mentoring_notices() -> None:
    """The nightly at-risk alert, as beat sends it: `mentor` (and `lead`, and
    the office) hear that the struggling apprentice's pairing is at risk. Once
    per episode, so seeding again tells nobody twice."""
    services.pairings_at_risk_notify()
