"""The craftsman profiles on the API."""

import pytest

from tests.api_answers import refused, url
from tests.factories import PersonFactory
from tests.showcase.api import PROFILES, pair, sign_in

pytestmark = pytest.mark.django_db


class TestProfiles:
    def test_a_person_with_a_personal_honour_is_open_to_other_companies(self, api, people):
        s = people
        response = sign_in(api, s, "worker_a").get(url(PROFILES, s.craftsman_b))
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["id"], body["full_name"]) == (s.craftsman_b.pk, "李工匠")
        assert [(row["list_title"], row["level"], row["year"]) for row in body["honours"]] == [
            ("2022 provincial list", "provincial", 2022)
        ]
        assert body["honours"][0]["title"]

    @pytest.mark.parametrize("role", ["worker_a", "lead_a", "official_a"])
    def test_an_ordinary_person_of_another_company_is_404(self, api, people, role):
        refused(sign_in(api, people, role).get(url(PROFILES, people.ordinary_b)), 404, "not_found")

    @pytest.mark.parametrize("role", ["worker_b", "official_b", "group_official", "admin"])
    def test_an_ordinary_person_is_open_in_their_own_company_and_to_officials_over_them(
        self, api, people, role
    ):
        response = sign_in(api, people, role).get(url(PROFILES, people.ordinary_b))
        assert response.status_code == 200, response.content
        assert response.json()["honours"] == []

    def test_a_published_story_makes_a_person_public(self, api, people):
        s = people
        response = sign_in(api, s, "worker_a").get(url(PROFILES, s.studios.lead_b))
        assert response.status_code == 200, response.content
        stories = response.json()["stories"]
        assert stories["total"] == 1
        assert [row["id"] for row in stories["rows"]] == [s.published_b.pk]

    def test_a_draft_does_not_make_a_person_public(self, api, people):
        s = people
        # member_a is named only in lead_a's draft
        refused(sign_in(api, s, "worker_b").get(url(PROFILES, s.studios.member_a)), 404)

    def test_profile_lists_only_published_stories_to_a_worker(self, api, people):
        s = people
        body = sign_in(api, s, "worker_a").get(url(PROFILES, s.studios.lead_a)).json()
        # lead_a is in `featured_a` (published) and `in_review_a` (not yet)
        assert [row["id"] for row in body["stories"]["rows"]] == [s.featured_a.pk]

    def test_lineage_is_a_nested_tree_three_generations_deep(self, api, people):
        s = people
        org, lead, member = s.org, s.studios.lead_a, s.studios.member_a
        apprentice = PersonFactory(full_name="徒弟", org_unit=org.team_a101)
        second = PersonFactory(full_name="徒孙", org_unit=org.team_a102)
        fourth = PersonFactory(full_name="第四代", org_unit=org.team_a102)
        pair(lead, member, org.team_a101, org.official_a, status="completed", years_ago=6)
        pair(member, apprentice, org.team_a101, org.official_a, status="completed", years_ago=4)
        pair(apprentice, second, org.team_a102, org.official_a, years_ago=2)
        pair(second, fourth, org.team_a102, org.official_a, years_ago=1)  # beyond three
        # a pairing that never took place is no part of the lineage
        pair(
            lead,
            PersonFactory(org_unit=org.team_a101),
            org.team_a101,
            org.official_a,
            status="terminated",
        )

        response = sign_in(api, s, "worker_b").get(url(PROFILES, lead))
        assert response.status_code == 200, response.content
        body = response.json()

        def shape(nodes):
            return [
                (node["person"]["id"], node["generation"], shape(node["children"]))
                for node in nodes
            ]

        assert shape(body["lineage"]) == [
            (member.pk, 1, [(apprentice.pk, 2, [(second.pk, 3, [])])]),
        ]
        assert body["lineage_size"] == 3
        first = body["lineage"][0]
        assert first["person"]["full_name"] == member.full_name
        # the names are public; the pairings' details are not a worker's to read
        assert (first["status"], first["starts_on"], first["skill_level"]) == (None, None, None)
        grandchild = first["children"][0]["children"][0]
        assert (grandchild["person"]["full_name"], grandchild["status"]) == ("徒孙", None)

        # the official over the unit reads the details too
        as_official = sign_in(api, s, "official_a").get(url(PROFILES, lead)).json()["lineage"]
        assert as_official[0]["status"] == "completed"
        grandchild = as_official[0]["children"][0]["children"][0]
        assert grandchild["status"] == "active"

        # and the apprentice's own profile names whom they learnt from
        mentors = sign_in(api, s, "worker_a").get(url(PROFILES, apprentice)).json()["mentors"]
        assert [row["mentor"]["id"] for row in mentors] == [member.pk]

    def test_profile_of_someone_who_does_not_exist_is_404(self, api, people):
        refused(sign_in(api, people, "admin").get(url(PROFILES, 99999999)), 404)
        refused(sign_in(api, people, "admin").get(f"{PROFILES}1e400/"), 404)
