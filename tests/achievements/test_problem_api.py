"""The achievements API for problems: anonymous callers, announced to everyone
and detailed to insiders, writes and status changes."""

from types import SimpleNamespace

import pytest

from achievements import services
from achievements.models import TechnicalProblem
from tests.achievements.api import (
    ACHIEVEMENTS,
    ADOPTIONS,
    CONFERENCES,
    PATENTS,
    field_errors,
    new_problem,
    titles,
)
from tests.api_answers import results
from tests.factories import PersonFactory
from tests.roles import person

pytestmark = pytest.mark.django_db

PROBLEMS = "/api/v1/problems/"

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
        response = api.patch(f"{PROBLEMS}{topics.dust.pk}/", {"status": "solved"}, format="json")
        assert set(field_errors(response)) == {"status"}
        topics.dust.refresh_from_db()
        assert topics.dust.status == TechnicalProblem.Status.OPEN

    def test_core_member_cannot_edit_403(self, api, studios, topics):
        api.force_authenticate(studios.member_a)
        response = api.patch(f"{PROBLEMS}{topics.dust.pk}/", {"title": "改名"}, format="json")
        assert response.status_code == 403
        topics.dust.refresh_from_db()
        assert topics.dust.title == "综采面粉尘浓度超标"

    def test_lead_edits_the_title_sending_back_the_team_they_read(self, api, studios):
        """The group official named worker_b of company B, whom the lead
        cannot see: the team stays through the lead's edit."""
        org = studios.org
        problem = new_problem(studios, team=[studios.member_a])
        services.problem_update(
            problem_id=problem.pk, by=org.group_official, team=[studios.member_a, org.worker_b]
        )
        api.force_authenticate(studios.lead_a)
        address = f"{PROBLEMS}{problem.pk}/"
        read = api.get(address).json()["team"]
        sent = {"title": "改名", "team_ids": [person["id"] for person in read]}
        response = api.patch(address, sent, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["title"] == "改名"
        assert response.json()["team"] == read
        assert set(problem.team.all()) == {studios.member_a, org.worker_b}
        # someone new outside the lead's view is still refused
        newcomer = PersonFactory(org_unit=org.team_b101)
        sent = {"title": "再改名", "team_ids": [studios.member_a.pk, org.worker_b.pk, newcomer.pk]}
        assert "team_ids" in field_errors(api.patch(address, sent, format="json"))
        problem.refresh_from_db()
        assert problem.title == "改名"
        assert set(problem.team.all()) == {studios.member_a, org.worker_b}

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
