"""The achievement services: creation, the verified benefit, adoptions and
the conferences that present achievements."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from achievements import services
from achievements.models import Achievement, Adoption, Contributor, PromotionConference
from core.exceptions import Conflict
from tests.achievements.services import P, new_problem, problem_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

GROUP = Achievement.Promotion.GROUP


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


# --- Credit given by someone who sees more ---------------------------------------------


def contributors_of(achievement) -> list[tuple]:
    return list(achievement.contributors.values_list("position", "person", "share"))


class TestCreditKeptOnUpdate:
    """The group official credits worker_b of company B on a dust achievement;
    the studio's lead (company A) cannot see them. Whoever is already credited
    stays through the lead's edits; only someone newly named must be someone
    the lead may see (docs/access.md)."""

    @pytest.fixture
    def shared(self, studios):
        org = studios.org
        rows = [
            (studios.lead_a, Decimal(50)),
            (org.worker_b, Decimal(30)),
            (studios.member_a, Decimal(20)),
        ]
        return new_achievement(studios, by=org.group_official, contributors=rows), rows

    def test_the_lead_edits_the_title_and_every_credit_stays(self, studios, shared):
        achievement, rows = shared
        # the form and a PUT send the contributors back as they are
        services.achievement_update(
            achievement_id=achievement.pk, by=studios.lead_a, title="改名", contributors=rows
        )
        achievement.refresh_from_db()
        assert achievement.title == "改名"
        assert contributors_of(achievement) == [
            (1, studios.lead_a.pk, Decimal("50.00")),
            (2, studios.org.worker_b.pk, Decimal("30.00")),
            (3, studios.member_a.pk, Decimal("20.00")),
        ]

    def test_the_lead_reorders_and_reshares_someone_they_cannot_see(self, studios, shared):
        achievement, _rows = shared
        worker_b = studios.org.worker_b
        rows = [(worker_b, Decimal(60)), (studios.lead_a, Decimal(40))]
        services.achievement_update(
            achievement_id=achievement.pk, by=studios.lead_a, contributors=rows
        )
        assert contributors_of(achievement) == [
            (1, worker_b.pk, Decimal("60.00")),
            (2, studios.lead_a.pk, Decimal("40.00")),
        ]

    def test_the_lead_may_remove_someone_they_cannot_see(self, studios, shared):
        achievement, _rows = shared
        rows = [(studios.lead_a, Decimal(100))]
        services.achievement_update(
            achievement_id=achievement.pk, by=studios.lead_a, contributors=rows
        )
        assert contributors_of(achievement) == [(1, studios.lead_a.pk, Decimal("100.00"))]

    def test_someone_new_the_lead_cannot_see_is_still_refused(self, studios, shared):
        """Only the newcomer is named; nothing changes."""
        achievement, rows = shared
        newcomer = PersonFactory(org_unit=studios.org.team_b101)
        with pytest.raises(ValidationError) as refused:
            services.achievement_update(
                achievement_id=achievement.pk,
                by=studios.lead_a,
                title="改名",
                contributors=[*rows[:2], (newcomer, Decimal(20))],
            )
        assert refused.value.message_dict == {
            "contributors": [f"以下人员不在您的范围内：{newcomer.full_name}。"]
        }
        achievement.refresh_from_db()
        assert achievement.title == "喷雾降尘装置"
        assert len(contributors_of(achievement)) == 3


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
