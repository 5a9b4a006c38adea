"""The navigation bar marks the section the page belongs to, and only it."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("page", "section"),
    [
        ("studios:studio-list", "Studios"),
        ("naming:call-list", "Studio naming"),
        ("achievements:achievement-list", "Achievement library"),
        ("competitions:home", "Five-small"),
        ("reports:home", "Home"),
    ],
)
def test_one_section_is_marked_as_the_one_open(client, org, page, section):
    client.force_login(org.group_official)
    html = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    marked = re.findall(r'class="nav-link active"[^>]*>([^<]+)</a>', html)
    assert marked == [section]
