"""Who sees which org units and people (docs/access.md), on the API and the pages."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def person_url(person):
    return reverse("api:person-detail", args=[person.pk])


def listed_employee_nos(response) -> set[str]:
    return {row["employee_no"] for row in response.json()["results"]}


class TestOfficialScope:
    def test_company_official_sees_own_subtree_of_org_units(self, api, org):
        api.force_authenticate(org.official_b)
        codes = {row["code"] for row in api.get("/api/v1/org-units/").json()["results"]}
        assert codes == {"B", "B1", "B101"}

    def test_company_official_sees_people_of_own_subtree_with_phone(self, api, org):
        api.force_authenticate(org.official_b)
        response = api.get(person_url(org.worker_b))
        assert response.status_code == 200
        assert response.json()["phone"] == org.worker_b.phone

    def test_company_official_gets_404_for_sibling_company_person(self, api, org):
        api.force_authenticate(org.official_b)
        assert api.get(person_url(org.worker_a)).status_code == 404

    def test_company_official_gets_404_page_for_sibling_company_person(self, as_person, org):
        client = as_person(org.official_b)
        url = reverse("accounts:person-detail", args=[org.worker_a.pk])
        assert client.get(url).status_code == 404

    def test_company_official_page_lists_only_own_subtree(self, as_person, org):
        client = as_person(org.official_b)
        response = client.get(reverse("accounts:person-list"))
        listed = {person.employee_no for person in response.context["people"]}
        assert listed == {"official_b", "worker_b"}

    def test_group_official_sees_everyone(self, api, org):
        api.force_authenticate(org.group_official)
        response = api.get("/api/v1/people/", {"page_size": 100})
        assert listed_employee_nos(response) >= {"worker_a", "worker_b", "official_a"}


class TestWorkerScope:
    def test_worker_sees_own_company_directory_without_phone(self, api, org):
        api.force_authenticate(org.worker_a)
        response = api.get("/api/v1/people/", {"page_size": 100})
        assert listed_employee_nos(response) == {"official_a", "worker_a", "colleague_a"}
        colleague = next(r for r in response.json()["results"] if r["employee_no"] == "colleague_a")
        assert "phone" not in colleague
        assert colleague["org_unit"]["code"] == "A102"

    def test_worker_sees_own_phone(self, api, org):
        api.force_authenticate(org.worker_a)
        assert api.get(person_url(org.worker_a)).json()["phone"] == org.worker_a.phone

    def test_worker_gets_404_for_person_of_another_company(self, api, org):
        api.force_authenticate(org.worker_a)
        assert api.get(person_url(org.worker_b)).status_code == 404

    def test_worker_gets_404_page_for_person_of_another_company(self, as_person, org):
        client = as_person(org.worker_a)
        url = reverse("accounts:person-detail", args=[org.worker_b.pk])
        assert client.get(url).status_code == 404

    def test_worker_page_hides_colleague_phone(self, as_person, org):
        client = as_person(org.worker_a)
        response = client.get(reverse("accounts:person-detail", args=[org.colleague_a.pk]))
        assert response.status_code == 200
        assert org.colleague_a.phone not in response.content.decode()

    def test_worker_sees_org_units_of_own_company_only(self, api, org):
        api.force_authenticate(org.worker_a)
        codes = {row["code"] for row in api.get("/api/v1/org-units/").json()["results"]}
        assert codes == {"A", "A1", "A101", "A102"}


class TestSuperuserScope:
    def test_superuser_sees_every_person_with_phone(self, api, org):
        api.force_authenticate(org.admin)
        response = api.get(person_url(org.worker_b))
        assert response.json()["phone"] == org.worker_b.phone


class TestSubtreeFilter:
    def test_org_unit_filter_includes_units_below(self, api, org):
        api.force_authenticate(org.group_official)
        response = api.get("/api/v1/people/", {"org_unit": org.mine_a1.pk, "page_size": 100})
        assert listed_employee_nos(response) == {"worker_a", "colleague_a"}

    def test_org_unit_outside_scope_is_400(self, api, org):
        api.force_authenticate(org.official_b)
        response = api.get("/api/v1/people/", {"org_unit": org.mine_a1.pk})
        assert response.status_code == 400
        assert "org_unit" in response.json()["errors"]

    def test_filter_dropdown_lists_only_visible_units(self, as_person, org):
        client = as_person(org.official_b)
        response = client.get(reverse("accounts:person-list"))
        choices = response.context["filterset"].form.fields["org_unit"].queryset
        assert {unit.code for unit in choices} == {"B", "B1", "B101"}

    def test_search_matches_chinese_name_fragment(self, api, org):
        org.worker_b.full_name = "欧阳明月"
        org.worker_b.save()
        api.force_authenticate(org.group_official)
        response = api.get("/api/v1/people/", {"search": "阳明"})
        assert listed_employee_nos(response) == {"worker_b"}

    def test_org_units_report_their_parent(self, api, org):
        api.force_authenticate(org.group_official)
        rows = api.get("/api/v1/org-units/", {"page_size": 100}).json()["results"]
        parents = {row["code"]: row["parent"] for row in rows}
        assert parents["A1"] == org.company_a.pk
        assert parents["G"] is None
