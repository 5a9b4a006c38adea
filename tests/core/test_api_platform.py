"""The API's platform: schema, docs offline, pagination caps, error bodies."""

import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns any schema warning into a non-zero exit (SystemExit).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    assert "/api/v1/people/" in (tmp_path / "s.yaml").read_text()


def test_swagger_ui_is_served_without_a_cdn(client, org):
    client.force_login(org.worker_a)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # Every script and stylesheet the page loads is one of ours, none from a
    # CDN. (Looking for the letters "cdn" anywhere failed once in a while: a
    # random token of the page can hold them.)
    loaded = re.findall(r'<(?:script[^>]*\bsrc|link[^>]*\bhref)="([^"]+)"', html)
    assert loaded and all(url.startswith("/") and not url.startswith("//") for url in loaded)
    assert "/static/drf_spectacular_sidecar/" in html


def test_page_size_is_capped_at_100(api, org):
    from tests.factories import PersonFactory

    PersonFactory.create_batch(105, org_unit=org.team_a101)
    api.force_authenticate(org.group_official)
    body = api.get("/api/v1/people/", {"page_size": 1000}).json()
    assert len(body["results"]) == 100
    assert body["count"] > 100


def test_unknown_object_is_404_with_error_body(api, org):
    api.force_authenticate(org.worker_a)
    response = api.get("/api/v1/people/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"], "code": "not_found"}


def test_error_detail_is_translated(api, org):
    api.force_authenticate(org.worker_a)
    chinese = api.get("/api/v1/people/999999/", HTTP_ACCEPT_LANGUAGE="zh-CN").json()["detail"]
    english = api.get("/api/v1/people/999999/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert chinese != english
