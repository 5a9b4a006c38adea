"""The lockout's admin pages (django-axes, which ships no Chinese) speak the
UI's language: our catalogue translates the package's labels."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_axes_labels_are_chinese():
    with translation.override("zh-hans"):
        assert str(AccessAttempt._meta.verbose_name_plural) == "登录尝试"
        assert str(AccessAttempt._meta.get_field("attempt_time").verbose_name) == "尝试时间"


def test_lockout_admin_list_shows_no_english_labels(as_person, org):
    AccessAttempt.objects.create(
        username="worker_a",
        ip_address="10.0.0.1",
        user_agent="Mozilla",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=3,
    )
    client = as_person(org.admin)
    html = client.get(
        reverse("admin:axes_accessattempt_changelist"), headers={"accept-language": "zh-hans"}
    ).content.decode()
    assert "登录尝试" in html
    assert "IP 地址" in html
    for english in ("Attempt Time", "IP Address", "Failed Logins", "access attempts"):
        assert english not in html
