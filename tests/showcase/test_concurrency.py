"""Stories under simultaneous requests: two officials publishing the same story,
a double-tapped publish button, and an archive racing a feature. Each request
runs in a thread of its own with its own database connection. PostgreSQL only:
SQLite serialises writers, so it cannot show a race."""

from accounts.models import User
from core.exceptions import Conflict
from showcase import services
from showcase.models import Story, StoryEvent
from tests.concurrency import RACES, run_at_once

pytestmark = RACES

Status = Story.Status


# Each call loads its actor afresh, as a request would: no shared user object or scope cache.


def publish(story_id: int, actor_id: int) -> str:
    return services.story_publish(story_id=story_id, by=User.objects.get(pk=actor_id)).status


def archive(story_id: int, actor_id: int) -> str:
    return services.story_archive(story_id=story_id, by=User.objects.get(pk=actor_id)).status


def feature(story_id: int, actor_id: int) -> str:
    by = User.objects.get(pk=actor_id)
    return services.story_feature(story_id=story_id, by=by, featured=True).status


def events_to(story: Story, status: str) -> int:
    return StoryEvent.objects.filter(story_id=story.pk, to_state=status).count()


def test_two_officials_publishing_the_same_story_publish_it_once(showcase):
    s = showcase
    story = s.in_review_a
    # when company A's official and the group official publish it at the same moment
    published, errors = run_at_once(
        [(publish, story.pk, s.org.official_a.pk), (publish, story.pk, s.org.group_official.pk)]
    )
    # then one publishes it and the other finds it already published
    assert published == [Status.PUBLISHED]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    story = Story.objects.get(pk=story.pk)
    assert story.status == Status.PUBLISHED
    assert events_to(story, Status.PUBLISHED) == 1
    assert story.events.count() == 3  # drafted, submitted, published


def test_a_double_tapped_publish_writes_one_event(showcase):
    s = showcase
    story = s.archived_a
    published, errors = run_at_once([(publish, story.pk, s.org.official_a.pk)] * 5)
    assert published == [Status.PUBLISHED]
    assert len(errors) == 4 and all(isinstance(e, Conflict) for e in errors), errors
    # drafted, published, archived, published again
    assert list(
        Story.objects.get(pk=story.pk)
        .events.order_by("at", "id")
        .values_list("to_state", flat=True)
    ) == [Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED, Status.PUBLISHED]


def test_two_officials_archiving_at_once_archive_once(showcase):
    s = showcase
    story = s.published_b
    archived, errors = run_at_once(
        [(archive, story.pk, s.org.official_b.pk), (archive, story.pk, s.org.group_official.pk)]
    )
    assert archived == [Status.ARCHIVED]
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert events_to(story, Status.ARCHIVED) == 1


def test_an_archive_racing_a_feature_never_leaves_an_archived_story_featured(showcase):
    s = showcase
    story = s.published_b  # published, not featured
    # when one official archives it while another puts it on the home page
    done, errors = run_at_once(
        [(archive, story.pk, s.org.official_b.pk), (feature, story.pk, s.org.group_official.pk)]
    )
    # then it ends archived and off the home page, whichever came first
    story = Story.objects.get(pk=story.pk)
    assert (story.status, story.featured) == (Status.ARCHIVED, False)
    assert events_to(story, Status.ARCHIVED) == 1
    # the feature either came first (then both succeeded) or found it archived (409)
    assert Status.ARCHIVED in done
    assert all(isinstance(e, Conflict) for e in errors), errors
    assert len(done) + len(errors) == 2
