"""Story services for every role and state: drafting, editing, submitting,
sending back, publishing, archiving, featuring and attaching media, with the
errors of DESIGN.md §5 (ValidationError 400, PermissionDenied 403, Http404 404,
Conflict 409). A refused call leaves the story exactly as it was in the
database; every move writes one StoryEvent with the right from and to."""

import datetime
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core import attachments
from core.exceptions import Conflict
from core.models import Attachment
from showcase import services
from showcase.models import Story, StoryEvent
from studios import services as studio_services
from studios.models import Membership
from tests.factories import PersonFactory
from tests.showcase.conftest import days_ago, make_story

pytestmark = pytest.mark.django_db

Status = Story.Status

# Media as the pure-Python `filetype` sniffer recognises them from their first bytes.
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00\x00\x00\x00mp42isom" + b"\x00" * 2000
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 500
# A Windows program (its "MZ" header) renamed to look like a video.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 1000


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def mp4(name="现场.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MP4, content_type="video/mp4")


def mp3(name="快板.mp3") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MP3, content_type="audio/mpeg")


def person(s, role: str) -> User:
    """A role of the `showcase` world: one of the studios' people or the org's."""
    return getattr(s.studios, role) if hasattr(s.studios, role) else getattr(s.org, role)


def fresh(story: Story) -> Story:
    return Story.objects.get(pk=story.pk)


def snapshot(story: Story) -> tuple:
    """Everything any story service could change, read back from the database."""
    story = fresh(story)
    return (
        story.status,
        story.title,
        story.summary,
        story.body,
        story.form,
        story.creator,
        story.media_link,
        story.published_on,
        story.featured,
        story.org_unit_id,
        story.author_id,
        story.updated_at,
        story.status_changed_at,
        frozenset(story.people.values_list("pk", flat=True)),
        frozenset(story.studios.values_list("pk", flat=True)),
        tuple(story.events.values_list("from_state", "to_state", "actor_id", "note")),
        attachments.attachments_of(story).count(),
    )


def moves(story: Story) -> list[tuple[str, str]]:
    return list(fresh(story).events.order_by("at", "id").values_list("from_state", "to_state"))


# --- Roles × actions × states ---------------------------------------------------------

EVERY_ROLE = [
    "worker_a",
    "worker_b",
    "member_a",
    "lead_a",
    "lead_b",
    "official_a",
    "official_b",
    "group_official",
    "admin",
]
OVER_A = ("official_a", "group_official", "admin")
OVER_B = ("official_b", "group_official", "admin")
OK = "ok"
NOT_FOUND, FORBIDDEN, CONFLICT = Http404, PermissionDenied, Conflict
ERRORS = (NOT_FOUND, FORBIDDEN, CONFLICT, ValidationError)


def act(action: str, story: Story, by: User):
    """Run one service on `story` as `by`, with valid input."""
    if action == "update":
        return services.story_update(story_id=story.pk, by=by, title="改过的标题")
    if action == "submit":
        return services.story_submit(story_id=story.pk, by=by)
    if action == "send_back":
        return services.story_return(story_id=story.pk, by=by, reason="请补充现场照片")
    if action == "publish":
        return services.story_publish(story_id=story.pk, by=by)
    if action == "archive":
        return services.story_archive(story_id=story.pk, by=by)
    if action == "feature":
        return services.story_feature(story_id=story.pk, by=by, featured=not story.featured)
    if action == "attach":
        return services.story_attach(record=story, by=by, upload=mp4())
    raise AssertionError(action)


def expect(rest, **by_role) -> dict:
    """Each role's outcome: the named ones as given, every other role `rest`."""
    return {role: by_role.get(role, rest) for role in EVERY_ROLE}


def over(roles, outcome) -> dict:
    return dict.fromkeys(roles, outcome)


