"""A story's fields: no publication date before 1950, media links only over
http(s)."""

import datetime

import pytest

from showcase.models import Story
from tests.api_answers import field_errors
from tests.api_answers import url as api_url
from tests.page_html import page_form
from tests.showcase.api import STORIES, sign_in
from tests.showcase.api import story_body as api_story
from tests.showcase.pages import edit_data, some_error_beside
from tests.showcase.pages import url as page_url
from tests.showcase.story_checks import fresh

pytestmark = pytest.mark.django_db

Status = Story.Status


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- 8. Publication year and media links ---------------------------------------------------------


class TestPublicationDateAndMediaLink:
    def test_a_publication_date_before_1950_is_refused(self, api, showcase):
        s = showcase
        response = sign_in(api, s, "official_a").post(
            api_url(STORIES, s.in_review_a, "publish"),
            {"published_on": "1949-12-31"},
            format="json",
        )
        assert set(field_errors(response)) == {"published_on"}
        story = fresh(s.in_review_a)
        assert (story.status, story.published_on) == (Status.IN_REVIEW, None)

    def test_the_first_day_of_1950_is_accepted(self, api, showcase):
        s = showcase
        response = sign_in(api, s, "official_a").post(
            api_url(STORIES, s.in_review_a, "publish"),
            {"published_on": "1950-01-01"},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["published_on"] == "1950-01-01"
        assert fresh(s.in_review_a).published_on == datetime.date(1950, 1, 1)

    @pytest.mark.parametrize(
        "link", ["ftp://intranet.example/快板.mp4", "ftps://intranet.example/v.mp4"]
    )
    def test_a_media_link_that_is_not_http_is_refused(self, api, showcase, link):
        s = showcase
        sign_in(api, s, "lead_a")
        edited = api.patch(api_url(STORIES, s.draft_a), {"media_link": link}, format="json")
        assert set(field_errors(edited)) == {"media_link"}
        assert fresh(s.draft_a).media_link == ""
        created = api.post(STORIES, api_story(s, media_link=link), format="json")
        assert set(field_errors(created)) == {"media_link"}
        assert Story.objects.count() == 5

    def test_an_https_media_link_is_accepted(self, api, showcase):
        s = showcase
        link = "https://video.intranet.example/v/42"
        response = sign_in(api, s, "lead_a").patch(
            api_url(STORIES, s.draft_a), {"media_link": link}, format="json"
        )
        assert response.status_code == 200, response.content
        assert fresh(s.draft_a).media_link == link

    def test_the_page_refuses_an_ftp_media_link_beside_the_field(self, as_person, showcase):
        story = showcase.draft_a
        response = as_person(showcase.studios.lead_a).post(
            page_url("story-edit", story.pk),
            edit_data(fresh(story), media_link="ftp://intranet.example/v.mp4"),
        )
        assert response.status_code == 400
        some_error_beside(page_form(response.content.decode()), "media_link")
        assert fresh(story).media_link == ""
