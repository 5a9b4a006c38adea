"""Showcase pages for the moves on a story: the author's submit and the
officials' send back, publish, archive and feature, and files on a story."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.attachments import attachments_of
from showcase import services
from showcase.models import Story
from tests.page_html import error_beside, form_of
from tests.roles import person
from tests.showcase.conftest import days_ago, make_story
from tests.showcase.pages import (
    HOME,
    MANAGERS_OF_A,
    chinese,
    jpeg,
    snapshot,
    some_error_beside,
    today,
    url,
    zh,
)
from tests.uploads import photos_processed

pytestmark = pytest.mark.django_db

Status = Story.Status


def messages_of(response) -> list[tuple[str, str]]:
    """(level, text) of the messages queued for the next page."""
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def mp3(name="快板录音.mp3") -> SimpleUploadedFile:
    """The first bytes of an MP3 with an ID3 tag: enough to be recognised."""
    data = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 512
    return SimpleUploadedFile(name, data, content_type="audio/mpeg")


def mp4(name="短视频.mp4") -> SimpleUploadedFile:
    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 512
    return SimpleUploadedFile(name, data, content_type="video/mp4")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- Submit, send back, publish, archive, feature -----------------------------------


class TestSubmit:
    def test_the_author_sends_their_draft_for_review(self, as_person, showcase):
        story = showcase.draft_a

        response = as_person(showcase.studios.lead_a).post(url("story-submit", story.pk))

        assert response.status_code == 302
        assert response.url == url("story-detail", story.pk)
        assert messages_of(response) == [
            ("success", chinese("The story has been sent for review."))
        ]
        story.refresh_from_db()
        assert story.status == Status.IN_REVIEW
        event = story.events.latest("at")
        assert (event.from_state, event.to_state, event.actor) == (
            "draft",
            "in_review",
            showcase.studios.lead_a,
        )

    def test_a_story_already_in_review_is_not_sent_twice(self, as_person, showcase):
        story = showcase.in_review_a
        before = snapshot(story)

        response = as_person(showcase.studios.lead_a).post(url("story-submit", story.pk))

        assert response.status_code == 302
        assert [level for level, _ in messages_of(response)] == ["error"]
        assert snapshot(story) == before

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("official_a", "draft_a", 403),
            ("group_official", "draft_a", 403),
            ("official_b", "draft_a", 404),
            ("worker_a", "draft_a", 404),
            ("member_a", "draft_a", 404),
            ("worker_a", "featured_a", 403),
        ],
    )
    def test_only_the_author_submits(self, as_person, showcase, role, name, status):
        story = getattr(showcase, name)
        before = snapshot(story)
        response = as_person(person(showcase, role)).post(url("story-submit", story.pk))
        assert response.status_code == status
        assert snapshot(story) == before

    def test_a_get_is_not_allowed(self, as_person, showcase):
        response = as_person(showcase.studios.lead_a).get(url("story-submit", showcase.draft_a.pk))
        assert response.status_code == 405
        assert Story.objects.get(pk=showcase.draft_a.pk).status == Status.DRAFT


class TestReturn:
    @pytest.mark.parametrize("role", MANAGERS_OF_A)
    def test_an_official_sends_it_back_saying_why(self, as_person, showcase, role):
        story = showcase.in_review_a
        by = person(showcase, role)

        response = as_person(by).post(
            url("story-return", story.pk), {"reason": "请补充他带徒弟的事迹"}, follow=True
        )

        assert response.redirect_chain == [(url("story-detail", story.pk), 302)]
        assert zh("The story has been sent back to its author.") in response.content.decode()
        story.refresh_from_db()
        assert story.status == Status.DRAFT
        event = story.events.latest("at")
        assert (event.from_state, event.to_state, event.actor, event.note) == (
            "in_review",
            "draft",
            by,
            "请补充他带徒弟的事迹",
        )

    def test_the_author_can_edit_it_again_once_sent_back(self, as_person, showcase):
        story = showcase.in_review_a
        services.story_return(story_id=story.pk, by=showcase.org.official_a, reason="补充")
        client = as_person(showcase.studios.lead_a)
        assert client.get(url("story-edit", story.pk)).status_code == 200

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_a_reason_is_required(self, as_person, showcase, reason):
        story = showcase.in_review_a
        before = snapshot(story)

        response = as_person(showcase.org.official_a).post(
            url("story-return", story.pk), {"reason": reason}
        )

        assert response.status_code == 400
        html = form_of(response.content.decode(), url("story-return", story.pk))
        some_error_beside(html, "reason")
        assert snapshot(story) == before

    @pytest.mark.parametrize(
        ("role", "status"),
        [("lead_a", 403), ("official_b", 404), ("worker_a", 404), ("member_a", 404)],
    )
    def test_others_may_not_send_it_back(self, as_person, showcase, role, status):
        story = showcase.in_review_a
        before = snapshot(story)
        response = as_person(person(showcase, role)).post(
            url("story-return", story.pk), {"reason": "改"}
        )
        assert response.status_code == status
        assert snapshot(story) == before

    def test_a_published_story_is_not_sent_back(self, as_person, showcase):
        story = showcase.featured_a
        before = snapshot(story)
        response = as_person(showcase.org.official_a).post(
            url("story-return", story.pk), {"reason": "改"}
        )
        assert response.status_code == 400
        assert snapshot(story) == before

    def test_a_stale_send_back_says_why_it_was_refused(self, as_person, showcase):
        # Given two officials with the story in review open; one sends it back
        story = showcase.in_review_a
        services.story_return(story_id=story.pk, by=showcase.org.group_official, reason="补充")
        before = snapshot(story)

        # When the other sends it back from the page they still have open
        response = as_person(showcase.org.official_a).post(
            url("story-return", story.pk), {"reason": "也请补充"}, follow=True
        )

        # Then they are told why nothing happened
        shown = response.content.decode() + " ".join(text for _, text in messages_of(response))
        assert zh("Only a story in review can be sent back.") in shown
        assert snapshot(story) == before


class TestPublish:
    @pytest.mark.parametrize("role", MANAGERS_OF_A)
    def test_an_official_publishes_a_story_in_review_today(self, as_person, showcase, role):
        story = showcase.in_review_a

        response = as_person(person(showcase, role)).post(
            url("story-publish", story.pk), {"published_on": ""}, follow=True
        )

        assert response.redirect_chain == [(url("story-detail", story.pk), 302)]
        assert zh("The story has been published.") in response.content.decode()
        story.refresh_from_db()
        assert (story.status, story.published_on) == (Status.PUBLISHED, today())

    def test_an_earlier_date_is_kept(self, as_person, showcase):
        story = showcase.in_review_a
        response = as_person(showcase.org.official_a).post(
            url("story-publish", story.pk), {"published_on": days_ago(30).isoformat()}
        )
        assert response.status_code == 302
        story.refresh_from_db()
        assert (story.status, story.published_on) == (Status.PUBLISHED, days_ago(30))

    def test_a_future_date_is_refused(self, as_person, showcase):
        story = showcase.in_review_a
        before = snapshot(story)

        response = as_person(showcase.org.official_a).post(
            url("story-publish", story.pk), {"published_on": days_ago(-1).isoformat()}
        )

        assert response.status_code == 400
        html = form_of(response.content.decode(), url("story-publish", story.pk))
        error_beside(html, "published_on", zh("This date has not come yet."))
        assert snapshot(story) == before

    def test_a_date_that_is_no_date_is_refused(self, as_person, showcase):
        story = showcase.in_review_a
        before = snapshot(story)
        response = as_person(showcase.org.official_a).post(
            url("story-publish", story.pk), {"published_on": "2024-02-30"}
        )
        assert response.status_code == 400
        some_error_beside(
            form_of(response.content.decode(), url("story-publish", story.pk)), "published_on"
        )
        assert snapshot(story) == before

    def test_an_empty_story_is_not_published(self, as_person, showcase):
        story = make_story(
            showcase.org.official_a, title="空稿", body="", studios=[showcase.studios.dust]
        )
        before = snapshot(story)

        response = as_person(showcase.org.official_a).post(url("story-publish", story.pk), {})

        assert response.status_code == 400
        html = form_of(response.content.decode(), url("story-publish", story.pk))
        assert zh("A story needs its text, a media link or a file first.") in html
        assert snapshot(story) == before

    def test_an_archived_story_is_published_again_with_its_first_date(self, as_person, showcase):
        story = showcase.archived_a
        first_date = story.published_on
        response = as_person(showcase.org.official_a).post(url("story-publish", story.pk), {})
        assert response.status_code == 302
        story.refresh_from_db()
        assert (story.status, story.published_on) == (Status.PUBLISHED, first_date)

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("lead_a", "in_review_a", 403),
            ("lead_a", "draft_a", 403),
            ("official_b", "in_review_a", 404),
            ("worker_a", "in_review_a", 404),
            ("official_b", "archived_a", 404),
        ],
    )
    def test_others_may_not_publish(self, as_person, showcase, role, name, status):
        story = getattr(showcase, name)
        before = snapshot(story)
        response = as_person(person(showcase, role)).post(url("story-publish", story.pk), {})
        assert response.status_code == status
        assert snapshot(story) == before

    def test_a_leads_draft_is_published_only_after_the_lead_sends_it(self, as_person, showcase):
        # Given lead_a's draft, not yet sent for review
        story = showcase.draft_a
        before = snapshot(story)
        client = as_person(showcase.org.official_a)

        # Then the official is not offered to publish it, and publishing is refused
        page = client.get(url("story-detail", story.pk)).content.decode()
        assert f'action="{url("story-publish", story.pk)}"' not in page
        client.post(url("story-publish", story.pk), {})
        assert snapshot(story) == before

    def test_an_official_publishes_their_own_draft_at_once(self, as_person, showcase):
        story = make_story(
            showcase.org.official_a, title="自己的稿", studios=[showcase.studios.dust]
        )
        response = as_person(showcase.org.official_a).post(url("story-publish", story.pk), {})
        assert response.status_code == 302
        assert Story.objects.get(pk=story.pk).status == Status.PUBLISHED


class TestArchive:
    @pytest.mark.parametrize("role", MANAGERS_OF_A)
    def test_an_official_archives_a_featured_story_and_it_leaves_the_home_page(
        self, as_person, showcase, role
    ):
        story = showcase.featured_a

        response = as_person(person(showcase, role)).post(url("story-archive", story.pk))

        assert response.status_code == 302
        assert messages_of(response) == [("success", chinese("The story has been archived."))]
        story.refresh_from_db()
        assert (story.status, story.featured) == (Status.ARCHIVED, False)
        assert as_person(showcase.org.worker_a).get(url("story-detail", story.pk)).status_code == (
            404
        )

    def test_a_draft_is_not_archived(self, as_person, showcase):
        story = showcase.draft_a
        before = snapshot(story)
        response = as_person(showcase.org.official_a).post(url("story-archive", story.pk))
        assert response.status_code == 302
        assert [level for level, _ in messages_of(response)] == ["error"]
        assert snapshot(story) == before

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("worker_a", "featured_a", 403),
            ("lead_a", "featured_a", 403),
            ("official_b", "featured_a", 403),
            ("official_a", "published_b", 403),
            ("official_b", "draft_a", 404),
            ("worker_b", "in_review_a", 404),
        ],
    )
    def test_others_may_not_archive(self, as_person, showcase, role, name, status):
        story = getattr(showcase, name)
        before = snapshot(story)
        response = as_person(person(showcase, role)).post(url("story-archive", story.pk))
        assert response.status_code == status
        assert snapshot(story) == before


class TestFeature:
    def test_an_official_features_a_published_story_and_takes_it_off(self, as_person, showcase):
        story = showcase.published_b
        client = as_person(showcase.org.official_b)

        response = client.post(url("story-feature", story.pk), {"featured": "1"})

        assert response.status_code == 302
        assert messages_of(response) == [("success", chinese("The story is now featured."))]
        assert Story.objects.get(pk=story.pk).featured is True
        home = as_person(showcase.org.worker_a).get(HOME)
        assert story in home.context["featured_stories"]

        client = as_person(showcase.org.official_b)
        response = client.post(url("story-feature", story.pk), {"featured": "0"})

        assert messages_of(response) == [("success", chinese("The story is no longer featured."))]
        assert Story.objects.get(pk=story.pk).featured is False

    def test_an_archived_story_is_not_featured(self, as_person, showcase):
        story = showcase.archived_a
        before = snapshot(story)

        response = as_person(showcase.org.official_a).post(
            url("story-feature", story.pk), {"featured": "1"}
        )

        assert response.status_code == 302
        assert messages_of(response) == [
            ("error", chinese("Only a published story can be featured."))
        ]
        assert snapshot(story) == before

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("worker_a", "published_b", 403),
            ("lead_b", "published_b", 403),
            ("official_a", "published_b", 403),
            ("official_b", "featured_a", 403),
            ("official_b", "in_review_a", 404),
            ("worker_a", "draft_a", 404),
        ],
    )
    def test_others_may_not_feature(self, as_person, showcase, role, name, status):
        story = getattr(showcase, name)
        before = snapshot(story)
        response = as_person(person(showcase, role)).post(
            url("story-feature", story.pk), {"featured": "1"}
        )
        assert response.status_code == status
        assert snapshot(story) == before


# --- Files on a story ---------------------------------------------------------------


class TestAttach:
    def test_the_author_adds_a_recording_and_it_plays_on_the_page(self, as_person, showcase, media):
        story = showcase.draft_a
        client = as_person(showcase.studios.lead_a)

        response = client.post(url("story-attach", story.pk), {"file": mp3()})

        assert response.status_code == 302
        assert response.url == url("story-detail", story.pk) + "#files"
        assert messages_of(response) == [("success", chinese("The file has been added."))]
        attachment = attachments_of(story).get()
        assert (attachment.mime_type, attachment.uploaded_by) == (
            "audio/mpeg",
            showcase.studios.lead_a,
        )
        html = client.get(url("story-detail", story.pk)).content.decode()
        download = reverse("attachment-download", args=[attachment.pk])
        assert f'<audio class="story-media mb-2" controls preload="metadata" src="{download}"' in (
            html
        )

    @pytest.mark.parametrize("role", MANAGERS_OF_A)
    def test_an_official_adds_a_video_to_a_story_in_review(self, as_person, showcase, media, role):
        story = showcase.in_review_a
        response = as_person(person(showcase, role)).post(
            url("story-attach", story.pk), {"file": mp4()}
        )
        assert response.status_code == 302
        attachment = attachments_of(story).get()
        assert attachment.mime_type == "video/mp4"
        html = as_person(showcase.studios.lead_a).get(url("story-detail", story.pk))
        assert 'data-testid="story-video"' in html.content.decode()

    def test_a_photo_shows_in_the_story_and_every_reader_may_open_it(
        self, as_person, showcase, media
    ):
        story = showcase.featured_a
        with photos_processed():
            as_person(showcase.org.official_a).post(url("story-attach", story.pk), {"file": jpeg()})
        attachment = attachments_of(story).get()
        download = reverse("attachment-download", args=[attachment.pk])
        for role in ("worker_a", "worker_b", "official_b"):
            client = as_person(person(showcase, role))
            html = client.get(url("story-detail", story.pk)).content.decode()
            assert f'<img class="story-photo mb-2" src="{download}"' in html
            assert client.get(download).status_code == 200

    def test_a_file_on_a_draft_is_not_downloaded_by_outsiders(self, as_person, showcase, media):
        story = showcase.draft_a
        with photos_processed():
            as_person(showcase.studios.lead_a).post(url("story-attach", story.pk), {"file": jpeg()})
        download = reverse("attachment-download", args=[attachments_of(story).get().pk])
        for role in ("lead_a", "official_a"):
            assert as_person(person(showcase, role)).get(download).status_code == 200
        for role in ("worker_a", "official_b", "member_a"):
            assert as_person(person(showcase, role)).get(download).status_code == 404

    def test_a_file_of_a_kind_not_accepted_is_refused_with_a_message(
        self, as_person, showcase, media
    ):
        story = showcase.draft_a
        text = SimpleUploadedFile("说明.txt", "纯文本".encode(), content_type="text/plain")

        response = as_person(showcase.studios.lead_a).post(
            url("story-attach", story.pk), {"file": text}
        )

        assert response.status_code == 302
        assert messages_of(response) == [
            (
                "error",
                chinese("This kind of file is not accepted (photos, audio, video, PDF, Office)."),
            )
        ]
        assert not attachments_of(story).exists()

    def test_the_author_may_not_add_a_file_once_it_is_in_review(self, as_person, showcase, media):
        story = showcase.in_review_a
        response = as_person(showcase.studios.lead_a).post(
            url("story-attach", story.pk), {"file": jpeg()}
        )
        assert response.status_code == 302
        assert [level for level, _ in messages_of(response)] == ["error"]
        assert not attachments_of(story).exists()

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("worker_a", "featured_a", 403),
            ("lead_a", "featured_a", 403),
            ("official_b", "featured_a", 403),
            ("official_b", "draft_a", 404),
            ("worker_a", "draft_a", 404),
        ],
    )
    def test_others_may_not_add_files(self, as_person, showcase, media, role, name, status):
        story = getattr(showcase, name)
        response = as_person(person(showcase, role)).post(
            url("story-attach", story.pk), {"file": jpeg()}
        )
        assert response.status_code == status
        assert not attachments_of(story).exists()

    def test_the_upload_form_is_offered_only_to_those_who_write(self, as_person, showcase):
        action = f'action="{url("story-attach", showcase.draft_a.pk)}"'
        page = url("story-detail", showcase.draft_a.pk)
        assert action in as_person(showcase.studios.lead_a).get(page).content.decode()
        assert action in as_person(showcase.org.official_a).get(page).content.decode()
        featured = url("story-detail", showcase.featured_a.pk)
        html = as_person(showcase.org.worker_a).get(featured).content.decode()
        assert 'enctype="multipart/form-data"' not in html
