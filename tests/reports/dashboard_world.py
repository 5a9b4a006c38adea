"""The hand-counted world of the union dashboard's figures (`world` below).

Every expected number in the figures tests is written out literally; the comments
in `world` say where each one comes from, so a reader can recount them without
running an ORM query.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from accounts.models import OrgUnit, SkillLevel
from achievements import services as records
from achievements.models import Achievement, Patent, TechnicalProblem
from achievements.patent_numbers import check_digit
from apprenticeships import services as mentoring
from apprenticeships.models import Evaluation, Session
from competitions import services as five_small
from competitions.models import AwardGrade, Proposal
from reports.selectors import DashboardScope, live_dashboard_figures
from studios import services as studio_services
from studios.models import Assessment, Honour, RecognitionList, Studio
from tests.apprenticeships.conftest import SCORES
from tests.competitions.conftest import COMPLETE
from tests.competitions.states import rubric_scores
from tests.factories import PersonFactory, make_unit
from tests.world import shared_data

Status = Proposal.Status

DAY = datetime.timedelta(days=1)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def at(year: int, month: int, day: int) -> datetime.datetime:
    """9 o'clock local (Shanghai) time on that day."""
    return timezone.make_aware(datetime.datetime(year, month, day, 9))


def patent_number(year: int, type_digit: int, serial: int) -> str:
    twelve = f"{year}{type_digit}{serial:07d}"
    return f"{twelve}.{check_digit(twelve)}"


# --- The world ----------------------------------------------------------------------


def _proposal(
    org, author, campaign, status, *, category, co_authors=(), verified=None, grade=None
) -> Proposal:
    """`author`'s proposal brought to `status` through the services. The group
    official screens, reviews (the campaigns need one review) and decides: the
    company official of a1 is its co-author and may not."""
    official = org.group_official
    proposal = five_small.proposal_create(
        by=author, campaign=campaign, co_authors=co_authors, **{**COMPLETE, "category": category}
    )
    if status == Status.DRAFT:
        return proposal
    pk = proposal.pk
    five_small.proposal_submit(proposal_id=pk, by=author)
    if status == Status.RETURNED:
        five_small.proposal_return(proposal_id=pk, by=official, comment="请补充节水数据")
    elif status == Status.WITHDRAWN:
        five_small.proposal_withdraw(proposal_id=pk, by=author)
    elif status == Status.NOT_ELIGIBLE:
        five_small.proposal_reject_ineligible(proposal_id=pk, by=official, reason="不属于五小范围")
    elif status != Status.SUBMITTED:
        five_small.proposal_screen(proposal_id=pk, by=official)
    if status in (
        Status.SUBMITTED,
        Status.RETURNED,
        Status.WITHDRAWN,
        Status.NOT_ELIGIBLE,
        Status.UNDER_REVIEW,
    ):
        return Proposal.objects.get(pk=pk)
    five_small.reviewers_assign(proposal_id=pk, by=official, reviewers=[official])
    five_small.review_submit(
        proposal_id=pk, by=official, scores=rubric_scores(campaign, 80), comment="可行"
    )
    if status == Status.REJECTED:
        five_small.proposal_decide(
            proposal_id=pk, by=official, outcome=Status.REJECTED, reason="效益不明显"
        )
        return Proposal.objects.get(pk=pk)
    five_small.proposal_decide(proposal_id=pk, by=official, outcome=Status.APPROVED)
    if status != Status.APPROVED:
        five_small.proposal_implement(
            proposal_id=pk, by=official, implemented_on=timezone.localdate(), department="综采一队"
        )
    if status in (Status.BENEFIT_VERIFIED, Status.AWARDED):
        five_small.proposal_verify_benefit(
            proposal_id=pk, by=official, verified_benefit=verified, evidence="财务科核算单"
        )
    if status == Status.AWARDED:
        five_small.proposal_award(proposal_id=pk, by=official, grade=grade)
    return Proposal.objects.get(pk=pk)


