"""The studio list's "sort by" speaks the reader's language, the descending
choices included (django-filter's own "(descending)" has no Chinese)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def sort_choices(html: str) -> dict[str, str]:
    select = re.search(r'<select name="ordering".*?</select>', html, re.S).group(0)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


@pytest.mark.parametrize(
    "language, expected",
    [
        ("zh-CN", {"code": "代码", "-code": "代码（倒序）", "-founded_on": "成立日期（倒序）"}),
        (
            "en",
            {
                "code": "Code",
                "-code": "Code (descending)",
                "-founded_on": "Founded on (descending)",
            },
        ),
    ],
)
def test_sort_choices_are_in_the_readers_language(as_person, studios, language, expected):
    page = as_person(studios.org.worker_a).get(
        reverse("studios:studio-list"), HTTP_ACCEPT_LANGUAGE=language
    )
    choices = sort_choices(page.content.decode())
    assert {value: choices[value] for value in expected} == expected
