"""Edge cases found in review: shares on the studio page, leaks through honours,
bad query parameters, no-op edits and dates that cannot be."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.exceptions import Conflict
from studios import services
from studios.models import Studio

pytestmark = pytest.mark.django_db


def name_all(studios, recognition_list):
    for studio in (studios.dust, studios.washing, studios.turbine):
        services.honour_create(
            by=studios.org.group_official, recognition_list=recognition_list, studio=studio
        )


def test_studio_page_counts_every_studio_of_ours_on_the_list(as_person, studios, provincial_list):
    name_all(studios, provincial_list)
    response = as_person(studios.lead_a).get(
        reverse("studios:studio-detail", args=[studios.dust.pk])
    )
    [(_list, share)] = response.context["honours"]
    assert (share.ours, share.total) == (3, 28)


def test_honour_of_a_studio_outside_scope_is_hidden(api, as_person, studios, provincial_list):
    name_all(studios, provincial_list)
    services.assessment_record(
        by=studios.org.group_official, studio=studios.washing, year=2025, score=40, grade="fail"
    )  # washing is now under rectification: no longer public
    api.force_authenticate(studios.org.worker_b)
    names = {row["studio_name"] for row in api.get("/api/v1/honours/").json()["results"]}
    assert studios.washing.name not in names
    page = as_person(studios.org.worker_b).get(
        reverse("studios:recognitionlist-detail", args=[provincial_list.pk])
    )
    assert studios.washing.name not in page.content.decode()
    assert page.context["share"].ours == 3  # still counted


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


def test_lead_repeating_the_current_code_is_not_a_change(api, studios):
    api.force_authenticate(studios.lead_a)
    response = api.patch(
        f"/api/v1/studios/{studios.dust.pk}/",
        {"code": "A1-DUST", "description": "同样的代码"},
        format="json",
    )
    assert response.status_code == 200


def test_personal_title_on_a_studio_honour_is_400(studios, provincial_list):
    with pytest.raises(ValidationError):
        services.honour_create(
            by=studios.org.group_official,
            recognition_list=provincial_list,
            studio=studios.dust,
            personal_title="model_worker",
        )
    assert not studios.dust.honours.exists()


@pytest.mark.parametrize(
    "joined_on", [datetime.date(2099, 1, 1), datetime.date(2019, 1, 1)]
)  # the future; before the studio was founded (2020-05-01)
def test_impossible_joining_dates_are_400(studios, joined_on):
    with pytest.raises(ValidationError) as error:
        services.membership_add(
            studio_id=studios.dust.pk,
            by=studios.lead_a,
            person=studios.org.colleague_a,
            joined_on=joined_on,
        )
    assert "joined_on" in error.value.message_dict


def test_future_year_cannot_be_assessed(studios):
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            by=studios.org.group_official,
            studio=studios.dust,
            year=timezone.localdate().year + 1,
            score=90,
            grade="excellent",
        )
    assert "year" in error.value.message_dict


def test_functions_are_stored_once_each(studios):
    studio = services.studio_update(
        studio_id=studios.dust.pk,
        by=studios.lead_a,
        functions=["theory_research", "theory_research", "emergency_repair"],
    )
    assert studio.functions == ["theory_research", "emergency_repair"]


def test_revoked_studio_takes_no_edits(studios):
    services.studio_change_status(
        studio_id=studios.dust.pk, by=studios.org.group_official, status="revoked", reason="摘牌"
    )
    with pytest.raises(Conflict):
        services.studio_update(studio_id=studios.dust.pk, by=studios.lead_a, description="x")
    assert Studio.objects.get(pk=studios.dust.pk).description == ""


class TestRecognitionListEditPage:
    def test_keeper_edits_the_list(self, as_person, studios, provincial_list):
        client = as_person(studios.org.group_official)
        url = reverse("studios:recognitionlist-edit", args=[provincial_list.pk])
        response = client.post(
            url,
            {
                "title": "改名",
                "level": "provincial",
                "conferred_by": "省总工会",
                "year": 2022,
                "total_named": 30,
                "org_unit": studios.org.group.pk,
            },
        )
        assert response.status_code == 302
        provincial_list.refresh_from_db()
        assert (provincial_list.title, provincial_list.total_named) == ("改名", 30)

    def test_other_official_may_not(self, as_person, studios, provincial_list):
        url = reverse("studios:recognitionlist-edit", args=[provincial_list.pk])
        assert as_person(studios.org.official_b).get(url).status_code == 403


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


def test_official_saves_a_studio_whose_leader_is_outside_their_view(as_person, studios):
    # An official of mine A1 only sees company A; the turbine studio's leader is in B.
    # Give that official a studio in A whose leader is then moved to company B.
    from tests.factories import PersonFactory, grant_official

    official = PersonFactory(org_unit=studios.org.mine_a1)
    grant_official(official, studios.org.mine_a1)
    studios.lead_a.org_unit = studios.org.team_b101
    studios.lead_a.save()
    client = as_person(official)
    url = reverse("studios:studio-edit", args=[studios.dust.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["functions"] = []
    data["core_members_edit_records"] = ""
    data["name"] = "粉尘治理创新工作室（新）"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    studios.dust.refresh_from_db()
    assert (studios.dust.name, studios.dust.leader) == ("粉尘治理创新工作室（新）", studios.lead_a)
