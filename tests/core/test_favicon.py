"""The site's icon: browsers ask for /favicon.ico on every page unless (and
older ones even if) the page names an icon they can show."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def static_file(url: str) -> bytes:
    """The bytes of the static file `url` names."""
    assert url.startswith(settings.STATIC_URL) or url.startswith("/" + settings.STATIC_URL), url
    found = finders.find(url.split(settings.STATIC_URL, 1)[1])
    assert found, f"no static file behind {url}"
    with open(found, "rb") as file:
        return file.read()


def test_favicon_ico_leads_to_an_icon_for_anyone(client):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302
    assert static_file(answer["Location"]).startswith(b"\x00\x00\x01\x00")  # an ICO


def test_every_icon_the_pages_name_is_there(client, org):
    html = client.get(reverse("accounts:login")).content.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert len(icons) == 2  # the ICO for older browsers, the SVG for the rest
    for href in icons:
        assert static_file(href)


def test_favicon_ico_is_not_sent_to_the_password_page(client, org):
    # Someone who must first choose their own password still gets the icon.
    org.worker_a.must_change_password = True
    org.worker_a.save(update_fields=["must_change_password"])
    client.force_login(org.worker_a)
    assert client.get("/favicon.ico")["Location"].endswith("favicon.ico")
