"""Rules on achievement and patent records: taking back a promotion, adoption
dates, dates that must match the patent's status, and full-width digits in patent
numbers."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from achievements import services
from achievements.models import Patent

pytestmark = pytest.mark.django_db


@pytest.fixture
def group_wide(studios):
    return services.achievement_create(
        by=studios.org.group_official,
        studio=studios.dust,
        title="喷雾降尘",
        kind="software",
        completed_on=datetime.date(2024, 6, 1),
        contributors=[(studios.lead_a, Decimal(100))],
        promotion="group",
    )


def test_lead_cannot_take_a_group_wide_promotion_back(studios, group_wide):
    with pytest.raises(PermissionDenied):
        services.achievement_update(
            achievement_id=group_wide.pk, by=studios.lead_a, promotion="studio"
        )
    group_wide.refresh_from_db()
    assert group_wide.promotion == "group"


def test_official_may_take_it_back(studios, group_wide):
    updated = services.achievement_update(
        achievement_id=group_wide.pk, by=studios.org.official_a, promotion="studio"
    )
    assert updated.promotion == "studio"


def test_adoption_before_completion_is_400(studios, group_wide):
    with pytest.raises(ValidationError) as error:
        services.adoption_record(
            by=studios.org.official_b,
            achievement=group_wide,
            org_unit=studios.org.team_b101,
            adopted_on=datetime.date(2024, 1, 1),
        )
    assert "adopted_on" in error.value.message_dict


def log_patent(studios, number, **extra):
    return services.patent_create(
        by=studios.lead_a,
        studio=studios.dust,
        application_no=number,
        title="降尘装置",
        patent_type=Patent.Type.UTILITY_MODEL,
        filed_on=datetime.date(2021, 3, 1),
        holder="北岭煤业公司",
        inventors=[studios.lead_a],
        **extra,
    )


def test_a_filed_patent_has_no_grant_date(studios):
    from achievements.patent_numbers import check_digit

    digits = "202120123456"
    with pytest.raises(ValidationError) as error:
        log_patent(studios, f"{digits}.{check_digit(digits)}", granted_on=datetime.date(2022, 1, 1))
    assert "granted_on" in error.value.message_dict
    assert not Patent.objects.exists()


def test_full_width_digits_are_the_same_number(studios):
    from achievements.patent_numbers import check_digit

    digits = "202120123456"
    number = f"{digits}.{check_digit(digits)}"
    log_patent(studios, number)
    full_width = number.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    with pytest.raises(ValidationError) as error:
        log_patent(studios, full_width)
    assert "application_no" in error.value.message_dict
    assert Patent.objects.count() == 1


def test_number_year_must_be_the_filing_year(studios):
    from achievements.patent_numbers import check_digit

    digits = "202320123456"  # filed in 2023 by its number, 2021 by the form
    with pytest.raises(ValidationError) as error:
        log_patent(studios, f"{digits}.{check_digit(digits)}")
    assert "application_no" in error.value.message_dict
    assert not Patent.objects.exists()


class TestConferenceCorrections:
    @pytest.fixture
    def conference(self, studios, group_wide):
        conference = services.conference_create(
            by=studios.org.group_official,
            name="推广会",
            held_on=datetime.date(2025, 5, 1),
            organiser=studios.org.group,
        )
        services.conference_show_achievements(
            conference_id=conference.pk, by=studios.org.group_official, achievements=[group_wide]
        )
        return conference

    def test_organiser_renames_and_takes_an_achievement_off(
        self, api, studios, conference, group_wide
    ):
        api.force_authenticate(studios.org.group_official)
        url = f"/api/v1/conferences/{conference.pk}/"
        assert api.patch(url, {"name": "年度推广会"}, format="json").json()["name"] == "年度推广会"
        response = api.post(
            url + "hide-achievements/", {"achievement_ids": [group_wide.pk]}, format="json"
        )
        assert response.json()["displayed"] == 0

    def test_official_of_another_unit_may_not(self, api, studios, conference):
        api.force_authenticate(studios.org.official_b)
        url = f"/api/v1/conferences/{conference.pk}/"
        assert api.patch(url, {"name": "x"}, format="json").status_code == 403

    def test_edit_page(self, as_person, studios, conference):
        from django.urls import reverse

        url = reverse("achievements:conference-edit", args=[conference.pk])
        assert as_person(studios.org.official_b).get(url).status_code == 403
        client = as_person(studios.org.group_official)
        response = client.post(
            url, {"name": "改名", "held_on": "2025-05-02", "organiser": studios.org.group.pk}
        )
        assert response.status_code == 302
        conference.refresh_from_db()
        assert (conference.name, str(conference.held_on)) == ("改名", "2025-05-02")
