"""An achievement completed in 2099, a problem started in year 251 or a patent
granted before 1949 is a 400 naming the field, on the API as on the page."""

import pytest
from django.urls import reverse

from achievements.models import Achievement, Patent, TechnicalProblem
from tests.achievements.api import ACHIEVEMENTS, PATENTS, field_errors, new_patent
from tests.achievements.test_achievement_api import achievement_payload
from tests.achievements.test_pages import achievement_form

pytestmark = pytest.mark.django_db


PROBLEMS = "/api/v1/problems/"
LATER = "请输入 1949年1月1日 至今天之间的日期。"


@pytest.mark.parametrize("day", ["2099-05-01", "0251-03-01", "1948-12-31"])
def test_an_achievement_completed_out_of_range_is_400(api, studios, day):
    api.force_authenticate(studios.lead_a)
    response = api.post(ACHIEVEMENTS, achievement_payload(studios, completed_on=day), format="json")
    assert field_errors(response) == {"completed_on": [LATER]}
    assert not Achievement.objects.exists()


def test_a_problem_started_in_year_251_is_400(api, studios):
    api.force_authenticate(studios.lead_a)
    payload = {
        "studio_id": studios.dust.pk,
        "title": "转载点粉尘",
        "category": "dust_control",
        "started_on": "0251-01-10",
    }
    assert set(field_errors(api.post(PROBLEMS, payload, format="json"))) == {"started_on"}
    assert not TechnicalProblem.objects.exists()


def test_a_patent_granted_in_2099_is_400_and_stays_filed(api, studios):
    patent = new_patent(studios)
    api.force_authenticate(studios.lead_a)
    response = api.post(
        f"{PATENTS}{patent.pk}/change-status/",
        {"status": "published", "on": "2099-01-01"},
        format="json",
    )
    assert set(field_errors(response)) == {"published_on"}
    assert Patent.objects.get(pk=patent.pk).status == Patent.Status.FILED


def test_the_achievement_page_names_the_date(as_person, studios):
    data = achievement_form(studios, [(studios.lead_a, "100")], completed_on="2099-07-01")
    response = as_person(studios.lead_a).post(reverse("achievements:achievement-create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["completed_on"] == [LATER]
    assert not Achievement.objects.exists()
