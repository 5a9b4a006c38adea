"""The open work of people who leave includes the naming scores they owe: an
expert still asked to score an application under review who has not scored
it. Scored, taken off, or the review over: nothing is owed (docs/naming.md)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from hr.selectors import open_work_of
from naming import services as naming
from naming.models import Level
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

RUBRIC = [{"name": "运行管理", "max_points": 40}, {"name": "创新成果", "max_points": 60}]


def application_under_review(org, studios, experts):
    """The dust studio's application to an enterprise call of the group,
    recommended and given to `experts` to score."""
    call = naming.naming_call_create(
        by=org.group_official,
        title="集团职工创新工作室命名",
        level=Level.ENTERPRISE,
        year=timezone.localdate().year,
        org_unit=org.group,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        quota=2,
        rubric=RUBRIC,
    )
    application = naming.naming_application_create(
        by=studios.lead_a, call=call, studio=studios.dust, statement="攻克粉尘治理难题。"
    )
    naming.naming_application_submit(application_id=application.pk, by=studios.lead_a)
    naming.naming_application_recommend(application_id=application.pk, by=org.group_official)
    naming.naming_experts_assign(
        application_id=application.pk, by=org.group_official, experts=experts
    )
    return application


def scores_owed(people) -> list[dict]:
    work = open_work_of(User.objects.filter(pk__in=[person.pk for person in people]))
    return [row for row in work if row["url"].startswith("/studios/naming/")]


def test_a_leaver_who_owes_naming_scores_is_listed_and_no_one_else(org, studios):
    owes, scored, withdrawn = (
        PersonFactory(employee_no=f"expert{n}", org_unit=org.plant_b1) for n in range(3)
    )
    application = application_under_review(org, studios, [owes, scored, withdrawn])
    naming.naming_review_submit(application_id=application.pk, by=scored, scores=[30, 50])
    naming.naming_expert_withdraw(
        application_id=application.pk, by=org.group_official, expert=withdrawn, reason="因病"
    )
    rows = scores_owed([owes, scored, withdrawn])
    assert [(row["person_id"], row["record"], row["url"]) for row in rows] == [
        (
            owes.pk,
            f"{studios.dust.name} · 集团职工创新工作室命名",
            reverse("naming:application-detail", args=[application.pk]),
        )
    ]


def test_once_the_review_is_over_nothing_is_owed(org, studios):
    expert, other = (
        PersonFactory(employee_no=f"expert{n}", org_unit=org.plant_b1) for n in range(2)
    )
    application = application_under_review(org, studios, [expert, other])
    assert len(scores_owed([expert])) == 1
    naming.naming_review_submit(application_id=application.pk, by=other, scores=[30, 50])
    naming.naming_visit_record(
        application_id=application.pk,
        by=org.group_official,
        visited_on=timezone.localdate(),
        visitors="集团工会",
        findings="制度齐全。",
    )
    assert scores_owed([expert]) == []
