"""Every admin page a superuser may open renders (lists, search, add forms)."""

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
