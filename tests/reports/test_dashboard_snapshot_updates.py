"""The kept dashboard figures after a change (reports/snapshot_signals.py): each
kind of change made through the services marks stale, once it commits, the
snapshots of its unit and of the units above it, and no other; beat's refresh
makes them the live figures again, and a full rebuild agrees. A change that
arrives while a snapshot is being computed leaves it stale."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import update_last_login
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import services as accounts
from accounts.models import SkillLevel
from achievements import services as records
from achievements.models import Achievement, Patent, TechnicalProblem
from apprenticeships import services as mentoring
from apprenticeships.models import Evaluation, Pairing, Session
from competitions import services as five_small
from competitions.models import AwardGrade, Proposal
from hr import services as hr
from reports import snapshots, tasks
from reports.models import DashboardSnapshot
from reports.selectors import DashboardScope
from studios import services as studio_services
from studios.models import Honour, RecognitionList
from tests.apprenticeships.conftest import SCORES
from tests.competitions.conftest import COMPLETE
from tests.competitions.states import rubric_scores
from tests.factories import PersonFactory
from tests.hr.imports import (
    PEOPLE_HEADER,
    UNITS_HEADER,
    applied,
    csv_file,
    media_root,
    person_row,
    previewed,
)
from tests.reports import dashboard_world  # noqa: F401 - declares the level `kept_world` needs
from tests.reports.snapshot_checks import assert_same, computed_by_snapshots, kept, live
from tests.world import shared_data

pytestmark = pytest.mark.django_db

__all__ = ["media_root"]  # the HR imports' upload folder, for the import below

# The units whose snapshots are kept: the group, both companies, three teams.
KEPT = {
    "G": "group",
    "A": "company_a",
    "A101": "team_a101",
    "A102": "team_a102",
    "B": "company_b",
    "B101": "team_b101",
}
EVERY_UNIT = set(KEPT)


@shared_data(needs=("tests.reports.dashboard_world.world",))
def kept_world(built):
    """The hand-counted world, with this year's figures kept for KEPT."""
    world = built.get("tests.reports.dashboard_world.world")
    for name in KEPT.values():
        kept(getattr(world.org, name), world.year)
    return world


def stale_units() -> set[str]:
    return set(
        DashboardSnapshot.objects.filter(stale=True).values_list("org_unit__code", flat=True)
    )


def refresh_stale(**expected) -> dict:
    """Beat's refresh of the stale snapshots, which must answer the `expected`
    counts when given ("fresh", "stale", "failed"; unnamed ones 0); the figures
    each recomputation got from the live figures, by (unit id, year)
    (snapshot_checks.computed_by_snapshots: nothing changes after it in these
    tests, so a refreshed snapshot is checked against them, not computed again)."""
    with computed_by_snapshots() as computed:
        counts = snapshots.dashboard_snapshots_refresh_stale()
    if expected:
        assert counts == {"fresh": 0, "stale": 0, "failed": 0, **expected}
    return computed


def assert_every_snapshot_is_live(computed: dict) -> None:
    """Each kept snapshot is the live figures: those a refresh just computed
    for it (`computed`, from `refresh_stale`), or else computed now."""
    for snapshot in DashboardSnapshot.objects.select_related("org_unit"):
        unit, year = snapshot.org_unit, snapshot.year
        key = (unit.pk, year)
        live_figures = computed[key] if key in computed else live(unit, year)
        assert_same(snapshot.figures, live_figures, f"{unit.code} {year}")


# --- Each kind of change ------------------------------------------------------------


def submit_a_proposal(world):
    proposal = five_small.proposal_create(
        by=world.org.colleague_a, campaign=world.this_campaign, **COMPLETE
    )
    five_small.proposal_submit(proposal_id=proposal.pk, by=world.org.colleague_a)


