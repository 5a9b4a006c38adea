"""A bad address, a refusal or an unreadable request shows the product's own
page, in Chinese unless the reader chose English, under `make run` as in
production: never Django's English debug page."""

import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

NOT_FOUND = "页面不存在，或您无权查看。"
BAD_REQUEST = "无法识别地址或提交的表单内容。请返回后重试。"
NOT_ALLOWED = "您的角色无权打开此页面或进行此操作。"


def page_text(response) -> str:
    return response.content.decode()


def test_make_run_shows_the_product_404_and_still_serves_static_files(tmp_path):
    # `make run` uses config.settings.local; a fresh checkout sets no DJANGO_DEBUG.
    probe = textwrap.dedent(
        """
        import django
        django.setup()
        from django.test import Client
        client = Client(HTTP_HOST="127.0.0.1")
        missing = client.get("/no-such-page/")
        print(missing.status_code, missing.content.decode())
        print("static", client.get("/static/css/app.css").status_code)
        """
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_VAR_DIR=str(tmp_path))
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert run.stdout.startswith("404 ")
    assert NOT_FOUND in run.stdout
    assert "Django" not in run.stdout
    assert "static 200" in run.stdout


def test_an_unknown_page_is_the_product_404_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert NOT_FOUND in page_text(response)


def test_an_english_reader_gets_it_in_english(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "This page does not exist, or you may not see it." in page_text(response)


def test_a_query_string_that_cannot_be_read_is_the_product_400(as_person, org):
    too_many_fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = as_person(org.worker_a).get(f"/studios/?{too_many_fields}")
    assert response.status_code == 400
    assert BAD_REQUEST in page_text(response)


def test_a_worker_refused_a_page_is_not_told_they_may_view_it(as_person, org):
    response = as_person(org.worker_a).get(reverse("accounts:person-create"))
    assert response.status_code == 403
    text = page_text(response)
    assert NOT_ALLOWED in text
    assert "可以查看" not in text
