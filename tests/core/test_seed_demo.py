import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import OrgUnit, RoleGrant, User
from core import demo
from notices.models import Notice
from reports.selectors.dashboard import DashboardScope, live_dashboard_figures
from tests.world import shared_data

pytestmark = pytest.mark.django_db

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


@shared_data()
def seeded(built):
    """The demo, seeded once and shared (it is large compared to test data)."""
    call_command("seed_demo", verbosity=0)


def test_demo_accounts_exist_and_sign_in(seeded, client):
    assert set(User.objects.values_list("employee_no", flat=True)) >= DEMO_ACCOUNTS
    assert client.login(username="official2", password="demo1234")


def test_demo_has_about_300_people_in_three_companies(seeded):
    assert 280 <= User.objects.count() <= 320
    companies = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMPANY)
    assert sorted(companies.values_list("code", flat=True)) == ["A", "B", "C"]


def test_demo_officials_have_the_design_scopes(seeded):
    assert RoleGrant.objects.get(user__employee_no="official").org_unit.code == "G"
    assert RoleGrant.objects.get(user__employee_no="official2").org_unit.code == "B"


def test_demo_reviewers_are_in_company_c(seeded):
    for account in ("reviewer", "reviewer2", "reviewer3"):
        unit = User.objects.get(employee_no=account).org_unit
        assert unit.path.startswith(OrgUnit.objects.get(code="C").path)


def test_seeding_twice_adds_nothing(seeded):
    people, units, notices = User.objects.count(), OrgUnit.objects.count(), Notice.objects.count()
    call_command("seed_demo", verbosity=0)
    assert (User.objects.count(), OrgUnit.objects.count()) == (people, units)
    assert Notice.objects.count() == notices  # the sweeps tell nobody twice


def test_seeding_shows_each_step_with_its_time(seeded):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    steps = [line for line in out.getvalue().splitlines() if line.startswith("Seeding ")]
    assert len(steps) == len(demo.seeders())
    assert all(re.search(r" … \d+\.\d s$", line) for line in steps), steps


def test_this_years_dashboard_has_the_demos_work(seeded):
    """Demo dates follow today: the group's figures for the current year show
    problems, achievements, patents and proposals, not zeros."""
    year = timezone.localdate().year
    scope = DashboardScope(unit=OrgUnit.objects.get(code="G"), year=year)
    figures = live_dashboard_figures(scope, on_primary=True)
    outputs = figures["outputs"]
    assert outputs["problems_opened"] > 0
    assert outputs["achievements"] > 0
    assert sum(row["count"] for row in outputs["patents_by_type"]) > 0
    assert figures["five_small"]["total"] > 0


@pytest.mark.parametrize(
    ("account", "kind"),
    [
        ("worker", "competitions.proposal_returned"),
        ("reviewer", "competitions.review_due"),
        ("mentor", "apprenticeships.pairing_at_risk"),
        ("official", "competitions.review_overdue_office"),
        ("official", "studios.studio_dormant"),
    ],
)
def test_each_demo_role_has_an_unread_notice_of_its_own(seeded, account, kind):
    """Made by the services and the reminder sweeps, as in production."""
    unread = Notice.objects.filter(recipient__employee_no=account, kind=kind, read_at__isnull=True)
    assert unread.count() == 1


def test_seed_demo_refuses_where_demo_data_is_disabled(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)


def test_demo_studios_match_the_design(seeded):
    from studios.models import RecognitionList, Studio
    from studios.selectors import list_share

    assert 38 <= Studio.objects.count() <= 45
    dust = Studio.objects.get(leader__employee_no="lead")
    assert dust.status == Studio.Status.NAMED
    assert dust.memberships.filter(person__employee_no="mentor", left_on__isnull=True).exists()
    assert Studio.objects.filter(
        leader__employee_no="lead2", org_unit__path__startswith=(OrgUnit.objects.get(code="B").path)
    ).exists()
    provincial = RecognitionList.objects.get(level="provincial", total_named=28)
    share = list_share(provincial, None)
    assert (share.ours, share.total, str(share.percent)) == (6, 28, "21.4")
    national = RecognitionList.objects.get(level="national", honours__studio__isnull=False)
    assert list_share(national, None).ours == 1


def test_the_demo_has_a_studio_under_rectification_and_one_due_for_re_review(seeded):
    """docs/naming.md#dynamic-management: a dormant studio under rectification
    with a deadline next month; lead2's studio, named six years ago, due."""
    from dateutil.relativedelta import relativedelta

    from naming.models import Rectification
    from naming.selectors import studios_due_for_re_review

    today = timezone.localdate()
    rectification = Rectification.objects.select_related("studio").get(status="open")
    assert rectification.studio.dormant_since is not None
    assert rectification.studio.status == "rectification"
    assert rectification.deadline == today + relativedelta(months=1)
    due = studios_due_for_re_review(User.objects.get(employee_no="official2"), today.year)
    assert list(due.values_list("leader__employee_no", "named_year")) == [("lead2", today.year - 6)]


def test_the_demo_has_an_expert_who_owes_naming_scores_within_two_days(seeded):
    """docs/naming.md: reviewer2, put in reviewer3's place, owes the scores of
    the application under review within two days, has been told so, and finds
    it first among what needs their action."""
    from naming.models import ExpertAssignment
    from reports.selectors.home import needs_action

    reviewer2 = User.objects.get(employee_no="reviewer2")
    owed = ExpertAssignment.objects.get(expert=reviewer2, ended_at__isnull=True)
    assert owed.due_on == timezone.localdate() + datetime.timedelta(days=2)
    assert Notice.objects.filter(recipient=reviewer2, kind="naming.score_due").count() == 1
    group = next(g for g in needs_action(reviewer2) if g.key == "naming-scores")
    assert group.items[0].url.endswith(f"/{owed.application_id}/")