def decide_a_proposal(world):
    official = world.org.group_official
    proposal = Proposal.objects.get(author=world.lead_a, status=Proposal.Status.UNDER_REVIEW)
    five_small.reviewers_assign(proposal_id=proposal.pk, by=official, reviewers=[official])
    five_small.review_submit(
        proposal_id=proposal.pk,
        by=official,
        scores=rubric_scores(world.this_campaign, 80),
        comment="可行",
    )
    five_small.proposal_decide(
        proposal_id=proposal.pk, by=official, outcome=Proposal.Status.APPROVED
    )


def award_a_proposal(world):
    official = world.org.group_official
    pk = Proposal.objects.get(author=world.lead_b, status=Proposal.Status.APPROVED).pk
    five_small.proposal_implement(
        proposal_id=pk, by=official, implemented_on=timezone.localdate(), department="汽机检修班"
    )
    five_small.proposal_verify_benefit(
        proposal_id=pk, by=official, verified_benefit=Decimal(8000), evidence="财务科核算单"
    )
    five_small.proposal_award(proposal_id=pk, by=official, grade=AwardGrade.Grade.SECOND)


def name_a_studio(world):
    provincial = RecognitionList.objects.get(
        year=world.year, level=RecognitionList.Level.PROVINCIAL
    )
    studio_services.honour_create(
        by=world.org.group_official, recognition_list=provincial, studio=world.turbine
    )


def honour_a_person(world):
    provincial = RecognitionList.objects.get(
        year=world.year, level=RecognitionList.Level.PROVINCIAL
    )
    studio_services.honour_create(
        by=world.org.group_official,
        recognition_list=provincial,
        person=world.org.worker_b,
        personal_title=Honour.PersonalTitle.MAY_DAY_MEDAL,
    )


def create_a_recognition_list(world):
    studio_services.recognition_list_create(
        by=world.org.group_official,
        title="本年全国名单",
        level=RecognitionList.Level.NATIONAL,
        conferred_by="全国总工会",
        year=world.year,
        total_named=100,
    )


def assess_a_studio(world):
    studio_services.assessment_record(
        by=world.org.group_official,
        studio=world.washing,
        year=world.last,
        score=Decimal(91),
        grade="excellent",
    )


def verify_an_achievement(world):
    unverified = Achievement.objects.get(
        studio=world.dust, kind=Achievement.Kind.PROCESS_IMPROVEMENT
    )
    records.achievement_verify_benefit(
        achievement_id=unverified.pk,
        by=world.org.group_official,
        verified_benefit=Decimal(30000),
        evidence="财务科核算单",
        verified_on=unverified.completed_on,
    )


def solve_a_problem(world):
    problem = TechnicalProblem.objects.get(studio=world.washing)
    Status = TechnicalProblem.Status
    for status in (Status.IN_PROGRESS, Status.SOLVED):
        records.problem_change_status(
            problem_id=problem.pk,
            by=world.org.group_official,
            status=status,
            solved_on=timezone.localdate() if status == Status.SOLVED else None,
        )


def grant_a_patent(world):
    patent = Patent.objects.get(studio=world.turbine, status=Patent.Status.FILED)
    records.patent_change_status(
        patent_id=patent.pk,
        by=world.org.group_official,
        status=Patent.Status.GRANTED,
        on=timezone.localdate(),
    )


def adopt_an_achievement(world):
    records.adoption_record(
        by=world.org.group_official,
        achievement=Achievement.objects.get(studio=world.turbine, kind=Achievement.Kind.SOFTWARE),
        org_unit=world.org.team_a101,
        adopted_on=timezone.localdate(),
    )


def start_a_pairing(world):
    today = timezone.localdate()
    pairing = mentoring.pairing_propose(
        by=world.org.group_official,
        mentor=world.lead_b,
        apprentice=PersonFactory(org_unit=world.org.team_b101, skill_level=SkillLevel.JUNIOR),
        studio=world.turbine,
        starts_on=today,
        planned_end_on=today + datetime.timedelta(days=365),
        target_skill_level=SkillLevel.INTERMEDIATE,
    )
    mentoring.pairing_activate(
        pairing_id=pairing.pk, by=world.org.group_official, agreement_signed_on=today
    )


