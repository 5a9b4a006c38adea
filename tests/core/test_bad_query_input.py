"""Whatever a user types into a list's query string, the answer is a page or a
400 naming the field, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

API_LISTS = [
    "/api/v1/people/",
    "/api/v1/org-units/",
    "/api/v1/studios/",
    "/api/v1/memberships/",
    "/api/v1/recognition-lists/",
    "/api/v1/honours/",
    "/api/v1/assessments/",
    "/api/v1/problems/",
    "/api/v1/achievements/",
    "/api/v1/patents/",
    "/api/v1/adoptions/",
    "/api/v1/conferences/",
]
PAGES = [
    "/accounts/people/",
    "/accounts/org-units/",
    "/studios/",
    "/studios/lists/",
    "/achievements/",
    "/achievements/problems/",
    "/achievements/patents/",
    "/achievements/conferences/",
]
TYPED = ["99999", "abc", "2024.5", "-1", "１２", "' OR 1=1 --", "%00"]


@pytest.mark.parametrize("url", API_LISTS)
@pytest.mark.parametrize("typed", TYPED)
def test_api_lists_answer_200_or_400(api, studios, url, typed):
    api.force_authenticate(studios.org.group_official)
    params = dict.fromkeys(("year", "studio", "org_unit", "benefit_min", "page_size"), typed)
    response = api.get(url, params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["errors"]


def test_out_of_range_year_is_400_naming_the_field(api, studios):
    api.force_authenticate(studios.org.group_official)
    response = api.get("/api/v1/achievements/", {"year": "99999"})
    assert response.status_code == 400
    assert "year" in response.json()["errors"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_show_the_form_error_instead_of_failing(as_person, studios, url):
    client = as_person(studios.org.group_official)
    assert client.get(url, {"year": "99999", "studio": "x", "page": "abc"}).status_code in (
        200,
        404,
    )


@pytest.mark.parametrize("path", ["/files/abc/", "/api/v1/attachments/abc/"])
def test_non_numeric_file_ids_are_404(as_person, studios, path):
    assert as_person(studios.org.group_official).get(path).status_code == 404


# Every yes/no filter of a list, where a typo used to leave the list unfiltered.
YES_OR_NO = [
    ("/api/v1/studios/", "dormant"),
    ("/api/v1/memberships/", "current"),
    ("/api/v1/honours/", "revoked"),
    ("/api/v1/pairings/", "at_risk"),
    ("/api/v1/milestones/", "done"),
    ("/api/v1/notices/", "unread"),
    ("/api/v1/stories/", "featured"),
]


@pytest.mark.parametrize(("url", "name"), YES_OR_NO)
def test_a_yes_or_no_filter_takes_true_or_false_and_names_a_typo(api, studios, url, name):
    api.force_authenticate(studios.org.group_official)
    for typed, status in (("true", 200), ("FALSE", 200), ("", 200), ("unknown", 200), ("yes", 400)):
        response = api.get(url, {name: typed})
        assert response.status_code == status, (typed, response.content[:300])
    assert name in api.get(url, {name: "on"}).json()["errors"]


def test_a_yes_or_no_box_shows_the_answer_chosen_and_a_typo_on_the_page(as_person, studios):
    client = as_person(studios.org.group_official)
    page = client.get("/apprenticeships/", {"at_risk": "true"}).content.decode()
    assert '<option value="true" selected>' in page
    page = client.get("/apprenticeships/", {"at_risk": "maybe"}).content.decode()
    assert "请选择 true 或 false" in page
