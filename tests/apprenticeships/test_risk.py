"""Mentoring selectors: which active pairings are at risk (no session for 21
days, or a plan step past due), the figures counted from them, and who sees a
pairing at all."""

from decimal import Decimal

import pytest

from accounts.models import SkillLevel
from apprenticeships import selectors, services
from apprenticeships.models import AT_RISK_AFTER_DAYS, Pairing, Session
from tests.apprenticeships.conftest import days_ago, final_passed
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

Status = Pairing.Status


# --- Helpers ------------------------------------------------------------------------


def new_pairing(m, *, started=30, activate=True):
    """A pairing of the dust studio's mentor `member_a` with a fresh apprentice."""
    apprentice = PersonFactory(org_unit=m.org.team_a101, skill_level=SkillLevel.JUNIOR)
    return m.pair(m.lead_a, m.member_a, apprentice, m.dust, started=started, activate=activate)


def session_on(m, pairing, days):
    return services.session_log(
        by=m.member_a,
        pairings=[pairing],
        held_on=days_ago(days),
        hours=Decimal("2"),
        format=Session.Format.ON_SITE,
        topic="粉尘检测仪校准",
    )


def step_due(m, pairing, days):
    """A plan step due `days` ago (negative: in the future)."""
    return services.milestone_create(
        pairing_id=pairing.pk,
        by=m.member_a,
        title="独立完成一次粉尘浓度检测",
        due_on=days_ago(days),
    )


def risk_of(pairing):
    """The at-risk annotation of one pairing, as `with_risk` computes it today."""
    return selectors.with_risk(Pairing.objects.filter(pk=pairing.pk)).get()


# --- At risk ------------------------------------------------------------------------


class TestQuietFor21Days:
    def test_the_threshold_is_21_days(self):
        assert AT_RISK_AFTER_DAYS == 21

    def test_last_session_20_days_ago_is_not_at_risk(self, mentoring):
        # given an active pairing whose last session was 20 days ago
        pairing = new_pairing(mentoring, started=40)
        session_on(mentoring, pairing, 25)
        session_on(mentoring, pairing, 20)
        # then it is not at risk, and the last session is the newer one
        row = risk_of(pairing)
        assert row.last_session_on == days_ago(20)
        assert not row.at_risk

    def test_last_session_21_days_ago_is_at_risk(self, mentoring):
        pairing = new_pairing(mentoring, started=40)
        session_on(mentoring, pairing, 30)
        session_on(mentoring, pairing, 21)
        row = risk_of(pairing)
        assert row.last_session_on == days_ago(21)
        assert row.at_risk is True

    def test_an_older_session_does_not_hide_a_recent_one(self, mentoring):
        # sessions logged out of order: the newest date counts, not the newest row
        pairing = new_pairing(mentoring, started=60)
        session_on(mentoring, pairing, 5)
        session_on(mentoring, pairing, 50)
        row = risk_of(pairing)
        assert row.last_session_on == days_ago(5)
        assert not row.at_risk

    def test_no_session_and_started_20_days_ago_is_not_at_risk(self, mentoring):
        row = risk_of(new_pairing(mentoring, started=20))
        assert row.last_session_on is None
        assert not row.at_risk

    def test_no_session_and_started_21_days_ago_is_at_risk(self, mentoring):
        row = risk_of(new_pairing(mentoring, started=21))
        assert row.last_session_on is None
        assert row.at_risk is True

    def test_a_session_of_another_pairing_does_not_count(self, mentoring):
        # given two pairings of the same mentor started 30 days ago; only one had a session
        quiet = new_pairing(mentoring, started=30)
        busy = new_pairing(mentoring, started=30)
        session_on(mentoring, busy, 3)
        assert risk_of(quiet).at_risk is True
        assert not risk_of(busy).at_risk

    def test_one_to_many_session_counts_for_every_apprentice_in_it(self, mentoring):
        first = new_pairing(mentoring, started=30)
        second = new_pairing(mentoring, started=30)
        services.session_log(
            by=mentoring.member_a,
            pairings=[first, second],
            held_on=days_ago(2),
            hours=Decimal("1.5"),
            format=Session.Format.SAFETY,
            topic="班前安全确认",
        )
        assert not risk_of(first).at_risk
        assert not risk_of(second).at_risk


