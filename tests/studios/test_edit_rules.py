"""Studio edits that change nothing or cannot be: a repeated code, impossible
joining dates, a future year, functions stored once, a revoked studio, and an
official saving a studio whose leader they cannot see."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.exceptions import Conflict
from studios import services
from studios.models import Studio

pytestmark = pytest.mark.django_db


def test_lead_repeating_the_current_code_is_not_a_change(api, studios):
    api.force_authenticate(studios.lead_a)
    response = api.patch(
        f"/api/v1/studios/{studios.dust.pk}/",
        {"code": "A1-DUST", "description": "同样的代码"},
        format="json",
    )
    assert response.status_code == 200


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
