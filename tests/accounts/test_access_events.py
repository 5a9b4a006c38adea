"""Sign-ins, failed sign-ins and exports are kept as access events."""

import pytest
from django.urls import reverse

from accounts.models import AccountEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
Action = AccountEvent.Action


def test_a_sign_in_is_kept_with_its_address(org, client):
    response = client.post(
        reverse("accounts:login"), {"username": "worker_a", "password": PASSWORD}
    )
    assert response.status_code == 302
    event = AccountEvent.objects.get(person=org.worker_a, action=Action.SIGNED_IN)
    assert event.remote_addr == "127.0.0.1"


def test_a_failed_sign_in_is_kept_for_the_account_and_for_an_unknown_number(org, client):
    client.post(reverse("accounts:login"), {"username": "worker_a", "password": "wrong-9x"})
    client.post(reverse("accounts:login"), {"username": "nobody-42", "password": "wrong-9x"})
    assert AccountEvent.objects.filter(person=org.worker_a, action=Action.SIGN_IN_FAILED).exists()
    unknown = AccountEvent.objects.get(person=None, action=Action.SIGN_IN_FAILED)
    assert unknown.note == "nobody-42"
    assert not AccountEvent.objects.filter(action=Action.SIGNED_IN).exists()


def test_an_export_is_kept_with_what_was_exported(org, api):
    api.force_authenticate(org.official_a)
    response = api.get("/api/v1/people/export/?as=csv")
    assert response.status_code == 200
    event = AccountEvent.objects.get(person=org.official_a, action=Action.EXPORTED)
    assert event.note.endswith("csv")