# What each role gets for each action on each story of the `showcase` world:
# outsiders of a draft, a story in review or an archived one get 404; readers of
# a published story who do not run it get 403; a state that forbids it is 409.
EXPECTED = {
    ("draft_a", "update"): expect(NOT_FOUND, lead_a=OK, **over(OVER_A, OK)),
    ("draft_a", "submit"): expect(NOT_FOUND, lead_a=OK, **over(OVER_A, FORBIDDEN)),
    ("draft_a", "send_back"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    # a lead's draft reaches the officials only once it is submitted
    ("draft_a", "publish"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("draft_a", "archive"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("draft_a", "feature"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("draft_a", "attach"): expect(NOT_FOUND, lead_a=OK, **over(OVER_A, OK)),
    ("in_review_a", "update"): expect(NOT_FOUND, lead_a=CONFLICT, **over(OVER_A, OK)),
    ("in_review_a", "submit"): expect(NOT_FOUND, lead_a=CONFLICT, **over(OVER_A, FORBIDDEN)),
    ("in_review_a", "send_back"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, OK)),
    ("in_review_a", "publish"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, OK)),
    ("in_review_a", "archive"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("in_review_a", "feature"): expect(NOT_FOUND, lead_a=FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("in_review_a", "attach"): expect(NOT_FOUND, lead_a=CONFLICT, **over(OVER_A, OK)),
    ("featured_a", "update"): expect(FORBIDDEN, **over(OVER_A, OK)),
    ("featured_a", "submit"): expect(FORBIDDEN, official_a=CONFLICT),
    ("featured_a", "send_back"): expect(FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("featured_a", "publish"): expect(FORBIDDEN, **over(OVER_A, CONFLICT)),
    ("featured_a", "archive"): expect(FORBIDDEN, **over(OVER_A, OK)),
    ("featured_a", "feature"): expect(FORBIDDEN, **over(OVER_A, OK)),
    ("featured_a", "attach"): expect(FORBIDDEN, **over(OVER_A, OK)),
    ("published_b", "update"): expect(FORBIDDEN, **over(OVER_B, OK)),
    ("published_b", "submit"): expect(FORBIDDEN, official_b=CONFLICT),
    ("published_b", "send_back"): expect(FORBIDDEN, **over(OVER_B, CONFLICT)),
    ("published_b", "publish"): expect(FORBIDDEN, **over(OVER_B, CONFLICT)),
    ("published_b", "archive"): expect(FORBIDDEN, **over(OVER_B, OK)),
    ("published_b", "feature"): expect(FORBIDDEN, **over(OVER_B, OK)),
    ("published_b", "attach"): expect(FORBIDDEN, **over(OVER_B, OK)),
    ("archived_a", "update"): expect(NOT_FOUND, **over(OVER_A, CONFLICT)),
    ("archived_a", "submit"): expect(
        NOT_FOUND, official_a=CONFLICT, group_official=FORBIDDEN, admin=FORBIDDEN
    ),
    ("archived_a", "send_back"): expect(NOT_FOUND, **over(OVER_A, CONFLICT)),
    ("archived_a", "publish"): expect(NOT_FOUND, **over(OVER_A, OK)),
    ("archived_a", "archive"): expect(NOT_FOUND, **over(OVER_A, CONFLICT)),
    ("archived_a", "feature"): expect(NOT_FOUND, **over(OVER_A, CONFLICT)),
    ("archived_a", "attach"): expect(NOT_FOUND, **over(OVER_A, CONFLICT)),
}
# The moves of the state machine; the other actions write no StoryEvent.
MOVES = {
    "submit": Status.IN_REVIEW,
    "send_back": Status.DRAFT,
    "publish": Status.PUBLISHED,
    "archive": Status.ARCHIVED,
}


class Undo(Exception):
    """Raised at the end of a savepoint to roll back what a trial did."""


@contextmanager
def rolled_back():
    """Run a trial inside a savepoint that is always rolled back, so the next
    role meets the story exactly as the fixture made it."""
    try:
        with transaction.atomic():
            yield
            raise Undo
    except Undo:
        pass


def attempt(action: str, story: Story, by: User, role: str):
    """Try `action` as `by`: the outcome (OK or the error's class), with its
    effects checked — a refusal changes nothing, a move writes one event."""
    before = snapshot(story)
    events_before = story.events.count()
    try:
        act(action, story, by)
    except ERRORS as error:
        assert snapshot(story) == before, f"{role}: a refused {action} changed the story"
        return next(kind for kind in ERRORS if isinstance(error, kind))
    after = fresh(story)
    if action in MOVES:
        assert after.status == MOVES[action], role
        assert after.events.count() == events_before + 1, role
        event = after.events.order_by("-at", "-id").first()
        assert (event.from_state, event.to_state, event.actor_id) == (
            story.status,
            after.status,
            by.pk,
        ), role
    elif action == "feature":
        # The status stays; who featured it (or took it off) is in the history.
        assert after.status == story.status, role
        assert after.events.count() == events_before + 1, role
        event = after.events.order_by("-at", "-id").first()
        assert (event.from_state, event.to_state, event.actor_id) == (
            story.status,
            story.status,
            by.pk,
        ), role
    else:
        assert after.status == story.status, role
        assert after.events.count() == events_before, role
    if action == "update":
        assert after.title == "改过的标题", role
    if action == "feature":
        assert after.featured is (not story.featured), role
    if action == "attach":
        assert attachments.attachments_of(after).count() == before[-1] + 1, role
    return OK


@pytest.mark.parametrize(("story_name", "action"), list(EXPECTED))
def test_who_may_do_what_to_which_story(showcase, story_name, action):
    # given a story of the showcase world
    story = getattr(showcase, story_name)
    outcomes = {}
    for role in EVERY_ROLE:
        # when each role tries the action (each on the untouched story)
        with rolled_back():
            outcomes[role] = attempt(action, fresh(story), person(showcase, role), role)
    # then each gets what the rules say
    assert outcomes == EXPECTED[story_name, action]


# --- Creating a story -------------------------------------------------------------------


class TestStoryCreate:
    def test_an_official_drafts_a_story_in_their_unit_with_one_creation_event(self, showcase):
        s = showcase
        # when company A's official drafts a story about the dust studio's leader
        story = make_story(s.org.official_a, people=[s.studios.lead_a], studios=[s.studios.dust])
        # then it is a draft of theirs in the studio's unit, about those subjects
        story = fresh(story)
        assert (story.status, story.author, story.featured) == (
            Status.DRAFT,
            s.org.official_a,
            False,
        )
        assert story.published_on is None
        assert story.org_unit == s.studios.dust.org_unit
        assert list(story.people.all()) == [s.studios.lead_a]
        assert list(story.studios.all()) == [s.studios.dust]
        assert moves(story) == [("", Status.DRAFT)]
        assert story.events.get().actor == s.org.official_a

    def test_an_official_may_file_the_story_under_a_unit_they_manage(self, showcase):
        s = showcase
        story = make_story(s.org.official_a, studios=[s.studios.dust], org_unit=s.org.company_a)
        assert fresh(story).org_unit == s.org.company_a

    def test_an_official_may_not_file_a_story_under_another_companys_unit(self, showcase):
        s = showcase
        count = Story.objects.count()
        with pytest.raises(ValidationError) as refused:
            make_story(s.org.official_a, studios=[s.studios.dust], org_unit=s.org.company_b)
        assert set(refused.value.message_dict) == {"org_unit"}
        assert Story.objects.count() == count

    def test_the_group_official_writes_about_both_companies(self, showcase):
        s = showcase
        story = make_story(
            s.org.group_official,
            people=[s.studios.lead_a, s.studios.lead_b],
            studios=[s.studios.dust, s.studios.turbine],
        )
        assert set(fresh(story).people.all()) == {s.studios.lead_a, s.studios.lead_b}

    @pytest.mark.parametrize(
        ("field", "subjects"),
        [
            ("people", lambda s: {"people": [s.studios.lead_b], "studios": [s.studios.dust]}),
            ("studios", lambda s: {"people": [s.studios.lead_a], "studios": [s.studios.turbine]}),
        ],
    )
    def test_an_official_may_not_write_about_another_companys_people_or_studios(
        self, showcase, field, subjects
    ):
        s = showcase
        count, events = Story.objects.count(), StoryEvent.objects.count()
        with pytest.raises(ValidationError) as refused:
            make_story(s.org.official_a, **subjects(s))
        assert set(refused.value.message_dict) == {field}
        assert (Story.objects.count(), StoryEvent.objects.count()) == (count, events)

    def test_a_lead_drafts_about_their_studio_and_its_member(self, showcase):
        s = showcase
        story = make_story(s.studios.lead_a, people=[s.studios.member_a], studios=[s.studios.dust])
        story = fresh(story)
        assert (story.status, story.author) == (Status.DRAFT, s.studios.lead_a)
        assert story.org_unit == s.studios.dust.org_unit
        assert moves(story) == [("", Status.DRAFT)]

    def test_a_lead_may_name_themself(self, showcase):
        s = showcase
        story = make_story(s.studios.lead_a, people=[s.studios.lead_a], studios=[s.studios.dust])
        assert list(fresh(story).people.all()) == [s.studios.lead_a]

    @pytest.mark.parametrize(
        ("field", "subjects"),
        [
            # a colleague of the same company who is no member of the lead's studio
            ("people", lambda s: {"people": [s.org.colleague_a], "studios": [s.studios.dust]}),
            # a studio of the same company that someone else leads
            ("studios", lambda s: {"people": [s.studios.lead_a], "studios": [s.studios.washing]}),
            ("studios", lambda s: {"people": [], "studios": [s.studios.turbine]}),
            ("people", lambda s: {"people": [s.studios.lead_b], "studios": [s.studios.dust]}),
            # people only: the story needs the lead's studio
            ("studios", lambda s: {"people": [s.studios.member_a], "studios": []}),
            # nobody at all
            ("people", lambda s: {"people": [], "studios": []}),
        ],
    )
    def test_a_lead_may_write_only_about_their_studio_and_its_current_members(
        self, showcase, field, subjects
    ):
        s = showcase
        count = Story.objects.count()
        with pytest.raises(ValidationError) as refused:
            make_story(s.studios.lead_a, **subjects(s))
        assert set(refused.value.message_dict) == {field}
        assert Story.objects.count() == count

    def test_a_lead_may_not_write_about_a_member_who_has_left(self, showcase):
        s = showcase
        # given member_a has left the dust studio
        membership = Membership.objects.get(studio=s.studios.dust, person=s.studios.member_a)
        studio_services.membership_end(membership_id=membership.pk, by=s.studios.lead_a)
        # when the lead drafts a story about them, then the person is refused
        with pytest.raises(ValidationError) as refused:
            make_story(s.studios.lead_a, people=[s.studios.member_a], studios=[s.studios.dust])
        assert set(refused.value.message_dict) == {"people"}

    def test_a_lead_may_not_choose_the_unit(self, showcase):
        s = showcase
        with pytest.raises(ValidationError) as refused:
            make_story(s.studios.lead_a, studios=[s.studios.dust], org_unit=s.org.company_a)
        assert set(refused.value.message_dict) == {"org_unit"}

    @pytest.mark.parametrize("role", ["worker_a", "worker_b", "member_a"])
    def test_who_neither_leads_a_studio_nor_is_an_official_may_not_draft(self, showcase, role):
        s = showcase
        count = Story.objects.count()
        with pytest.raises(PermissionDenied):
            make_story(person(s, role), people=[s.studios.member_a], studios=[s.studios.dust])
        assert Story.objects.count() == count

    def test_the_lead_of_another_studio_may_not_write_about_this_one(self, showcase):
        s = showcase
        # colleague_a leads the washing studio, in the same company as the dust studio
        with pytest.raises(ValidationError) as refused:
            make_story(s.org.colleague_a, people=[s.studios.lead_a], studios=[s.studios.dust])
        assert set(refused.value.message_dict) == {"studios"}

    def test_a_lead_whose_studio_is_revoked_may_no_longer_draft(self, showcase):
        s = showcase
        studio_services.studio_change_status(
            studio_id=s.studios.dust.pk,
            by=s.org.group_official,
            status="revoked",
            reason="考核不合格",
        )
        with pytest.raises(PermissionDenied):
            make_story(s.studios.lead_a, people=[s.studios.lead_a], studios=[s.studios.dust])

    def test_a_draft_with_an_unknown_form_is_refused(self, showcase):
        s = showcase
        count = Story.objects.count()
        with pytest.raises(ValidationError) as refused:
            make_story(s.org.official_a, form="limerick", studios=[s.studios.dust])
        assert "form" in refused.value.message_dict
        assert Story.objects.count() == count


# --- Editing ----------------------------------------------------------------------------


class TestStoryUpdate:
    def test_the_author_edits_their_draft_and_its_subjects(self, showcase):
        s = showcase
        before = fresh(s.draft_a).updated_at
        story = services.story_update(
            story_id=s.draft_a.pk,
            by=s.studios.lead_a,
            title="师徒三代",
            body="新的正文",
            people=[s.studios.lead_a, s.studios.member_a],
        )
        story = fresh(story)
        assert (story.title, story.body, story.status) == ("师徒三代", "新的正文", Status.DRAFT)
        assert set(story.people.all()) == {s.studios.lead_a, s.studios.member_a}
        assert story.updated_at > before
        assert moves(story) == [("", Status.DRAFT)]  # an edit is no move

    def test_the_lead_may_not_edit_once_the_story_is_in_review(self, showcase):
        s = showcase
        before = snapshot(s.in_review_a)
        with pytest.raises(Conflict):
            services.story_update(story_id=s.in_review_a.pk, by=s.studios.lead_a, title="再改")
        assert snapshot(s.in_review_a) == before

    def test_the_lead_edits_again_once_the_story_is_sent_back(self, showcase):
        s = showcase
        services.story_return(story_id=s.in_review_a.pk, by=s.org.official_a, reason="太短")
        services.story_update(story_id=s.in_review_a.pk, by=s.studios.lead_a, title="再改")
        assert fresh(s.in_review_a).title == "再改"

    @pytest.mark.parametrize("field", ["status", "featured", "author", "published_on", "org_unit"])
    def test_fields_that_move_only_through_actions_are_refused(self, showcase, field):
        s = showcase
        before = snapshot(s.draft_a)
        with pytest.raises(ValidationError) as refused:
            services.story_update(story_id=s.draft_a.pk, by=s.org.official_a, **{field: None})
        assert set(refused.value.message_dict) == {field}
        assert snapshot(s.draft_a) == before

    def test_a_lead_may_not_name_someone_outside_their_studio(self, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        with pytest.raises(ValidationError) as refused:
            services.story_update(
                story_id=s.draft_a.pk, by=s.studios.lead_a, people=[s.org.colleague_a]
            )
        assert set(refused.value.message_dict) == {"people"}
        assert snapshot(s.draft_a) == before

    def test_an_official_may_not_name_someone_of_another_company(self, showcase):
        s = showcase
        before = snapshot(s.featured_a)
        with pytest.raises(ValidationError) as refused:
            services.story_update(
                story_id=s.featured_a.pk, by=s.org.official_a, people=[s.org.worker_b]
            )
        assert set(refused.value.message_dict) == {"people"}
        assert snapshot(s.featured_a) == before

    def test_a_refused_edit_keeps_the_new_subjects_out_too(self, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        # valid people, but a title longer than 200 characters
        with pytest.raises(ValidationError) as refused:
            services.story_update(
                story_id=s.draft_a.pk,
                by=s.studios.lead_a,
                title="长" * 201,
                people=[s.studios.lead_a],
            )
        assert set(refused.value.message_dict) == {"title"}
        assert snapshot(s.draft_a) == before

    def test_a_malformed_media_link_is_refused(self, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        with pytest.raises(ValidationError) as refused:
            services.story_update(story_id=s.draft_a.pk, by=s.studios.lead_a, media_link="视频")
        assert set(refused.value.message_dict) == {"media_link"}
        assert snapshot(s.draft_a) == before


# --- Submitting and sending back ----------------------------------------------------------


class TestReview:
    def test_the_author_submits_their_draft(self, showcase):
        s = showcase
        services.story_submit(story_id=s.draft_a.pk, by=s.studios.lead_a)
        story = fresh(s.draft_a)
        assert story.status == Status.IN_REVIEW
        assert story.status_changed_at is not None
        assert moves(story) == [("", Status.DRAFT), (Status.DRAFT, Status.IN_REVIEW)]

    def test_an_official_submits_their_own_draft_for_review(self, showcase):
        s = showcase
        story = make_story(s.org.official_a, studios=[s.studios.dust])
        services.story_submit(story_id=story.pk, by=s.org.official_a)
        assert fresh(story).status == Status.IN_REVIEW

    def test_an_official_sends_a_story_back_with_the_reason_on_the_event(self, showcase):
        s = showcase
        services.story_return(story_id=s.in_review_a.pk, by=s.org.official_a, reason="  补充数据 ")
        story = fresh(s.in_review_a)
        assert story.status == Status.DRAFT
        last = story.events.order_by("-at", "-id").first()
        assert (last.from_state, last.to_state) == (Status.IN_REVIEW, Status.DRAFT)
        assert (last.actor, last.note) == (s.org.official_a, "补充数据")

    @pytest.mark.parametrize("reason", ["", "   ", None])
    def test_sending_back_without_a_reason_is_refused(self, showcase, reason):
        s = showcase
        before = snapshot(s.in_review_a)
        with pytest.raises(ValidationError) as refused:
            services.story_return(story_id=s.in_review_a.pk, by=s.org.official_a, reason=reason)
        assert set(refused.value.message_dict) == {"reason"}
        assert snapshot(s.in_review_a) == before

    def test_a_full_life_writes_one_event_per_move(self, showcase):
        s = showcase
        lead, official = s.studios.lead_a, s.org.official_a
        story = make_story(lead, people=[s.studios.member_a], studios=[s.studios.dust])
        services.story_submit(story_id=story.pk, by=lead)
        services.story_return(story_id=story.pk, by=official, reason="补充照片")
        services.story_submit(story_id=story.pk, by=lead)
        services.story_publish(story_id=story.pk, by=official)
        services.story_archive(story_id=story.pk, by=official)
        services.story_publish(story_id=story.pk, by=s.org.group_official)
        assert moves(story) == [
            ("", Status.DRAFT),
            (Status.DRAFT, Status.IN_REVIEW),
            (Status.IN_REVIEW, Status.DRAFT),
            (Status.DRAFT, Status.IN_REVIEW),
            (Status.IN_REVIEW, Status.PUBLISHED),
            (Status.PUBLISHED, Status.ARCHIVED),
            (Status.ARCHIVED, Status.PUBLISHED),
        ]
        actors = list(fresh(story).events.order_by("at", "id").values_list("actor", flat=True))
        assert actors == [
            lead.pk,
            lead.pk,
            official.pk,
            lead.pk,
            official.pk,
            official.pk,
            s.org.group_official.pk,
        ]


# --- Illegal moves are 409 ---------------------------------------------------------------


ILLEGAL = [
    ("draft_a", "publish"),  # a lead's draft: the lead has not sent it in yet
    ("draft_a", "archive"),
    ("draft_a", "send_back"),
    ("draft_a", "feature"),
    ("in_review_a", "submit"),
    ("in_review_a", "archive"),
    ("in_review_a", "feature"),
    ("featured_a", "submit"),
    ("featured_a", "publish"),
    ("featured_a", "send_back"),
    ("archived_a", "submit"),
    ("archived_a", "archive"),
    ("archived_a", "feature"),
    ("archived_a", "send_back"),
    ("archived_a", "update"),
    ("archived_a", "attach"),
]


@pytest.mark.parametrize(("story_name", "action"), ILLEGAL)
def test_every_illegal_move_is_a_conflict_that_changes_nothing(showcase, story_name, action):
    s = showcase
    story = fresh(getattr(s, story_name))
    # the story's author, so the refusal can only be about the state
    by = story.author if action == "submit" else s.org.group_official
    before = snapshot(story)
    with pytest.raises(Conflict):
        act(action, story, by)
    assert snapshot(story) == before


def test_publishing_twice_is_a_conflict(showcase):
    s = showcase
    story = make_story(s.org.official_a, studios=[s.studios.dust])
    services.story_publish(story_id=story.pk, by=s.org.official_a)
    before = snapshot(story)
    with pytest.raises(Conflict):
        services.story_publish(story_id=story.pk, by=s.org.group_official)
    assert snapshot(story) == before
    assert fresh(story).events.filter(to_state=Status.PUBLISHED).count() == 1


# --- Publishing ----------------------------------------------------------------------------


class TestPublish:
    def test_the_date_defaults_to_today(self, showcase):
        s = showcase
        services.story_publish(story_id=s.in_review_a.pk, by=s.org.official_a)
        story = fresh(s.in_review_a)
        assert (story.status, story.published_on) == (Status.PUBLISHED, timezone.localdate())
        assert moves(story)[-1] == (Status.IN_REVIEW, Status.PUBLISHED)

    def test_an_earlier_date_is_kept(self, showcase):
        s = showcase
        services.story_publish(
            story_id=s.in_review_a.pk, by=s.org.official_a, published_on=days_ago(30)
        )
        assert fresh(s.in_review_a).published_on == days_ago(30)

    def test_an_official_publishes_their_own_draft_at_once(self, showcase):
        s = showcase
        story = make_story(s.org.official_a, studios=[s.studios.dust])
        services.story_publish(story_id=story.pk, by=s.org.official_a)
        assert moves(story) == [("", Status.DRAFT), (Status.DRAFT, Status.PUBLISHED)]

    def test_a_leads_draft_is_not_published_before_the_lead_submits_it(self, showcase):
        s = showcase
        before = snapshot(s.draft_a)
        with pytest.raises(Conflict):
            services.story_publish(story_id=s.draft_a.pk, by=s.org.official_a)
        assert snapshot(s.draft_a) == before

    def test_a_date_that_has_not_come_is_refused(self, showcase):
        s = showcase
        before = snapshot(s.in_review_a)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as refused:
            services.story_publish(
                story_id=s.in_review_a.pk, by=s.org.official_a, published_on=tomorrow
            )
        assert set(refused.value.message_dict) == {"published_on"}
        assert snapshot(s.in_review_a) == before

    @pytest.mark.parametrize("body", ["", "  \n\t "])
    def test_an_empty_story_is_refused(self, showcase, body):
        s = showcase
        # given a draft without text, media link or file
        story = make_story(s.org.official_a, studios=[s.studios.dust], body=body)
        before = snapshot(story)
        with pytest.raises(ValidationError) as refused:
            services.story_publish(story_id=story.pk, by=s.org.official_a)
        assert set(refused.value.message_dict) == {"body"}
        assert snapshot(story) == before

    def test_a_media_link_alone_is_enough(self, showcase):
        s = showcase
        story = make_story(
            s.org.official_a,
            studios=[s.studios.dust],
            body="",
            media_link="https://video.intranet.example/dust.mp4",
        )
        services.story_publish(story_id=story.pk, by=s.org.official_a)
        assert fresh(story).status == Status.PUBLISHED

    def test_a_file_alone_is_enough(self, showcase):
        s = showcase
        story = make_story(
            s.org.official_a, form=Story.Form.SONG, studios=[s.studios.dust], body=""
        )
        services.story_attach(record=story, by=s.org.official_a, upload=mp3())
        services.story_publish(story_id=story.pk, by=s.org.official_a)
        assert fresh(story).status == Status.PUBLISHED

    def test_republishing_an_archived_story_keeps_its_first_date(self, showcase):
        s = showcase
        first = fresh(s.archived_a).published_on
        services.story_publish(story_id=s.archived_a.pk, by=s.org.official_a)
        story = fresh(s.archived_a)
        assert (story.status, story.published_on) == (Status.PUBLISHED, first)
        assert moves(story)[-1] == (Status.ARCHIVED, Status.PUBLISHED)

    def test_an_official_of_another_company_cannot_find_the_draft(self, showcase):
        s = showcase
        before = snapshot(s.in_review_a)
        with pytest.raises(Http404):
            services.story_publish(story_id=s.in_review_a.pk, by=s.org.official_b)
        assert snapshot(s.in_review_a) == before

    def test_a_story_that_does_not_exist_is_404(self, showcase):
        with pytest.raises(Http404):
            services.story_publish(story_id=99_999_999, by=showcase.org.admin)


# --- Archiving and featuring ----------------------------------------------------------------


class TestArchiveAndFeature:
    def test_archiving_takes_a_story_off_the_home_page(self, showcase):
        s = showcase
        assert fresh(s.featured_a).featured
        services.story_archive(story_id=s.featured_a.pk, by=s.org.official_a)
        story = fresh(s.featured_a)
        assert (story.status, story.featured) == (Status.ARCHIVED, False)
        assert moves(story)[-1] == (Status.PUBLISHED, Status.ARCHIVED)

    def test_republishing_does_not_feature_the_story_again(self, showcase):
        s = showcase
        services.story_archive(story_id=s.featured_a.pk, by=s.org.official_a)
        services.story_publish(story_id=s.featured_a.pk, by=s.org.official_a)
        assert fresh(s.featured_a).featured is False

    def test_an_official_features_and_unfeatures_a_published_story(self, showcase):
        s = showcase
        services.story_feature(story_id=s.published_b.pk, by=s.org.official_b, featured=True)
        assert fresh(s.published_b).featured is True
        services.story_feature(story_id=s.published_b.pk, by=s.org.group_official, featured=False)
        assert fresh(s.published_b).featured is False

    @pytest.mark.parametrize("role", ["lead_a", "worker_a", "official_b"])
    def test_who_does_not_run_the_story_may_not_feature_it(self, showcase, role):
        s = showcase
        before = snapshot(s.featured_a)
        with pytest.raises(PermissionDenied):
            services.story_feature(story_id=s.featured_a.pk, by=person(s, role), featured=False)
        assert snapshot(s.featured_a) == before

    def test_the_lead_may_not_publish_or_archive_their_own_story(self, showcase):
        s = showcase
        lead = s.studios.lead_a
        before = snapshot(s.in_review_a)
        with pytest.raises(PermissionDenied):
            services.story_publish(story_id=s.in_review_a.pk, by=lead)
        assert snapshot(s.in_review_a) == before
        services.story_publish(story_id=s.in_review_a.pk, by=s.org.official_a)
        before = snapshot(s.in_review_a)
        with pytest.raises(PermissionDenied):
            services.story_archive(story_id=s.in_review_a.pk, by=lead)
        with pytest.raises(PermissionDenied):
            services.story_feature(story_id=s.in_review_a.pk, by=lead, featured=True)
        assert snapshot(s.in_review_a) == before


# --- Media -----------------------------------------------------------------------------------


class TestAttach:
    def test_the_author_attaches_a_video_and_a_recording(self, showcase):
        s = showcase
        video = services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp4())
        audio = services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp3())
        assert (video.mime_type, video.size, video.original_name) == (
            "video/mp4",
            len(MP4),
            "现场.mp4",
        )
        assert (audio.mime_type, audio.size, audio.original_name) == (
            "audio/mpeg",
            len(MP3),
            "快板.mp3",
        )
        stored = attachments.attachments_of(fresh(s.draft_a))
        assert set(stored.values_list("pk", flat=True)) == {video.pk, audio.pk}
        assert {a.uploaded_by for a in stored} == {s.studios.lead_a}
        with stored.get(pk=video.pk).file.open("rb") as handle:
            assert handle.read() == MP4

    def test_a_file_over_the_story_limit_is_refused(self, showcase, settings):
        s = showcase
        settings.STORY_MEDIA_MAX_BYTES = len(MP3) - 1
        with pytest.raises(ValidationError) as refused:
            services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp3())
        assert set(refused.value.message_dict) == {"file"}
        assert not Attachment.objects.exists()

    def test_a_file_at_the_story_limit_is_accepted(self, showcase, settings):
        s = showcase
        settings.STORY_MEDIA_MAX_BYTES = len(MP3)
        services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp3())
        assert Attachment.objects.count() == 1

    def test_the_story_limit_is_larger_than_the_ordinary_one(self, showcase, settings):
        s = showcase
        settings.UPLOAD_MAX_BYTES = len(MP4) - 1
        settings.STORY_MEDIA_MAX_BYTES = len(MP4)
        services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=mp4())
        assert Attachment.objects.count() == 1

    @pytest.mark.parametrize(
        "upload",
        [
            lambda: SimpleUploadedFile("病毒.mp4", EXE, content_type="video/mp4"),
            lambda: SimpleUploadedFile(
                "说明.mp3", "纯文本".encode() * 100, content_type="audio/mpeg"
            ),
        ],
        ids=["exe-renamed-mp4", "text-renamed-mp3"],
    )
    def test_a_file_that_only_pretends_to_be_media_is_refused(self, showcase, upload):
        s = showcase
        with pytest.raises(ValidationError) as refused:
            services.story_attach(record=s.draft_a, by=s.studios.lead_a, upload=upload())
        assert set(refused.value.message_dict) == {"file"}
        assert not Attachment.objects.exists()

    def test_the_same_recording_is_refused_on_a_record_that_is_not_a_story(self, showcase):
        s = showcase
        # given the recording is accepted on a story
        services.story_attach(record=s.draft_a, by=s.org.official_a, upload=mp3())
        # when the same bytes are attached to a studio the ordinary way
        with pytest.raises(ValidationError) as refused:
            attachments.attachment_create(owner=s.studios.dust, upload=mp3(), by=s.org.official_a)
        # then audio is no document or photo
        assert set(refused.value.message_dict) == {"file"}
        assert attachments.attachments_of(s.studios.dust).count() == 0
        assert Attachment.objects.count() == 1

    def test_a_worker_cannot_attach_to_a_draft_they_cannot_see(self, showcase):
        with pytest.raises(Http404):
            services.story_attach(record=showcase.draft_a, by=showcase.org.worker_a, upload=mp4())
        assert not Attachment.objects.exists()


def test_a_person_created_later_is_outside_a_leads_reach_until_they_join(showcase):
    s = showcase
    newcomer = PersonFactory(full_name="新人", org_unit=s.org.team_a101)
    with pytest.raises(ValidationError):
        make_story(s.studios.lead_a, people=[newcomer], studios=[s.studios.dust])
    studio_services.membership_add(
        studio_id=s.studios.dust.pk, by=s.studios.lead_a, person=newcomer
    )
    story = make_story(s.studios.lead_a, people=[newcomer], studios=[s.studios.dust])
    assert list(fresh(story).people.all()) == [newcomer]
