"""Achievement services: problems, achievements and their verified benefit,
adoptions, patents and conferences, with the rights checked inside them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from achievements import services
from achievements.models import (
    Achievement,
    Adoption,
    Contributor,
    Inventor,
    Patent,
    PromotionConference,
    TechnicalProblem,
)
from achievements.patent_numbers import check_digit
from core.exceptions import Conflict

pytestmark = pytest.mark.django_db

P = TechnicalProblem.Status
PS = Patent.Status
GROUP = Achievement.Promotion.GROUP
STARTED = datetime.date(2024, 1, 10)
SOLVED = datetime.date(2024, 6, 30)
FILED = datetime.date(2021, 3, 1)  # the year in the application numbers


# --- Helpers ------------------------------------------------------------------------


def new_problem(studios, *, by=None, studio=None, **fields):
    fields.setdefault("started_on", STARTED)
    return services.problem_create(
        by=by or studios.lead_a,
        studio=studio or studios.dust,
        title="综采面粉尘浓度超标",
        category=TechnicalProblem.Category.DUST_CONTROL,
        **fields,
    )


def problem_in(studios, status):
    """A dust-studio problem brought to `status` (shelved through a legal move)."""
    if status == P.SOLVED:
        return new_problem(studios, status=P.SOLVED, solved_on=SOLVED)
    if status == P.SHELVED:
        problem = new_problem(studios)
        return services.problem_change_status(
            problem_id=problem.pk, by=studios.lead_a, status=P.SHELVED
        )
    return new_problem(studios, status=status)


def new_achievement(studios, *, by=None, studio=None, contributors=None, **fields):
    return services.achievement_create(
        by=by or studios.lead_a,
        studio=studio or studios.dust,
        title="喷雾降尘装置",
        kind=Achievement.Kind.EQUIPMENT_MODIFICATION,
        completed_on=datetime.date(2024, 7, 1),
        contributors=contributors or [(studios.lead_a, Decimal(100))],
        **fields,
    )


def verified(studios, achievement, benefit=Decimal("80000")):
    return services.achievement_verify_benefit(
        achievement_id=achievement.pk,
        by=studios.org.official_a,
        verified_benefit=benefit,
        evidence="财务部确认函 2024-08",
    )


def number(twelve_digits: str) -> str:
    return f"CN{twelve_digits}.{check_digit(twelve_digits)}"


INVENTION_NO = "CN202110123456.7"
UTILITY_NO = number("202120123456")


def new_patent(studios, *, application_no=INVENTION_NO, patent_type="invention", **fields):
    return services.patent_create(
        by=studios.lead_a,
        studio=studios.dust,
        application_no=application_no,
        title="一种综采面喷雾降尘装置",
        patent_type=patent_type,
        filed_on=FILED,
        holder="A公司",
        inventors=[studios.lead_a, studios.member_a],
        **fields,
    )


def move_patent(studios, patent, status, on=None):
    return services.patent_change_status(
        patent_id=patent.pk, by=studios.lead_a, status=status, on=on
    )


def patent_in(studios, status, patent_type="invention"):
    """A patent brought to `status` through legal moves."""
    patent = new_patent(
        studios,
        patent_type=patent_type,
        application_no=INVENTION_NO if patent_type == "invention" else UTILITY_NO,
    )
    path = {
        PS.FILED: [],
        PS.PUBLISHED: [PS.PUBLISHED],
        PS.GRANTED: [PS.PUBLISHED, PS.GRANTED] if patent_type == "invention" else [PS.GRANTED],
        PS.REJECTED: [PS.REJECTED],
        PS.LAPSED: [PS.PUBLISHED, PS.GRANTED, PS.LAPSED],
    }[status]
    for step in path:
        patent = move_patent(studios, patent, step)
    return patent


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


# --- Achievements -------------------------------------------------------------------


class TestAchievementCreate:
    def test_two_contributors_sixty_forty_in_order(self, studios):
        achievement = new_achievement(
            studios,
            contributors=[(studios.member_a, Decimal(60)), (studios.lead_a, Decimal(40))],
            claimed_benefit=Decimal("100000"),
        )
        rows = list(achievement.contributors.values_list("position", "person", "share"))
        assert rows == [
            (1, studios.member_a.pk, Decimal("60.00")),
            (2, studios.lead_a.pk, Decimal("40.00")),
        ]
        assert achievement.promotion == Achievement.Promotion.STUDIO
        assert not achievement.is_verified

    @pytest.mark.parametrize(
        "shares", [(60, 30), (60, 50), (100, 0)], ids=["90", "110", "zero share"]
    )
    def test_shares_not_adding_to_100_are_400_and_nothing_saved(self, studios, shares):
        with pytest.raises(ValidationError) as refused:
            new_achievement(
                studios,
                contributors=[
                    (studios.member_a, Decimal(shares[0])),
                    (studios.lead_a, Decimal(shares[1])),
                ],
            )
        assert "contributors" in refused.value.message_dict
        assert not Achievement.objects.exists()
        assert not Contributor.objects.exists()

    def test_no_contributor_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            services.achievement_create(
                by=studios.lead_a,
                studio=studios.dust,
                title="x",
                kind=Achievement.Kind.OTHER,
                completed_on=datetime.date(2024, 1, 1),
                contributors=[],
            )
        assert "contributors" in refused.value.message_dict

    def test_contributor_outside_scope_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            new_achievement(
                studios,
                contributors=[(studios.lead_a, Decimal(50)), (studios.org.worker_b, Decimal(50))],
            )
        assert "contributors" in refused.value.message_dict
        assert not Achievement.objects.exists()

    def test_same_person_twice_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            new_achievement(
                studios,
                contributors=[(studios.lead_a, Decimal(50)), (studios.lead_a, Decimal(50))],
            )
        assert "contributors" in refused.value.message_dict
        assert not Achievement.objects.exists()

    def test_origin_problem_of_the_studio_is_linked(self, studios):
        problem = problem_in(studios, P.SOLVED)
        assert new_achievement(studios, origin_problem=problem).origin_problem == problem

    def test_origin_problem_of_another_studio_is_400(self, studios):
        theirs = new_problem(studios, by=studios.org.colleague_a, studio=studios.washing)
        with pytest.raises(ValidationError) as refused:
            new_achievement(studios, origin_problem=theirs)
        assert "origin_problem" in refused.value.message_dict
        assert not Achievement.objects.exists()

    @pytest.mark.parametrize("promotion", [Achievement.Promotion.UNIT, GROUP])
    def test_lead_cannot_promote_beyond_the_studio_403(self, studios, promotion):
        with pytest.raises(PermissionDenied):
            new_achievement(studios, promotion=promotion)
        assert not Achievement.objects.exists()

    @pytest.mark.parametrize("official", ["official_a", "group_official"])
    def test_official_over_the_studio_promotes_group_wide(self, studios, official):
        by = getattr(studios.org, official)
        achievement = new_achievement(studios, by=by, promotion=GROUP)
        assert achievement.promotion == GROUP

    def test_member_without_permission_is_403(self, studios):
        with pytest.raises(PermissionDenied):
            new_achievement(studios, by=studios.member_a)

    def test_outsider_is_404(self, studios):
        with pytest.raises(Http404):
            new_achievement(studios, by=studios.lead_b)


class TestAchievementBenefit:
    def test_official_verifies_the_benefit(self, studios):
        achievement = verified(studios, new_achievement(studios, claimed_benefit=Decimal(1)))
        achievement.refresh_from_db()
        assert achievement.verified_benefit == Decimal("80000")
        assert achievement.verified_by == studios.org.official_a
        assert achievement.verified_on is not None
        assert achievement.verification_evidence == "财务部确认函 2024-08"

    def test_verified_benefit_is_locked_against_the_lead(self, studios):
        # given an achievement whose benefit an official verified
        achievement = new_achievement(studios, claimed_benefit=Decimal("100000"))
        verified(studios, achievement)
        # when the lead tries to change the claimed figure, then 409
        with pytest.raises(Conflict):
            services.achievement_update(
                achievement_id=achievement.pk,
                by=studios.lead_a,
                claimed_benefit=Decimal("900000"),
            )
        # and the figures are unchanged
        achievement.refresh_from_db()
        assert achievement.claimed_benefit == Decimal("100000")
        assert achievement.verified_benefit == Decimal("80000")

    def test_lead_cannot_write_the_verified_figure_403(self, studios):
        achievement = new_achievement(studios)
        verified(studios, achievement)
        with pytest.raises(PermissionDenied):
            services.achievement_update(
                achievement_id=achievement.pk, by=studios.lead_a, verified_benefit=Decimal(1)
            )
        achievement.refresh_from_db()
        assert achievement.verified_benefit == Decimal("80000")

    def test_lead_still_edits_other_fields_after_verification(self, studios):
        achievement = new_achievement(studios, claimed_benefit=Decimal("100000"))
        verified(studios, achievement)
        updated = services.achievement_update(
            achievement_id=achievement.pk,
            by=studios.lead_a,
            title="喷雾降尘装置（改进型）",
            claimed_benefit=Decimal("100000"),  # the same figure is no change
        )
        assert updated.title == "喷雾降尘装置（改进型）"

    def test_verifying_twice_is_409(self, studios):
        achievement = verified(studios, new_achievement(studios))
        with pytest.raises(Conflict):
            verified(studios, achievement, benefit=Decimal(1))
        achievement.refresh_from_db()
        assert achievement.verified_benefit == Decimal("80000")

    def test_lead_cannot_verify_403(self, studios):
        achievement = new_achievement(studios)
        with pytest.raises(PermissionDenied):
            services.achievement_verify_benefit(
                achievement_id=achievement.pk,
                by=studios.lead_a,
                verified_benefit=Decimal(1),
                evidence="自评",
            )
        achievement.refresh_from_db()
        assert not achievement.is_verified

    def test_official_of_another_company_cannot_verify(self, studios):
        achievement = new_achievement(studios, by=studios.org.official_a, promotion=GROUP)
        with pytest.raises(PermissionDenied):
            services.achievement_verify_benefit(
                achievement_id=achievement.pk,
                by=studios.org.official_b,
                verified_benefit=Decimal(1),
                evidence="x",
            )

    @pytest.mark.parametrize("evidence", ["", "   "])
    def test_verification_needs_evidence_400(self, studios, evidence):
        achievement = new_achievement(studios)
        with pytest.raises(ValidationError) as refused:
            services.achievement_verify_benefit(
                achievement_id=achievement.pk,
                by=studios.org.official_a,
                verified_benefit=Decimal(1),
                evidence=evidence,
            )
        assert "evidence" in refused.value.message_dict
        achievement.refresh_from_db()
        assert not achievement.is_verified

    def test_lead_cannot_promote_on_update_403(self, studios):
        achievement = new_achievement(studios)
        with pytest.raises(PermissionDenied):
            services.achievement_update(
                achievement_id=achievement.pk, by=studios.lead_a, promotion=GROUP
            )
        achievement.refresh_from_db()
        assert achievement.promotion == Achievement.Promotion.STUDIO

    def test_update_with_bad_shares_keeps_the_old_contributors(self, studios):
        achievement = new_achievement(studios)
        with pytest.raises(ValidationError):
            services.achievement_update(
                achievement_id=achievement.pk,
                by=studios.lead_a,
                title="改名",
                contributors=[(studios.lead_a, Decimal(60)), (studios.member_a, Decimal(30))],
            )
        achievement.refresh_from_db()
        assert achievement.title == "喷雾降尘装置"
        assert list(achievement.contributors.values_list("person", "share")) == [
            (studios.lead_a.pk, Decimal("100.00"))
        ]


# --- Adoptions ----------------------------------------------------------------------


@pytest.fixture
def library_entry(studios):
    """A dust-studio achievement promoted group-wide by the company A official."""
    return new_achievement(studios, by=studios.org.official_a, promotion=GROUP)


class TestAdoption:
    def test_official_of_company_b_records_adoption_by_b101(self, studios, library_entry):
        org = studios.org
        adoption = services.adoption_record(
            by=org.official_b,
            achievement=library_entry,
            org_unit=org.team_b101,
            adopted_on=datetime.date(2024, 9, 1),
            annual_benefit=Decimal("30000"),
        )
        assert (adoption.org_unit, adoption.recorded_by) == (org.team_b101, org.official_b)
        assert list(library_entry.adoptions.all()) == [adoption]

    def test_unit_outside_the_officials_scope_is_400(self, studios, library_entry):
        with pytest.raises(ValidationError) as refused:
            services.adoption_record(
                by=studios.org.official_b,
                achievement=library_entry,
                org_unit=studios.org.team_a102,
                adopted_on=datetime.date(2024, 9, 1),
            )
        assert "org_unit" in refused.value.message_dict
        assert not Adoption.objects.exists()

    def test_the_studios_own_unit_is_400(self, studios, library_entry):
        with pytest.raises(ValidationError) as refused:
            services.adoption_record(
                by=studios.org.official_a,
                achievement=library_entry,
                org_unit=studios.dust.org_unit,
                adopted_on=datetime.date(2024, 9, 1),
            )
        assert "org_unit" in refused.value.message_dict
        assert not Adoption.objects.exists()

    def test_recording_the_same_unit_twice_is_409(self, studios, library_entry):
        record = {
            "by": studios.org.official_b,
            "achievement": library_entry,
            "org_unit": studios.org.team_b101,
            "adopted_on": datetime.date(2024, 9, 1),
        }
        services.adoption_record(**record)
        with pytest.raises(Conflict):
            services.adoption_record(**record)
        assert Adoption.objects.count() == 1

    def test_lead_cannot_record_adoptions_403(self, studios, library_entry):
        with pytest.raises(PermissionDenied):
            services.adoption_record(
                by=studios.lead_b,
                achievement=library_entry,
                org_unit=studios.org.team_b101,
                adopted_on=datetime.date(2024, 9, 1),
            )

    def test_achievement_invisible_to_the_official_is_404(self, studios):
        within_studio = new_achievement(studios)
        with pytest.raises(Http404):
            services.adoption_record(
                by=studios.org.official_b,
                achievement=within_studio,
                org_unit=studios.org.team_b101,
                adopted_on=datetime.date(2024, 9, 1),
            )


# --- Patents ------------------------------------------------------------------------


class TestPatentCreate:
    def test_lead_logs_a_filed_invention_stored_normalised(self, studios):
        patent = new_patent(studios, application_no="ZL 2021 1 0123456.7")
        assert patent.application_no == "202110123456.7"
        assert patent.status == PS.FILED
        assert list(patent.inventors.values_list("position", "person")) == [
            (1, studios.lead_a.pk),
            (2, studios.member_a.pk),
        ]
        assert patent.events.get().to_state == PS.FILED

    @pytest.mark.parametrize(
        ("application_no", "patent_type"),
        [
            ("CN202110123456.8", "invention"),  # check digit
            ("CN202110123456.7", "utility_model"),  # type digit
            ("CN2021101234", "invention"),  # shape
        ],
    )
    def test_bad_number_is_400_on_application_no(self, studios, application_no, patent_type):
        with pytest.raises(ValidationError) as refused:
            new_patent(studios, application_no=application_no, patent_type=patent_type)
        assert "application_no" in refused.value.message_dict
        assert not Patent.objects.exists()
        assert not Inventor.objects.exists()

    def test_same_number_in_another_spelling_is_400(self, studios):
        new_patent(studios, application_no="CN202110123456.7")
        with pytest.raises(ValidationError) as refused:
            new_patent(studios, application_no="ZL 2021 1 0123456.7")
        assert "application_no" in refused.value.message_dict
        assert Patent.objects.count() == 1

    def test_granted_before_filed_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            new_patent(
                studios,
                application_no=UTILITY_NO,
                patent_type="utility_model",
                status=PS.GRANTED,
                granted_on=FILED - datetime.timedelta(days=1),
            )
        assert "granted_on" in refused.value.message_dict
        assert not Patent.objects.exists()

    def test_granted_utility_model_is_logged_with_its_date(self, studios):
        granted_on = datetime.date(2023, 9, 1)
        patent = new_patent(
            studios,
            application_no=UTILITY_NO,
            patent_type="utility_model",
            status=PS.GRANTED,
            granted_on=granted_on,
        )
        assert (patent.status, patent.granted_on) == (PS.GRANTED, granted_on)

    def test_utility_model_logged_as_published_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            new_patent(
                studios,
                application_no=UTILITY_NO,
                patent_type="utility_model",
                status=PS.PUBLISHED,
                published_on=datetime.date(2023, 9, 1),
            )
        assert "published_on" in refused.value.message_dict
        assert not Patent.objects.exists()

    def test_inventor_outside_scope_is_400(self, studios):
        with pytest.raises(ValidationError) as refused:
            services.patent_create(
                by=studios.lead_a,
                studio=studios.dust,
                application_no=INVENTION_NO,
                title="x",
                patent_type="invention",
                filed_on=FILED,
                holder="A公司",
                inventors=[studios.lead_b],
            )
        assert "inventors" in refused.value.message_dict
        assert not Patent.objects.exists()

    @pytest.mark.parametrize("status", [PS.REJECTED, PS.LAPSED])
    def test_cannot_be_logged_as_ended(self, studios, status):
        with pytest.raises(ValidationError) as refused:
            new_patent(studios, status=status)
        assert "status" in refused.value.message_dict


class TestPatentStatusMachine:
    def test_invention_filed_published_granted_lapsed_with_dates(self, studios):
        patent = new_patent(studios)
        steps = [
            (PS.PUBLISHED, "published_on", datetime.date(2023, 9, 1)),
            (PS.GRANTED, "granted_on", datetime.date(2024, 5, 1)),
            (PS.LAPSED, "ended_on", datetime.date(2025, 5, 1)),
        ]
        for status, date_field, on in steps:
            previous = patent.status
            patent = move_patent(studios, patent, status, on=on)
            patent.refresh_from_db()
            assert patent.status == status
            assert getattr(patent, date_field) == on
            event = patent.events.last()
            assert (event.from_state, event.to_state, event.actor) == (
                previous,
                status,
                studios.lead_a,
            )
        assert patent.events.count() == 4  # logged as filed, then three moves

    @pytest.mark.parametrize("patent_type", ["utility_model", "design"])
    def test_utility_model_and_design_go_straight_to_granted(self, studios, patent_type):
        twelve = "202120123456" if patent_type == "utility_model" else "202130123456"
        patent = new_patent(studios, application_no=number(twelve), patent_type=patent_type)
        on = datetime.date(2023, 8, 1)
        patent = move_patent(studios, patent, PS.GRANTED, on=on)
        patent.refresh_from_db()
        assert (patent.status, patent.granted_on, patent.published_on) == (PS.GRANTED, on, None)

    @pytest.mark.parametrize("patent_type", ["utility_model", "design"])
    def test_utility_model_or_design_cannot_be_published_409(self, studios, patent_type):
        twelve = "202120123456" if patent_type == "utility_model" else "202130123456"
        patent = new_patent(studios, application_no=number(twelve), patent_type=patent_type)
        with pytest.raises(Conflict):
            move_patent(studios, patent, PS.PUBLISHED)
        patent.refresh_from_db()
        assert (patent.status, patent.published_on, patent.events.count()) == (PS.FILED, None, 1)

    @pytest.mark.parametrize("start", [PS.FILED, PS.PUBLISHED])
    def test_rejected_from_filed_or_published(self, studios, start):
        patent = patent_in(studios, start)
        on = datetime.date(2024, 2, 1)
        patent = move_patent(studios, patent, PS.REJECTED, on=on)
        patent.refresh_from_db()
        assert (patent.status, patent.ended_on) == (PS.REJECTED, on)

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (PS.FILED, PS.LAPSED),  # lapsed only after grant
            (PS.PUBLISHED, PS.PUBLISHED),
            (PS.PUBLISHED, PS.LAPSED),
            (PS.GRANTED, PS.PUBLISHED),
            (PS.GRANTED, PS.GRANTED),
            (PS.GRANTED, PS.REJECTED),
            (PS.REJECTED, PS.PUBLISHED),
            (PS.REJECTED, PS.GRANTED),
            (PS.REJECTED, PS.LAPSED),
            (PS.REJECTED, PS.REJECTED),
            (PS.LAPSED, PS.PUBLISHED),
            (PS.LAPSED, PS.GRANTED),
            (PS.LAPSED, PS.REJECTED),
            (PS.LAPSED, PS.LAPSED),
        ],
    )
    def test_illegal_moves_are_409_and_change_nothing(self, studios, start, target):
        patent = patent_in(studios, start)
        patent.refresh_from_db()
        fields = ("status", "published_on", "granted_on", "ended_on")
        before = [getattr(patent, f) for f in fields], patent.events.count()
        with pytest.raises(Conflict):
            move_patent(studios, patent, target, on=datetime.date(2026, 1, 1))
        patent.refresh_from_db()
        assert ([getattr(patent, f) for f in fields], patent.events.count()) == before

    def test_invention_cannot_be_granted_before_publication_409(self, studios):
        patent = new_patent(studios)
        with pytest.raises(Conflict):
            move_patent(studios, patent, PS.GRANTED, on=datetime.date(2024, 5, 1))
        patent.refresh_from_db()
        assert patent.status == PS.FILED

    def test_moving_back_to_filed_is_409(self, studios):
        patent = patent_in(studios, PS.PUBLISHED)
        with pytest.raises(Conflict):
            move_patent(studios, patent, PS.FILED)

    def test_grant_dated_before_filing_is_400_and_changes_nothing(self, studios):
        patent = patent_in(studios, PS.PUBLISHED)
        with pytest.raises(ValidationError) as refused:
            move_patent(studios, patent, PS.GRANTED, on=FILED - datetime.timedelta(days=1))
        assert "granted_on" in refused.value.message_dict
        patent.refresh_from_db()
        assert (patent.status, patent.granted_on) == (PS.PUBLISHED, None)

    def test_unknown_status_is_400(self, studios):
        patent = new_patent(studios)
        with pytest.raises(ValidationError):
            move_patent(studios, patent, "withdrawn")

    def test_member_without_permission_cannot_move_403(self, studios):
        patent = new_patent(studios)
        with pytest.raises(PermissionDenied):
            services.patent_change_status(
                patent_id=patent.pk, by=studios.member_a, status=PS.PUBLISHED
            )

    def test_outsider_cannot_move_a_filed_patent_404(self, studios):
        patent = new_patent(studios)
        with pytest.raises(Http404):
            services.patent_change_status(
                patent_id=patent.pk, by=studios.lead_b, status=PS.PUBLISHED
            )


# --- Conferences --------------------------------------------------------------------


def new_conference(by, organiser):
    return services.conference_create(
        by=by, name="2024 成果推广会", held_on=datetime.date(2024, 11, 20), organiser=organiser
    )


class TestConferences:
    def test_official_creates_a_conference_organised_in_scope(self, org):
        conference = new_conference(org.official_b, org.company_b)
        assert conference.organiser == org.company_b

    def test_group_official_organises_for_the_group(self, org):
        assert new_conference(org.group_official, org.group).organiser == org.group

    def test_organiser_in_another_company_is_400(self, org):
        with pytest.raises(ValidationError) as refused:
            new_conference(org.official_b, org.company_a)
        assert "organiser" in refused.value.message_dict
        assert not PromotionConference.objects.exists()

    @pytest.mark.parametrize("person", ["worker_a", "worker_b"])
    def test_worker_cannot_create_403(self, org, person):
        with pytest.raises(PermissionDenied):
            new_conference(getattr(org, person), org.team_a101)
        assert not PromotionConference.objects.exists()

    def test_shows_a_visible_group_wide_achievement(self, studios, library_entry):
        conference = new_conference(studios.org.official_b, studios.org.company_b)
        services.conference_show_achievements(
            conference_id=conference.pk, by=studios.org.official_b, achievements=[library_entry]
        )
        # showing it again changes nothing
        services.conference_show_achievements(
            conference_id=conference.pk, by=studios.org.official_b, achievements=[library_entry]
        )
        assert list(conference.achievements.all()) == [library_entry]

    def test_achievement_outside_scope_is_400_and_nothing_shown(self, studios, library_entry):
        conference = new_conference(studios.org.official_b, studios.org.company_b)
        within_studio = new_achievement(studios)
        with pytest.raises(ValidationError) as refused:
            services.conference_show_achievements(
                conference_id=conference.pk,
                by=studios.org.official_b,
                achievements=[library_entry, within_studio],
            )
        assert "achievements" in refused.value.message_dict
        assert not conference.achievements.exists()

    def test_official_of_another_company_cannot_fill_it_403(self, studios, library_entry):
        conference = new_conference(studios.org.official_b, studios.org.company_b)
        with pytest.raises(PermissionDenied):
            services.conference_show_achievements(
                conference_id=conference.pk, by=studios.org.official_a, achievements=[]
            )

    def test_missing_conference_is_404(self, org):
        with pytest.raises(Http404):
            services.conference_show_achievements(
                conference_id=999_999, by=org.group_official, achievements=[]
            )
