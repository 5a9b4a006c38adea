"""Honours and recognition lists: the studio page counts every studio of ours on
a list, an honour of a studio outside scope stays hidden, a studio honour takes
no personal title, and who may edit a recognition list."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from studios import services

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


def test_personal_title_on_a_studio_honour_is_400(studios, provincial_list):
    with pytest.raises(ValidationError):
        services.honour_create(
            by=studios.org.group_official,
            recognition_list=provincial_list,
            studio=studios.dust,
            personal_title="model_worker",
        )
    assert not studios.dust.honours.exists()


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
