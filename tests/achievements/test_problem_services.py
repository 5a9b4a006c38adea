"""The problem services: creation and the status machine."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from achievements import services
from achievements.models import TechnicalProblem
from core.exceptions import Conflict
from tests.achievements.services import SOLVED, STARTED, P, new_problem, problem_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


# --- Problems -----------------------------------------------------------------------


class TestProblemCreate:
    @pytest.mark.parametrize("status", [P.OPEN, P.IN_PROGRESS])
    def test_lead_announces_an_open_or_running_problem(self, studios, status):
        problem = new_problem(studios, status=status, team=[studios.member_a])
        assert problem.status == status
        assert problem.solved_on is None
        assert list(problem.team.all()) == [studios.member_a]
        assert problem.created_by == studios.lead_a
        event = problem.events.get()
        assert (event.from_state, event.to_state, event.actor) == ("", status, studios.lead_a)

    def test_lead_logs_a_solved_problem_with_its_date(self, studios):
        problem = new_problem(
            studios, status=P.SOLVED, solved_on=SOLVED, realised_benefit=Decimal("120000")
        )
        problem.refresh_from_db()
        assert (problem.status, problem.solved_on) == (P.SOLVED, SOLVED)
        assert problem.realised_benefit == Decimal("120000")

    def test_solved_problem_without_date_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            new_problem(studios, status=P.SOLVED)
        assert "solved_on" in refused.value.message_dict
        assert not TechnicalProblem.objects.exists()

    def test_open_problem_with_solving_date_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            new_problem(studios, status=P.OPEN, solved_on=SOLVED)
        assert "solved_on" in refused.value.message_dict

    def test_solved_before_started_is_400(self, studios):
        with pytest.raises(ValidationError):
            new_problem(studios, status=P.SOLVED, started_on=SOLVED, solved_on=STARTED)
        assert not TechnicalProblem.objects.exists()

    def test_new_problem_cannot_start_shelved(self, studios):
        with pytest.raises(ValidationError) as refused:
            new_problem(studios, status=P.SHELVED)
        assert "status" in refused.value.message_dict

    def test_team_person_outside_scope_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            new_problem(studios, team=[studios.member_a, studios.org.worker_b])
        assert "team" in refused.value.message_dict
        assert not TechnicalProblem.objects.exists()

    def test_core_member_cannot_log_unless_the_studio_allows(self, studios):
        with pytest.raises(PermissionDenied):
            new_problem(studios, by=studios.member_a)
        assert not TechnicalProblem.objects.exists()

    def test_core_member_logs_when_the_studio_allows(self, studios):
        studios.dust.core_members_edit_records = True
        studios.dust.save(update_fields=["core_members_edit_records"])
        problem = new_problem(studios, by=studios.member_a)
        assert problem.created_by == studios.member_a

    def test_official_over_the_studio_logs(self, studios):
        assert new_problem(studios, by=studios.org.official_a).studio == studios.dust

    @pytest.mark.parametrize("outsider", ["worker_b", "official_b", "worker_a"])
    def test_outsider_gets_404(self, studios, outsider):
        with pytest.raises(Http404):
            new_problem(studios, by=getattr(studios.org, outsider))
        assert not TechnicalProblem.objects.exists()


class TestProblemStatusMachine:
    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (P.OPEN, P.IN_PROGRESS),
            (P.OPEN, P.SHELVED),
            (P.IN_PROGRESS, P.SOLVED),
            (P.IN_PROGRESS, P.SHELVED),
            (P.SHELVED, P.IN_PROGRESS),  # resumed
        ],
    )
    def test_legal_moves_write_an_event(self, studios, start, target):
        problem = problem_in(studios, start)
        events_before = problem.events.count()
        moved = services.problem_change_status(
            problem_id=problem.pk, by=studios.lead_a, status=target, note="组会决定"
        )
        moved.refresh_from_db()
        assert moved.status == target
        assert moved.events.count() == events_before + 1
        event = moved.events.last()
        assert (event.from_state, event.to_state, event.actor, event.note) == (
            start,
            target,
            studios.lead_a,
            "组会决定",
        )

    def test_solving_sets_the_date_and_realised_benefit(self, studios):
        problem = problem_in(studios, P.IN_PROGRESS)
        services.problem_change_status(
            problem_id=problem.pk,
            by=studios.lead_a,
            status=P.SOLVED,
            solved_on=SOLVED,
            realised_benefit=Decimal("50000"),
        )
        problem.refresh_from_db()
        assert (problem.status, problem.solved_on) == (P.SOLVED, SOLVED)
        assert problem.realised_benefit == Decimal("50000")

    def test_solving_dated_before_the_start_is_400_and_changes_nothing(self, studios):
        problem = problem_in(studios, P.IN_PROGRESS)
        with pytest.raises(ValidationError):
            services.problem_change_status(
                problem_id=problem.pk,
                by=studios.lead_a,
                status=P.SOLVED,
                solved_on=STARTED - datetime.timedelta(days=1),
            )
        problem.refresh_from_db()
        assert (problem.status, problem.solved_on, problem.events.count()) == (
            P.IN_PROGRESS,
            None,
            1,
        )

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (P.OPEN, P.OPEN),
            (P.OPEN, P.SOLVED),
            (P.IN_PROGRESS, P.OPEN),
            (P.IN_PROGRESS, P.IN_PROGRESS),
            (P.SOLVED, P.OPEN),
            (P.SOLVED, P.IN_PROGRESS),
            (P.SOLVED, P.SOLVED),
            (P.SOLVED, P.SHELVED),
            (P.SHELVED, P.OPEN),
            (P.SHELVED, P.SOLVED),
            (P.SHELVED, P.SHELVED),
        ],
    )
    def test_illegal_moves_are_409_and_change_nothing(self, studios, start, target):
        problem = problem_in(studios, start)
        problem.refresh_from_db()
        before = (problem.status, problem.solved_on, problem.events.count())
        with pytest.raises(Conflict):
            services.problem_change_status(
                problem_id=problem.pk, by=studios.lead_a, status=target, solved_on=SOLVED
            )
        problem.refresh_from_db()
        assert (problem.status, problem.solved_on, problem.events.count()) == before

    def test_unknown_status_is_400(self, studios):
        problem = problem_in(studios, P.OPEN)
        with pytest.raises(ValidationError):
            services.problem_change_status(problem_id=problem.pk, by=studios.lead_a, status="x")

    def test_member_without_permission_cannot_move_403(self, studios):
        problem = problem_in(studios, P.OPEN)
        with pytest.raises(PermissionDenied):
            services.problem_change_status(
                problem_id=problem.pk, by=studios.member_a, status=P.IN_PROGRESS
            )

    def test_outsider_reading_the_announcement_cannot_move_it_403(self, studios):
        problem = problem_in(studios, P.OPEN)
        with pytest.raises(PermissionDenied):
            services.problem_change_status(
                problem_id=problem.pk, by=studios.org.worker_b, status=P.IN_PROGRESS
            )
        problem.refresh_from_db()
        assert problem.status == P.OPEN


class TestTeamKeptOnUpdate:
    """The group official names worker_b of company B in a dust problem's
    team; the studio's lead (company A) cannot see them. Whoever is already in
    the team stays through the lead's edits; only someone newly named must be
    someone the lead may see (docs/access.md)."""

    @pytest.fixture
    def problem(self, studios):
        team = [studios.member_a, studios.org.worker_b]
        return new_problem(studios, by=studios.org.group_official, team=team)

    def test_the_lead_edits_the_title_and_the_team_stays(self, studios, problem):
        team = [studios.member_a, studios.org.worker_b]
        services.problem_update(problem_id=problem.pk, by=studios.lead_a, title="改名", team=team)
        problem.refresh_from_db()
        assert problem.title == "改名"
        assert set(problem.team.all()) == set(team)

    def test_the_lead_may_take_someone_they_cannot_see_off_the_team(self, studios, problem):
        services.problem_update(problem_id=problem.pk, by=studios.lead_a, team=[studios.member_a])
        assert list(problem.team.all()) == [studios.member_a]

    def test_someone_new_the_lead_cannot_see_is_still_refused(self, studios, problem):
        newcomer = PersonFactory(org_unit=studios.org.team_b101)
        with pytest.raises(ValidationError) as refused:
            services.problem_update(
                problem_id=problem.pk,
                by=studios.lead_a,
                title="改名",
                team=[studios.member_a, studios.org.worker_b, newcomer],
            )
        assert refused.value.message_dict == {
            "team": [f"以下人员不在您的范围内：{newcomer.full_name}。"]
        }
        problem.refresh_from_db()
        assert problem.title == "综采面粉尘浓度超标"
        assert set(problem.team.all()) == {studios.member_a, studios.org.worker_b}
