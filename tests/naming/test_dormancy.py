"""The dormancy rule (docs/naming.md#dormancy) on hand-built studios: exactly
those with no achievement (papers included), no patent filed and no benefit
verified in the last 12 months are flagged; problems opened do not count;
running it twice changes nothing; the office hears once; the flag shows on the
studio page, in the directory's filter and on the dashboard."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from achievements import services as achievement_services
from achievements.models import Achievement, Patent
from naming import tasks
from naming.services import dormancy_sweep
from notices.models import Notice
from reports.selectors.dashboard import DashboardScope, studio_figures
from studios.models import Studio
from tests.naming.conftest import today
from tests.world import shared_data

pytestmark = pytest.mark.django_db

DORMANT = "studios.studio_dormant"


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


@shared_data(needs=("studios",))
def quiet_and_busy(built):
    """Studios of every kind of record (all founded in 2020 unless said):
    dust: only a problem opened last week (not output) → dormant since founded;
    washing: a paper two months ago; turbine: a patent filed three months ago;
    VERIFIED (named): an old achievement whose benefit was verified last month;
    STALE (named, plant B1): its last achievement 13 months ago → dormant since then;
    YOUNG: founded four months ago, nothing yet; PREP and GONE: preparing and
    revoked, nothing ever."""
    studios = built.get("studios")
    org = studios.org

    def studio(code, status, unit, leader, founded_on=datetime.date(2020, 5, 1)):
        return Studio.objects.create(
            name=code,
            code=code,
            kind=Studio.Kind.EMPLOYEE,
            leader=leader,
            org_unit=unit,
            speciality="检修",
            founded_on=founded_on,
            status=status,
        )

    def achievement(studio, completed_on, kind=Achievement.Kind.TECHNICAL_INNOVATION, **more):
        return Achievement.objects.create(
            studio=studio,
            title=f"{studio.code} 成果",
            kind=kind,
            completed_on=completed_on,
            created_by=org.group_official,
            **more,
        )

    achievement_services.problem_create(
        by=studios.lead_a,
        studio=studios.dust,
        title="粉尘浓度超标",
        category="dust_control",
        started_on=days_ago(7),
    )
    achievement(studios.washing, days_ago(60), kind=Achievement.Kind.PAPER)
    achievement(studios.turbine, days_ago(600))
    Patent.objects.create(
        studio=studios.turbine,
        application_no="CN202610000001.0",
        title="汽封间隙调整装置",
        patent_type=Patent.Type.UTILITY_MODEL,
        filed_on=days_ago(90),
        holder="集团",
        created_by=org.group_official,
    )
    verified = studio("VERIFIED", Studio.Status.NAMED, org.team_a102, org.colleague_a)
    achievement(
        verified,
        days_ago(730),
        claimed_benefit=50000,
        verified_benefit=40000,
        verified_by=org.group_official,
        verified_on=days_ago(30),
    )
    stale = studio("STALE", Studio.Status.NAMED, org.plant_b1, org.worker_b)
    achievement(stale, days_ago(400))
    studio("YOUNG", Studio.Status.ESTABLISHED, org.team_a102, org.colleague_a, days_ago(120))
    studio("PREP", Studio.Status.PREPARING, org.team_a102, org.colleague_a)
    studio("GONE", Studio.Status.REVOKED, org.team_a102, org.colleague_a)
    return SimpleNamespace(studios=studios, org=org, stale=stale, stale_output=days_ago(400))


def flagged() -> dict[str, datetime.date]:
    return dict(
        Studio.objects.filter(dormant_since__isnull=False).values_list("code", "dormant_since")
    )


def told() -> list[tuple[str, str]]:
    return sorted(
        Notice.objects.filter(kind=DORMANT).values_list("recipient__employee_no", "params__studio")
    )


def test_exactly_the_studios_without_output_for_a_year_are_flagged(quiet_and_busy):
    sweep = dormancy_sweep()
    assert flagged() == {
        "A1-DUST": datetime.date(2020, 5, 1),  # a problem opened is not output
        "STALE": quiet_and_busy.stale_output,
    }
    assert (sweep.flagged, sweep.cleared, sweep.told) == (2, 0, 2)
    # The nearest office of each studio hears, not every official up to the group.
    assert told() == [("official_a", "粉尘治理创新工作室"), ("official_b", "STALE")]


def test_running_it_twice_changes_nothing(quiet_and_busy):
    dormancy_sweep()
    before = (flagged(), told(), Notice.objects.count())
    again = dormancy_sweep()
    assert (again.flagged, again.cleared, again.told) == (0, 0, 0)
    assert (flagged(), told(), Notice.objects.count()) == before


def test_output_clears_the_flag_and_a_new_flag_is_told_again(quiet_and_busy):
    dust = quiet_and_busy.studios.dust
    dormancy_sweep()
    Achievement.objects.create(
        studio=dust,
        title="降尘喷雾",
        kind=Achievement.Kind.PAPER,
        completed_on=today(),
        created_by=quiet_and_busy.org.group_official,
    )
    assert dormancy_sweep().cleared == 1
    assert "A1-DUST" not in flagged()
    # A year later, silent again: flagged anew, and the office hears of it again.
    later = dormancy_sweep(today=today() + datetime.timedelta(days=400))
    assert flagged()["A1-DUST"] == today() and later.told >= 1
    assert [name for _who, name in told()].count("粉尘治理创新工作室") == 2


def test_the_rule_runs_nightly_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["flag-dormant-studios"]
    assert entry["task"] == tasks.flag_dormant_studios.name
    entry = settings.CELERY_BEAT_SCHEDULE["check-rectification-deadlines"]
    assert entry["task"] == tasks.check_rectification_deadlines.name


def test_the_flag_shows_to_insiders_in_the_page_the_filter_and_the_dashboard(
    quiet_and_busy, as_person
):
    tasks.flag_dormant_studios.apply()
    org, stale = quiet_and_busy.org, quiet_and_busy.stale
    page = reverse("studios:studio-detail", args=[stale.pk])
    assert 'data-testid="dormant-flag"' in as_person(org.official_b).get(page).content.decode()
    # A named studio is public; its flag is not.
    public = as_person(org.worker_a).get(page)
    assert public.status_code == 200 and 'data-testid="dormant-flag"' not in public.content.decode()

    directory = reverse("studios:studio-list")
    listed = as_person(org.group_official).get(directory, {"dormant": "true"})
    assert {s.code for s in listed.context["studios"]} == {"A1-DUST", "STALE"}
    assert not as_person(org.worker_a).get(directory, {"dormant": "true"}).context["studios"]

    assert studio_figures(DashboardScope(unit=org.group, year=today().year))["dormant"] == 2
    assert studio_figures(DashboardScope(unit=org.company_b, year=today().year))["dormant"] == 1
