"""Demo naming (docs/naming.md): the group's open enterprise-level call with one
application under expert review (one expert replaced before scoring) and one
on public notice with an open objection, and a provincial call with the dust
studio recommended upward; then dynamic management: the dormant studios
flagged, one of them under rectification, and lead2's studio due for
re-review."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, User
from core import demo
from naming import services
from naming.models import Level, NamingApplication, NamingCall, Rectification
from naming.selectors import eligibility_now
from studios import services as studio_services
from studios.models import Studio

DUST_STUDIO_CODE = "A104-FC"
LEAD2_STUDIO_CODE = "B102-QJ"
RUBRIC = [
    {"name": "运行管理", "max_points": 30},
    {"name": "创新能力与成果", "max_points": 40},
    {"name": "经济和社会效益", "max_points": 30},
]


def _person(employee_no: str) -> User:
    return User.objects.get(employee_no=employee_no)


def _call(title: str, level: str, **conditions) -> NamingCall:
    today = timezone.localdate()
    return services.naming_call_create(
        by=_person("official"),
        title=title,
        level=level,
        year=today.year,
        org_unit=OrgUnit.objects.get(code="G"),
        deadline=today + datetime.timedelta(days=30),
        quota=5,
        notice_days=7,
        rubric=RUBRIC,
        **conditions,
    )


def _submitted(call: NamingCall, studio: Studio, statement: str) -> NamingApplication:
    """Applied and submitted; a studio short of a condition is let in by the office."""
    official = _person("official")
    application = services.naming_application_create(
        by=official, call=call, studio=studio, statement=statement
    )
    failed = [check for check in eligibility_now(call, studio) if not check.passed]
    services.naming_application_submit(
        application_id=application.pk,
        by=official,
        eligibility_override="基层推荐，成果突出，破格申报。" if failed else "",
    )
    return services.naming_application_recommend(
        application_id=application.pk, by=official, note="同意推荐。"
    )


def _reviewed(application: NamingApplication, experts: list[str], scores: list) -> None:
    """Experts asked to score within two days, the first of whom has."""
    official = _person("official")
    services.naming_experts_assign(
        application_id=application.pk,
        by=official,
        experts=[_person(e) for e in experts],
        due_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    services.naming_review_submit(
        application_id=application.pk, by=_person(experts[0]), scores=scores, comment="运行规范。"
    )


def _on_notice(application: NamingApplication) -> NamingApplication:
    official = _person("official")
    services.naming_visit_record(
        application_id=application.pk,
        by=official,
        visited_on=timezone.localdate(),
        visitors="集团工会、评审专家组",
        findings="活动场所固定，制度上墙，成果台账完整。",
    )
    return services.naming_notice_start(application_id=application.pk, by=official)


def _established_in(company_code: str) -> Studio:
    company = OrgUnit.objects.get(code=company_code)
    return (
        Studio.objects.filter(
            status=Studio.Status.ESTABLISHED, org_unit__path__startswith=company.path
        )
        .order_by("code")
        .first()
    )


@demo.seeder(order=70)
@transaction.atomic
def seed_naming() -> None:
    year = timezone.localdate().year
    enterprise_title = f"{year}年集团职工创新工作室命名"
    if NamingCall.objects.filter(title=enterprise_title).exists():
        return
    enterprise = _call(enterprise_title, Level.ENTERPRISE, min_years_founded=3, min_members=3)
    in_review = _submitted(enterprise, _established_in("A"), "围绕综采设备开展技术攻关。")
    _reviewed(in_review, ["reviewer", "reviewer3"], [26, 33, 24])
    # reviewer3 fell ill before scoring: the office put reviewer2 in their place.
    services.naming_expert_replace(
        application_id=in_review.pk,
        by=_person("official"),
        expert=_person("reviewer3"),
        replacement=_person("reviewer2"),
        reason="评审期间因病住院，无法按期评分。",
    )
    # reviewer2 now owes the scores within two days, and hears so from the daily sweep.
    services.expert_reminders_send()
    noticed = _submitted(enterprise, _established_in("B"), "锅炉燃烧调整成果在全厂推广。")
    _reviewed(noticed, ["reviewer3"], [27, 35, 26])
    noticed = _on_notice(noticed)
    services.objection_lodge(
        by=_person("worker"),
        application=noticed,
        reason="申报材料中的节能效益数据与车间台账不一致，请核实。",
    )

    provincial = _call(
        f"{year}年省级职工（劳模）创新工作室推荐",
        Level.PROVINCIAL,
        min_years_founded=3,
        leader_honour_level=Level.PROVINCIAL,
        prior_level=Level.ENTERPRISE,
    )
    upward = _submitted(
        provincial, Studio.objects.get(code=DUST_STUDIO_CODE), "粉尘治理成果获全国推广。"
    )
    _reviewed(upward, ["reviewer"], [28, 38, 27])
    upward = _on_notice(upward)
    # Its notice has run its days (the demo starts after them).
    NamingApplication.objects.filter(pk=upward.pk).update(
        notice_ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.naming_application_decide(
        application_id=upward.pk,
        by=_person("official"),
        outcome=NamingApplication.Status.RECOMMENDED_UPWARD,
        reason="公示无异议，推荐至省总工会。",
    )


@demo.seeder(order=75)
@transaction.atomic
def seed_dynamic_management() -> None:
    """After the studios' records are in: the nightly dormancy rule runs as in
    production (the offices hear of their dormant studios), one dormant named
    studio is put under rectification with a deadline next month, and lead2's
    studio, named six years ago, is due for this year's re-review."""
    if Rectification.objects.exists():
        return
    today = timezone.localdate()
    official = _person("official")
    lead2_studio = Studio.objects.get(code=LEAD2_STUDIO_CODE)
    six_years_ago = studio_services.recognition_list_create(
        by=official,
        title=f"{today.year - 6}年集团职工创新工作室命名",
        level=Level.ENTERPRISE,
        conferred_by="集团工会",
        year=today.year - 6,
        total_named=18,
        org_unit=OrgUnit.objects.get(code="G"),
    )
    studio_services.honour_create(by=official, recognition_list=six_years_ago, studio=lead2_studio)
    services.dormancy_sweep()
    dormant = (
        Studio.objects.filter(status=Studio.Status.NAMED, dormant_since__isnull=False)
        .exclude(code__in=[DUST_STUDIO_CODE, LEAD2_STUDIO_CODE])
        .order_by("dormant_since", "code")
        .first()
    )
    if dormant is None:
        return
    services.rectification_open(
        by=official,
        studio=dormant,
        reason=f"自 {dormant.dormant_since.isoformat()} 起无专利、论文或经核实的效益。",
        plan="一、制定年度攻关计划；二、每季度至少申报一项成果；三、工会每月跟踪检查。",
        deadline=today + relativedelta(months=1),
    )
