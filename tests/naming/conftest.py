import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from naming import services
from naming.models import Level, NamingApplication, Rectification
from studios import services as studio_services
from tests.factories import PersonFactory
from tests.world import shared_data

Status = NamingApplication.Status
RUBRIC = [{"name": "运行管理", "max_points": 40}, {"name": "创新成果", "max_points": 60}]


@shared_data(needs=("studios",))
def naming_calls(built):
    """The group's open enterprise-level call (two places, founded ≥ 3 years,
    ≥ 2 members) and a provincial call, both run by the group official; an
    expert in plant B1 outside every studio."""
    studios = built.get("studios")
    org = studios.org
    deadline = timezone.localdate() + datetime.timedelta(days=30)

    def call(title, level):
        return services.naming_call_create(
            by=org.group_official,
            title=title,
            level=level,
            year=deadline.year,
            org_unit=org.group,
            deadline=deadline,
            quota=2,
            rubric=RUBRIC,
            min_years_founded=3,
            min_members=2,
        )

    return SimpleNamespace(
        studios=studios,
        enterprise=call("集团职工创新工作室命名", Level.ENTERPRISE),
        provincial=call("省级创新工作室推荐", Level.PROVINCIAL),
        expert=PersonFactory(employee_no="expert", org_unit=org.plant_b1),
    )


# The moves that bring an application from one status to the next, each by the
# person who makes it in practice.
def _advance(application, status, world):
    official = world.studios.org.group_official
    pk = application.pk
    if status == Status.SUBMITTED:
        return services.naming_application_submit(application_id=pk, by=world.studios.lead_a)
    if status == Status.RECOMMENDED:
        return services.naming_application_recommend(application_id=pk, by=official)
    if status == Status.UNDER_REVIEW:
        return services.naming_experts_assign(
            application_id=pk, by=official, experts=[world.expert]
        )
    if status == Status.SITE_VISIT:
        services.naming_review_submit(application_id=pk, by=world.expert, scores=[35, 50])
        return services.naming_visit_record(
            application_id=pk,
            by=official,
            visited_on=timezone.localdate(),
            visitors="集团工会、专家组",
            findings="场所固定，制度齐全。",
        )
    if status == Status.PUBLIC_NOTICE:
        return services.naming_notice_start(application_id=pk, by=official)
    if status == Status.RECOMMENDED_UPWARD:
        notice_over(application)
        return services.naming_application_decide(
            application_id=pk, by=official, outcome=Status.RECOMMENDED_UPWARD
        )
    raise AssertionError(status)


PATH = [
    Status.SUBMITTED,
    Status.RECOMMENDED,
    Status.UNDER_REVIEW,
    Status.SITE_VISIT,
    Status.PUBLIC_NOTICE,
    Status.RECOMMENDED_UPWARD,
]


def notice_over(application):
    """Let the public notice end (yesterday), as if its days had passed."""
    NamingApplication.objects.filter(pk=application.pk).update(
        notice_ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )


def bring_to(world, status, *, studio=None, call=None):
    """An application brought to `status` through the services (the dust
    studio, the enterprise call by default)."""
    studios = world.studios
    studio = studio or studios.dust
    call = call or world.enterprise
    is_dust = studio.pk == studios.dust.pk
    application = services.naming_application_create(
        by=studio.leader if is_dust else studios.org.group_official,
        call=call,
        studio=studio,
        statement="三年来攻克粉尘治理难题十余项。",
    )
    steps = PATH[: PATH.index(status) + 1] if status != Status.DRAFT else []
    if steps and not is_dust:
        # Only the dust studio has a second member; the others are let in.
        services.naming_application_submit(
            application_id=application.pk,
            by=studios.org.group_official,
            eligibility_override="试点推荐",
        )
        steps = steps[1:]
    for step in steps:
        application = _advance(application, step, world)
    return NamingApplication.objects.get(pk=application.pk)


@pytest.fixture
def bring(naming_calls):
    """`bring(status, studio=…, call=…)`: see `bring_to`."""

    def bring_(status, **kwargs):
        return bring_to(naming_calls, status, **kwargs)

    return bring_


@shared_data(needs=("naming_calls",))
def staged(built):
    """The dust studio's application at each step before the decision, each
    against an enterprise call of its own (a studio applies once a call)."""
    world = built.get("naming_calls")
    org = world.studios.org
    staged_at = {}
    for status in [Status.DRAFT, *PATH[:5]]:
        call = services.naming_call_create(
            by=org.group_official,
            title=f"命名 {status}",
            level=Level.ENTERPRISE,
            year=world.enterprise.year,
            org_unit=org.group,
            deadline=world.enterprise.deadline,
            quota=2,
            rubric=RUBRIC,
            min_years_founded=3,
            min_members=2,
        )
        staged_at[status] = bring_to(world, status, call=call)
    return SimpleNamespace(naming_calls=world, at=staged_at)


# --- Dynamic management -------------------------------------------------------------


@shared_data(needs=("studios", "provincial_list"))
def managed(built):
    """Named studios and one under rectification, for the office's moves:
    dust: on the 2022 provincial list and this year's group list, under
    rectification (opened by official_a, deadline in 30 days);
    turbine (plant B1): named six years ago, due for re-review;
    washing: named four years ago, not due yet."""
    studios = built.get("studios")
    org = studios.org
    provincial = built.get("provincial_list")
    today = timezone.localdate()

    def listed(title, year, studio):
        recognition_list = studio_services.recognition_list_create(
            by=org.group_official,
            title=title,
            level=Level.ENTERPRISE,
            conferred_by="集团工会",
            year=year,
            total_named=10,
        )
        studio_services.honour_create(
            by=org.group_official, recognition_list=recognition_list, studio=studio
        )
        return recognition_list

    studio_services.honour_create(
        by=org.group_official, recognition_list=provincial, studio=studios.dust
    )
    this_year = listed("本年集团命名", today.year, studios.dust)
    listed("六年前集团命名", today.year - 6, studios.turbine)
    listed("四年前集团命名", today.year - 4, studios.washing)
    rectification = services.rectification_open(
        by=org.official_a,
        studio=studios.dust,
        reason="一年无专利、论文或效益",
        plan="三个月内完成两项技术攻关",
        deadline=today + datetime.timedelta(days=30),
    )
    return SimpleNamespace(
        studios=studios,
        org=org,
        provincial=provincial,
        this_year=this_year,
        rectification=rectification,
    )


def deadline_passed(rectification, days: int = 1):
    """Let the rectification's deadline pass (`days` ago), as if its months had."""
    today = timezone.localdate()
    Rectification.objects.filter(pk=rectification.pk).update(
        opened_on=today - datetime.timedelta(days=90),
        deadline=today - datetime.timedelta(days=days),
    )


def today() -> datetime.date:
    """Today in Shanghai when the test runs, not when the module was imported:
    a run that crosses midnight there compared the service's day with the
    day before."""
    return timezone.localdate()
