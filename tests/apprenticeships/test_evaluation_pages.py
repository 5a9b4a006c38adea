"""Apprenticeship pages for evaluations."""

import datetime

import pytest

from accounts.models import SkillLevel
from apprenticeships import services
from apprenticeships.models import Evaluation, Pairing, PairingEvent
from tests.apprenticeships.conftest import SCORES
from tests.apprenticeships.pages import NOT_PLANNERS, form_error, iso, person, today, url, zh
from tests.factories import PersonFactory
from tests.page_html import error_beside, page_form

pytestmark = pytest.mark.django_db

Status = Pairing.Status

Level = Evaluation.Level


# --- Evaluations --------------------------------------------------------------------


@pytest.fixture
def long_running(mentoring):
    """member_a and a third apprentice, started 200 days ago: every period of
    the last months and this quarter lies within the term."""
    apprentice = PersonFactory(
        employee_no="apprentice_long",
        org_unit=mentoring.org.team_a101,
        skill_level=SkillLevel.JUNIOR,
    )
    return mentoring.pair(
        mentoring.lead_a, mentoring.member_a, apprentice, mentoring.dust, started=200
    )


def this_month() -> str:
    return today().strftime("%Y-%m")


def this_quarter() -> str:
    return f"{today().year}-Q{(today().month - 1) // 3 + 1}"


def evaluation_data(level, period="", **overrides) -> dict:
    return {
        "level": level,
        "period": period,
        "evaluated_on": "",
        "comment": "",
        **SCORES,
        **overrides,
    }