class TestPlanStepPastDue:
    def test_a_step_due_yesterday_and_not_done_is_at_risk(self, mentoring):
        # given a pairing with a recent session, so only the plan can make it risky
        pairing = new_pairing(mentoring, started=30)
        session_on(mentoring, pairing, 1)
        step_due(mentoring, pairing, 1)
        row = risk_of(pairing)
        assert (row.has_overdue_step, row.at_risk) == (True, True)

    def test_a_step_due_today_is_not_yet_at_risk(self, mentoring):
        pairing = new_pairing(mentoring, started=30)
        session_on(mentoring, pairing, 1)
        step_due(mentoring, pairing, 0)
        row = risk_of(pairing)
        assert row.has_overdue_step is False
        assert not row.at_risk

    def test_a_step_past_due_but_done_is_not_at_risk(self, mentoring):
        pairing = new_pairing(mentoring, started=30)
        session_on(mentoring, pairing, 1)
        step = step_due(mentoring, pairing, 3)
        services.milestone_mark_done(
            milestone_id=step.pk, by=pairing.apprentice, evidence="检测记录表已交班长签字"
        )
        row = risk_of(pairing)
        assert row.has_overdue_step is False
        assert not row.at_risk

    def test_one_overdue_step_is_enough_even_when_others_are_done(self, mentoring):
        pairing = new_pairing(mentoring, started=30)
        session_on(mentoring, pairing, 1)
        done = step_due(mentoring, pairing, 5)
        services.milestone_mark_done(
            milestone_id=done.pk, by=mentoring.member_a, evidence="现场演示"
        )
        step_due(mentoring, pairing, 2)
        assert risk_of(pairing).at_risk is True


class TestOnlyActivePairingsAreAtRisk:
    def test_a_proposed_pairing_is_never_at_risk(self, mentoring):
        # given a proposal that starts 60 days ago with a step long past due
        pairing = new_pairing(mentoring, started=60, activate=False)
        step_due(mentoring, pairing, 30)
        assert risk_of(pairing).at_risk is False

    def test_a_completed_pairing_is_never_at_risk(self, mentoring):
        pairing = new_pairing(mentoring, started=60)
        step_due(mentoring, pairing, 30)
        final_passed(pairing, mentoring.org.official_a)
        assert risk_of(pairing).at_risk is False

    def test_a_terminated_pairing_is_never_at_risk(self, mentoring):
        pairing = new_pairing(mentoring, started=60)
        services.pairing_terminate(pairing_id=pairing.pk, by=mentoring.lead_a, reason="调离本矿")
        assert risk_of(pairing).at_risk is False


class TestRiskAnnotationOnTheScopedList:
    def test_pairings_visible_to_carries_the_same_annotation(self, mentoring):
        quiet = new_pairing(mentoring, started=21)
        fresh = new_pairing(mentoring, started=20)
        rows = {p.pk: p for p in selectors.pairings_visible_to(mentoring.lead_a)}
        assert rows[quiet.pk].at_risk is True
        assert not rows[fresh.pk].at_risk

    def test_filtering_on_at_risk_true_finds_exactly_the_risky_ones(self, mentoring):
        quiet = new_pairing(mentoring, started=21)
        new_pairing(mentoring, started=20)
        risky = selectors.pairings_visible_to(mentoring.lead_a).filter(at_risk=True)
        assert list(risky.values_list("pk", flat=True)) == [quiet.pk]

    def test_an_active_pairing_not_at_risk_is_false_and_found_by_the_not_at_risk_filter(
        self, mentoring
    ):
        # given an active pairing started 10 days ago, no session, no step: not at risk
        pairing = mentoring.active
        visible = selectors.pairings_visible_to(mentoring.lead_a)
        # then the annotation says False (the API and the ?at_risk=false filter rely on it)
        assert visible.get(pk=pairing.pk).at_risk is False
        assert visible.filter(at_risk=False, pk=pairing.pk).exists()


# --- Figures ------------------------------------------------------------------------


