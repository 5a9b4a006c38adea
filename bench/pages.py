"""The main pages an official opens, timed through the whole stack (the test
client), for bench/test_pages_growth.py: on the generated group there, and on
the demo here.

`python -m bench.pages` is the demo's side: it migrates the (empty) database of
DATABASE_URL, seeds the demo into it as `make run` does, and prints the best
time of each page for the demo's group official as one line of JSON. The
demo's seeders expect a database of their own (the people import starts from
the first group it finds, and studios are named from every studio there is),
so the demo cannot be seeded beside the generated group."""

import io
import json

from bench.conftest import best_seconds

# The pages compared, by the key each ratio is recorded under (pages_growth_<key>).
PAGES = ("proposals", "studios", "library", "dashboard", "home", "showcase", "studio", "profile")
REPEAT = 3


def main_pages(studio, person) -> dict[str, str]:
    """The proposal list, the studio list, the achievement library, the
    dashboard, the official's home (the dashboard under "Needs your action"),
    the showcase, one studio's page and one person's profile."""
    from django.urls import reverse

    return {
        "proposals": reverse("competitions:proposal-list"),
        "studios": reverse("studios:studio-list"),
        "library": reverse("achievements:achievement-list"),
        "dashboard": reverse("reports:dashboard"),
        "home": reverse("reports:home"),
        "showcase": reverse("showcase:story-list"),
        "studio": reverse("studios:studio-detail", args=[studio.pk]),
        "profile": reverse("showcase:profile", args=[person.pk]),
    }


def page_seconds(client, pages: dict[str, str]) -> dict[str, float]:
    """The best time of each page for the client's signed-in person."""

    def timed(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return best_seconds(get, repeat=REPEAT)

    return {name: timed(url) for name, url in pages.items()}


def demo_page_seconds() -> dict[str, float]:
    """Seed the demo into this (empty) database and time its pages for the
    group official, on the dust-control studio and its leader."""
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User
    from studios.demo import DUST_STUDIO_CODE
    from studios.models import Studio

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=io.StringIO())
    setup_test_environment()  # the test client's host, as in a test
    studio = Studio.objects.select_related("leader").get(code=DUST_STUDIO_CODE)
    client = Client()
    client.force_login(User.objects.get(employee_no="official"))
    return page_seconds(client, main_pages(studio, studio.leader))


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(demo_page_seconds()))
