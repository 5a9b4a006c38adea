"""The evaluation services: who evaluates, the periods, the fields and the
final appraisal."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.models import SkillLevel, SkillLevelChange
from apprenticeships import selectors, services
from apprenticeships.models import Evaluation, Pairing
from apprenticeships.services.evaluations import period_start
from core.exceptions import Conflict
from tests.apprenticeships.conftest import SCORES, days_ago, final_passed
from tests.apprenticeships.services import DAY, apprentice_in, counts, pairing_in, person, snapshot

pytestmark = pytest.mark.django_db

Status = Pairing.Status

Level = Evaluation.Level

Outcome = Evaluation.Outcome


def month_of(day):
    return f"{day:%Y-%m}"


def quarter_of(day):
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def year_of(day):
    return str(day.year)


def evaluate(pairing, by, level, **fields):
    return services.evaluation_record(
        pairing_id=pairing.pk, by=by, level=level, **{**SCORES, **fields}
    )


# --- Evaluations --------------------------------------------------------------------


@pytest.fixture
def long_running(mentoring):
    """An active pairing that began 400 days ago, so every current month,
    quarter and year lies inside its term."""
    return pairing_in(mentoring, Status.ACTIVE, started=400)


def current_period(level):
    today = timezone.localdate()
    return {
        Level.MENTOR_MONTHLY: month_of(today),
        Level.DEPARTMENT_QUARTERLY: quarter_of(today),
        Level.UNIT_YEARLY: year_of(today),
        Level.FINAL: "",
    }[level]


def record(pairing, by, level, **fields):
    if level == Level.FINAL:
        fields.setdefault("outcome", Outcome.NOT_PASSED)
    else:
        fields.setdefault("period", current_period(level))
    return evaluate(pairing, by, level, **fields)


class TestWhoEvaluates:
    @pytest.mark.parametrize(
        ("level", "who"),
        [
            (Level.MENTOR_MONTHLY, "member_a"),
            (Level.DEPARTMENT_QUARTERLY, "lead_a"),
            (Level.DEPARTMENT_QUARTERLY, "org.official_a"),
            (Level.UNIT_YEARLY, "org.official_a"),
            (Level.UNIT_YEARLY, "org.group_official"),
            (Level.FINAL, "org.official_a"),
            (Level.FINAL, "org.group_official"),
        ],
    )
    def test_may_record(self, mentoring, long_running, level, who):
        evaluation = record(long_running, person(mentoring, who), level)
        assert (evaluation.level, evaluation.evaluator) == (level, person(mentoring, who))
        assert evaluation.evaluated_on == timezone.localdate()

    @pytest.mark.parametrize(
        ("level", "who"),
        [
            (Level.MENTOR_MONTHLY, "lead_a"),
            (Level.MENTOR_MONTHLY, "org.official_a"),
            (Level.MENTOR_MONTHLY, "apprentice"),
            (Level.DEPARTMENT_QUARTERLY, "member_a"),
            (Level.DEPARTMENT_QUARTERLY, "apprentice"),
            (Level.UNIT_YEARLY, "lead_a"),
            (Level.UNIT_YEARLY, "member_a"),
            (Level.FINAL, "lead_a"),
            (Level.FINAL, "member_a"),
            (Level.FINAL, "apprentice"),
        ],
    )
    def test_may_not_record_403(self, mentoring, long_running, level, who):
        actor = long_running.apprentice if who == "apprentice" else person(mentoring, who)
        rows = counts()
        with pytest.raises(PermissionDenied):
            record(long_running, actor, level)
        assert counts() == rows

    @pytest.mark.parametrize("level", Level.values)
    @pytest.mark.parametrize("who", ["org.official_b", "org.worker_a", "org.colleague_a"])
    def test_those_who_cannot_see_the_pairing_get_404(self, mentoring, long_running, level, who):
        rows = counts()
        with pytest.raises(Http404):
            record(long_running, person(mentoring, who), level)
        assert counts() == rows

    def test_the_levels_offered_follow_the_same_rules(self, mentoring, long_running):
        offered = {
            who: selectors.pairing_access(person(mentoring, who), long_running).evaluation_levels
            for who in ("member_a", "lead_a", "org.official_a")
        }
        assert offered == {
            "member_a": [Level.MENTOR_MONTHLY],
            "lead_a": [Level.DEPARTMENT_QUARTERLY],
            "org.official_a": [Level.DEPARTMENT_QUARTERLY, Level.UNIT_YEARLY, Level.FINAL],
        }
        # The role decides the levels; the state is checked when one is recorded.
        assert (
            selectors.pairing_access(mentoring.apprentice_a, long_running).evaluation_levels == []
        )


class TestPeriods:
    @pytest.mark.parametrize(
        ("level", "period", "first_day"),
        [
            (Level.MENTOR_MONTHLY, "2026-10", datetime.date(2026, 10, 1)),
            (Level.MENTOR_MONTHLY, "2026-01", datetime.date(2026, 1, 1)),
            (Level.DEPARTMENT_QUARTERLY, "2026-Q3", datetime.date(2026, 7, 1)),
            (Level.DEPARTMENT_QUARTERLY, "2026-Q1", datetime.date(2026, 1, 1)),
            (Level.UNIT_YEARLY, "2026", datetime.date(2026, 1, 1)),
        ],
    )
    def test_the_three_period_formats(self, level, period, first_day):
        assert period_start(level, period) == first_day

    @pytest.mark.parametrize(
        ("level", "period"),
        [
            (Level.MENTOR_MONTHLY, "2026-13"),
            (Level.MENTOR_MONTHLY, "2026-00"),
            (Level.MENTOR_MONTHLY, "2026-1"),
            (Level.MENTOR_MONTHLY, "26-10"),
            (Level.MENTOR_MONTHLY, "2026/10"),
            (Level.MENTOR_MONTHLY, "2026-10-01"),
            (Level.MENTOR_MONTHLY, "2026-Q3"),
            (Level.MENTOR_MONTHLY, ""),
            (Level.DEPARTMENT_QUARTERLY, "2026-Q5"),
            (Level.DEPARTMENT_QUARTERLY, "2026-Q0"),
            (Level.DEPARTMENT_QUARTERLY, "2026-q3"),
            (Level.DEPARTMENT_QUARTERLY, "2026Q3"),
            (Level.DEPARTMENT_QUARTERLY, "2026-10"),
            (Level.UNIT_YEARLY, "26"),
            (Level.UNIT_YEARLY, "2026-Q3"),
            (Level.UNIT_YEARLY, "1900"),
            (Level.UNIT_YEARLY, "二〇二六"),
        ],
    )
    def test_a_malformed_period_is_400(self, mentoring, long_running, level, period):
        by = {
            Level.MENTOR_MONTHLY: mentoring.member_a,
            Level.DEPARTMENT_QUARTERLY: mentoring.lead_a,
            Level.UNIT_YEARLY: mentoring.org.official_a,
        }[level]
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            record(long_running, by, level, period=period)
        assert "period" in refused.value.message_dict
        assert counts() == rows

    def test_a_period_that_has_not_begun_is_400(self, mentoring, long_running):
        next_month = timezone.localdate().replace(day=28) + 7 * DAY
        with pytest.raises(ValidationError) as refused:
            record(
                long_running, mentoring.member_a, Level.MENTOR_MONTHLY, period=month_of(next_month)
            )
        assert "period" in refused.value.message_dict
        assert not Evaluation.objects.exists()

    def test_a_month_before_the_term_began_is_400(self, mentoring):
        pairing = mentoring.active  # began 10 days ago
        month_before = pairing.starts_on.replace(day=1) - DAY
        with pytest.raises(ValidationError) as refused:
            record(pairing, mentoring.member_a, Level.MENTOR_MONTHLY, period=month_of(month_before))
        assert "period" in refused.value.message_dict
        assert not Evaluation.objects.exists()

    def test_the_month_the_term_began_in_may_be_evaluated(self, mentoring):
        pairing = mentoring.active
        evaluation = record(
            pairing, mentoring.member_a, Level.MENTOR_MONTHLY, period=month_of(pairing.starts_on)
        )
        assert evaluation.period == month_of(pairing.starts_on)

    def test_the_quarter_the_term_began_in_may_be_evaluated(self, mentoring):
        # given a pairing that began in the middle month of last quarter
        today = timezone.localdate()
        this_quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last_quarter = (this_quarter - DAY).replace(day=1)
        last_quarter = datetime.date(last_quarter.year, 3 * ((last_quarter.month - 1) // 3) + 1, 1)
        began = (last_quarter + 40 * DAY).replace(day=15)  # the 15th of its second month
        pairing = pairing_in(mentoring, Status.ACTIVE, started=(today - began).days)
        # when the department evaluates that quarter (the monthly rule allows the first month)
        evaluation = record(
            pairing, mentoring.lead_a, Level.DEPARTMENT_QUARTERLY, period=quarter_of(began)
        )
        # then it is recorded
        assert evaluation.period == quarter_of(began)

    def test_a_year_before_the_term_began_is_400(self, mentoring):
        pairing = mentoring.active  # began 10 days ago
        year_before = str(pairing.starts_on.year - 1)
        with pytest.raises(ValidationError) as refused:
            record(pairing, mentoring.org.official_a, Level.UNIT_YEARLY, period=year_before)
        assert "period" in refused.value.message_dict
        assert not Evaluation.objects.exists()

    @pytest.mark.parametrize(
        ("level", "who"),
        [
            (Level.MENTOR_MONTHLY, "member_a"),
            (Level.DEPARTMENT_QUARTERLY, "lead_a"),
            (Level.UNIT_YEARLY, "org.official_a"),
        ],
    )
    def test_a_second_evaluation_of_the_same_period_is_409(
        self, mentoring, long_running, level, who
    ):
        by = person(mentoring, who)
        record(long_running, by, level)
        rows = counts()
        with pytest.raises(Conflict):
            record(long_running, by, level, period=f" {current_period(level)} ")
        assert counts() == rows

    def test_the_same_period_at_another_level_or_pairing_is_fine(self, mentoring, long_running):
        record(long_running, mentoring.member_a, Level.MENTOR_MONTHLY)
        record(mentoring.active, mentoring.member_a, Level.MENTOR_MONTHLY)
        record(long_running, mentoring.org.official_a, Level.UNIT_YEARLY)
        assert Evaluation.objects.count() == 3

    def test_the_final_is_named_by_its_date(self, mentoring):
        evaluation = record(
            mentoring.active, mentoring.org.official_a, Level.FINAL, period="whatever"
        )
        assert evaluation.period == timezone.localdate().isoformat()


class TestEvaluationFields:
    @pytest.mark.parametrize(
        "fields",
        [
            {"outcome": Outcome.PASSED},
            {"outcome": Outcome.NOT_PASSED},
            {"skill_level_reached": "senior"},
        ],
    )
    def test_only_the_final_has_an_outcome(self, mentoring, fields):
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            record(mentoring.active, mentoring.member_a, Level.MENTOR_MONTHLY, **fields)
        assert "outcome" in refused.value.message_dict
        assert counts() == rows

    def test_a_final_must_say_whether_the_apprentice_passed(self, mentoring):
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            record(mentoring.active, mentoring.org.official_a, Level.FINAL, outcome="")
        assert "outcome" in refused.value.message_dict
        assert counts() == rows

    def test_a_passed_final_must_name_the_level_reached(self, mentoring):
        before, rows = snapshot(mentoring.active), counts()
        with pytest.raises(ValidationError) as refused:
            record(mentoring.active, mentoring.org.official_a, Level.FINAL, outcome=Outcome.PASSED)
        assert "skill_level_reached" in refused.value.message_dict
        assert snapshot(mentoring.active) == before
        assert counts() == rows

    def test_an_unknown_level_reached_is_400(self, mentoring):
        before, rows = snapshot(mentoring.active), counts()
        with pytest.raises(ValidationError):
            record(
                mentoring.active,
                mentoring.org.official_a,
                Level.FINAL,
                outcome=Outcome.PASSED,
                skill_level_reached="grandmaster",
            )
        assert snapshot(mentoring.active) == before
        assert counts() == rows

    @pytest.mark.parametrize("score", [101, -1])
    def test_scores_lie_between_0_and_100(self, mentoring, score):
        with pytest.raises(ValidationError) as refused:
            record(mentoring.active, mentoring.member_a, Level.MENTOR_MONTHLY, theory=score)
        assert "theory" in refused.value.message_dict
        assert not Evaluation.objects.exists()

    @pytest.mark.parametrize("days", [-1, 11], ids=["tomorrow", "before the term"])
    def test_the_evaluation_date_lies_within_the_term_so_far(self, mentoring, days):
        with pytest.raises(ValidationError) as refused:
            record(
                mentoring.active, mentoring.org.official_a, Level.FINAL, evaluated_on=days_ago(days)
            )
        assert "evaluated_on" in refused.value.message_dict
        assert not Evaluation.objects.exists()

    def test_an_unknown_level_is_400(self, mentoring):
        with pytest.raises(ValidationError) as refused:
            evaluate(mentoring.active, mentoring.org.official_a, "weekly", period="2026-10")
        assert "level" in refused.value.message_dict


class TestFinalAppraisal:
    def test_not_passed_keeps_the_pairing_active_and_may_be_retaken(self, mentoring):
        pairing, official = mentoring.active, mentoring.org.official_a
        first = record(pairing, official, Level.FINAL, outcome=Outcome.NOT_PASSED)
        assert (first.outcome, first.skill_level_reached, first.skill_change) == (
            Outcome.NOT_PASSED,
            "",
            None,
        )
        assert snapshot(pairing)["status"] == Status.ACTIVE
        assert not SkillLevelChange.objects.exists()
        # a retake the same day is allowed and may pass
        final_passed(pairing, official)
        assert snapshot(pairing)["status"] == Status.COMPLETED
        assert list(pairing.evaluations.values_list("outcome", flat=True)) == [
            Outcome.NOT_PASSED,
            Outcome.PASSED,
        ]

    def test_a_level_named_on_a_failed_final_is_dropped(self, mentoring):
        evaluation = record(
            mentoring.active,
            mentoring.org.official_a,
            Level.FINAL,
            outcome=Outcome.NOT_PASSED,
            skill_level_reached=SkillLevel.SENIOR,
        )
        assert evaluation.skill_level_reached == ""
        mentoring.apprentice_a.refresh_from_db()
        assert mentoring.apprentice_a.skill_level == SkillLevel.JUNIOR

    def test_passed_completes_the_pairing_and_raises_the_level_once(self, mentoring):
        # given the active pairing of a junior worker
        pairing, official = mentoring.active, mentoring.org.official_a
        # when an official records a passed final on an earlier day
        evaluation = record(
            pairing,
            official,
            Level.FINAL,
            outcome=Outcome.PASSED,
            skill_level_reached=SkillLevel.INTERMEDIATE,
            evaluated_on=days_ago(2),
        )
        # then the pairing completed that day
        pairing.refresh_from_db()
        assert (pairing.status, pairing.ended_on) == (Status.COMPLETED, days_ago(2))
        # and the apprentice rose one level, with one history row tied to the appraisal
        apprentice = mentoring.apprentice_a
        apprentice.refresh_from_db()
        assert apprentice.skill_level == SkillLevel.INTERMEDIATE
        (change,) = SkillLevelChange.objects.all()
        assert (change.person, change.from_level, change.to_level) == (
            apprentice,
            SkillLevel.JUNIOR,
            SkillLevel.INTERMEDIATE,
        )
        assert (change.changed_on, change.recorded_by) == (days_ago(2), official)
        evaluation.refresh_from_db()
        assert evaluation.skill_change == change

    def test_a_second_passed_final_is_409_and_raises_nothing_more(self, mentoring):
        pairing, official = mentoring.active, mentoring.org.official_a
        final_passed(pairing, official, level=SkillLevel.INTERMEDIATE)
        before, rows = snapshot(pairing), counts()
        # when the same form is submitted again (with a higher level, even)
        with pytest.raises(Conflict):
            final_passed(pairing, official, level=SkillLevel.SENIOR)
        with pytest.raises(Conflict):
            final_passed(pairing, mentoring.org.group_official, level=SkillLevel.INTERMEDIATE)
        # then there is still one passed final, one change and the level rose once
        assert snapshot(pairing) == before
        assert counts() == rows
        assert pairing.evaluations.filter(outcome=Outcome.PASSED).count() == 1
        assert SkillLevelChange.objects.filter(person=mentoring.apprentice_a).count() == 1
        mentoring.apprentice_a.refresh_from_db()
        assert mentoring.apprentice_a.skill_level == SkillLevel.INTERMEDIATE

    @pytest.mark.parametrize(
        ("held", "reached"),
        [
            (SkillLevel.JUNIOR, SkillLevel.JUNIOR),
            (SkillLevel.SENIOR, SkillLevel.INTERMEDIATE),
        ],
        ids=["same level", "lower level"],
    )
    def test_a_level_at_or_below_the_one_held_changes_nothing(self, mentoring, held, reached):
        # given an apprentice who already holds `held`
        apprentice = apprentice_in(mentoring, level=held)
        pairing = mentoring.pair(mentoring.lead_a, mentoring.member_a, apprentice, mentoring.dust)
        # when they pass with `reached`
        evaluation = final_passed(pairing, mentoring.org.official_a, level=reached)
        # then the pairing completes but their level stays and no history row is written
        assert snapshot(pairing)["status"] == Status.COMPLETED
        apprentice.refresh_from_db()
        assert apprentice.skill_level == held
        assert not SkillLevelChange.objects.exists()
        evaluation.refresh_from_db()
        assert (evaluation.skill_level_reached, evaluation.skill_change) == (reached, None)

    def test_an_apprentice_with_no_level_yet_rises_to_the_first(self, mentoring):
        apprentice = apprentice_in(mentoring, level="")
        pairing = mentoring.pair(mentoring.lead_a, mentoring.member_a, apprentice, mentoring.dust)
        final_passed(pairing, mentoring.org.official_a, level=SkillLevel.JUNIOR)
        (change,) = SkillLevelChange.objects.all()
        assert (change.from_level, change.to_level) == ("", SkillLevel.JUNIOR)

    def test_a_completed_pairing_takes_no_more_evaluations(self, mentoring):
        final_passed(mentoring.active, mentoring.org.official_a)
        rows = counts()
        with pytest.raises(Conflict):
            record(mentoring.active, mentoring.member_a, Level.MENTOR_MONTHLY)
        assert counts() == rows
