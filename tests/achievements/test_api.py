"""The achievements API for every role: problems announced to everyone,
achievements by promotion, patents, adoptions, conferences and their files, with
the status codes of docs/api.md (400 invalid, 401, 403 visible but not allowed,
404 not visible, 409 the state forbids it)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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
from core.models import Attachment

pytestmark = pytest.mark.django_db

PROBLEMS = "/api/v1/problems/"
ACHIEVEMENTS = "/api/v1/achievements/"
PATENTS = "/api/v1/patents/"
ADOPTIONS = "/api/v1/adoptions/"
CONFERENCES = "/api/v1/conferences/"

ROLES = [
    "group_official",
    "official_a",
    "official_b",
    "lead_a",
    "member_a",
    "worker_a",
    "worker_b",
    "admin",
]
DUST_INSIDERS = {"group_official", "official_a", "lead_a", "member_a", "admin"}

ANNOUNCED = {
    "id",
    "studio",
    "title",
    "category",
    "category_display",
    "status",
    "status_display",
    "full_access",
}


# --- Helpers ------------------------------------------------------------------------


def person(studios, role):
    org = studios.org
    return {
        "group_official": org.group_official,
        "official_a": org.official_a,
        "official_b": org.official_b,
        "lead_a": studios.lead_a,
        "member_a": studios.member_a,
        "lead_b": studios.lead_b,
        "worker_a": org.worker_a,
        "worker_b": org.worker_b,
        "admin": org.admin,
    }[role]


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def titles(response) -> set[str]:
    return {row["title"] for row in results(response)}


def field_errors(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return body["errors"]


def lead_of(studios, studio):
    return {
        studios.dust.pk: studios.lead_a,
        studios.washing.pk: studios.org.colleague_a,
        studios.turbine.pk: studios.lead_b,
    }[studio.pk]


def official_over(studios, studio):
    return studios.org.official_b if studio.pk == studios.turbine.pk else studios.org.official_a


def new_problem(studios, *, studio=None, title="综采面粉尘浓度超标", **fields):
    studio = studio or studios.dust
    fields.setdefault("category", TechnicalProblem.Category.DUST_CONTROL)
    fields.setdefault("started_on", datetime.date(2024, 1, 10))
    return services.problem_create(
        by=lead_of(studios, studio), studio=studio, title=title, **fields
    )


def new_achievement(
    studios, *, studio=None, title="喷雾降尘装置", promotion="studio", contributors=None, **fields
):
    """A studio-level achievement is logged by the lead; promoting it beyond the
    studio takes the official over it."""
    studio = studio or studios.dust
    by = lead_of(studios, studio) if promotion == "studio" else official_over(studios, studio)
    fields.setdefault("kind", Achievement.Kind.EQUIPMENT_MODIFICATION)
    fields.setdefault("completed_on", datetime.date(2024, 7, 1))
    return services.achievement_create(
        by=by,
        studio=studio,
        title=title,
        promotion=promotion,
        contributors=contributors or [(lead_of(studios, studio), Decimal(100))],
        **fields,
    )


def verify(studios, achievement, benefit="80000"):
    return services.achievement_verify_benefit(
        achievement_id=achievement.pk,
        by=official_over(studios, achievement.studio),
        verified_benefit=Decimal(benefit),
        evidence="财务部确认函 2024-08",
    )


def number(twelve_digits: str) -> str:
    return f"CN{twelve_digits}.{check_digit(twelve_digits)}"


INVENTION_NO = "CN202110123456.7"
UTILITY_NO = number("202120654321")
FILED = datetime.date(2021, 3, 1)  # the year in the application numbers


def new_patent(studios, *, application_no=INVENTION_NO, patent_type="invention", **fields):
    fields.setdefault("title", "一种综采面喷雾降尘装置")
    return services.patent_create(
        by=studios.lead_a,
        studio=studios.dust,
        application_no=application_no,
        patent_type=patent_type,
        filed_on=FILED,
        holder="A公司",
        inventors=[studios.lead_a, studios.member_a],
        **fields,
    )


def granted_utility_model(studios):
    return new_patent(
        studios,
        application_no=UTILITY_NO,
        patent_type="utility_model",
        title="一种除尘风机导流罩",
        status=Patent.Status.GRANTED,
        granted_on=datetime.date(2023, 9, 1),
    )


def new_conference(by, organiser, name="2024 成果推广会"):
    return services.conference_create(
        by=by, name=name, held_on=datetime.date(2024, 11, 20), organiser=organiser
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="检测报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def disguised_upload():
    """A Windows program renamed to look like a PDF."""
    return SimpleUploadedFile(
        "检测报告.pdf", b"MZ\x90\x00" + b"\x00" * 300, content_type="application/pdf"
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_anonymous_gets_401_everywhere(api, studios):
    for url in (PROBLEMS, ACHIEVEMENTS, PATENTS, ADOPTIONS, CONFERENCES):
        response = api.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"


# --- Problems: announced to everyone, detailed to insiders ------------------------------


@pytest.fixture
def topics(studios):
    """A dust-control topic with a description and a team, and one of the turbine studio."""
    return SimpleNamespace(
        dust=new_problem(studios, description="转载点喷雾压力不足", team=[studios.member_a]),
        turbine=new_problem(
            studios,
            studio=studios.turbine,
            title="汽轮机振动超标",
            category=TechnicalProblem.Category.EQUIPMENT,
        ),
    )


class TestProblemAnnouncement:
    @pytest.mark.parametrize(
        ("role", "full_access_to"),
        [
            ("group_official", {"综采面粉尘浓度超标", "汽轮机振动超标"}),
            ("official_a", {"综采面粉尘浓度超标"}),
            ("official_b", {"汽轮机振动超标"}),
            ("lead_a", {"综采面粉尘浓度超标"}),
            ("member_a", {"综采面粉尘浓度超标"}),
            ("worker_a", set()),
            ("worker_b", set()),
            ("admin", {"综采面粉尘浓度超标", "汽轮机振动超标"}),
        ],
    )
    def test_every_signed_in_user_lists_every_topic_with_details_for_insiders_only(
        self, api, studios, topics, role, full_access_to
    ):
        api.force_authenticate(person(studios, role))
        rows = results(api.get(PROBLEMS))
        assert {row["title"] for row in rows} == {"综采面粉尘浓度超标", "汽轮机振动超标"}
        assert {row["title"] for row in rows if row["full_access"]} == full_access_to
        for row in rows:
            if not row["full_access"]:
                assert set(row) == ANNOUNCED

    def test_worker_of_another_company_sees_only_the_announcement(self, api, studios, topics):
        # given a dust-studio topic (the studio is not named, so worker_b cannot see it)
        api.force_authenticate(studios.org.worker_b)
        # when worker_b reads the list and the detail
        listed = next(r for r in results(api.get(PROBLEMS)) if r["id"] == topics.dust.pk)
        detail = api.get(f"{PROBLEMS}{topics.dust.pk}/")
        # then both carry the announced keys only
        assert detail.status_code == 200
        for row in (listed, detail.json()):
            assert set(row) == ANNOUNCED
            assert row["full_access"] is False
            assert (row["studio"]["code"], row["category"], row["status"]) == (
                "A1-DUST",
                "dust_control",
                "open",
            )
            assert "description" not in row and "team" not in row
        assert "转载点喷雾压力不足" not in detail.content.decode()

    def test_insider_sees_description_and_team(self, api, studios, topics):
        api.force_authenticate(studios.member_a)
        body = api.get(f"{PROBLEMS}{topics.dust.pk}/").json()
        assert body["full_access"] is True
        assert body["description"] == "转载点喷雾压力不足"
        assert [p["id"] for p in body["team"]] == [studios.member_a.pk]

    def test_unknown_problem_is_404(self, api, studios):
        api.force_authenticate(studios.org.group_official)
        assert api.get(f"{PROBLEMS}999999/").status_code == 404

    def test_search_matches_the_announcement_not_the_hidden_description(self, api, studios, topics):
        api.force_authenticate(studios.org.worker_b)
        assert titles(api.get(PROBLEMS, {"search": "粉尘"})) == {"综采面粉尘浓度超标"}
        assert titles(api.get(PROBLEMS, {"search": "喷雾压力"})) == set()

    def test_filters(self, api, studios, topics):
        api.force_authenticate(studios.org.group_official)
        both = {"综采面粉尘浓度超标", "汽轮机振动超标"}
        assert titles(api.get(PROBLEMS, {"category": "equipment"})) == {"汽轮机振动超标"}
        assert titles(api.get(PROBLEMS, {"status": "open"})) == both
        assert titles(api.get(PROBLEMS, {"status": "solved"})) == set()
        assert titles(api.get(PROBLEMS, {"studio": studios.dust.pk})) == {"综采面粉尘浓度超标"}
        assert titles(api.get(PROBLEMS, {"org_unit": studios.org.company_b.pk})) == {
            "汽轮机振动超标"
        }
        assert titles(api.get(PROBLEMS, {"year": 2024})) == both
        assert titles(api.get(PROBLEMS, {"year": 2023})) == set()


def problem_payload(studios, **overrides):
    return {
        "studio_id": studios.dust.pk,
        "title": "回风巷粉尘超标",
        "category": "dust_control",
        "description": "回风巷粉尘浓度高于 10 mg/m³",
        "started_on": "2024-03-01",
        "team_ids": [studios.member_a.pk],
        **overrides,
    }


class TestProblemWrites:
    @pytest.mark.parametrize("role", ["lead_a", "official_a", "group_official", "admin"])
    def test_writers_announce_a_problem(self, api, studios, role):
        api.force_authenticate(person(studios, role))
        response = api.post(PROBLEMS, problem_payload(studios), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["status"], body["full_access"]) == ("open", True)
        assert [p["id"] for p in body["team"]] == [studios.member_a.pk]
        problem = TechnicalProblem.objects.get(pk=body["id"])
        assert (problem.studio, problem.created_by) == (studios.dust, person(studios, role))

    def test_lead_logs_a_solved_problem_with_its_date(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = problem_payload(studios, status="solved", solved_on="2024-06-30")
        response = api.post(PROBLEMS, payload, format="json")
        assert response.status_code == 201, response.content
        assert (response.json()["status"], response.json()["solved_on"]) == (
            "solved",
            "2024-06-30",
        )

    def test_core_member_is_403_unless_the_studio_allows(self, api, studios):
        api.force_authenticate(studios.member_a)
        refused = api.post(PROBLEMS, problem_payload(studios), format="json")
        assert refused.status_code == 403
        assert refused.json()["detail"]
        assert not TechnicalProblem.objects.exists()
        # once the studio lets core members log records
        studios.dust.core_members_edit_records = True
        studios.dust.save(update_fields=["core_members_edit_records"])
        assert api.post(PROBLEMS, problem_payload(studios), format="json").status_code == 201

    @pytest.mark.parametrize("role", ["worker_a", "worker_b", "official_b"])
    def test_studio_outside_scope_is_400_on_studio_id(self, api, studios, role):
        api.force_authenticate(person(studios, role))
        response = api.post(PROBLEMS, problem_payload(studios, team_ids=[]), format="json")
        assert "studio_id" in field_errors(response)
        assert not TechnicalProblem.objects.exists()

    def test_team_member_outside_scope_is_400_on_team_ids(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = problem_payload(studios, team_ids=[studios.member_a.pk, studios.org.worker_b.pk])
        assert "team_ids" in field_errors(api.post(PROBLEMS, payload, format="json"))
        assert not TechnicalProblem.objects.exists()

    def test_same_person_twice_in_the_team_is_400_on_team_ids(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = problem_payload(studios, team_ids=[studios.member_a.pk, studios.member_a.pk])
        assert "team_ids" in field_errors(api.post(PROBLEMS, payload, format="json"))
        assert not TechnicalProblem.objects.exists()

    def test_solved_without_a_date_is_400_on_solved_on(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = problem_payload(studios, status="solved")
        assert "solved_on" in field_errors(api.post(PROBLEMS, payload, format="json"))
        assert not TechnicalProblem.objects.exists()

    def test_missing_fields_are_named(self, api, studios):
        api.force_authenticate(studios.lead_a)
        errors = field_errors(api.post(PROBLEMS, {}, format="json"))
        assert {"studio_id", "title", "category"} <= set(errors)

    def test_lead_edits_the_description(self, api, studios, topics):
        api.force_authenticate(studios.lead_a)
        response = api.patch(
            f"{PROBLEMS}{topics.dust.pk}/", {"description": "已更换喷嘴"}, format="json"
        )
        assert response.status_code == 200, response.content
        topics.dust.refresh_from_db()
        assert topics.dust.description == "已更换喷嘴"

    def test_patch_cannot_move_the_status(self, api, studios, topics):
        api.force_authenticate(studios.lead_a)
        api.patch(f"{PROBLEMS}{topics.dust.pk}/", {"status": "solved"}, format="json")
        topics.dust.refresh_from_db()
        assert topics.dust.status == TechnicalProblem.Status.OPEN

    def test_core_member_cannot_edit_403(self, api, studios, topics):
        api.force_authenticate(studios.member_a)
        response = api.patch(f"{PROBLEMS}{topics.dust.pk}/", {"title": "改名"}, format="json")
        assert response.status_code == 403
        topics.dust.refresh_from_db()
        assert topics.dust.title == "综采面粉尘浓度超标"

    @pytest.mark.parametrize("role", ["worker_b", "official_b", "worker_a"])
    @pytest.mark.parametrize("action", ["patch", "change-status"])
    def test_outsider_reading_the_announcement_may_not_write_403(
        self, api, studios, topics, role, action
    ):
        api.force_authenticate(person(studios, role))
        url = f"{PROBLEMS}{topics.dust.pk}/"
        if action == "patch":
            response = api.patch(url, {"title": "改名"}, format="json")
        else:
            response = api.post(f"{url}change-status/", {"status": "in_progress"}, format="json")
        assert response.status_code == 403
        topics.dust.refresh_from_db()
        assert (topics.dust.title, topics.dust.status) == ("综采面粉尘浓度超标", "open")


class TestProblemStatusChange:
    def url(self, problem):
        return f"{PROBLEMS}{problem.pk}/change-status/"

    def test_lead_moves_open_to_in_progress_to_solved(self, api, studios, topics):
        api.force_authenticate(studios.lead_a)
        started = api.post(self.url(topics.dust), {"status": "in_progress"}, format="json")
        assert started.status_code == 200, started.content
        assert started.json()["status"] == "in_progress"
        solved = api.post(
            self.url(topics.dust),
            {"status": "solved", "solved_on": "2024-06-30", "realised_benefit": "50000"},
            format="json",
        )
        assert solved.status_code == 200, solved.content
        assert (solved.json()["status"], solved.json()["solved_on"]) == ("solved", "2024-06-30")
        assert solved.json()["realised_benefit"] == "50000.00"
        assert topics.dust.events.count() == 3

    @pytest.mark.parametrize(
        ("path", "target"),
        [([], "solved"), ([], "open"), (["in_progress", "solved"], "in_progress")],
        ids=["open to solved", "open to open", "solved to in progress"],
    )
    def test_illegal_transition_is_409_with_a_detail(self, api, studios, topics, path, target):
        api.force_authenticate(studios.lead_a)
        for step in path:
            api.post(self.url(topics.dust), {"status": step}, format="json")
        topics.dust.refresh_from_db()
        before = (topics.dust.status, topics.dust.events.count())
        response = api.post(self.url(topics.dust), {"status": target}, format="json")
        assert response.status_code == 409
        assert response.json()["detail"]
        assert response.json()["code"] == "invalid_transition"
        topics.dust.refresh_from_db()
        assert (topics.dust.status, topics.dust.events.count()) == before

    def test_unknown_status_is_400_on_status(self, api, studios, topics):
        api.force_authenticate(studios.lead_a)
        response = api.post(self.url(topics.dust), {"status": "done"}, format="json")
        assert "status" in field_errors(response)

    def test_core_member_cannot_move_it_403(self, api, studios, topics):
        api.force_authenticate(studios.member_a)
        response = api.post(self.url(topics.dust), {"status": "in_progress"}, format="json")
        assert response.status_code == 403
        topics.dust.refresh_from_db()
        assert topics.dust.status == "open"


# --- Achievements: the library ----------------------------------------------------------


@pytest.fixture
def library(studios):
    """Dust achievements at each promotion level and a studio-level turbine one."""
    return SimpleNamespace(
        studio_level=new_achievement(studios, title="喷雾降尘装置"),
        unit_level=new_achievement(studios, title="除尘风机改造", promotion="unit"),
        group_level=new_achievement(studios, title="综采面粉尘治理工法", promotion="group"),
        turbine=new_achievement(studios, studio=studios.turbine, title="汽轮机叶片修复"),
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


class TestAchievementFilters:
    @pytest.fixture
    def shelf(self, studios):
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


class TestVerifyBenefit:
    def url(self, achievement):
        return f"{ACHIEVEMENTS}{achievement.pk}/verify-benefit/"

    @pytest.fixture
    def claimed(self, studios):
        return new_achievement(studios, claimed_benefit=Decimal("100000"))

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


class TestAdoptions:
    @pytest.fixture
    def adoptions(self, studios, library):
        org = studios.org
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


# --- Patents ------------------------------------------------------------------------


def patent_payload(studios, **overrides):
    return {
        "studio_id": studios.dust.pk,
        "application_no": "ZL 2021 1 0123456.7",
        "title": "一种综采面喷雾降尘装置",
        "patent_type": "invention",
        "filed_on": "2021-03-01",
        "holder": "A公司",
        "inventor_ids": [studios.lead_a.pk, studios.member_a.pk],
        **overrides,
    }


class TestPatentVisibility:
    @pytest.fixture
    def patents(self, studios):
        return SimpleNamespace(filed=new_patent(studios), granted=granted_utility_model(studios))

    @pytest.mark.parametrize("role", ROLES)
    def test_filed_patents_are_internal_granted_ones_public(self, api, studios, patents, role):
        api.force_authenticate(person(studios, role))
        numbers = {row["application_no"] for row in results(api.get(PATENTS))}
        granted = patents.granted.application_no
        expected = {patents.filed.application_no, granted} if role in DUST_INSIDERS else {granted}
        assert numbers == expected

    def test_outsider_detail_of_a_filed_patent_is_404(self, api, studios, patents):
        api.force_authenticate(studios.org.worker_a)
        assert api.get(f"{PATENTS}{patents.filed.pk}/").status_code == 404

    def test_insider_sees_inventors_in_order_and_the_display_number(self, api, studios, patents):
        api.force_authenticate(studios.member_a)
        body = api.get(f"{PATENTS}{patents.filed.pk}/").json()
        assert body["number_display"] == "ZL 2021 1 0123456.7"
        assert [p["id"] for p in body["inventors"]] == [studios.lead_a.pk, studios.member_a.pk]

    def test_search_by_number_in_any_spelling(self, api, studios, patents):
        api.force_authenticate(studios.lead_a)
        rows = results(api.get(PATENTS, {"search": "ZL 2021 1 0123456"}))
        assert [row["id"] for row in rows] == [patents.filed.pk]


class TestPatentWrites:
    def test_lead_logs_a_patent_stored_normalised(self, api, studios):
        api.force_authenticate(studios.lead_a)
        response = api.post(PATENTS, patent_payload(studios), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["application_no"], body["status"]) == ("202110123456.7", "filed")
        assert [p["id"] for p in body["inventors"]] == [studios.lead_a.pk, studios.member_a.pk]

    @pytest.mark.parametrize(
        ("application_no", "patent_type"),
        [
            ("CN202110123456.8", "invention"),
            ("CN202110123456.7", "utility_model"),
            ("CN2021101234", "invention"),
        ],
        ids=["check digit", "type digit", "shape"],
    )
    def test_bad_number_is_400_on_application_no(self, api, studios, application_no, patent_type):
        api.force_authenticate(studios.lead_a)
        payload = patent_payload(studios, application_no=application_no, patent_type=patent_type)
        assert "application_no" in field_errors(api.post(PATENTS, payload, format="json"))
        assert not Patent.objects.exists()
        assert not Inventor.objects.exists()

    def test_same_number_in_another_spelling_is_400(self, api, studios):
        new_patent(studios, application_no="CN202110123456.7")
        api.force_authenticate(studios.lead_a)
        response = api.post(PATENTS, patent_payload(studios), format="json")
        assert "application_no" in field_errors(response)
        assert Patent.objects.count() == 1

    def test_granted_before_filed_is_400_on_granted_on(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = patent_payload(
            studios,
            application_no=UTILITY_NO,
            patent_type="utility_model",
            status="granted",
            granted_on="2021-02-01",
        )
        assert "granted_on" in field_errors(api.post(PATENTS, payload, format="json"))
        assert not Patent.objects.exists()

    def test_inventor_outside_scope_is_400_on_inventor_ids(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = patent_payload(studios, inventor_ids=[studios.lead_b.pk])
        assert "inventor_ids" in field_errors(api.post(PATENTS, payload, format="json"))
        assert not Patent.objects.exists()

    def test_no_inventor_is_400_on_inventor_ids(self, api, studios):
        api.force_authenticate(studios.lead_a)
        payload = patent_payload(studios, inventor_ids=[])
        assert "inventor_ids" in field_errors(api.post(PATENTS, payload, format="json"))
        assert not Patent.objects.exists()

    @pytest.mark.parametrize("role", ["lead_b", "worker_a", "official_b"])
    def test_studio_outside_scope_is_400_on_studio_id(self, api, studios, role):
        api.force_authenticate(person(studios, role))
        payload = patent_payload(studios, inventor_ids=[person(studios, role).pk])
        assert "studio_id" in field_errors(api.post(PATENTS, payload, format="json"))
        assert not Patent.objects.exists()

    def test_core_member_without_the_right_is_403(self, api, studios):
        api.force_authenticate(studios.member_a)
        assert api.post(PATENTS, patent_payload(studios), format="json").status_code == 403
        assert not Patent.objects.exists()

    def test_lead_edits_the_title_but_not_the_number(self, api, studios):
        patent = new_patent(studios)
        api.force_authenticate(studios.lead_a)
        response = api.patch(
            f"{PATENTS}{patent.pk}/",
            {"title": "一种喷雾降尘装置及方法", "application_no": "CN202110123457.9"},
            format="json",
        )
        assert response.status_code == 200, response.content
        patent.refresh_from_db()
        assert (patent.title, patent.application_no) == ("一种喷雾降尘装置及方法", "202110123456.7")

    def test_reader_of_a_public_patent_may_not_edit_it_403(self, api, studios):
        patent = granted_utility_model(studios)
        api.force_authenticate(studios.org.worker_b)
        response = api.patch(f"{PATENTS}{patent.pk}/", {"title": "改名"}, format="json")
        assert response.status_code == 403


class TestPatentStatusChange:
    def move(self, api, patent, status, on=None):
        payload = {"status": status} if on is None else {"status": status, "on": on}
        return api.post(f"{PATENTS}{patent.pk}/change-status/", payload, format="json")

    def test_invention_is_published_then_granted(self, api, studios):
        patent = new_patent(studios)
        api.force_authenticate(studios.lead_a)
        published = self.move(api, patent, "published", "2023-09-01")
        assert published.status_code == 200, published.content
        granted = self.move(api, patent, "granted", "2024-05-01")
        assert (granted.json()["status"], granted.json()["granted_on"]) == (
            "granted",
            "2024-05-01",
        )

    @pytest.mark.parametrize(
        ("patent_type", "target"),
        [
            ("invention", "granted"),  # an invention is published first
            ("invention", "lapsed"),  # lapsed only after grant
            ("utility_model", "published"),  # utility models are not published
        ],
    )
    def test_illegal_transition_is_409_with_a_detail(self, api, studios, patent_type, target):
        application_no = INVENTION_NO if patent_type == "invention" else UTILITY_NO
        patent = new_patent(studios, application_no=application_no, patent_type=patent_type)
        api.force_authenticate(studios.lead_a)
        response = self.move(api, patent, target, "2024-05-01")
        assert response.status_code == 409
        assert response.json()["detail"]
        patent.refresh_from_db()
        assert (patent.status, patent.granted_on, patent.published_on) == ("filed", None, None)

    def test_grant_dated_before_filing_is_400_on_granted_on(self, api, studios):
        patent = new_patent(studios, application_no=UTILITY_NO, patent_type="utility_model")
        api.force_authenticate(studios.lead_a)
        assert "granted_on" in field_errors(self.move(api, patent, "granted", "2021-01-01"))
        patent.refresh_from_db()
        assert patent.status == "filed"

    def test_core_member_cannot_move_it_403(self, api, studios):
        patent = new_patent(studios)
        api.force_authenticate(studios.member_a)
        assert self.move(api, patent, "published").status_code == 403

    def test_outsider_gets_404(self, api, studios):
        patent = new_patent(studios)
        api.force_authenticate(studios.lead_b)
        assert self.move(api, patent, "published").status_code == 404


# --- Conferences --------------------------------------------------------------------


class TestConferences:
    @pytest.mark.parametrize("role", ROLES)
    def test_conferences_are_listed_to_every_signed_in_user(self, api, studios, role):
        new_conference(studios.org.official_b, studios.org.company_b)
        api.force_authenticate(person(studios, role))
        rows = results(api.get(CONFERENCES))
        assert [(row["name"], row["organiser"]["code"]) for row in rows] == [
            ("2024 成果推广会", "B")
        ]

    def test_official_creates_a_conference_in_scope(self, api, studios):
        api.force_authenticate(studios.org.official_b)
        response = api.post(
            CONFERENCES,
            {
                "name": "成果推广会",
                "held_on": "2024-11-20",
                "organiser_id": studios.org.company_b.pk,
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["displayed"] == 0

    @pytest.mark.parametrize("role", ["lead_a", "worker_a"])
    def test_non_officials_cannot_create_403(self, api, studios, role):
        api.force_authenticate(person(studios, role))
        response = api.post(
            CONFERENCES,
            {
                "name": "成果推广会",
                "held_on": "2024-11-20",
                "organiser_id": studios.org.team_a101.pk,
            },
            format="json",
        )
        assert response.status_code == 403
        assert not PromotionConference.objects.exists()

    def test_organiser_outside_scope_is_400_on_organiser_id(self, api, studios):
        api.force_authenticate(studios.org.official_b)
        response = api.post(
            CONFERENCES,
            {
                "name": "成果推广会",
                "held_on": "2024-11-20",
                "organiser_id": studios.org.company_a.pk,
            },
            format="json",
        )
        assert "organiser_id" in field_errors(response)
        assert not PromotionConference.objects.exists()

    def show_url(self, conference):
        return f"{CONFERENCES}{conference.pk}/show-achievements/"

    def test_official_shows_a_group_wide_achievement(self, api, studios, library):
        conference = new_conference(studios.org.official_b, studios.org.company_b)
        api.force_authenticate(studios.org.official_b)
        payload = {"achievement_ids": [library.group_level.pk, library.turbine.pk]}
        response = api.post(self.show_url(conference), payload, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["displayed"] == 2
        # showing them again changes nothing
        again = api.post(self.show_url(conference), payload, format="json")
        assert again.json()["displayed"] == 2

    def test_achievement_outside_scope_is_400_and_nothing_shown(self, api, studios, library):
        conference = new_conference(studios.org.official_b, studios.org.company_b)
        api.force_authenticate(studios.org.official_b)
        payload = {"achievement_ids": [library.group_level.pk, library.studio_level.pk]}
        assert "achievement_ids" in field_errors(
            api.post(self.show_url(conference), payload, format="json")
        )
        assert not conference.achievements.exists()

    @pytest.mark.parametrize("role", ["official_a", "worker_b", "lead_b"])
    def test_only_officials_over_the_organiser_fill_it_403(self, api, studios, library, role):
        conference = new_conference(studios.org.official_b, studios.org.company_b)
        api.force_authenticate(person(studios, role))
        payload = {"achievement_ids": [library.group_level.pk]}
        assert api.post(self.show_url(conference), payload, format="json").status_code == 403
        assert not conference.achievements.exists()

    def test_unknown_conference_is_404(self, api, studios):
        api.force_authenticate(studios.org.group_official)
        response = api.post(f"{CONFERENCES}999999/show-achievements/", {"achievement_ids": []})
        assert response.status_code == 404


# --- Attachments --------------------------------------------------------------------


class TestAttachments:
    @pytest.fixture
    def records(self, studios, media):
        return SimpleNamespace(
            problem=new_problem(studios),
            achievement=new_achievement(studios),
            group_level=new_achievement(studios, title="综采面粉尘治理工法", promotion="group"),
            patent=new_patent(studios),
        )

    def url(self, kind, record):
        return f"/api/v1/{kind}/{record.pk}/attachments/"

    @pytest.mark.parametrize(
        ("kind", "record"),
        [("problems", "problem"), ("achievements", "achievement"), ("patents", "patent")],
    )
    def test_lead_uploads_a_pdf_and_insiders_list_and_download_it(
        self, api, studios, records, kind, record
    ):
        # given the lead uploads a PDF with a Chinese name
        api.force_authenticate(studios.lead_a)
        target = getattr(records, record)
        uploaded = api.post(self.url(kind, target), {"file": pdf_upload()}, format="multipart")
        assert uploaded.status_code == 201, uploaded.content
        body = uploaded.json()
        assert (body["name"], body["mime_type"], body["size"]) == (
            "检测报告.pdf",
            "application/pdf",
            len(PDF),
        )
        # when a member lists and downloads it
        api.force_authenticate(studios.member_a)
        listed = api.get(self.url(kind, target))
        download = api.get(f"/api/v1/attachments/{body['id']}/download/")
        # then it is there, byte for byte
        assert [row["id"] for row in listed.json()] == [body["id"]]
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF

    def test_disguised_upload_is_400_on_file_and_nothing_saved(self, api, studios, records):
        api.force_authenticate(studios.lead_a)
        response = api.post(
            self.url("achievements", records.achievement),
            {"file": disguised_upload()},
            format="multipart",
        )
        assert "file" in field_errors(response)
        assert not Attachment.objects.exists()

    def test_oversized_upload_is_400_on_file_and_nothing_saved(
        self, api, studios, records, settings
    ):
        settings.UPLOAD_MAX_BYTES = len(PDF) - 1
        api.force_authenticate(studios.lead_a)
        response = api.post(
            self.url("achievements", records.achievement),
            {"file": pdf_upload()},
            format="multipart",
        )
        assert "file" in field_errors(response)
        assert not Attachment.objects.exists()

    def test_missing_file_is_400_on_file(self, api, studios, records):
        api.force_authenticate(studios.lead_a)
        response = api.post(self.url("achievements", records.achievement), {}, format="multipart")
        assert "file" in field_errors(response)

    def test_core_member_without_the_right_cannot_upload_403(self, api, studios, records):
        api.force_authenticate(studios.member_a)
        response = api.post(
            self.url("achievements", records.achievement),
            {"file": pdf_upload()},
            format="multipart",
        )
        assert response.status_code == 403
        assert not Attachment.objects.exists()

    def test_reader_of_a_group_wide_achievement_cannot_upload_403(self, api, studios, records):
        api.force_authenticate(studios.org.worker_b)
        response = api.post(
            self.url("achievements", records.group_level),
            {"file": pdf_upload()},
            format="multipart",
        )
        assert response.status_code == 403
        assert not Attachment.objects.exists()

    def test_outsider_download_is_404(self, api, studios, records):
        attachment = services.attachment_add(
            record=records.achievement, by=studios.lead_a, upload=pdf_upload()
        )
        api.force_authenticate(studios.org.worker_b)
        assert api.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404
        assert api.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404
        assert api.get(self.url("achievements", records.achievement)).status_code == 404

    def test_files_of_an_announced_problem_stay_with_insiders(self, api, studios, records):
        attachment = services.attachment_add(
            record=records.problem, by=studios.lead_a, upload=pdf_upload()
        )
        api.force_authenticate(studios.org.worker_b)
        assert api.get(self.url("problems", records.problem)).status_code == 403
        assert api.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404

    def test_files_of_a_public_patent_stay_with_insiders(self, api, studios, records):
        Patent.objects.filter(pk=records.patent.pk).update(status=Patent.Status.PUBLISHED)
        attachment = services.attachment_add(
            record=records.patent, by=studios.lead_a, upload=pdf_upload()
        )
        api.force_authenticate(studios.org.worker_b)
        assert api.get(f"/api/v1/patents/{records.patent.pk}/").status_code == 200
        assert api.get(self.url("patents", records.patent)).status_code == 403
        assert api.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404

    def test_files_of_a_group_wide_achievement_are_public(self, api, studios, records):
        attachment = services.attachment_add(
            record=records.group_level, by=studios.org.official_a, upload=pdf_upload()
        )
        api.force_authenticate(studios.org.worker_b)
        download = api.get(f"/api/v1/attachments/{attachment.pk}/download/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF

    def test_anonymous_download_is_401(self, api, studios, records):
        attachment = services.attachment_add(
            record=records.group_level, by=studios.org.official_a, upload=pdf_upload()
        )
        assert api.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 401
