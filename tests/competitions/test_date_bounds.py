"""A campaign opening in year 251 (served back as an invalid timestamp) or a
review deadline in 2099 is a 400 naming the field, on the API and the page."""

import datetime

import pytest

from competitions.models import Campaign
from tests.api_answers import field_errors
from tests.competitions.test_campaign_pages import CAMPAIGN_NEW, campaign_data
from tests.competitions.test_proposal_api import TestCampaignApi

pytestmark = pytest.mark.django_db


CAMPAIGNS = "/api/v1/campaigns/"
DAY = datetime.timedelta(days=1)


def campaign_payload(org, **overrides):
    return TestCampaignApi().campaign_payload(org, grades=[], **overrides)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("opens_at", "0251-03-01T08:00:00+08:00"),
        ("review_deadline", "2099-01-01"),
        ("review_deadline", "1900-01-01"),
    ],
)
def test_a_campaign_dated_out_of_range_is_400(api, org, field, value):
    api.force_authenticate(org.official_a)
    response = api.post(CAMPAIGNS, campaign_payload(org, **{field: value}), format="json")
    assert field in field_errors(response)
    assert not Campaign.objects.exists()


def test_a_campaign_page_with_year_251_names_the_field(as_person, org):
    data = campaign_data(org, opens_at="0251-03-01T08:00")
    response = as_person(org.official_a).post(CAMPAIGN_NEW, data)
    assert response.status_code == 400
    assert "opens_at" in response.context["form"].errors
    assert not Campaign.objects.exists()
