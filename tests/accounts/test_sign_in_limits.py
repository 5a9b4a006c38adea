"""Throttles: one address failing sign-ins across many employee numbers is
stopped (the page and the token exchange), the API answers 429 with
Retry-After past its rates, and a person elsewhere is unaffected."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.api_answers import refused
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SPRAYER = "203.0.113.9"
NEIGHBOUR = "198.51.100.7"


@pytest.fixture(autouse=True)
def limits(settings):
    """Low limits, counted in a cache of the test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sign-in-limits",
        }
    }
    cache.clear()
    settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 3
    settings.API_THROTTLE_RATES = {"anon": "50/minute", "user": "5/minute", "sign_in": "8/minute"}
    yield settings
    cache.clear()


def sign_in_page(client, username, password, address):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def sign_in_api(api, username, password, address):
    return api.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


SPRAYED = ["worker_b", "colleague_a", "official_b"]


def test_a_spray_from_one_address_is_stopped_on_the_page(client, org):
    for username in SPRAYED:
        assert sign_in_page(client, username, "guess-1", SPRAYER).status_code == 200
    refused_page = sign_in_page(client, "worker_a", PASSWORD, SPRAYER)
    assert refused_page.status_code == 429
    assert int(refused_page["Retry-After"]) > 0
    assert "此网络登录失败次数过多" in refused_page.content.decode()
    assert sign_in_page(client, "worker_a", PASSWORD, NEIGHBOUR).status_code == 302


def test_a_spray_on_the_token_exchange_is_429_with_the_error_body(api, org):
    for username in SPRAYED:
        assert sign_in_api(api, username, "guess-1", SPRAYER).status_code == 400
    response = sign_in_api(api, "worker_a", PASSWORD, SPRAYER)
    refused(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert sign_in_api(api, "worker_a", PASSWORD, NEIGHBOUR).status_code == 200


def test_failures_shared_by_page_and_api_count_together(client, api, org):
    sign_in_page(client, "worker_b", "guess-1", SPRAYER)
    sign_in_api(api, "colleague_a", "guess-1", SPRAYER)
    sign_in_page(client, "official_b", "guess-1", SPRAYER)
    assert sign_in_api(api, "worker_a", PASSWORD, SPRAYER).status_code == 429


def test_right_passwords_from_one_address_are_not_limited(client, org):
    # A mine's shared terminal: many people signing in, none of them failing.
    for username in ["worker_a", "colleague_a", "worker_b", "official_a", "official_b"]:
        assert sign_in_page(client, username, PASSWORD, SPRAYER).status_code == 302
        client.logout()


def test_a_forwarded_address_is_the_proxys_view_not_the_clients_claim(client, org, settings):
    settings.PROXY_COUNT = 1
    for username in SPRAYED:
        # The sprayer writes a new address each time; the proxy appends the real one.
        client.post(
            reverse("accounts:login"),
            {"username": username, "password": "guess-1"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{len(username)}, {SPRAYER}",
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": "worker_a", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=f"10.9.9.9, {SPRAYER}",
    )
    assert response.status_code == 429


def test_a_person_past_the_api_rate_gets_429_with_retry_after(api, org):
    api.force_authenticate(org.worker_a)
    answers = [api.get("/api/v1/people/") for _ in range(6)]
    assert [answer.status_code for answer in answers[:5]] == [200] * 5
    refused(answers[5], 429, "throttled")
    assert int(answers[5]["Retry-After"]) > 0
    api.force_authenticate(org.colleague_a)
    assert api.get("/api/v1/people/").status_code == 200


def test_the_token_exchange_is_throttled_per_address(api, org):
    statuses = [sign_in_api(api, "worker_a", PASSWORD, SPRAYER).status_code for _ in range(9)]
    assert statuses == [200] * 8 + [429]
    assert sign_in_api(api, "worker_a", PASSWORD, NEIGHBOUR).status_code == 200
