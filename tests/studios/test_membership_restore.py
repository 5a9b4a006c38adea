"""Ending a membership asks first, and a membership ended today can be
restored the same day (issue 21, defect 8)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from studios import services
from studios.models import Membership
from tests.api_answers import refused
from tests.roles import person

pytestmark = pytest.mark.django_db


def ended(studios, *, left_on=None):
    membership = Membership.objects.get(studio=studios.dust, person=studios.member_a)
    Membership.objects.filter(pk=membership.pk).update(
        joined_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    return services.membership_end(membership_id=membership.pk, by=studios.lead_a, left_on=left_on)


def restore(api, membership, who):
    api.force_authenticate(who)
    return api.post(f"/api/v1/memberships/{membership.pk}/restore/", {}, format="json")


@pytest.mark.parametrize("role", ["lead_a", "official_a", "group_official"])
def test_the_lead_or_an_official_restores_a_membership_ended_today(api, studios, role):
    membership = ended(studios)
    response = restore(api, membership, person(studios, role))
    assert response.status_code == 200, response.content
    assert response.json()["left_on"] is None
    membership.refresh_from_db()
    assert (membership.left_on, membership.joined_on) == (None, membership.joined_on)


@pytest.mark.parametrize(
    ("role", "status_code"),
    # the member who left no longer sees the studio's memberships
    [("member_a", 404), ("official_b", 404), ("worker_b", 404)],
)
def test_others_may_not_restore(api, studios, role, status_code):
    membership = ended(studios)
    refused(restore(api, membership, person(studios, role)), status_code)
    membership.refresh_from_db()
    assert membership.left_on is not None


def test_a_membership_ended_before_today_is_409(api, studios):
    membership = ended(studios, left_on=timezone.localdate() - datetime.timedelta(days=1))
    refused(restore(api, membership, studios.lead_a), 409)


def test_a_membership_still_running_is_409(api, studios):
    membership = Membership.objects.get(studio=studios.dust, person=studios.member_a)
    refused(restore(api, membership, studios.lead_a), 409)


def test_after_the_person_was_added_again_it_is_409(api, studios):
    membership = ended(studios)
    services.membership_add(studio_id=studios.dust.pk, by=studios.lead_a, person=studios.member_a)
    refused(restore(api, membership, studios.lead_a), 409)


class TestThePage:
    def test_ending_asks_first_and_restoring_is_offered_the_same_day(self, as_person, studios):
        client = as_person(studios.lead_a)
        page = reverse("studios:studio-detail", args=[studios.dust.pk])
        html = client.get(page).content.decode()
        end_button = html.split('data-testid="end-membership"')[1].split(">")[0]
        assert "data-confirm=" in end_button
        membership = ended(studios)
        assert 'data-testid="restore-membership"' in client.get(page).content.decode()
        response = client.post(reverse("studios:membership-restore", args=[membership.pk]))
        assert response.status_code == 302
        membership.refresh_from_db()
        assert membership.left_on is None

    def test_a_member_gets_no_restore_button_and_is_refused(self, as_person, studios):
        membership = ended(studios)
        client = as_person(studios.member_a)
        html = client.get(reverse("studios:studio-detail", args=[studios.dust.pk])).content
        assert b'data-testid="restore-membership"' not in html
        client.post(reverse("studios:membership-restore", args=[membership.pk]))
        membership.refresh_from_db()
        assert membership.left_on is not None
