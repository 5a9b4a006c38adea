"""The studios API's query parameters and field errors: bad or out-of-scope
share units, ordering, search on the sublists and honours, and errors named as
the client sent them."""

import pytest

from studios import services
from studios.models import Studio

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_bad_share_unit_is_400(api, studios, value):
    api.force_authenticate(studios.org.worker_a)
    response = api.get("/api/v1/recognition-lists/", {"org_unit": value})
    assert response.status_code == 400
    assert "org_unit" in response.json()["errors"]


def test_share_unit_outside_scope_is_400(api, studios):
    api.force_authenticate(studios.org.worker_a)
    response = api.get("/api/v1/recognition-lists/", {"org_unit": studios.org.company_b.pk})
    assert response.status_code == 400


def test_ordering_by_status(api, studios):
    api.force_authenticate(studios.org.group_official)
    response = api.get("/api/v1/studios/", {"ordering": "status"})
    assert response.status_code == 200


def test_service_field_errors_use_the_names_the_client_sent(api, org):
    # An official of mine A1 sees all of company A but manages only mine A1.
    from tests.factories import PersonFactory, grant_official

    mine_official = PersonFactory(org_unit=org.mine_a1)
    grant_official(mine_official, org.mine_a1)
    api.force_authenticate(mine_official)
    response = api.post(
        "/api/v1/studios/",
        {
            "name": "X",
            "code": "X-1",
            "kind": "employee",
            "leader_id": org.worker_a.pk,
            "org_unit_id": org.company_a.pk,
            "speciality": "x",
            "founded_on": "2024-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["org_unit_id"]
    assert not Studio.objects.exists()


@pytest.mark.parametrize(
    ("url", "key"),
    [("/api/v1/memberships/", "studio_id"), ("/api/v1/assessments/", "studio_id")],
)
def test_search_on_studio_sublists(api, studios, url, key):
    services.assessment_record(
        by=studios.org.group_official, studio=studios.dust, year=2025, score=90, grade="good"
    )
    api.force_authenticate(studios.org.group_official)
    rows = api.get(url, {"search": "粉尘"}).json()["results"]
    assert rows and {row[key] for row in rows} == {studios.dust.pk}


def test_search_on_honours(api, studios, provincial_list):
    services.honour_create(
        by=studios.org.group_official, recognition_list=provincial_list, studio=studios.dust
    )
    api.force_authenticate(studios.org.worker_b)
    assert api.get("/api/v1/honours/", {"search": "粉尘"}).json()["count"] == 1
    assert api.get("/api/v1/honours/", {"search": "洗选"}).json()["count"] == 0
