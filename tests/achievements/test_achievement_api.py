"""The achievements API for the library: visibility, filters, writes, the
verified benefit and adoptions."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from achievements import services
from achievements.models import Achievement, Adoption, Contributor, TechnicalProblem
from tests.achievements.api import (
    ACHIEVEMENTS,
    ADOPTIONS,
    field_errors,
    new_achievement,
    new_problem,
    official_over,
    titles,
)
from tests.api_answers import results
from tests.factories import PersonFactory
from tests.roles import person
from tests.world import shared_data

pytestmark = pytest.mark.django_db


def verify(studios, achievement, benefit="80000"):
    return services.achievement_verify_benefit(
        achievement_id=achievement.pk,
        by=official_over(studios, achievement.studio),
        verified_benefit=Decimal(benefit),
        evidence="财务部确认函 2024-08",
    )


ALL_FOUR = {"喷雾降尘装置", "除尘风机改造", "综采面粉尘治理工法", "汽轮机叶片修复"}

DUST_THREE = {"喷雾降尘装置", "除尘风机改造", "综采面粉尘治理工法"}


class TestAchievementVisibility:
    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("group_official", ALL_FOUR),
            ("official_a", DUST_THREE),
            ("official_b", {"综采面粉尘治理工法", "汽轮机叶片修复"}),
            ("lead_a", DUST_THREE),
            ("member_a", DUST_THREE),
            ("worker_a", {"除尘风机改造", "综采面粉尘治理工法"}),
            ("worker_b", {"综采面粉尘治理工法"}),
            ("admin", ALL_FOUR),
        ],
    )
    def test_list_follows_promotion_and_scope(self, api, studios, library, role, expected):
        api.force_authenticate(person(studios, role))
        assert titles(api.get(ACHIEVEMENTS)) == expected

    @pytest.mark.parametrize(
        ("role", "entry"),
        [
            ("worker_a", "studio_level"),
            ("worker_b", "studio_level"),
            ("worker_b", "unit_level"),
            ("official_b", "unit_level"),
            ("lead_a", "turbine"),
        ],
    )
    def test_outsider_detail_is_404(self, api, studios, library, role, entry):
        api.force_authenticate(person(studios, role))
        response = api.get(f"{ACHIEVEMENTS}{getattr(library, entry).pk}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_group_wide_entry_is_readable_in_full_by_another_company(self, api, studios, library):
        api.force_authenticate(studios.org.worker_b)
        response = api.get(f"{ACHIEVEMENTS}{library.group_level.pk}/")
        assert response.status_code == 200
        body = response.json()
        assert (body["studio"]["code"], body["promotion"]) == ("A1-DUST", "group")
        assert [c["person"]["id"] for c in body["contributors"]] == [studios.lead_a.pk]


@shared_data(needs=("studios",))
def shelf(built):
    """What the filters pick from: a solved dust problem and an energy one, three
    achievements of the three studios (one verified, one group-wide)."""
    studios = built.get("studios")
    dust_problem = new_problem(studios, status="solved", solved_on=datetime.date(2024, 6, 1))
    energy_problem = new_problem(
        studios,
        studio=studios.washing,
        title="浮选机电耗偏高",
        category=TechnicalProblem.Category.ENERGY_SAVING,
    )
    spray = new_achievement(
        studios,
        title="综采工作面喷雾降尘装置",
        summary="转载点自动喷雾",
        origin_problem=dust_problem,
        claimed_benefit=Decimal("300000"),
    )
    verify(studios, spray, benefit="50000")  # the verified figure counts from now on
    flotation = new_achievement(
        studios,
        studio=studios.washing,
        title="浮选机变频节能改造",
        kind=Achievement.Kind.PROCESS_IMPROVEMENT,
        origin_problem=energy_problem,
        claimed_benefit=Decimal("200000"),
        completed_on=datetime.date(2023, 5, 1),
        promotion="group",
    )
    blade = new_achievement(
        studios,
        studio=studios.turbine,
        title="Turbine blade repair method",
        kind=Achievement.Kind.CONSTRUCTION_METHOD,
        claimed_benefit=Decimal("90000"),
    )
    return SimpleNamespace(spray=spray, flotation=flotation, blade=blade)


class TestAchievementFilters:
    def search(self, api, **params) -> set[str]:
        return titles(api.get(ACHIEVEMENTS, params))

    def test_search_finds_a_chinese_title_by_a_two_character_fragment(self, api, studios, shelf):
        api.force_authenticate(studios.org.group_official)
        assert self.search(api, search="喷雾") == {"综采工作面喷雾降尘装置"}
        assert self.search(api, search="变频") == {"浮选机变频节能改造"}
        assert self.search(api, search="blade") == {"Turbine blade repair method"}

    def test_search_reaches_a_group_wide_entry_from_another_company(self, api, studios, shelf):
        api.force_authenticate(studios.org.worker_b)
        assert self.search(api, search="浮选") == {"浮选机变频节能改造"}
        assert self.search(api, search="喷雾") == set()

    def test_filters(self, api, studios, shelf):
        api.force_authenticate(studios.org.group_official)
        assert self.search(api, kind="process_improvement") == {"浮选机变频节能改造"}
        assert self.search(api, category="dust_control") == {"综采工作面喷雾降尘装置"}
        assert self.search(api, category="energy_saving") == {"浮选机变频节能改造"}
        assert self.search(api, studio=studios.turbine.pk) == {"Turbine blade repair method"}
        assert self.search(api, year=2023) == {"浮选机变频节能改造"}
        assert self.search(api, promotion="group") == {"浮选机变频节能改造"}
        assert self.search(api, promotion="studio") == {
            "综采工作面喷雾降尘装置",
            "Turbine blade repair method",
        }

    def test_org_unit_means_the_unit_and_everything_below(self, api, studios, shelf):
        api.force_authenticate(studios.org.group_official)
        assert self.search(api, org_unit=studios.org.mine_a1.pk) == {
            "综采工作面喷雾降尘装置",
            "浮选机变频节能改造",
        }
        assert self.search(api, org_unit=studios.org.team_a102.pk) == {"浮选机变频节能改造"}
        assert self.search(api, org_unit=studios.org.company_b.pk) == {
            "Turbine blade repair method"
        }

    def test_benefit_range_counts_the_verified_figure_when_there_is_one(self, api, studios, shelf):
        # spray claimed 300 000 but 50 000 was verified; flotation 200 000 and blade
        # 90 000 are claims only
        api.force_authenticate(studios.org.group_official)
        assert self.search(api, benefit_min=100000) == {"浮选机变频节能改造"}
        assert self.search(api, benefit_max=60000) == {"综采工作面喷雾降尘装置"}
        assert self.search(api, benefit_min=60000, benefit_max=150000) == {
            "Turbine blade repair method"
        }


def achievement_payload(studios, **overrides):
    return {
        "studio_id": studios.dust.pk,
        "title": "转载点自动喷雾降尘",
        "kind": "equipment_modification",
        "completed_on": "2024-07-01",
        "summary": "光电感应自动喷雾",
        "claimed_benefit": "120000",
        "contributors": [
            {"person_id": studios.member_a.pk, "share": "60"},
            {"person_id": studios.lead_a.pk, "share": "40"},
        ],
        **overrides,
    }


class TestAchievementWrites:
    def test_lead_logs_an_achievement_with_two_contributors_in_order(self, api, studios):
        api.force_authenticate(studios.lead_a)
        response = api.post(ACHIEVEMENTS, achievement_payload(studios), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert [(c["person"]["id"], c["share"]) for c in body["contributors"]] == [
            (studios.member_a.pk, "60.00"),
            (studios.lead_a.pk, "40.00"),
        ]
        assert (body["promotion"], body["verified_benefit"]) == ("studio", None)
        achievement = Achievement.objects.get(pk=body["id"])
        assert list(achievement.contributors.values_list("position", "person")) == [
            (1, studios.member_a.pk),
            (2, studios.lead_a.pk),
        ]

    @pytest.mark.parametrize(
        "shares", [("60", "30"), ("60", "50")], ids=["adding to 90", "adding to 110"]
    )
    def test_shares_not_adding_to_100_are_400_on_contributors(self, api, studios, shares):
        api.force_authenticate(studios.lead_a)
        payload = achievement_payload(
            studios,
            contributors=[
                {"person_id": studios.member_a.pk, "share": shares[0]},
                {"person_id": studios.lead_a.pk, "share": shares[1]},
            ],
        )
        assert "contributors" in field_errors(api.post(ACHIEVEMENTS, payload, format="json"))
        assert not Achievement.objects.exists()
        assert not Contributor.objects.exists()

    def test_contributor_outside_scope_is_400_on_contributors(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = achievement_payload(
            studios,
            contributors=[
                {"person_id": studios.lead_a.pk, "share": "50"},
                {"person_id": studios.org.worker_b.pk, "share": "50"},
            ],
        )
        assert "contributors" in field_errors(api.post(ACHIEVEMENTS, payload, format="json"))
        assert not Achievement.objects.exists()

    def test_no_contributor_is_400_on_contributors(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = achievement_payload(studios, contributors=[])
        assert "contributors" in field_errors(api.post(ACHIEVEMENTS, payload, format="json"))

    @pytest.mark.parametrize("role", ["lead_b", "worker_a", "official_b"])
    def test_studio_outside_scope_is_400_on_studio_id(self, api, studios, role):
        api.force_authenticate(person(studios, role))
        payload = achievement_payload(
            studios, contributors=[{"person_id": person(studios, role).pk, "share": "100"}]
        )
        assert "studio_id" in field_errors(api.post(ACHIEVEMENTS, payload, format="json"))
        assert not Achievement.objects.exists()

    def test_core_member_without_the_right_is_403(self, api, studios):
        api.force_authenticate(studios.member_a)
        response = api.post(ACHIEVEMENTS, achievement_payload(studios), format="json")
        assert response.status_code == 403
        assert not Achievement.objects.exists()

    @pytest.mark.parametrize("promotion", ["unit", "group"])
    def test_lead_cannot_promote_beyond_the_studio_403(self, api, studios, promotion):
        api.force_authenticate(studios.lead_a)
        payload = achievement_payload(studios, promotion=promotion)
        assert api.post(ACHIEVEMENTS, payload, format="json").status_code == 403
        assert not Achievement.objects.exists()

    def test_official_promotes_group_wide(self, api, studios):
        api.force_authenticate(studios.org.official_a)
        payload = achievement_payload(studios, promotion="group")
        response = api.post(ACHIEVEMENTS, payload, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["promotion"] == "group"

    def test_origin_problem_of_another_studio_is_400_on_origin_problem_id(self, api, studios):
        # given a washing-studio problem the company A official can see in full
        theirs = new_problem(studios, studio=studios.washing, title="浮选机电耗偏高")
        api.force_authenticate(studios.org.official_a)
        payload = achievement_payload(studios, origin_problem_id=theirs.pk)
        errors = field_errors(api.post(ACHIEVEMENTS, payload, format="json"))
        assert "origin_problem_id" in errors
        assert not Achievement.objects.exists()

    def test_origin_problem_outside_the_writers_scope_is_400(self, api, studios):
        theirs = new_problem(studios, studio=studios.turbine, title="汽轮机振动超标")
        api.force_authenticate(studios.lead_a)
        payload = achievement_payload(studios, origin_problem_id=theirs.pk)
        assert "origin_problem_id" in field_errors(api.post(ACHIEVEMENTS, payload, format="json"))

    def test_lead_edits_title_and_contributors(self, api, studios, library):
        api.force_authenticate(studios.lead_a)
        response = api.patch(
            f"{ACHIEVEMENTS}{library.studio_level.pk}/",
            {
                "title": "喷雾降尘装置（改进型）",
                "contributors": [
                    {"person_id": studios.lead_a.pk, "share": "70"},
                    {"person_id": studios.member_a.pk, "share": "30"},
                ],
            },
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["title"] == "喷雾降尘装置（改进型）"
        assert [c["share"] for c in response.json()["contributors"]] == ["70.00", "30.00"]

    def test_edit_with_bad_shares_is_400_and_keeps_everything(self, api, studios, library):
        api.force_authenticate(studios.lead_a)
        response = api.patch(
            f"{ACHIEVEMENTS}{library.studio_level.pk}/",
            {
                "title": "改名",
                "contributors": [
                    {"person_id": studios.lead_a.pk, "share": "70"},
                    {"person_id": studios.member_a.pk, "share": "20"},
                ],
            },
            format="json",
        )
        assert "contributors" in field_errors(response)
        library.studio_level.refresh_from_db()
        assert library.studio_level.title == "喷雾降尘装置"
        assert library.studio_level.contributors.count() == 1

    def test_core_member_cannot_edit_403(self, api, studios, library):
        api.force_authenticate(studios.member_a)
        response = api.patch(
            f"{ACHIEVEMENTS}{library.studio_level.pk}/", {"title": "改名"}, format="json"
        )
        assert response.status_code == 403

    def test_outsider_cannot_edit_an_invisible_achievement_404(self, api, studios, library):
        api.force_authenticate(studios.lead_b)
        response = api.patch(
            f"{ACHIEVEMENTS}{library.studio_level.pk}/", {"title": "改名"}, format="json"
        )
        assert response.status_code == 404

    @pytest.mark.parametrize("role", ["worker_b", "official_b", "lead_b"])
    def test_reader_of_a_group_wide_achievement_may_not_edit_it_403(
        self, api, studios, library, role
    ):
        api.force_authenticate(person(studios, role))
        response = api.patch(
            f"{ACHIEVEMENTS}{library.group_level.pk}/", {"title": "改名"}, format="json"
        )
        assert response.status_code == 403
        library.group_level.refresh_from_db()
        assert library.group_level.title == "综采面粉尘治理工法"

    @pytest.fixture
    def shared(self, studios):
        """A dust achievement the group official credits to the lead, worker_b
        of company B (whom the lead cannot see) and member_a."""
        org = studios.org
        return services.achievement_create(
            by=org.group_official,
            studio=studios.dust,
            title="喷雾降尘装置",
            kind=Achievement.Kind.EQUIPMENT_MODIFICATION,
            completed_on=datetime.date(2024, 7, 1),
            contributors=[
                (studios.lead_a, Decimal(50)),
                (org.worker_b, Decimal(30)),
                (studios.member_a, Decimal(20)),
            ],
        )

    def test_lead_edits_the_title_sending_back_the_contributors_they_read(
        self, api, studios, shared
    ):
        """Credit someone else gave stays through the lead's edit, in its order
        and shares, though the lead may not see worker_b."""
        api.force_authenticate(studios.lead_a)
        address = f"{ACHIEVEMENTS}{shared.pk}/"
        read = api.get(address).json()["contributors"]
        sent = [{"person_id": row["person"]["id"], "share": row["share"]} for row in read]
        response = api.patch(address, {"title": "改名", "contributors": sent}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["title"] == "改名"
        assert response.json()["contributors"] == read
        assert list(shared.contributors.values_list("position", "person", "share")) == [
            (1, studios.lead_a.pk, Decimal("50.00")),
            (2, studios.org.worker_b.pk, Decimal("30.00")),
            (3, studios.member_a.pk, Decimal("20.00")),
        ]

    def test_a_newcomer_outside_the_leads_view_is_400_and_keeps_everything(
        self, api, studios, shared
    ):
        api.force_authenticate(studios.lead_a)
        newcomer = PersonFactory(org_unit=studios.org.team_b101)
        sent = [
            {"person_id": studios.lead_a.pk, "share": "50"},
            {"person_id": studios.org.worker_b.pk, "share": "30"},
            {"person_id": newcomer.pk, "share": "20"},
        ]
        response = api.patch(
            f"{ACHIEVEMENTS}{shared.pk}/", {"title": "改名", "contributors": sent}, format="json"
        )
        assert "contributors" in field_errors(response)
        shared.refresh_from_db()
        assert shared.title == "喷雾降尘装置"
        assert shared.contributors.count() == 3


@shared_data(needs=("studios",))
def claimed(built):
    """A dust achievement claiming a benefit of 100,000, not verified yet."""
    return new_achievement(built.get("studios"), claimed_benefit=Decimal("100000"))


class TestVerifyBenefit:
    def url(self, achievement):
        return f"{ACHIEVEMENTS}{achievement.pk}/verify-benefit/"

    VERIFICATION = {"verified_benefit": "80000", "evidence": "财务部确认函 2024-08"}

    @pytest.mark.parametrize("role", ["official_a", "group_official", "admin"])
    def test_official_over_the_studio_verifies(self, api, studios, claimed, role):
        api.force_authenticate(person(studios, role))
        response = api.post(self.url(claimed), self.VERIFICATION, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["verified_benefit"] == "80000.00"
        assert body["verified_by"]["id"] == person(studios, role).pk
        assert body["verified_on"]
        assert body["verification_evidence"] == "财务部确认函 2024-08"

    @pytest.mark.parametrize("role", ["lead_a", "member_a"])
    def test_studio_people_cannot_verify_403(self, api, studios, claimed, role):
        api.force_authenticate(person(studios, role))
        assert api.post(self.url(claimed), self.VERIFICATION, format="json").status_code == 403
        claimed.refresh_from_db()
        assert not claimed.is_verified

    @pytest.mark.parametrize("role", ["official_b", "worker_b", "worker_a"])
    def test_reader_of_a_group_wide_entry_cannot_verify_403(self, api, studios, library, role):
        api.force_authenticate(person(studios, role))
        response = api.post(self.url(library.group_level), self.VERIFICATION, format="json")
        assert response.status_code == 403
        library.group_level.refresh_from_db()
        assert not library.group_level.is_verified

    def test_outsider_gets_404(self, api, studios, claimed):
        api.force_authenticate(studios.org.official_b)
        assert api.post(self.url(claimed), self.VERIFICATION, format="json").status_code == 404

    def test_verifying_twice_is_409(self, api, studios, claimed):
        api.force_authenticate(studios.org.official_a)
        api.post(self.url(claimed), self.VERIFICATION, format="json")
        response = api.post(
            self.url(claimed), {"verified_benefit": "1", "evidence": "再次"}, format="json"
        )
        assert response.status_code == 409
        assert response.json()["detail"]
        claimed.refresh_from_db()
        assert claimed.verified_benefit == Decimal("80000")

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"verified_benefit": "80000", "evidence": ""}, "evidence"),
            ({"verified_benefit": "80000", "evidence": "   "}, "evidence"),
            ({"verified_benefit": "-1", "evidence": "财务部"}, "verified_benefit"),
            ({"evidence": "财务部"}, "verified_benefit"),
        ],
    )
    def test_invalid_verification_is_400_naming_the_field(
        self, api, studios, claimed, payload, field
    ):
        api.force_authenticate(studios.org.official_a)
        assert field in field_errors(api.post(self.url(claimed), payload, format="json"))
        claimed.refresh_from_db()
        assert not claimed.is_verified

    def test_verified_benefit_is_locked_against_the_lead(self, api, studios, claimed):
        # given an official verified the benefit
        verify(studios, claimed)
        api.force_authenticate(studios.lead_a)
        # when the lead changes the claimed figure
        response = api.patch(
            f"{ACHIEVEMENTS}{claimed.pk}/", {"claimed_benefit": "900000"}, format="json"
        )
        # then 409 with a reason, and nothing changed
        assert response.status_code == 409
        assert response.json()["detail"]
        claimed.refresh_from_db()
        assert (claimed.claimed_benefit, claimed.verified_benefit) == (
            Decimal("100000"),
            Decimal("80000"),
        )

    def test_the_verified_figure_cannot_be_written_through_patch(self, api, studios, claimed):
        verify(studios, claimed)
        api.force_authenticate(studios.lead_a)
        api.patch(
            f"{ACHIEVEMENTS}{claimed.pk}/",
            {"verified_benefit": "1", "verification_evidence": "自评"},
            format="json",
        )
        claimed.refresh_from_db()
        assert claimed.verified_benefit == Decimal("80000")
        assert claimed.verification_evidence == "财务部确认函 2024-08"

    def test_lead_still_edits_the_title_after_verification(self, api, studios, claimed):
        verify(studios, claimed)
        api.force_authenticate(studios.lead_a)
        response = api.patch(
            f"{ACHIEVEMENTS}{claimed.pk}/",
            {"title": "喷雾降尘装置（定型）", "claimed_benefit": "100000.00"},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["verified_benefit"] == "80000.00"


# --- Adoptions ----------------------------------------------------------------------


@shared_data(needs=("studios", "library"))
def adoptions(built):
    """Two adoptions: the group-wide dust achievement by team B101, the unit-wide
    one by team A102."""
    org, library = built.get("studios").org, built.get("library")
    return SimpleNamespace(
        by_b101=services.adoption_record(
            by=org.official_b,
            achievement=library.group_level,
            org_unit=org.team_b101,
            adopted_on=datetime.date(2024, 9, 1),
            annual_benefit=Decimal("30000"),
        ),
        by_a102=services.adoption_record(
            by=org.official_a,
            achievement=library.unit_level,
            org_unit=org.team_a102,
            adopted_on=datetime.date(2024, 10, 1),
        ),
    )


class TestAdoptions:
    @pytest.mark.parametrize(
        ("role", "units"),
        [
            ("group_official", {"B101", "A102"}),
            ("official_a", {"B101", "A102"}),
            ("official_b", {"B101"}),
            ("lead_a", {"B101", "A102"}),
            ("worker_a", {"B101", "A102"}),
            ("worker_b", {"B101"}),
            ("admin", {"B101", "A102"}),
        ],
    )
    def test_adoptions_follow_the_achievements_visibility(
        self, api, studios, adoptions, role, units
    ):
        api.force_authenticate(person(studios, role))
        rows = results(api.get(ADOPTIONS))
        assert {row["org_unit"]["code"] for row in rows} == units

    def test_filter_by_achievement(self, api, studios, library, adoptions):
        api.force_authenticate(studios.org.group_official)
        rows = results(api.get(ADOPTIONS, {"achievement": library.group_level.pk}))
        assert [row["org_unit"]["code"] for row in rows] == ["B101"]

    def payload(self, achievement, unit):
        return {
            "achievement_id": achievement.pk,
            "org_unit_id": unit.pk,
            "adopted_on": "2024-09-01",
            "annual_benefit": "30000",
        }

    def test_official_of_another_company_records_an_adoption(self, api, studios, library):
        api.force_authenticate(studios.org.official_b)
        response = api.post(
            ADOPTIONS, self.payload(library.group_level, studios.org.team_b101), format="json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["org_unit"]["code"], body["recorded_by"]["id"]) == (
            "B101",
            studios.org.official_b.pk,
        )

    @pytest.mark.parametrize("role", ["worker_b", "lead_b"])
    def test_non_officials_cannot_record_403(self, api, studios, library, role):
        api.force_authenticate(person(studios, role))
        response = api.post(
            ADOPTIONS, self.payload(library.group_level, studios.org.team_b101), format="json"
        )
        assert response.status_code == 403
        assert not Adoption.objects.exists()

    def test_achievement_outside_scope_is_400_on_achievement_id(self, api, studios, library):
        api.force_authenticate(studios.org.official_b)
        response = api.post(
            ADOPTIONS, self.payload(library.studio_level, studios.org.team_b101), format="json"
        )
        assert "achievement_id" in field_errors(response)
        assert not Adoption.objects.exists()

    def test_unit_outside_scope_is_400_on_org_unit_id(self, api, studios, library):
        api.force_authenticate(studios.org.official_b)
        response = api.post(
            ADOPTIONS, self.payload(library.group_level, studios.org.team_a102), format="json"
        )
        assert "org_unit_id" in field_errors(response)
        assert not Adoption.objects.exists()

    def test_the_studios_own_unit_is_400_on_org_unit_id(self, api, studios, library):
        api.force_authenticate(studios.org.official_a)
        response = api.post(
            ADOPTIONS, self.payload(library.group_level, studios.dust.org_unit), format="json"
        )
        assert "org_unit_id" in field_errors(response)
        assert not Adoption.objects.exists()

    def test_the_same_unit_twice_is_409(self, api, studios, library):
        api.force_authenticate(studios.org.official_b)
        payload = self.payload(library.group_level, studios.org.team_b101)
        assert api.post(ADOPTIONS, payload, format="json").status_code == 201
        response = api.post(ADOPTIONS, payload, format="json")
        assert response.status_code == 409
        assert response.json()["detail"]
        assert Adoption.objects.count() == 1

    def test_adoptions_cannot_be_edited(self, api, studios, adoptions):
        api.force_authenticate(studios.org.official_b)
        response = api.patch(f"{ADOPTIONS}{adoptions.by_b101.pk}/", {"notes": "x"}, format="json")
        assert response.status_code == 405