class TestMentoringFigures:
    def test_figures_count_hand_built_pairings_in_the_viewers_scope(self, mentoring):
        m = mentoring
        # given, in company A, besides the fixture's active and proposed pairings:
        new_pairing(m, started=40)  # active, quiet for 40 days: at risk
        overdue = new_pairing(m, started=5)  # active, a step past due
        step_due(m, overdue, 1)
        risen = new_pairing(m, started=30)  # completed, junior → intermediate
        session_on(m, risen, 2)
        final_passed(risen, m.org.official_a)
        flat = new_pairing(m, started=30)  # completed at the level already held
        final_passed(flat, m.org.official_a, level=SkillLevel.JUNIOR)
        ended = new_pairing(m, started=30)  # terminated
        services.pairing_terminate(pairing_id=ended.pk, by=m.lead_a, reason="本人申请")
        # when an official of company A reads the figures
        figures = selectors.mentoring_figures(selectors.pairings_visible_to(m.org.official_a))
        # then company B's pairing is not counted, and only a real rise is a rise
        assert figures == {
            "active": 3,  # the fixture's, at_risk, overdue
            "at_risk": 2,
            "completed": 2,
            "terminated": 1,
            "proposed": 1,
            "skill_rises": 1,
        }

    def test_the_group_official_counts_both_companies(self, mentoring):
        m = mentoring
        final_passed(m.active_b, m.org.official_b, level=SkillLevel.SENIOR)
        figures = selectors.mentoring_figures(selectors.pairings_visible_to(m.org.group_official))
        assert (figures["active"], figures["completed"], figures["proposed"]) == (1, 1, 1)
        assert figures["skill_rises"] == 1
        assert figures["at_risk"] == 0

    def test_a_mentors_figures_count_only_their_own_pairings(self, mentoring):
        m = mentoring
        new_pairing(m, started=30)
        figures = selectors.mentoring_figures(selectors.pairings_visible_to(m.lead_b))
        assert (figures["active"], figures["at_risk"], figures["proposed"]) == (1, 0, 0)

    def test_figures_of_nobody_are_zero(self, mentoring):
        figures = selectors.mentoring_figures(selectors.pairings_visible_to(mentoring.org.worker_a))
        assert set(figures.values()) == {0}


# --- Who sees a pairing -------------------------------------------------------------


class TestPairingsVisibleTo:
    @pytest.mark.parametrize(
        "who",
        ["member_a", "apprentice_a", "lead_a", "org.official_a", "org.group_official", "org.admin"],
        ids=[
            "mentor",
            "apprentice",
            "studio leader",
            "company official",
            "group official",
            "admin",
        ],
    )
    def test_those_concerned_and_those_over_it_see_the_pairing(self, mentoring, who):
        person = _get(mentoring, who)
        assert selectors.pairings_visible_to(person).filter(pk=mentoring.active.pk).exists()

    @pytest.mark.parametrize(
        "who",
        ["org.worker_a", "org.colleague_a", "lead_b", "org.official_b", "apprentice_a2"],
        ids=[
            "worker of the same company",
            "leader of another studio",
            "leader in company B",
            "official of company B",
            "another apprentice of the same mentor",
        ],
    )
    def test_others_do_not_see_it(self, mentoring, who):
        person = _get(mentoring, who)
        assert not selectors.pairings_visible_to(person).filter(pk=mentoring.active.pk).exists()

    def test_an_official_sees_a_pairing_without_a_studio_in_their_units(self, mentoring):
        m = mentoring
        apprentice = PersonFactory(org_unit=m.org.team_a102)
        pairing = services.pairing_propose(
            by=m.org.official_a,
            mentor=m.org.worker_a,
            apprentice=apprentice,
            starts_on=days_ago(3),
            planned_end_on=days_ago(-360),
            target_skill_level=SkillLevel.SENIOR,
        )
        assert pairing.org_unit == m.org.team_a102
        seen_by = {
            who: selectors.pairings_visible_to(_get(m, who)).filter(pk=pairing.pk).exists()
            for who in ("org.official_a", "org.worker_a", "lead_a", "org.official_b")
        }
        assert seen_by == {
            "org.official_a": True,
            "org.worker_a": True,  # the mentor
            "lead_a": False,  # no studio of theirs
            "org.official_b": False,
        }

    def test_nobody_signed_in_sees_nothing(self, mentoring):
        from django.contrib.auth.models import AnonymousUser

        assert not selectors.pairings_visible_to(AnonymousUser()).exists()

    def test_a_former_leader_no_longer_sees_the_studios_pairings(self, mentoring):
        from studios.models import Membership

        Membership.objects.filter(
            studio=mentoring.dust, person=mentoring.lead_a, role=Membership.Role.LEADER
        ).update(left_on=days_ago(1))
        visible = selectors.pairings_visible_to(mentoring.lead_a)
        assert not visible.filter(pk=mentoring.active.pk).exists()


def _get(namespace, dotted):
    for part in dotted.split("."):
        namespace = getattr(namespace, part)
    return namespace
