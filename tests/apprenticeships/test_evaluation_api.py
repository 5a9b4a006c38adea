"""The apprenticeships API for evaluations and the final appraisal."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import SkillLevel, SkillLevelChange, User
from apprenticeships import services
from apprenticeships.models import Evaluation, Pairing
from tests.api_answers import field_errors, refused, url
from tests.apprenticeships.api import DAY, EVALUATIONS, PAIRINGS, new_apprentice, sign_in
from tests.apprenticeships.conftest import SCORES
from tests.roles import person

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"

Level = Evaluation.Level


def quarter_start(day: datetime.date) -> datetime.date:
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def quarter_label(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


# --- Evaluations --------------------------------------------------------------------


def evaluation_body(pairing, level, **overrides) -> dict:
    return {"pairing_id": pairing.pk, "level": level, **SCORES, "comment": "良好", **overrides}


@pytest.fixture
def this_quarter(mentoring):
    """A pairing of `member_a` that began on the first day of this quarter, so
    this quarter may be evaluated."""
    m = mentoring
    started = (timezone.localdate() - quarter_start(timezone.localdate())).days
    pairing = m.pair(m.lead_a, m.member_a, new_apprentice(m), m.dust, started=started)
    return SimpleNamespace(**vars(m), pairing=pairing)


class TestEvaluations:
    @pytest.mark.parametrize(
        ("role", "level", "period"),
        [
            ("member_a", Level.MENTOR_MONTHLY, "MONTH"),
            ("lead_a", Level.DEPARTMENT_QUARTERLY, "QUARTER"),
            ("official_a", Level.DEPARTMENT_QUARTERLY, "QUARTER"),
            ("official_a", Level.UNIT_YEARLY, "YEAR"),
            ("group_official", Level.UNIT_YEARLY, "YEAR"),
        ],
    )
    def test_each_level_by_those_who_give_it(self, api, this_quarter, role, level, period):
        m = this_quarter
        period = {
            "MONTH": this_month(),
            "QUARTER": quarter_label(timezone.localdate()),
            "YEAR": str(timezone.localdate().year),
        }[period]
        response = sign_in(api, m, role).post(
            EVALUATIONS, evaluation_body(m.pairing, level, period=period), format="json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["level"], body["period"], body["evaluator"]["id"]) == (
            level,
            period,
            person(m, role).pk,
        )
        assert (body["evaluated_on"], body["average"], body["outcome"]) == (
            timezone.localdate().isoformat(),
            "82.6",
            "",
        )
        assert Evaluation.objects.get(pk=body["id"]).pairing == m.pairing
        assert Pairing.objects.get(pk=m.pairing.pk).status == "active"

    @pytest.mark.parametrize(
        ("role", "level"),
        [
            ("lead_a", Level.MENTOR_MONTHLY),
            ("official_a", Level.MENTOR_MONTHLY),
            ("apprentice_a", Level.MENTOR_MONTHLY),
            ("member_a", Level.DEPARTMENT_QUARTERLY),
            ("apprentice_a", Level.DEPARTMENT_QUARTERLY),
            ("member_a", Level.UNIT_YEARLY),
            ("lead_a", Level.UNIT_YEARLY),
            ("member_a", Level.FINAL),
            ("lead_a", Level.FINAL),
            ("apprentice_a", Level.FINAL),
        ],
    )
    def test_a_level_one_may_not_give_is_403(self, api, mentoring, role, level):
        m = mentoring
        period = {
            Level.MENTOR_MONTHLY: this_month(),
            Level.DEPARTMENT_QUARTERLY: quarter_label(timezone.localdate()),
            Level.UNIT_YEARLY: str(timezone.localdate().year),
            Level.FINAL: "",
        }[level]
        extra = {"outcome": "passed", "skill_level_reached": "senior"} if level == "final" else {}
        response = sign_in(api, m, role).post(
            EVALUATIONS, evaluation_body(m.active, level, period=period, **extra), format="json"
        )
        refused(response, 403)
        assert not Evaluation.objects.exists()
        assert Pairing.objects.get(pk=m.active.pk).status == "active"

    @pytest.mark.parametrize("role", ["official_b", "worker_a", "apprentice_a2"])
    def test_pairing_outside_scope_is_400_on_pairing_id(self, api, mentoring, role):
        m = mentoring
        body = evaluation_body(
            m.active, Level.FINAL, outcome="passed", skill_level_reached="senior"
        )
        response = sign_in(api, m, role).post(EVALUATIONS, body, format="json")
        assert set(field_errors(response)) == {"pairing_id"}
        assert not Evaluation.objects.exists()

    @pytest.mark.parametrize(
        ("level", "overrides", "field"),
        [
            (Level.MENTOR_MONTHLY, {"period": "2026/10"}, "period"),
            (Level.MENTOR_MONTHLY, {"period": "NEXT_MONTH"}, "period"),
            (Level.MENTOR_MONTHLY, {"theory": 101}, "theory"),
            (Level.MENTOR_MONTHLY, {"safety": -1}, "safety"),
            (Level.MENTOR_MONTHLY, {"outcome": "passed"}, "outcome"),
            (Level.FINAL, {}, "outcome"),
            (Level.FINAL, {"outcome": "passed"}, "skill_level_reached"),
            (
                Level.FINAL,
                {"outcome": "passed", "skill_level_reached": "guru"},
                "skill_level_reached",
            ),
        ],
    )
    def test_invalid_evaluations_are_400_and_not_saved(
        self, api, mentoring, level, overrides, field
    ):
        m = mentoring
        if overrides.get("period") == "NEXT_MONTH":
            next_month = (timezone.localdate().replace(day=28) + 5 * DAY).strftime("%Y-%m")
            overrides = {**overrides, "period": next_month}
        body = evaluation_body(m.active, level, **{"period": this_month(), **overrides})
        role = "member_a" if level == Level.MENTOR_MONTHLY else "official_a"
        assert field in field_errors(sign_in(api, m, role).post(EVALUATIONS, body, format="json"))
        assert not Evaluation.objects.exists()
        assert Pairing.objects.get(pk=m.active.pk).status == "active"

    def test_same_month_twice_is_refused_and_saved_once(self, api, mentoring):
        m = mentoring
        body = evaluation_body(m.active, Level.MENTOR_MONTHLY, period=this_month())
        sign_in(api, m, "member_a")
        assert api.post(EVALUATIONS, body, format="json").status_code == 201
        response = api.post(EVALUATIONS, body, format="json")
        assert response.status_code in (400, 409), response.content
        assert Evaluation.objects.count() == 1

    def test_same_month_twice_is_409(self, api, mentoring):
        m = mentoring
        body = evaluation_body(m.active, Level.MENTOR_MONTHLY, period=this_month())
        sign_in(api, m, "member_a")
        assert api.post(EVALUATIONS, body, format="json").status_code == 201
        refused(api.post(EVALUATIONS, body, format="json"), 409)

    def test_the_quarter_in_which_the_term_began_may_be_evaluated(self, api, mentoring):
        # once refused: the quarter's first day was compared with the first day
        # of the month the term began in (found by this test)
        m = mentoring
        previous_quarter = quarter_start(quarter_start(timezone.localdate()) - DAY)
        began = previous_quarter + 40 * DAY  # in the quarter's second month
        started = (timezone.localdate() - began).days
        pairing = m.pair(m.lead_a, m.member_a, new_apprentice(m), m.dust, started=started)
        body = evaluation_body(
            pairing, Level.DEPARTMENT_QUARTERLY, period=quarter_label(previous_quarter)
        )
        response = sign_in(api, m, "lead_a").post(EVALUATIONS, body, format="json")
        assert response.status_code == 201, response.content

    @pytest.mark.parametrize("state", ["proposed", "terminated"])
    def test_only_an_active_pairing_is_evaluated_409(self, api, mentoring, state):
        m = mentoring
        if state == "terminated":
            services.pairing_terminate(pairing_id=m.proposed.pk, by=m.lead_a, reason="调岗")
        body = evaluation_body(m.proposed, Level.UNIT_YEARLY, period=str(timezone.localdate().year))
        refused(sign_in(api, m, "official_a").post(EVALUATIONS, body, format="json"), 409)
        assert not Evaluation.objects.exists()

    def test_evaluations_are_never_edited_or_deleted_405(self, api, mentoring):
        m = mentoring
        evaluation = services.evaluation_record(
            pairing_id=m.active.pk,
            by=m.member_a,
            level=Level.MENTOR_MONTHLY,
            period=this_month(),
            **SCORES,
        )
        for role in ("member_a", "official_a", "admin"):
            sign_in(api, m, role)
            refused(api.patch(url(EVALUATIONS, evaluation), {"theory": 100}, format="json"), 405)
            refused(api.put(url(EVALUATIONS, evaluation), {"theory": 100}, format="json"), 405)
            refused(api.delete(url(EVALUATIONS, evaluation)), 405)
        assert Evaluation.objects.get(pk=evaluation.pk).theory == SCORES["theory"]


class TestFinalAppraisal:
    def final(self, pairing, outcome="passed", level=SkillLevel.INTERMEDIATE):
        extra = {"skill_level_reached": level} if outcome == "passed" else {}
        return evaluation_body(pairing, Level.FINAL, outcome=outcome, **extra)

    def test_passed_final_completes_the_pairing_and_raises_the_level(self, api, mentoring):
        m = mentoring
        assert m.apprentice_a.skill_level == SkillLevel.JUNIOR
        sign_in(api, m, "official_a")
        response = api.post(EVALUATIONS, self.final(m.active), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["level"], body["outcome"], body["skill_level_reached"]) == (
            "final",
            "passed",
            "intermediate",
        )
        assert body["period"] == timezone.localdate().isoformat()

        pairing = api.get(url(PAIRINGS, m.active)).json()
        assert (pairing["status"], pairing["ended_on"]) == (
            "completed",
            timezone.localdate().isoformat(),
        )
        assert pairing["at_risk"] is False
        person_body = api.get(url(PEOPLE, m.apprentice_a)).json()
        assert person_body["skill_level"] == "intermediate"
        change = SkillLevelChange.objects.get(person=m.apprentice_a)
        assert (change.from_level, change.to_level, change.recorded_by) == (
            "junior",
            "intermediate",
            m.org.official_a,
        )
        assert Evaluation.objects.get(pk=body["id"]).skill_change == change
        last = Pairing.objects.get(pk=m.active.pk).events.order_by("at", "id").last()
        assert (last.from_state, last.to_state, last.actor) == (
            "active",
            "completed",
            m.org.official_a,
        )

    def test_second_final_is_refused_and_the_level_rises_once(self, api, mentoring):
        m = mentoring
        sign_in(api, m, "official_a")
        assert api.post(EVALUATIONS, self.final(m.active), format="json").status_code == 201
        for outcome, level in (("passed", SkillLevel.SENIOR), ("not_passed", None)):
            response = api.post(
                EVALUATIONS, self.final(m.active, outcome, level or ""), format="json"
            )
            assert response.status_code in (400, 409), response.content
        assert Evaluation.objects.filter(level="final").count() == 1
        assert SkillLevelChange.objects.filter(person=m.apprentice_a).count() == 1
        assert User.objects.get(pk=m.apprentice_a.pk).skill_level == "intermediate"
        assert api.get(url(PEOPLE, m.apprentice_a)).json()["skill_level"] == "intermediate"

    def test_second_passed_final_is_409(self, api, mentoring):
        m = mentoring
        sign_in(api, m, "official_a")
        assert api.post(EVALUATIONS, self.final(m.active), format="json").status_code == 201
        response = api.post(EVALUATIONS, self.final(m.active, level="senior"), format="json")
        refused(response, 409)

    def test_a_final_not_passed_may_be_retaken(self, api, mentoring):
        m = mentoring
        sign_in(api, m, "official_a")
        response = api.post(EVALUATIONS, self.final(m.active, "not_passed"), format="json")
        assert response.status_code == 201, response.content
        assert response.json()["skill_level_reached"] == ""
        assert Pairing.objects.get(pk=m.active.pk).status == "active"
        assert User.objects.get(pk=m.apprentice_a.pk).skill_level == "junior"
        response = api.post(EVALUATIONS, self.final(m.active), format="json")
        assert response.status_code == 201, response.content
        assert Pairing.objects.get(pk=m.active.pk).status == "completed"
        assert User.objects.get(pk=m.apprentice_a.pk).skill_level == "intermediate"

    def test_a_level_at_or_below_the_current_one_is_kept(self, api, mentoring):
        m = mentoring
        User.objects.filter(pk=m.apprentice_a.pk).update(skill_level=SkillLevel.SENIOR)
        sign_in(api, m, "official_a")
        response = api.post(EVALUATIONS, self.final(m.active), format="json")
        assert response.status_code == 201, response.content
        assert Pairing.objects.get(pk=m.active.pk).status == "completed"
        assert User.objects.get(pk=m.apprentice_a.pk).skill_level == "senior"
        assert not SkillLevelChange.objects.exists()