def _set_clock(proposal: Proposal, submitted: datetime.datetime, took=None) -> None:
    """The services stamp `submitted_at` and `decided_at` with the clock; the
    month trend and the median need known instants, so they are set afterwards
    (directly: no service moves a timestamp)."""
    changes = {"submitted_at": submitted}
    if took is not None:
        changes["decided_at"] = submitted + took
    Proposal.objects.filter(pk=proposal.pk).update(**changes)


@shared_data(needs=("studios",))
def world(built):
    """Company A (mine A1, teams A101 and A102) and company B (plant B1, team
    B101) under the group, with `year` (this year) and `last` (last year).

    People (workers = active, not officials):
      A: worker_a, colleague_a, lead_a, member_a, app_a1..app_a4 → 8 workers
         (official_a is an official; `left_a` has left: neither counts)
      B: worker_b, lead_b, app_b1, app_b2, fitter_b → 5 workers; group → 13.

    Studios (status · kind · unit):
      A: A1-DUST named · model worker · A101    A1-WASH established · model worker · A102
         A1-MINE named · craftsman · A1          A1-PREP preparing · employee · A102
         A1-FIX rectification · craftsman · A101 (failed this year's assessment)
      B: B1-TURB named · model worker · B101    B1-REV revoked · employee · B101
    Lists of `year`: provincial (28 named): DUST, MINE and a person;
    municipal (10 named): TURB and REV (revoked: no longer ours).
    List of `last`: enterprise (5 named): DUST.
    Assessments `year`: DUST excellent, WASH good, FIX fail, TURB pass; `last`: DUST good.

    Problems (studio · category · started → solved):
      pr1 DUST dust_control year-03-01 → year-06-01   pr2 DUST safety last-05-01 → year-02-15
      pr3 WASH quality year-04-01 (open)             pr4 FIX equipment year-05-01 (in progress)
      pr5 MINE efficiency last-03-01 → last-09-01    pr6 TURB equipment year-02-01 → year-07-01
      pr7 TURB energy_saving last-10-01 (open)
    Achievements (studio · kind · completed · claimed / verified):
      ach1 DUST technical_innovation year-03-15 100000 / 80000
      ach2 DUST process_improvement year-05-20 50000 / —
      ach3 MINE equipment_modification year-06-10 — / —
      ach4 WASH technical_innovation last-08-01 70000 / 60000
      ach5 TURB software year-04-05 30000 / 25000
      ach6 TURB technical_innovation year-09-09 20000 / —
    Adoptions: ach1 by A102 (outside A101), ach3 by A101 (inside mine A1: not
    counted), ach5 by A102 (outside B101), all `year`; ach4 by A101 in `last`.
    Patents (studio · type · filed · status): pat1 DUST invention year-02-01 filed;
      pat2 DUST utility year-03-01 granted; pat3 MINE invention year-01-10 published;
      pat4 TURB utility year-04-01 filed; pat5 TURB design last-05-01 granted;
      pat6 WASH invention last-02-01 filed.

    Five-small, campaign of `year` (author · category · state · submitted · days to decision):
      a1 worker_a (+ official_a 30 %) invention awarded first (5000) year-02-10 2 verified 40000
      a2 colleague_a (+ member_a 50 %) creation benefit_verified year-02-10 5.5 verified 12000
      a3 lead_a innovation implemented year-02-10 10
      a4 worker_a innovation rejected year-03-10 30
      a5 lead_a design under_review year-03-10      a6 colleague_a suggestion submitted year-03-10
      a7 lead_a suggestion returned year-04-10      a8 worker_a innovation withdrawn year-04-10
      a9 app_a1 suggestion draft (never submitted)
      a10 colleague_a suggestion not_eligible year-04-10
      b11 worker_b invention awarded second (2000) year-05-10 20 verified 30000
      b12 lead_b creation approved year-05-10 1.5
      b13 worker_b innovation rejected year-06-10 25
      b14 lead_b design submitted year-06-10
    Campaign of `last`: p15 worker_a invention awarded encouragement (200)
      last-06-10 100 verified 5000; p16 worker_b suggestion submitted last-07-10.

    Pairings (mentor → apprentice, studio, start, state):
      pA1 member_a → app_a1 DUST 40 days ago, active, a session 3 days ago (on track)
      pA2 lead_a → app_a2 DUST 40 days ago, active, no session (at risk)
      pA0 lead_a → app_a1 DUST proposed
      pA3 member_a → app_a3 DUST last-06-01, passed the final today (completed,
          junior → intermediate)
      pA4 colleague_a → app_a4 WASH (last-1)-03-01, passed the final last-06-01
      pB1 lead_b → app_b1 TURB 5 days ago, active (on track)
      pB2 lead_b → app_b2 TURB 60 days ago, active, last session 30 days ago (at risk)
    """
    studios = built.get("studios")
    org = studios.org
    official = org.group_official
    year = timezone.localdate().year
    last = year - 1

    def person(code, unit, **fields):
        return PersonFactory(employee_no=code, org_unit=unit, **fields)

    junior = {"skill_level": SkillLevel.JUNIOR}
    app_a1 = person("app_a1", org.team_a101, **junior)
    app_a2 = person("app_a2", org.team_a102, **junior)
    app_a3 = person("app_a3", org.team_a101, **junior)
    app_a4 = person("app_a4", org.team_a102, **junior)
    person("left_a", org.team_a102, is_active=False)
    app_b1 = person("app_b1", org.team_b101, **junior)
    app_b2 = person("app_b2", org.team_b101, **junior)
    person("fitter_b", org.team_b101)

    # --- Studios, naming, assessments
    def studio(code, kind, unit, leader):
        return studio_services.studio_create(
            by=official,
            name=f"{code} 创新工作室",
            code=code,
            kind=kind,
            leader=leader,
            org_unit=unit,
            speciality="设备检修",
            founded_on=datetime.date(2020, 5, 1),
        )

    def move(studio, status, reason=""):
        return studio_services.studio_change_status(
            studio_id=studio.pk, by=official, status=status, reason=reason
        )

    dust, washing, turbine = studios.dust, studios.washing, studios.turbine
    mine = move(
        studio("A1-MINE", Studio.Kind.CRAFTSMAN, org.mine_a1, org.worker_a),
        Studio.Status.ESTABLISHED,
    )
    studio("A1-PREP", Studio.Kind.EMPLOYEE, org.team_a102, org.colleague_a)
    fix = move(
        studio("A1-FIX", Studio.Kind.CRAFTSMAN, org.team_a101, studios.member_a),
        Studio.Status.ESTABLISHED,
    )
    revoked = move(
        studio("B1-REV", Studio.Kind.EMPLOYEE, org.team_b101, org.worker_b),
        Studio.Status.ESTABLISHED,
    )

    def recognition_list(level, list_year, total):
        return studio_services.recognition_list_create(
            by=official,
            title=f"{list_year} {level}",
            level=level,
            conferred_by="总工会",
            year=list_year,
            total_named=total,
        )

    provincial = recognition_list(RecognitionList.Level.PROVINCIAL, year, 28)
    municipal = recognition_list(RecognitionList.Level.MUNICIPAL, year, 10)
    enterprise = recognition_list(RecognitionList.Level.ENTERPRISE, last, 5)
    for on_list, named in [
        (provincial, dust),
        (provincial, mine),
        (municipal, turbine),
        (municipal, revoked),
        (enterprise, dust),
    ]:
        studio_services.honour_create(by=official, recognition_list=on_list, studio=named)
    studio_services.honour_create(
        by=official,
        recognition_list=provincial,
        person=org.worker_a,
        personal_title=Honour.PersonalTitle.MODEL_WORKER,
    )
    move(revoked, Studio.Status.REVOKED, reason="连续两年未开展活动")

    for assessed, assessed_year, grade, score in [
        (dust, year, Assessment.Grade.EXCELLENT, 95),
        (washing, year, Assessment.Grade.GOOD, 85),
        (fix, year, Assessment.Grade.FAIL, 50),
        (turbine, year, Assessment.Grade.PASS, 70),
        (dust, last, Assessment.Grade.GOOD, 88),
    ]:
        studio_services.assessment_record(
            by=official, studio=assessed, year=assessed_year, score=Decimal(score), grade=grade
        )

    # --- Problems, achievements, adoptions, patents
    Category = TechnicalProblem.Category

    def problem(where, category, started, solved=None, status=TechnicalProblem.Status.OPEN):
        records.problem_create(
            by=official,
            studio=where,
            title=f"{where.code} {category}",
            category=category,
            started_on=started,
            solved_on=solved,
            status=TechnicalProblem.Status.SOLVED if solved else status,
        )

    problem(dust, Category.DUST_CONTROL, datetime.date(year, 3, 1), datetime.date(year, 6, 1))
    problem(dust, Category.SAFETY, datetime.date(last, 5, 1), datetime.date(year, 2, 15))
    problem(washing, Category.QUALITY, datetime.date(year, 4, 1))
    problem(
        fix,
        Category.EQUIPMENT,
        datetime.date(year, 5, 1),
        status=TechnicalProblem.Status.IN_PROGRESS,
    )
    problem(mine, Category.EFFICIENCY, datetime.date(last, 3, 1), datetime.date(last, 9, 1))
    problem(turbine, Category.EQUIPMENT, datetime.date(year, 2, 1), datetime.date(year, 7, 1))
    problem(turbine, Category.ENERGY_SAVING, datetime.date(last, 10, 1))

    Kind = Achievement.Kind

    def achievement(where, kind, completed, claimed=None, verified=None):
        made = records.achievement_create(
            by=official,
            studio=where,
            title=f"{where.code} {kind}",
            kind=kind,
            completed_on=completed,
            contributors=[(where.leader, Decimal(100))],
            claimed_benefit=None if claimed is None else Decimal(claimed),
        )
        if verified is not None:
            records.achievement_verify_benefit(
                achievement_id=made.pk,
                by=official,
                verified_benefit=Decimal(verified),
                evidence="财务科核算单",
                verified_on=completed,
            )
        return made

    ach1 = achievement(dust, Kind.TECHNICAL_INNOVATION, datetime.date(year, 3, 15), 100000, 80000)
    achievement(dust, Kind.PROCESS_IMPROVEMENT, datetime.date(year, 5, 20), 50000)
    ach3 = achievement(mine, Kind.EQUIPMENT_MODIFICATION, datetime.date(year, 6, 10))
    ach4 = achievement(washing, Kind.TECHNICAL_INNOVATION, datetime.date(last, 8, 1), 70000, 60000)
    ach5 = achievement(turbine, Kind.SOFTWARE, datetime.date(year, 4, 5), 30000, 25000)
    achievement(turbine, Kind.TECHNICAL_INNOVATION, datetime.date(year, 9, 9), 20000)

    for adopted, unit, day in [
        (ach1, org.team_a102, datetime.date(year, 7, 1)),
        (ach3, org.team_a101, datetime.date(year, 7, 1)),
        (ach5, org.team_a102, datetime.date(year, 10, 1)),
        (ach4, org.team_a101, datetime.date(last, 12, 1)),
    ]:
        records.adoption_record(by=official, achievement=adopted, org_unit=unit, adopted_on=day)

    Type = Patent.Type

    def patent(where, patent_type, digit, serial, filed, **dates):
        status = (
            Patent.Status.GRANTED
            if "granted_on" in dates
            else Patent.Status.PUBLISHED
            if "published_on" in dates
            else Patent.Status.FILED
        )
        records.patent_create(
            by=official,
            studio=where,
            application_no=patent_number(filed.year, digit, serial),
            title=f"{where.code} 专利 {serial}",
            patent_type=patent_type,
            filed_on=filed,
            holder="集团公司",
            inventors=[where.leader],
            status=status,
            **dates,
        )

    patent(dust, Type.INVENTION, 1, 1, datetime.date(year, 2, 1))
    patent(
        dust,
        Type.UTILITY_MODEL,
        2,
        2,
        datetime.date(year, 3, 1),
        granted_on=datetime.date(year, 8, 1),
    )
    patent(
        mine,
        Type.INVENTION,
        1,
        3,
        datetime.date(year, 1, 10),
        published_on=datetime.date(year, 7, 1),
    )
    patent(turbine, Type.UTILITY_MODEL, 2, 4, datetime.date(year, 4, 1))
    patent(
        turbine, Type.DESIGN, 3, 5, datetime.date(last, 5, 1), granted_on=datetime.date(last, 11, 1)
    )
    patent(washing, Type.INVENTION, 1, 6, datetime.date(last, 2, 1))

    # --- Five-small
    # Both campaigns are open now, so the services accept submissions; the year
    # a proposal counts in is its campaign's.
    now = timezone.now()

    def campaign(name, campaign_year):
        return five_small.campaign_create(
            by=official,
            org_unit=org.group,
            name=name,
            year=campaign_year,
            opens_at=now - 30 * DAY,
            closes_at=now + 30 * DAY,
            review_deadline=timezone.localdate() + 60 * DAY,
            min_reviews=1,
            grades=[
                (AwardGrade.Grade.FIRST, 1, Decimal("5000")),
                (AwardGrade.Grade.SECOND, 3, Decimal("2000")),
                (AwardGrade.Grade.ENCOURAGEMENT, None, Decimal("200")),
            ],
        )

    this_campaign = campaign("五小竞赛（本年）", year)
    last_campaign = campaign("五小竞赛（上年）", last)
    C = Proposal.Category
    G = AwardGrade.Grade
    hours = datetime.timedelta(hours=1)
    rows = [
        # author, campaign, state, category, extra, submitted, days to decision
        (
            org.worker_a,
            this_campaign,
            Status.AWARDED,
            C.INVENTION,
            {
                "co_authors": [(org.official_a, Decimal(30))],
                "verified": Decimal(40000),
                "grade": G.FIRST,
            },
            at(year, 2, 10),
            2 * DAY,
        ),
        (
            org.colleague_a,
            this_campaign,
            Status.BENEFIT_VERIFIED,
            C.CREATION,
            {"co_authors": [(studios.member_a, Decimal(50))], "verified": Decimal(12000)},
            at(year, 2, 10),
            5 * DAY + 12 * hours,
        ),
        (
            studios.lead_a,
            this_campaign,
            Status.IMPLEMENTED,
            C.INNOVATION,
            {},
            at(year, 2, 10),
            10 * DAY,
        ),
        (org.worker_a, this_campaign, Status.REJECTED, C.INNOVATION, {}, at(year, 3, 10), 30 * DAY),
        (studios.lead_a, this_campaign, Status.UNDER_REVIEW, C.DESIGN, {}, at(year, 3, 10), None),
        (org.colleague_a, this_campaign, Status.SUBMITTED, C.SUGGESTION, {}, at(year, 3, 10), None),
        (studios.lead_a, this_campaign, Status.RETURNED, C.SUGGESTION, {}, at(year, 4, 10), None),
        (org.worker_a, this_campaign, Status.WITHDRAWN, C.INNOVATION, {}, at(year, 4, 10), None),
        (app_a1, this_campaign, Status.DRAFT, C.SUGGESTION, {}, None, None),
        (
            org.colleague_a,
            this_campaign,
            Status.NOT_ELIGIBLE,
            C.SUGGESTION,
            {},
            at(year, 4, 10),
            None,
        ),
        (
            org.worker_b,
            this_campaign,
            Status.AWARDED,
            C.INVENTION,
            {"verified": Decimal(30000), "grade": G.SECOND},
            at(year, 5, 10),
            20 * DAY,
        ),
        (
            studios.lead_b,
            this_campaign,
            Status.APPROVED,
            C.CREATION,
            {},
            at(year, 5, 10),
            DAY + 12 * hours,
        ),
        (org.worker_b, this_campaign, Status.REJECTED, C.INNOVATION, {}, at(year, 6, 10), 25 * DAY),
        (studios.lead_b, this_campaign, Status.SUBMITTED, C.DESIGN, {}, at(year, 6, 10), None),
        (
            org.worker_a,
            last_campaign,
            Status.AWARDED,
            C.INVENTION,
            {"verified": Decimal(5000), "grade": G.ENCOURAGEMENT},
            at(last, 6, 10),
            100 * DAY,
        ),
        (org.worker_b, last_campaign, Status.SUBMITTED, C.SUGGESTION, {}, at(last, 7, 10), None),
    ]
    for author, in_campaign, status, category, extra, submitted, took in rows:
        proposal = _proposal(org, author, in_campaign, status, category=category, **extra)
        if submitted is not None:
            _set_clock(proposal, submitted, took)

    # --- Mentoring
    def pair(mentor, apprentice, where, starts_on, *, activate=True):
        pairing = mentoring.pairing_propose(
            by=official,
            mentor=mentor,
            apprentice=apprentice,
            studio=where,
            starts_on=starts_on,
            planned_end_on=starts_on + 365 * DAY,
            target_skill_level=SkillLevel.INTERMEDIATE,
            goals="掌握设备检修",
        )
        if activate:
            pairing = mentoring.pairing_activate(
                pairing_id=pairing.pk, by=official, agreement_signed_on=starts_on
            )
        return pairing

    def session(mentor, pairing, held_on):
        mentoring.session_log(
            by=mentor,
            pairings=[pairing],
            held_on=held_on,
            hours=Decimal(2),
            format=Session.Format.ON_SITE,
            topic="现场实操",
        )

    def graduate(pairing, on):
        mentoring.evaluation_record(
            pairing_id=pairing.pk,
            by=official,
            level=Evaluation.Level.FINAL,
            outcome=Evaluation.Outcome.PASSED,
            skill_level_reached=SkillLevel.INTERMEDIATE,
            evaluated_on=on,
            **SCORES,
        )

    session(studios.member_a, pair(studios.member_a, app_a1, dust, days_ago(40)), days_ago(3))
    pair(studios.lead_a, app_a2, dust, days_ago(40))
    pair(studios.lead_a, app_a1, dust, days_ago(5), activate=False)
    graduate(pair(studios.member_a, app_a3, dust, datetime.date(last, 6, 1)), timezone.localdate())
    graduate(
        pair(org.colleague_a, app_a4, washing, datetime.date(last - 1, 3, 1)),
        datetime.date(last, 6, 1),
    )
    pair(studios.lead_b, app_b1, turbine, days_ago(5))
    session(studios.lead_b, pair(studios.lead_b, app_b2, turbine, days_ago(60)), days_ago(30))

    return SimpleNamespace(
        **vars(studios),
        year=year,
        last=last,
        this_campaign=this_campaign,
        last_campaign=last_campaign,
    )