def log_a_session(world):
    # B101's quiet pairing (last session 30 days ago) is at risk until now.
    quiet = Pairing.objects.get(studio=world.turbine, status="active", sessions__isnull=False)
    mentoring.session_log(
        by=world.lead_b,
        pairings=[quiet],
        held_on=timezone.localdate(),
        hours=Decimal(2),
        format=Session.Format.ON_SITE,
        topic="现场实操",
    )


def pass_a_final_appraisal(world):
    pairing = Pairing.objects.get(studio=world.dust, status="active", sessions__isnull=False)
    mentoring.evaluation_record(
        pairing_id=pairing.pk,
        by=world.org.group_official,
        level=Evaluation.Level.FINAL,
        outcome=Evaluation.Outcome.PASSED,
        skill_level_reached=SkillLevel.INTERMEDIATE,
        evaluated_on=timezone.localdate(),
        **SCORES,
    )


def add_a_person(world):
    accounts.person_add(
        by=world.org.official_b,
        employee_no="new_b",
        full_name="新员工",
        org_unit=world.org.team_b101,
    )


def move_a_person(world):
    accounts.person_update(
        person_id=world.org.worker_b.pk, by=world.org.group_official, org_unit=world.org.team_a102
    )


def grant_an_official(world):
    accounts.role_grant_by(
        by=world.org.group_official, user=world.org.colleague_a, org_unit=world.org.team_a102
    )


def merge_units(world):
    hr.unit_merge(unit=world.org.team_a102, into=world.org.team_a101, by=None)


def sign_in(world):
    # What signing in writes (Django's own receiver of user_logged_in).
    update_last_login(None, world.org.worker_b)


def describe_a_studio(world):
    studio_services.studio_update(
        studio_id=world.turbine.pk, by=world.org.group_official, description="新的简介"
    )


CHANGES = [
    # (the change, the kept snapshots it makes stale)
    (submit_a_proposal, {"G", "A", "A102"}),
    (decide_a_proposal, {"G", "A", "A101"}),
    (award_a_proposal, {"G", "B", "B101"}),
    (name_a_studio, {"G", "B", "B101"}),
    (honour_a_person, {"G", "B", "B101"}),  # our people count on a personal list
    (create_a_recognition_list, EVERY_UNIT),  # every unit's share of it
    (assess_a_studio, {"G", "A", "A102"}),
    (verify_an_achievement, {"G", "A", "A101"}),
    (solve_a_problem, {"G", "A", "A102"}),
    (grant_a_patent, {"G", "B", "B101"}),
    # Counted where the achievement came from (TURB in B101), not where adopted.
    (adopt_an_achievement, {"G", "B", "B101"}),
    (start_a_pairing, {"G", "B", "B101"}),
    (log_a_session, {"G", "B", "B101"}),
    (pass_a_final_appraisal, {"G", "A", "A101"}),
    (add_a_person, {"G", "B", "B101"}),
    (move_a_person, {"G", "A", "A102", "B", "B101"}),  # left one, joined the other
    (grant_an_official, {"G", "A", "A102"}),  # an official is not a worker
    (merge_units, EVERY_UNIT),
    (describe_a_studio, set()),  # nothing the figures read
    (sign_in, set()),
]


@pytest.mark.parametrize(
    "change, stale", CHANGES, ids=[change.__name__ for change, _stale in CHANGES]
)
def test_a_change_makes_the_snapshots_above_it_stale_and_the_refresh_makes_them_live(
    kept_world, change, stale, django_capture_on_commit_callbacks
):
    world = kept_world
    with django_capture_on_commit_callbacks(execute=True):
        change(world)
    assert stale_units() == stale  # the unrelated units' snapshots stay fresh

    refreshed = refresh_stale(fresh=len(stale))
    assert stale_units() == set()
    # The refreshed ones are the live figures, and the unmarked ones still are:
    # the change touched nothing they count. (The nightly rebuild, the same
    # recomputation of every snapshot, is checked to agree in
    # test_beat_refreshes_the_stale_snapshots_and_nightly_rebuilds_them_all.)
    assert_every_snapshot_is_live(refreshed)


