"""Language: the switch's cookie, else Accept-Language, else zh-hans (docs/domain.md)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page_language(response) -> str:
    return response.wsgi_request.LANGUAGE_CODE


def test_default_is_simplified_chinese(client):
    assert page_language(client.get(reverse("accounts:login"))) == "zh-hans"


def test_browser_english_gives_english(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page_language(response) == "en"
    assert "Sign in" in response.content.decode()


def test_browser_mainland_chinese_gives_simplified_chinese(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert page_language(response) == "zh-hans"
    assert "登录" in response.content.decode()


def test_other_browser_language_falls_back_to_chinese(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert page_language(response) == "zh-hans"


def test_switch_choice_beats_the_browser(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page_language(response) == "en"