# --- Growing it: the query-count tests and the snapshots' tests ------------------


def new_units(world) -> list[OrgUnit]:
    """Five more units: a company D with two teams, a team in mine A1 and one in
    plant B1."""
    org = world.org
    company_d = make_unit("D", org.group, OrgUnit.Kind.COMPANY)
    return [
        company_d,
        make_unit("D101", company_d),
        make_unit("D102", company_d),
        make_unit("A103", org.mine_a1),
        make_unit("B102", org.plant_b1),
    ]


def grow(world, places: list[OrgUnit]) -> None:
    """Two more studios in each of the five `places`, each with a problem, an
    achievement, a patent and an assessment this year; a proposal and a pairing
    in every place."""
    official = world.org.group_official
    today = timezone.localdate()
    serial = 100
    for number, unit in enumerate(places):
        leader = PersonFactory(employee_no=f"grow_lead{number}", org_unit=unit)
        apprentice = PersonFactory(employee_no=f"grow_app{number}", org_unit=unit)
        for copy in range(2):
            studio = studio_services.studio_create(
                by=official,
                name=f"{unit.code} 工作室 {copy}",
                code=f"{unit.code}-S{copy}",
                kind=Studio.Kind.EMPLOYEE,
                leader=leader,
                org_unit=unit,
                speciality="检修",
                founded_on=datetime.date(2020, 1, 1),
            )
            studio_services.studio_change_status(
                studio_id=studio.pk, by=official, status=Studio.Status.ESTABLISHED
            )
            studio_services.assessment_record(
                by=official, studio=studio, year=world.year, score=Decimal(80), grade="good"
            )
            records.problem_create(
                by=official,
                studio=studio,
                title=f"{studio.code} 课题",
                category=TechnicalProblem.Category.SAFETY,
                started_on=datetime.date(world.year, 1, 1),
                status=TechnicalProblem.Status.SOLVED,
                solved_on=datetime.date(world.year, 1, 2),
            )
            records.achievement_create(
                by=official,
                studio=studio,
                title=f"{studio.code} 成果",
                kind=Achievement.Kind.OTHER,
                completed_on=datetime.date(world.year, 1, 3),
                contributors=[(leader, Decimal(100))],
                claimed_benefit=Decimal(1000),
            )
            serial += 1
            records.patent_create(
                by=official,
                studio=studio,
                application_no=patent_number(world.year, 2, serial),
                title=f"{studio.code} 专利",
                patent_type="utility_model",
                filed_on=datetime.date(world.year, 1, 4),
                holder="集团公司",
                inventors=[leader],
            )
        proposal = five_small.proposal_create(
            by=leader, campaign=world.this_campaign, **{**COMPLETE, "category": "suggestion"}
        )
        five_small.proposal_submit(proposal_id=proposal.pk, by=leader)
        pairing = mentoring.pairing_propose(
            by=official,
            mentor=leader,
            apprentice=apprentice,
            studio=studio,
            starts_on=today - datetime.timedelta(days=30),
            planned_end_on=today + datetime.timedelta(days=300),
            target_skill_level="intermediate",
        )
        mentoring.pairing_activate(pairing_id=pairing.pk, by=official, agreement_signed_on=today)


@shared_data(needs=("tests.reports.dashboard_world.world",))
def grown_world(built):
    """The hand-counted world grown by `grow` over the five `new_units`: a third
    company with two teams, a team in mine A1 and one in plant B1, ten more
    studios with their records (the query-count tests' larger group)."""
    world = built.get("tests.reports.dashboard_world.world")
    grow(world, new_units(world))
    return world


def figures_of(unit: OrgUnit, year: int) -> dict:
    return live_dashboard_figures(DashboardScope(unit=unit, year=year))


def nonzero(rows: list[dict]) -> dict:
    """{code: count} of the rows that count something."""
    return {row["code"]: row["count"] for row in rows if row["count"]}


def per_unit(rows: list[dict]) -> list[tuple[str, int]]:
    return [(row["unit"].code, row["count"]) for row in rows]


def shares(rows: list[dict]) -> list[tuple]:
    return [
        (row["level"], row["year"], row["share"].ours, row["share"].total, row["share"].percent)
        for row in rows
    ]