def test_nothing_is_marked_before_the_change_commits(
    kept_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_a_proposal(kept_world)
    assert callbacks and stale_units() == set()


def test_a_co_author_taken_off_a_returned_proposal_marks_their_unit(
    kept_world, django_capture_on_commit_callbacks
):
    """The co-authors are rewritten in bulk (no model signal); a returned
    proposal's co-authors count among the entrants of their own unit."""
    world = kept_world
    returned = Proposal.objects.get(author=world.lead_a, status=Proposal.Status.RETURNED)
    with django_capture_on_commit_callbacks(execute=True):
        five_small.proposal_update(
            proposal_id=returned.pk,
            by=world.lead_a,
            co_authors=[(world.org.colleague_a, Decimal(30))],
        )
    assert stale_units() == {"G", "A", "A102"}
    snapshots.dashboard_snapshots_refresh_stale()

    with django_capture_on_commit_callbacks(execute=True):
        five_small.proposal_update(proposal_id=returned.pk, by=world.lead_a, co_authors=[])
    assert stale_units() == {"G", "A", "A102"}
    assert_every_snapshot_is_live(refresh_stale())


def test_a_people_import_marks_its_subtree_and_the_units_above(
    kept_world, django_capture_on_commit_callbacks
):
    world = kept_world
    upload = csv_file(PEOPLE_HEADER, [person_row("imp_b1", "引进员工", "B101")])
    run = previewed(
        world.org.group_official,
        upload,
        org_unit=world.org.company_b,
        capture=django_capture_on_commit_callbacks,
    )
    assert stale_units() == set()  # a preview writes no person
    applied(world.org.group_official, run, capture=django_capture_on_commit_callbacks)
    assert run.status == "applied"
    assert stale_units() == {"G", "B", "B101"}
    assert_every_snapshot_is_live(refresh_stale())


def test_a_unit_file_that_renames_a_unit_marks_every_snapshot(
    kept_world, django_capture_on_commit_callbacks
):
    """A unit's name is shown in the figures of the units above it (the
    breakdown by unit, the rankings); an import renames units in bulk."""
    world = kept_world
    upload = csv_file(UNITS_HEADER, [["A102", "洗选车间（更名）", "A1", "班组"]], name="u.csv")
    run = previewed(
        world.org.group_official,
        upload,
        kind="org_units",
        capture=django_capture_on_commit_callbacks,
    )
    applied(world.org.group_official, run, capture=django_capture_on_commit_callbacks)
    assert run.status == "applied"
    assert stale_units() == EVERY_UNIT
    assert_every_snapshot_is_live(refresh_stale())


# --- Recomputing --------------------------------------------------------------------


def test_a_change_during_the_recomputation_leaves_the_snapshot_stale(
    kept_world, monkeypatch, django_capture_on_commit_callbacks
):
    world = kept_world
    with django_capture_on_commit_callbacks(execute=True):
        add_a_person(world)
    computing = snapshots.live_dashboard_figures

    def marked_meanwhile(scope, **kwargs):
        figures = computing(scope, **kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            accounts.person_add(
                by=world.org.official_b,
                employee_no=f"meanwhile_{scope.unit.code}",
                full_name="又一位员工",
                org_unit=world.org.team_b101,
            )
        return figures

    before = dict(DashboardSnapshot.objects.values_list("org_unit__code", "computed_at"))
    monkeypatch.setattr(snapshots, "live_dashboard_figures", marked_meanwhile)
    assert snapshots.dashboard_snapshots_refresh_stale() == {"fresh": 0, "stale": 3, "failed": 0}
    assert stale_units() == {"G", "B", "B101"}
    # Their figures are the newer all the same, and the next round clears them.
    after = dict(DashboardSnapshot.objects.values_list("org_unit__code", "computed_at"))
    assert {code for code in after if after[code] > before[code]} == {"G", "B", "B101"}

    monkeypatch.setattr(snapshots, "live_dashboard_figures", computing)
    assert_every_snapshot_is_live(refresh_stale(fresh=3))


def test_beat_refreshes_the_stale_snapshots_and_nightly_rebuilds_them_all(
    kept_world, django_capture_on_commit_callbacks
):
    world = kept_world
    with django_capture_on_commit_callbacks(execute=True):
        add_a_person(world)
    assert tasks.refresh_dashboard_snapshots() == {"fresh": 3, "stale": 0, "failed": 0}
    before = dict(DashboardSnapshot.objects.values_list("pk", "computed_at"))
    assert tasks.rebuild_dashboard_snapshots() == {"fresh": 6, "stale": 0, "failed": 0}
    after = dict(DashboardSnapshot.objects.values_list("pk", "computed_at"))
    assert all(after[pk] > computed for pk, computed in before.items())
    assert_every_snapshot_is_live({})  # each computed live once more


def test_the_command_rebuilds_every_snapshot_or_builds_one(kept_world, capsys):
    world = kept_world
    call_command("rebuild_dashboard")
    assert "6 fresh, 0 changed again meanwhile (stale), 0 failed" in capsys.readouterr().out

    call_command("rebuild_dashboard", "--unit", "B1", "--year", str(world.last))
    snapshot = DashboardSnapshot.objects.get(org_unit=world.org.plant_b1)
    assert (snapshot.year, snapshot.stale) == (world.last, False)
    assert_same(snapshot.figures, live(world.org.plant_b1, world.last))

    with pytest.raises(CommandError, match="go together"):
        call_command("rebuild_dashboard", "--unit", "B1")
    with pytest.raises(CommandError, match="No org unit"):
        call_command("rebuild_dashboard", "--unit", "Z9", "--year", "2026")


def test_a_snapshot_of_a_year_is_marked_by_a_change_of_another_year(
    kept_world, django_capture_on_commit_callbacks
):
    """Studios, workers and pairings are counted as they stand in every year's
    figures, so a change marks every year's snapshots of the units above it."""
    world = kept_world
    kept(world.org.company_b, world.last)
    with django_capture_on_commit_callbacks(execute=True):
        add_a_person(world)
    assert DashboardSnapshot.objects.get(org_unit=world.org.company_b, year=world.last).stale
    assert_every_snapshot_is_live(refresh_stale())


def test_kept_figures_are_shown_until_refreshed(kept_world, django_capture_on_commit_callbacks):
    """A stale snapshot is what a visit shows, with its time, until beat recomputes it."""
    world = kept_world
    scope = DashboardScope(unit=world.org.team_b101, year=world.year)
    shown = snapshots.dashboard_figures(scope)
    with django_capture_on_commit_callbacks(execute=True):
        add_a_person(world)
    still = snapshots.dashboard_figures(scope)
    assert (still.as_of, still.figures["five_small"]["headcount"]) == (shown.as_of, 5)
    snapshots.dashboard_snapshots_refresh_stale()
    refreshed = snapshots.dashboard_figures(scope)
    assert refreshed.as_of > shown.as_of
    assert refreshed.figures["five_small"]["headcount"] == 6


def test_beat_refreshes_every_five_minutes_and_rebuilds_after_the_pairings_check(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    refresh = schedule["refresh-dashboard-snapshots"]
    assert refresh["task"] == tasks.refresh_dashboard_snapshots.name
    assert refresh["schedule"] == 300
    rebuild = schedule["rebuild-dashboard-snapshots"]
    assert rebuild["task"] == tasks.rebuild_dashboard_snapshots.name

    def at(entry):
        return min(entry["schedule"].hour), min(entry["schedule"].minute)

    assert at(rebuild) > at(schedule["check-pairings"])
