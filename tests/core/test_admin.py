"""Every admin page a superuser may open renders (lists, search, add forms)."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_admin_changelist_and_search_render(client, studios, model):
    client.force_login(studios.org.admin)
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "粉尘"}).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_admin_add_page_renders_or_is_refused(client, studios, model):
    client.force_login(studios.org.admin)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert response.status_code in (200, 403)


def test_admin_is_closed_to_officials_without_staff_status(client, org):
    client.force_login(org.group_official)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_every_section_and_table_of_the_admin_index_reads_in_chinese(client, org):
    # Given the superuser's admin index in Chinese (the third-party apps' too)
    client.force_login(org.admin)
    index = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    # Then every section and every table it lists has a Chinese name
    names = [app["name"] for app in index.context["app_list"]]
    names += [model["name"] for app in index.context["app_list"] for model in app["models"]]
    assert {"登录锁定", "变更记录"} <= set(names)
    assert [name for name in names if not re.search(r"[\u4e00-\u9fff]", str(name))] == []