class TestEvaluations:
    @pytest.mark.parametrize(
        ("role", "level", "period"),
        [
            ("mentor", Level.MENTOR_MONTHLY, this_month),
            ("lead", Level.DEPARTMENT_QUARTERLY, this_quarter),
            ("official", Level.DEPARTMENT_QUARTERLY, this_quarter),
            ("official", Level.UNIT_YEARLY, lambda: str(today().year)),
        ],
    )
    def test_each_level_by_its_evaluator(
        self, as_person, mentoring, long_running, role, level, period
    ):
        by = person(mentoring, role)
        page = url("evaluation-create", long_running.pk)
        client = as_person(by)
        response = client.get(page, {"level": level})
        assert response.status_code == 200
        assert response.context["form"].initial["level"] == level

        data = evaluation_data(level, period(), comment="进步明显")
        response = client.post(page, data, follow=True)

        assert response.redirect_chain == [
            (url("pairing-detail", long_running.pk) + "#evaluations", 302)
        ]
        html = response.content.decode()
        assert zh("The evaluation has been recorded.") in html
        assert 'data-testid="evaluation"' in html
        evaluation = Evaluation.objects.get(pairing=long_running)
        assert (evaluation.level, evaluation.period, evaluation.evaluator) == (level, period(), by)
        assert (evaluation.evaluated_on, evaluation.theory) == (today(), SCORES["theory"])

    def test_a_passed_final_appraisal_completes_the_pairing(
        self, as_person, mentoring, long_running
    ):
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(
            Level.FINAL, outcome="passed", skill_level_reached=SkillLevel.INTERMEDIATE
        )

        response = as_person(mentoring.org.official_a).post(page, data, follow=True)

        assert zh("The evaluation has been recorded.") in response.content.decode()
        long_running.refresh_from_db()
        assert (long_running.status, long_running.ended_on) == (Status.COMPLETED, today())
        evaluation = Evaluation.objects.get(pairing=long_running)
        assert (evaluation.outcome, evaluation.period) == ("passed", iso(today()))
        long_running.apprentice.refresh_from_db()
        assert long_running.apprentice.skill_level == SkillLevel.INTERMEDIATE

    @pytest.mark.parametrize(("role", "status"), NOT_PLANNERS)
    def test_others_may_not_evaluate(self, as_person, mentoring, role, status):
        page = url("evaluation-create", mentoring.active.pk)
        client = as_person(person(mentoring, role))
        assert client.get(page, {"level": Level.MENTOR_MONTHLY}).status_code == status
        data = evaluation_data(Level.MENTOR_MONTHLY, this_month())
        assert client.post(page, data).status_code == status
        assert not Evaluation.objects.exists()

    def test_a_proposed_pairing_is_not_evaluated(self, as_person, mentoring):
        page = url("evaluation-create", mentoring.proposed.pk)
        client = as_person(mentoring.org.official_a)
        response = client.get(page, follow=True)
        assert response.redirect_chain[-1][0].startswith(
            url("pairing-detail", mentoring.proposed.pk)
        )
        assert zh("Only an active pairing is evaluated.") in response.content.decode()
        assert response.context["evaluation_levels"] == []
        data = evaluation_data(Level.UNIT_YEARLY)
        assert client.post(page, data).status_code == 302
        assert not Evaluation.objects.exists()

    def test_the_mentor_may_not_record_the_final_appraisal(
        self, as_person, mentoring, long_running
    ):
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(Level.FINAL, outcome="passed", skill_level_reached="senior")
        response = as_person(mentoring.member_a).post(page, data)
        assert response.status_code == 400
        assert "level" in response.context["form"].errors
        assert not Evaluation.objects.exists()
        long_running.refresh_from_db()
        assert long_running.status == Status.ACTIVE

    def test_a_malformed_period_is_refused(self, as_person, mentoring, long_running):
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(Level.MENTOR_MONTHLY, today().strftime("%Y/%m"))
        response = as_person(mentoring.member_a).post(page, data)
        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "period",
            zh("Write the period like %(example)s.", example="2026-10"),
        )
        assert not Evaluation.objects.exists()

    def test_a_period_evaluated_before_is_refused(self, as_person, mentoring, long_running):
        services.evaluation_record(
            pairing_id=long_running.pk,
            by=mentoring.member_a,
            level=Level.MENTOR_MONTHLY,
            period=this_month(),
            **SCORES,
        )
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(Level.MENTOR_MONTHLY, this_month(), theory=95)

        response = as_person(mentoring.member_a).post(page, data)

        assert response.status_code == 400
        form_error(
            page_form(response.content.decode()),
            zh("This period has already been evaluated at this level."),
        )
        assert list(Evaluation.objects.values_list("theory", flat=True)) == [SCORES["theory"]]

    def test_a_passed_final_without_the_level_reached_is_refused(
        self, as_person, mentoring, long_running
    ):
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(Level.FINAL, outcome="passed", skill_level_reached="")

        response = as_person(mentoring.org.official_a).post(page, data)

        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "skill_level_reached",
            zh("Say which skill level was reached."),
        )
        assert not Evaluation.objects.exists()
        long_running.refresh_from_db()
        assert long_running.status == Status.ACTIVE
        assert PairingEvent.objects.filter(pairing=long_running, to_state="completed").count() == 0

    def test_the_month_a_term_began_in_is_evaluated(self, as_person, mentoring):
        first = today().replace(day=1)
        previous = (first - datetime.timedelta(days=1)).replace(day=15)
        apprentice = PersonFactory(org_unit=mentoring.org.team_a101)
        pairing = mentoring.pair(
            mentoring.lead_a,
            mentoring.member_a,
            apprentice,
            mentoring.dust,
            started=(today() - previous).days,
        )
        data = evaluation_data(Level.MENTOR_MONTHLY, previous.strftime("%Y-%m"))
        response = as_person(mentoring.member_a).post(url("evaluation-create", pairing.pk), data)
        assert response.status_code == 302
        assert Evaluation.objects.filter(pairing=pairing).count() == 1

    def test_the_quarter_a_term_began_in_is_evaluated(self, as_person, mentoring):
        quarter_start = datetime.date(today().year, 3 * ((today().month - 1) // 3) + 1, 1)
        previous_start = (quarter_start - datetime.timedelta(days=1)).replace(day=1)
        previous_start = previous_start.replace(month=previous_start.month - 2)
        began = previous_start + datetime.timedelta(days=40)  # in the quarter's second month
        period = f"{previous_start.year}-Q{(previous_start.month - 1) // 3 + 1}"
        apprentice = PersonFactory(org_unit=mentoring.org.team_a101)
        pairing = mentoring.pair(
            mentoring.lead_a,
            mentoring.member_a,
            apprentice,
            mentoring.dust,
            started=(today() - began).days,
        )
        data = evaluation_data(Level.DEPARTMENT_QUARTERLY, period)
        response = as_person(mentoring.lead_a).post(url("evaluation-create", pairing.pk), data)
        assert response.status_code == 302, response.context["form"].errors
        assert Evaluation.objects.filter(pairing=pairing, period=period).count() == 1

    def test_a_score_above_100_is_refused(self, as_person, mentoring, long_running):
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(Level.MENTOR_MONTHLY, this_month(), practice=101)
        response = as_person(mentoring.member_a).post(page, data)
        assert response.status_code == 400
        assert "practice" in response.context["form"].errors
        assert not Evaluation.objects.exists()
