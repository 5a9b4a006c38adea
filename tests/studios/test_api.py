"""The studio API for every role: who sees what, who may do what, and the
status codes of docs/api.md."""

import pytest

from studios import services
from studios.models import Assessment, Honour, Membership, Studio
from tests.factories import PersonFactory
from tests.roles import person

pytestmark = pytest.mark.django_db


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


class TestStudioVisibility:
    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("group_official", {"A1-DUST", "A1-WASH", "B1-TURB"}),
            ("official_a", {"A1-DUST", "A1-WASH"}),
            ("official_b", {"B1-TURB"}),
            ("lead_a", {"A1-DUST"}),
            ("member_a", {"A1-DUST"}),
            ("worker_a", set()),
            ("worker_b", set()),
            ("admin", {"A1-DUST", "A1-WASH", "B1-TURB"}),
        ],
    )
    def test_list_is_scoped(self, api, studios, role, expected):
        api.force_authenticate(person(studios, role))
        assert codes(api.get("/api/v1/studios/")) == expected

    def test_named_studio_is_visible_to_everyone(self, api, studios, provincial_list):
        services.honour_create(
            by=studios.org.group_official, recognition_list=provincial_list, studio=studios.dust
        )
        api.force_authenticate(studios.org.worker_b)
        assert codes(api.get("/api/v1/studios/")) == {"A1-DUST"}

    def test_outsider_gets_404(self, api, studios):
        api.force_authenticate(studios.org.official_b)
        response = api.get(f"/api/v1/studios/{studios.dust.pk}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_anonymous_gets_401(self, api, studios):
        assert api.get("/api/v1/studios/").status_code == 401

    def test_filters(self, api, studios, provincial_list):
        services.honour_create(
            by=studios.org.group_official, recognition_list=provincial_list, studio=studios.dust
        )
        api.force_authenticate(studios.org.group_official)
        assert codes(api.get("/api/v1/studios/", {"org_unit": studios.org.company_b.pk})) == {
            "B1-TURB"
        }
        assert codes(api.get("/api/v1/studios/", {"search": "粉尘"})) == {"A1-DUST"}
        assert codes(api.get("/api/v1/studios/", {"status": "named"})) == {"A1-DUST"}
        assert codes(api.get("/api/v1/studios/", {"honour_level": "provincial", "year": 2022})) == {
            "A1-DUST"
        }
        assert codes(api.get("/api/v1/studios/", {"honour_level": "national"})) == set()

    def test_ordering(self, api, studios):
        api.force_authenticate(studios.org.group_official)
        rows = api.get("/api/v1/studios/", {"ordering": "-code"}).json()["results"]
        assert [row["code"] for row in rows] == ["B1-TURB", "A1-WASH", "A1-DUST"]


def studio_payload(org, **overrides):
    return {
        "name": "新工作室",
        "code": "A1-NEW",
        "kind": "employee",
        "leader_id": org.worker_a.pk,
        "org_unit_id": org.team_a101.pk,
        "speciality": "支护技术",
        "founded_on": "2024-03-01",
        "functions": ["problem_tackling"],
        **overrides,
    }


class TestStudioWrites:
    def test_official_creates_a_preparing_studio(self, api, org):
        api.force_authenticate(org.official_a)
        response = api.post("/api/v1/studios/", studio_payload(org), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["status"], body["leader"]["id"]) == ("preparing", org.worker_a.pk)

    @pytest.mark.parametrize("role", ["lead_a", "member_a", "worker_a"])
    def test_non_officials_cannot_create(self, api, studios, role):
        api.force_authenticate(person(studios, role))
        response = api.post("/api/v1/studios/", studio_payload(studios.org), format="json")
        assert response.status_code == 403
        assert not Studio.objects.filter(code="A1-NEW").exists()

    def test_unit_outside_scope_is_400_naming_the_field(self, api, org):
        api.force_authenticate(org.official_b)
        response = api.post(
            "/api/v1/studios/",
            studio_payload(org, leader_id=org.worker_b.pk),
            format="json",
        )
        assert response.status_code == 400
        assert "org_unit_id" in response.json()["errors"]
        assert not Studio.objects.exists()

    @pytest.mark.parametrize("move", ["create", "update"])
    def test_a_new_leader_no_longer_active_is_400_naming_them(self, api, studios, move):
        """As the studio form refuses them: nothing changes."""
        gone = PersonFactory(org_unit=studios.org.team_a102)
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
        api.force_authenticate(studios.org.official_a)
        if move == "create":
            payload = studio_payload(studios.org, leader_id=gone.pk)
            response = api.post("/api/v1/studios/", payload, format="json")
        else:
            address = f"/api/v1/studios/{studios.dust.pk}/"
            response = api.patch(address, {"leader_id": gone.pk}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == {"leader_id": [f"{gone.full_name} 已停用"]}
        assert not Membership.objects.filter(person=gone).exists()

    def test_the_office_sends_back_a_leader_it_may_not_see_unchanged(self, api, org):
        # Given a company-A studio led by someone of company B (the group's doing)
        api.force_authenticate(org.group_official)
        payload = studio_payload(org, leader_id=org.worker_b.pk)
        studio = api.post("/api/v1/studios/", payload, format="json").json()
        # When company A's official, who may not see that leader, saves it as read
        api.force_authenticate(org.official_a)
        response = api.patch(
            f"/api/v1/studios/{studio['id']}/",
            {**payload, "leader_id": org.worker_b.pk, "speciality": "锚杆支护"},
            format="json",
        )
        # Then the change is taken and the leader stays; naming that person anew is refused
        assert response.status_code == 200, response.content
        assert Studio.objects.get(pk=studio["id"]).speciality == "锚杆支护"
        other = api.post("/api/v1/studios/", {**payload, "code": "A1-N2"}, format="json")
        assert "leader_id" in other.json()["errors"]

    def test_missing_fields_are_named(self, api, org):
        api.force_authenticate(org.official_a)
        response = api.post("/api/v1/studios/", {}, format="json")
        assert response.status_code == 400
        assert {"name", "code", "kind", "leader_id", "org_unit_id"} <= set(
            response.json()["errors"]
        )

    def test_duplicate_code_is_400(self, api, studios):
        api.force_authenticate(studios.org.official_a)
        response = api.post(
            "/api/v1/studios/", studio_payload(studios.org, code="A1-DUST"), format="json"
        )
        assert response.status_code == 400
        assert "code" in response.json()["errors"]

    def test_lead_edits_the_description(self, api, studios):
        api.force_authenticate(studios.lead_a)
        response = api.patch(
            f"/api/v1/studios/{studios.dust.pk}/", {"description": "新介绍"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["description"] == "新介绍"

    def test_lead_cannot_change_the_code(self, api, studios):
        api.force_authenticate(studios.lead_a)
        response = api.patch(
            f"/api/v1/studios/{studios.dust.pk}/", {"code": "HIJACK"}, format="json"
        )
        assert response.status_code == 403
        studios.dust.refresh_from_db()
        assert studios.dust.code == "A1-DUST"

    def test_member_cannot_edit(self, api, studios):
        api.force_authenticate(studios.member_a)
        response = api.patch(
            f"/api/v1/studios/{studios.dust.pk}/", {"description": "x"}, format="json"
        )
        assert response.status_code == 403

    def test_official_of_another_company_gets_404_on_edit(self, api, studios):
        api.force_authenticate(studios.org.official_b)
        response = api.patch(f"/api/v1/studios/{studios.dust.pk}/", {"name": "x"}, format="json")
        assert response.status_code == 404

    def test_status_cannot_be_written_directly(self, api, studios):
        api.force_authenticate(studios.org.official_a)
        api.patch(f"/api/v1/studios/{studios.dust.pk}/", {"status": "named"}, format="json")
        studios.dust.refresh_from_db()
        assert studios.dust.status == Studio.Status.ESTABLISHED


class TestChangeStatus:
    def url(self, studios):
        return f"/api/v1/studios/{studios.dust.pk}/change-status/"

    def test_official_revokes_with_reason(self, api, studios):
        api.force_authenticate(studios.org.official_a)
        response = api.post(
            self.url(studios), {"status": "revoked", "reason": "摘牌"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["status"] == "revoked"

    def test_without_reason_is_400(self, api, studios):
        api.force_authenticate(studios.org.official_a)
        response = api.post(self.url(studios), {"status": "revoked"}, format="json")
        assert response.status_code == 400
        assert "reason" in response.json()["errors"]

    def test_illegal_transition_is_409_with_message(self, api, studios):
        api.force_authenticate(studios.org.official_a)
        response = api.post(self.url(studios), {"status": "named"}, format="json")
        assert response.status_code == 409
        assert response.json()["detail"]
        studios.dust.refresh_from_db()
        assert studios.dust.status == Studio.Status.ESTABLISHED

    def test_lead_is_403(self, api, studios):
        api.force_authenticate(studios.lead_a)
        response = api.post(self.url(studios), {"status": "revoked", "reason": "x"}, format="json")
        assert response.status_code == 403

    def test_outsider_is_404(self, api, studios):
        api.force_authenticate(studios.org.official_b)
        response = api.post(self.url(studios), {"status": "revoked", "reason": "x"}, format="json")
        assert response.status_code == 404

    def test_events_for_insiders_only(self, api, studios, provincial_list):
        services.honour_create(
            by=studios.org.group_official, recognition_list=provincial_list, studio=studios.dust
        )
        url = f"/api/v1/studios/{studios.dust.pk}/events/"
        api.force_authenticate(studios.member_a)
        assert [e["to_state"] for e in api.get(url).json()] == ["preparing", "established", "named"]
        api.force_authenticate(studios.org.worker_b)  # sees the named studio, not its history
        assert api.get(url).status_code == 403


class TestMembershipsApi:
    def test_lead_adds_and_ends_a_membership(self, api, studios):
        newcomer = PersonFactory(org_unit=studios.org.team_a102)
        api.force_authenticate(studios.lead_a)
        response = api.post(
            "/api/v1/memberships/",
            {"studio_id": studios.dust.pk, "person_id": newcomer.pk, "role": "member"},
            format="json",
        )
        assert response.status_code == 201, response.content
        membership_id = response.json()["id"]
        response = api.post(f"/api/v1/memberships/{membership_id}/end/", {}, format="json")
        assert response.status_code == 200
        assert response.json()["left_on"]

    def test_duplicate_membership_is_409(self, api, studios):
        api.force_authenticate(studios.lead_a)
        response = api.post(
            "/api/v1/memberships/",
            {"studio_id": studios.dust.pk, "person_id": studios.member_a.pk},
            format="json",
        )
        assert response.status_code == 409

    def test_someone_no_longer_active_is_400_naming_them(self, api, studios):
        """As the page refuses them: nothing changes."""
        gone = PersonFactory(org_unit=studios.org.team_a102)
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
        api.force_authenticate(studios.lead_a)
        response = api.post(
            "/api/v1/memberships/",
            {"studio_id": studios.dust.pk, "person_id": gone.pk, "role": "member"},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {"person_id": [f"{gone.full_name} 已停用"]}
        assert not Membership.objects.filter(person=gone).exists()

    def test_person_outside_scope_is_400(self, api, studios):
        api.force_authenticate(studios.lead_a)
        response = api.post(
            "/api/v1/memberships/",
            {"studio_id": studios.dust.pk, "person_id": studios.org.worker_b.pk},
            format="json",
        )
        assert response.status_code == 400
        assert "person_id" in response.json()["errors"]

    def test_member_cannot_add(self, api, studios):
        api.force_authenticate(studios.member_a)
        response = api.post(
            "/api/v1/memberships/",
            {"studio_id": studios.dust.pk, "person_id": studios.org.colleague_a.pk},
            format="json",
        )
        assert response.status_code == 403

    def test_invisible_studio_is_400_like_a_missing_one(self, api, studios):
        api.force_authenticate(studios.lead_b)
        invisible = api.post(
            "/api/v1/memberships/",
            {"studio_id": studios.dust.pk, "person_id": studios.lead_b.pk},
            format="json",
        )
        missing = api.post(
            "/api/v1/memberships/",
            {"studio_id": 999999, "person_id": studios.lead_b.pk},
            format="json",
        )
        assert invisible.status_code == missing.status_code == 400
        assert "studio_id" in invisible.json()["errors"]

    def test_role_change(self, api, studios):
        membership = studios.dust.memberships.get(person=studios.member_a)
        api.force_authenticate(studios.lead_a)
        response = api.patch(
            f"/api/v1/memberships/{membership.pk}/", {"role": "member"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["role"] == "member"

    def test_list_is_scoped(self, api, studios):
        api.force_authenticate(studios.lead_b)
        rows = api.get("/api/v1/memberships/").json()["results"]
        assert {row["studio_id"] for row in rows} == {studios.turbine.pk}

    def test_filter_by_studio_outside_scope_matches_nothing(self, api, studios):
        api.force_authenticate(studios.lead_b)
        response = api.get("/api/v1/memberships/", {"studio": studios.dust.pk})
        assert response.status_code == 200
        assert response.json()["results"] == []


class TestNamingApi:
    def test_lists_are_public_with_share(self, api, studios, provincial_list):
        services.honour_create(
            by=studios.org.group_official, recognition_list=provincial_list, studio=studios.dust
        )
        api.force_authenticate(studios.org.worker_b)
        row = api.get("/api/v1/recognition-lists/").json()["results"][0]
        assert (row["ours"], row["total_named"], row["share_percent"]) == (1, 28, 3.6)
        # Counted in company B (worker_b's own company, so a unit they may see).
        scoped = api.get("/api/v1/recognition-lists/", {"org_unit": studios.org.company_b.pk})
        assert scoped.json()["results"][0]["ours"] == 0

    def test_official_creates_a_list_and_a_worker_cannot(self, api, org):
        payload = {
            "title": "2025 list",
            "level": "municipal",
            "conferred_by": "City union",
            "year": 2025,
            "total_named": 12,
        }
        api.force_authenticate(org.worker_a)
        assert api.post("/api/v1/recognition-lists/", payload, format="json").status_code == 403
        api.force_authenticate(org.official_b)
        response = api.post("/api/v1/recognition-lists/", payload, format="json")
        assert response.status_code == 201
        assert response.json()["ours"] == 0

    def test_other_official_cannot_edit_a_list(self, api, studios, provincial_list):
        api.force_authenticate(studios.org.official_b)
        response = api.patch(
            f"/api/v1/recognition-lists/{provincial_list.pk}/", {"total_named": 3}, format="json"
        )
        assert response.status_code == 403

    def test_total_below_our_count_is_400(self, api, studios, provincial_list):
        by = studios.org.group_official
        for studio in (studios.dust, studios.washing):
            services.honour_create(by=by, recognition_list=provincial_list, studio=studio)
        api.force_authenticate(by)
        response = api.patch(
            f"/api/v1/recognition-lists/{provincial_list.pk}/", {"total_named": 1}, format="json"
        )
        assert response.status_code == 400
        assert "total_named" in response.json()["errors"]

    def test_honour_names_the_studio(self, api, studios, provincial_list):
        api.force_authenticate(studios.org.official_a)
        response = api.post(
            "/api/v1/honours/",
            {"recognition_list_id": provincial_list.pk, "studio_id": studios.dust.pk},
            format="json",
        )
        assert response.status_code == 201, response.content
        studios.dust.refresh_from_db()
        assert studios.dust.status == Studio.Status.NAMED

    def test_honour_outside_scope_is_400_and_duplicate_is_409(self, api, studios, provincial_list):
        api.force_authenticate(studios.org.official_b)
        payload = {"recognition_list_id": provincial_list.pk, "studio_id": studios.dust.pk}
        assert api.post("/api/v1/honours/", payload, format="json").status_code == 400
        api.force_authenticate(studios.org.official_a)
        assert api.post("/api/v1/honours/", payload, format="json").status_code == 201
        assert api.post("/api/v1/honours/", payload, format="json").status_code == 409
        assert Honour.objects.count() == 1

    def test_worker_cannot_record_an_honour(self, api, studios, provincial_list):
        api.force_authenticate(studios.member_a)  # sees the studio, may not name it
        response = api.post(
            "/api/v1/honours/",
            {"recognition_list_id": provincial_list.pk, "studio_id": studios.dust.pk},
            format="json",
        )
        assert response.status_code == 403
        assert not studios.dust.honours.exists()


class TestAssessmentsApi:
    def payload(self, studios, grade="good"):
        return {"studio_id": studios.dust.pk, "year": 2025, "score": "85.5", "grade": grade}

    def test_official_records_and_fail_moves_to_rectification(self, api, studios):
        api.force_authenticate(studios.org.official_a)
        response = api.post("/api/v1/assessments/", self.payload(studios, "fail"), format="json")
        assert response.status_code == 201
        studios.dust.refresh_from_db()
        assert studios.dust.status == Studio.Status.RECTIFICATION

    def test_twice_in_a_year_is_409(self, api, studios):
        api.force_authenticate(studios.org.official_a)
        api.post("/api/v1/assessments/", self.payload(studios), format="json")
        response = api.post("/api/v1/assessments/", self.payload(studios), format="json")
        assert response.status_code == 409
        assert Assessment.objects.count() == 1

    @pytest.mark.parametrize("role", ["lead_a", "member_a"])
    def test_studio_people_cannot_assess(self, api, studios, role):
        api.force_authenticate(person(studios, role))
        response = api.post("/api/v1/assessments/", self.payload(studios), format="json")
        assert response.status_code == 403

    def test_bad_score_is_400(self, api, studios):
        api.force_authenticate(studios.org.official_a)
        response = api.post(
            "/api/v1/assessments/", {**self.payload(studios), "score": "120"}, format="json"
        )
        assert response.status_code == 400
        assert "score" in response.json()["errors"]

    @pytest.mark.parametrize(
        ("role", "sees"),
        [("member_a", 1), ("lead_a", 1), ("official_a", 1), ("worker_a", 0), ("official_b", 0)],
    )
    def test_assessments_are_internal(self, api, studios, role, sees):
        services.assessment_record(
            by=studios.org.group_official,
            studio=studios.dust,
            year=2025,
            score=90,
            grade="excellent",
        )
        api.force_authenticate(person(studios, role))
        assert api.get("/api/v1/assessments/").json()["count"] == sees
