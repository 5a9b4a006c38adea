"""An API token lives API_TOKEN_LIFETIME_DAYS and dies with the password it was
issued for: changed by its owner, reset by an official or set in the admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import services
from tests.api_answers import refused
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/people/"
NEW_PASSWORD = "N3w-pass-word"


def issue(person) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": person.employee_no, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def answer_with(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(ME)


def change_own_password(client, person):
    client.force_login(person)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302


def reset_by_official(client, person, official):
    services.person_password_reset(person_id=person.pk, by=official)


def set_in_admin(client, person, admin):
    client.force_login(admin)
    response = client.post(
        # Django's UserAdmin names this URL so, whatever the user model.
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content


@pytest.mark.parametrize(
    ("change", "by"),
    [(change_own_password, None), (reset_by_official, "official_a"), (set_in_admin, "admin")],
    ids=["changed-by-owner", "reset-by-official", "set-in-admin"],
)
def test_a_token_stops_working_when_its_password_changes(client, org, change, by):
    key = issue(org.worker_a)
    assert answer_with(key).status_code == 200
    change(client, org.worker_a, *([getattr(org, by)] if by else []))
    refused(answer_with(key), 401)


def test_a_colleagues_token_survives_the_change(client, org):
    colleague_key = issue(org.colleague_a)
    change_own_password(client, org.worker_a)
    assert answer_with(colleague_key).status_code == 200


@pytest.mark.parametrize(("age_days", "status"), [(29, 200), (30, 401), (400, 401)])
def test_a_token_works_for_thirty_days(org, age_days, status):
    key = issue(org.worker_a)
    Token.objects.filter(key=key).update(
        created=timezone.now() - datetime.timedelta(days=age_days, seconds=1)
    )
    response = answer_with(key)
    assert response.status_code == status
    if status == 401:
        assert response.json()["code"] == "token_expired"


def test_the_lifetime_is_a_setting(org, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 1
    key = issue(org.worker_a)
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=2))
    refused(answer_with(key), 401, "token_expired")


def test_signing_in_again_replaces_an_expired_token(org):
    old = issue(org.worker_a)
    Token.objects.filter(key=old).update(created=timezone.now() - datetime.timedelta(days=31))
    new = issue(org.worker_a)
    assert new != old
    assert answer_with(new).status_code == 200


def test_signing_in_again_keeps_a_live_token(org):
    assert issue(org.worker_a) == issue(org.worker_a)
