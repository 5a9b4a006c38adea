"""Showcase reads for every role: which stories each person sees and what they
may do with them, whose profile they may open, what a craftsman's profile shows
them, the honour roll and the showcase search. Each part reads through its own
app's scope, so nobody learns of a record they could not open."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from achievements import services as achievement_services
from achievements.patent_numbers import check_digit
from competitions import services as competition_services
from competitions.models import Award, AwardGrade, Proposal
from core.exceptions import Conflict
from showcase import services
from showcase.models import Story
from showcase.selectors import (
    STORY_MOVES,
    StoryAccess,
    craftsman_profile,
    featured_stories,
    honour_roll,
    profiles_visible_to,
    showcase_search,
    stories_visible_to,
    stories_with_access,
    story_access,
    story_review_queue,
)
from studios import services as studio_services
from studios.models import Honour, RecognitionList
from tests.accounts.access_checks import assert_access_is
from tests.competitions.conftest import COMPLETE
from tests.factories import PersonFactory, make_campaign
from tests.roles import person
from tests.showcase.conftest import make_story, publish

pytestmark = pytest.mark.django_db

Status = Story.Status
Level = RecognitionList.Level
Title = Honour.PersonalTitle
STORIES = ["featured_a", "published_b", "draft_a", "in_review_a", "archived_a"]
EVERY_READER = [
    "worker_a",
    "worker_b",
    "lead_b",
    "official_a",
    "official_b",
    "group_official",
    "admin",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- Helpers (also used by test_lineage.py) ----------------------------------------------


def viewer(user: User) -> User:
    """The user as a new request loads them: no cached scope."""
    return User.objects.get(pk=user.pk)


def recognition_list(org, *, title, level, year, total_named) -> RecognitionList:
    return studio_services.recognition_list_create(
        by=org.group_official,
        title=title,
        level=level,
        conferred_by="某总工会",
        year=year,
        total_named=total_named,
    )


def honour_person(org, on_list, who, title=Title.CRAFTSMAN) -> Honour:
    return studio_services.honour_create(
        by=org.group_official, recognition_list=on_list, person=who, personal_title=title
    )


def name_studio(org, on_list, studio) -> Honour:
    return studio_services.honour_create(
        by=org.group_official, recognition_list=on_list, studio=studio
    )


def achievement(org, studio, contributors, *, title, promotion="group", completed_on=None):
    """An achievement logged by the group official; `promotion` "group" shows it
    to everyone, "studio" only to the studio's insiders."""
    people = list(contributors)
    shares = [Decimal(100) / len(people)] * len(people)
    shares[0] += Decimal(100) - sum(shares)
    return achievement_services.achievement_create(
        by=org.group_official,
        studio=studio,
        title=title,
        kind="software",
        completed_on=completed_on or datetime.date(2024, 1, 1),
        contributors=list(zip(people, shares, strict=True)),
        promotion=promotion,
    )


def patent_number(serial: int) -> str:
    digits = f"20212{serial:07d}"  # 2021, a utility model
    return f"{digits}.{check_digit(digits)}"


def patent(org, studio, inventors, *, serial, granted=True):
    """A utility model filed in 2021: granted (public) or only filed (insiders)."""
    return achievement_services.patent_create(
        by=org.group_official,
        studio=studio,
        application_no=patent_number(serial),
        title=f"专利{serial}",
        patent_type="utility_model",
        filed_on=datetime.date(2021, 3, 1),
        holder="集团公司",
        inventors=list(inventors),
        status="granted" if granted else "filed",
        granted_on=datetime.date(2022, 1, 1) if granted else None,
    )


def campaign(org, *, year, name=None):
    """A group-wide five-small campaign of `year`, open for submissions now."""
    now = timezone.now()
    return make_campaign(
        org.group_official,
        org.group,
        name=name or f"五小竞赛 {year}",
        year=year,
        opens=now - datetime.timedelta(days=3),
        closes=now + datetime.timedelta(days=3),
    )


def awarded_proposal(org, author, in_campaign, *, grade=AwardGrade.Grade.ENCOURAGEMENT, **fields):
    """`author`'s proposal, submitted and then awarded `grade` (the state is set
    directly, as the showcase only reads awarded proposals)."""
    proposal = competition_services.proposal_create(
        by=author, campaign=in_campaign, **{**COMPLETE, **fields}
    )
    proposal = competition_services.proposal_submit(proposal_id=proposal.pk, by=author)
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.AWARDED)
    Award.objects.create(
        proposal=proposal,
        grade=in_campaign.grades.get(grade=grade),
        amount=Decimal(200),
        awarded_by=org.group_official,
    )
    return Proposal.objects.get(pk=proposal.pk)


def adopt(org, record, units) -> None:
    for unit in units:
        achievement_services.adoption_record(
            by=org.group_official,
            achievement=record,
            org_unit=unit,
            adopted_on=datetime.date(2024, 6, 1),
        )


def pks(records) -> list[int]:
    return [record.pk for record in records]


# --- Which stories each role sees ----------------------------------------------------------


def visible(s, role) -> set[str]:
    seen = set(stories_visible_to(person(s, role)).values_list("pk", flat=True))
    return {name for name in STORIES if getattr(s, name).pk in seen}


class TestStoriesVisibleTo:
    @pytest.mark.parametrize("role", ["worker_a", "worker_b", "member_a", "lead_b"])
    def test_a_worker_sees_only_published_stories(self, showcase, role):
        # member_a is named in lead_a's draft, which is still not theirs to read
        assert visible(showcase, role) == {"featured_a", "published_b"}

    def test_the_author_also_sees_their_draft_and_their_story_in_review(self, showcase):
        assert visible(showcase, "lead_a") == {
            "featured_a",
            "published_b",
            "draft_a",
            "in_review_a",
        }

    def test_the_author_keeps_seeing_their_story_once_it_is_archived(self, showcase):
        s = showcase
        services.story_publish(story_id=s.in_review_a.pk, by=s.org.official_a)
        services.story_archive(story_id=s.in_review_a.pk, by=s.org.official_a)
        assert s.in_review_a.pk in pks(stories_visible_to(s.studios.lead_a))
        assert s.in_review_a.pk not in pks(stories_visible_to(s.org.worker_a))

    @pytest.mark.parametrize("role", ["official_a", "group_official", "admin"])
    def test_officials_over_company_a_see_all_its_stories(self, showcase, role):
        assert visible(showcase, role) == set(STORIES)

    def test_an_official_of_another_company_sees_only_what_is_published(self, showcase):
        assert visible(showcase, "official_b") == {"featured_a", "published_b"}

    def test_a_draft_of_company_b_is_seen_by_its_officials_only(self, showcase):
        s = showcase
        draft_b = make_story(s.org.official_b, studios=[s.studios.turbine])
        readers = {
            role for role in EVERY_READER if draft_b.pk in pks(stories_visible_to(person(s, role)))
        }
        assert readers == {"official_b", "group_official", "admin"}

    def test_nobody_signed_out_sees_a_story(self, showcase):
        assert not stories_visible_to(AnonymousUser()).exists()

    @pytest.mark.parametrize(
        ("role", "waiting"),
        [
            ("official_a", True),
            ("group_official", True),
            ("official_b", False),
            ("lead_a", False),
            ("worker_a", False),
        ],
    )
    def test_the_review_queue_holds_the_stories_in_review_an_official_runs(
        self, showcase, role, waiting
    ):
        queue = pks(story_review_queue(person(showcase, role)))
        assert queue == ([showcase.in_review_a.pk] if waiting else [])

    def test_the_home_page_shows_featured_stories_until_they_are_archived(self, showcase):
        s = showcase
        assert pks(featured_stories(s.org.worker_b)) == [s.featured_a.pk]
        services.story_archive(story_id=s.featured_a.pk, by=s.org.official_a)
        assert featured_stories(s.org.worker_b) == []


# --- What each role may do with a story ------------------------------------------------------


def moves_of(access: StoryAccess) -> set[str]:
    """The buttons a story's page offers for this access."""
    return {move for move in STORY_MOVES if getattr(access, move)}


NOTHING = set()
RUNS_A_REVIEW = {"edit", "attach", "publish", "send_back"}
RUNS_A_PUBLISHED = {"edit", "attach", "archive", "feature"}
RUNS_AN_ARCHIVED = {"publish"}
ACTIONS = {
    ("lead_a", "draft_a"): {"edit", "attach", "submit"},
    ("lead_a", "in_review_a"): NOTHING,
    ("lead_a", "featured_a"): NOTHING,
    # a lead's draft is theirs until they submit it (officials edit, not publish)
    ("official_a", "draft_a"): {"edit", "attach"},
    ("official_a", "in_review_a"): RUNS_A_REVIEW,
    ("official_a", "featured_a"): RUNS_A_PUBLISHED,
    ("official_a", "archived_a"): RUNS_AN_ARCHIVED,
    ("official_a", "published_b"): NOTHING,
    ("group_official", "published_b"): RUNS_A_PUBLISHED,
    ("group_official", "in_review_a"): RUNS_A_REVIEW,
    ("admin", "archived_a"): RUNS_AN_ARCHIVED,
    ("official_b", "featured_a"): NOTHING,
    ("official_b", "published_b"): RUNS_A_PUBLISHED,
    ("worker_a", "featured_a"): NOTHING,
    ("worker_b", "published_b"): NOTHING,
    ("member_a", "featured_a"): NOTHING,
}


class TestStoryAccessMoves:
    @pytest.mark.parametrize(("role", "story_name"), list(ACTIONS))
    def test_the_moves_open_to_each_role_in_each_state(self, showcase, role, story_name):
        access = story_access(person(showcase, role), getattr(showcase, story_name))
        assert moves_of(access) == ACTIONS[role, story_name]
        assert access.any_move is (moves_of(access) != NOTHING)

    def test_an_official_who_wrote_the_draft_may_also_submit_it(self, showcase):
        s = showcase
        draft = make_story(s.org.official_a, studios=[s.studios.dust])
        assert moves_of(story_access(s.org.official_a, draft)) == {
            "edit",
            "attach",
            "submit",
            "publish",
        }

    def test_the_author_edits_again_once_the_story_is_sent_back(self, showcase):
        s = showcase
        story = services.story_return(
            story_id=s.in_review_a.pk, by=s.org.official_a, reason="补充照片"
        )
        assert moves_of(story_access(s.studios.lead_a, story)) == {"edit", "attach", "submit"}


# The row facts of `StoryAccess` for each role, on a story in review (read by
# its author and the officials over it only) and on a published one.
FACTS = {
    ("lead_a", "in_review_a"): {"read", "author", "follows"},
    ("official_a", "in_review_a"): {"read", "manages", "follows"},
    ("group_official", "in_review_a"): {"read", "manages", "follows"},
    ("admin", "in_review_a"): {"read", "manages", "follows"},
    ("official_b", "in_review_a"): set(),
    ("worker_a", "in_review_a"): set(),
    ("official_a", "featured_a"): {"read", "author", "manages", "follows"},
    ("official_b", "featured_a"): {"read"},
    ("worker_a", "featured_a"): {"read"},
    ("lead_a", "featured_a"): {"read"},
}
ROW_FACTS = ("read", "author", "manages", "follows")


@pytest.mark.parametrize(("role", "story_name"), list(FACTS))
def test_the_row_facts_of_each_role(showcase, role, story_name, django_assert_num_queries):
    viewer, story = person(showcase, role), getattr(showcase, story_name)
    access = story_access(viewer, story)
    assert {fact for fact in ROW_FACTS if getattr(access, fact)} == FACTS[role, story_name]
    assert_access_is(
        access, story_access, stories_with_access, viewer, story, django_assert_num_queries
    )


class Undo(Exception):
    """Raised at the end of a savepoint to roll back what a trial did."""


@contextmanager
def rolled_back():
    try:
        with transaction.atomic():
            yield
            raise Undo
    except Undo:
        pass


def recording() -> SimpleUploadedFile:
    return SimpleUploadedFile("快板.mp3", b"ID3\x03\x00" + b"\x00" * 500, "audio/mpeg")


def service_allows(flag: str, story: Story, by: User) -> bool:
    """Whether the service behind the button `flag` accepts the move (rolled back)."""
    calls = {
        "edit": lambda: services.story_update(story_id=story.pk, by=by, title="新标题"),
        "attach": lambda: services.story_attach(record=story, by=by, upload=recording()),
        "submit": lambda: services.story_submit(story_id=story.pk, by=by),
        "publish": lambda: services.story_publish(story_id=story.pk, by=by),
        "send_back": lambda: services.story_return(story_id=story.pk, by=by, reason="改"),
        "archive": lambda: services.story_archive(story_id=story.pk, by=by),
        "feature": lambda: services.story_feature(story_id=story.pk, by=by, featured=True),
    }
    allowed = False
    with rolled_back():
        try:
            calls[flag]()
            allowed = True
        except (Http404, PermissionDenied, Conflict, ValidationError):
            allowed = False
    return allowed


@pytest.mark.parametrize(
    "role", ["worker_a", "lead_a", "lead_b", "official_a", "official_b", "admin"]
)
def test_the_buttons_offered_are_exactly_the_moves_the_services_accept(showcase, role):
    s = showcase
    by = person(s, role)
    mismatches = []
    for name in STORIES:
        story = Story.objects.get(pk=getattr(s, name).pk)
        offered = story_access(by, story)
        for flag in STORY_MOVES:
            if getattr(offered, flag) != service_allows(flag, story, by):
                mismatches.append((name, flag, getattr(offered, flag)))
    assert mismatches == []


# --- Whose profile may be opened ----------------------------------------------------------------


@pytest.fixture
def public(showcase, provincial_list):
    """In company A: `craftsman_a` on the provincial list as a craftsman and
    `ordinary_a` with nothing public."""
    s = showcase
    s.craftsman_a = PersonFactory(full_name="李工匠", org_unit=s.org.team_a102)
    honour_person(s.org, provincial_list, s.craftsman_a)
    s.ordinary_a = PersonFactory(full_name="王普通", org_unit=s.org.team_a102)
    s.provincial_list = provincial_list
    return s


def openable(s, role) -> set[int]:
    return set(profiles_visible_to(person(s, role)).values_list("pk", flat=True))


class TestProfilesVisibleTo:
    def test_a_personal_honour_opens_the_profile_to_another_company(self, public):
        assert public.craftsman_a.pk in openable(public, "worker_b")

    def test_a_published_story_opens_the_profile_to_another_company(self, public):
        # lead_a is named in `featured_a`
        assert public.studios.lead_a.pk in openable(public, "worker_b")

    def test_an_ordinary_person_of_another_company_stays_closed(self, public):
        assert public.ordinary_a.pk not in openable(public, "worker_b")
        assert public.ordinary_a.pk not in openable(public, "official_b")

    def test_a_draft_does_not_open_a_profile(self, public):
        s = public
        # member_a is named only in lead_a's draft
        assert s.studios.member_a.pk not in openable(s, "worker_b")
        services.story_submit(story_id=s.draft_a.pk, by=s.studios.lead_a)
        assert s.studios.member_a.pk not in openable(s, "worker_b")
        services.story_publish(story_id=s.draft_a.pk, by=s.org.official_a)
        assert s.studios.member_a.pk in openable(s, "worker_b")

    def test_an_archived_story_no_longer_opens_a_profile(self, public):
        s = public
        story = publish(make_story(s.org.official_a, people=[s.ordinary_a]), s.org.official_a)
        assert s.ordinary_a.pk in openable(s, "worker_b")
        services.story_archive(story_id=story.pk, by=s.org.official_a)
        assert s.ordinary_a.pk not in openable(s, "worker_b")

    @pytest.mark.parametrize("role", ["worker_a", "official_a", "group_official", "admin"])
    def test_an_ordinary_person_is_open_in_their_company_and_to_officials_over_them(
        self, public, role
    ):
        assert public.ordinary_a.pk in openable(public, role)

    def test_nobody_signed_out_opens_a_profile(self, public):
        assert not profiles_visible_to(AnonymousUser()).exists()


# --- What a profile shows -----------------------------------------------------------------------


@pytest.fixture
def craftsman(public):
    """lead_a's record: a provincial craftsman title; an achievement promoted
    group-wide and one kept inside the dust studio; a granted patent and one only
    filed; an awarded proposal and one merely submitted; `featured_a` (published)
    and `in_review_a` about them; they trained member_a (completed)."""
    s = public
    org, lead = s.org, s.studios.lead_a
    honour_person(org, s.provincial_list, lead)
    s.public_work = achievement(org, s.studios.dust, [lead], title="粉尘在线监测")
    s.inside_work = achievement(
        org, s.studios.dust, [lead, s.studios.member_a], title="内部工装", promotion="studio"
    )
    s.granted = patent(org, s.studios.dust, [lead], serial=1)
    s.filed = patent(org, s.studios.dust, [lead], serial=2, granted=False)
    this_year = campaign(org, year=timezone.localdate().year)
    s.awarded = awarded_proposal(org, lead, this_year, title="喷雾降尘节水")
    s.submitted = competition_services.proposal_submit(
        proposal_id=competition_services.proposal_create(
            by=lead, campaign=this_year, **{**COMPLETE, "title": "未获奖"}
        ).pk,
        by=lead,
    )
    return s


def section(profile, name) -> tuple[list[int], int]:
    return pks(profile[name]["rows"]), profile[name]["total"]


class TestCraftsmanProfile:
    def test_a_worker_of_another_company_sees_only_public_parts(self, craftsman):
        s = craftsman
        profile = craftsman_profile(s.studios.lead_a, viewer(s.org.worker_b))
        assert profile["person"] == s.studios.lead_a
        assert [(h.recognition_list_id, h.personal_title) for h in profile["honours"]] == [
            (s.provincial_list.pk, Title.CRAFTSMAN)
        ]
        # the studio-only achievement and the filed patent are absent and not counted
        assert section(profile, "achievements") == ([s.public_work.pk], 1)
        assert section(profile, "patents") == ([s.granted.pk], 1)
        assert section(profile, "awards") == ([s.awarded.pk], 1)
        # the story in review is not shown
        assert section(profile, "stories") == ([s.featured_a.pk], 1)
        # the dust studio is not named, so its memberships are not public
        assert profile["memberships"] == []

    def test_an_official_over_the_studio_sees_its_internal_records(self, craftsman):
        s = craftsman
        profile = craftsman_profile(s.studios.lead_a, viewer(s.org.official_a))
        assert section(profile, "achievements") == ([s.inside_work.pk, s.public_work.pk], 2)
        assert sorted(section(profile, "patents")[0]) == sorted([s.granted.pk, s.filed.pk])
        assert section(profile, "patents")[1] == 2
        # still only awarded proposals and published stories
        assert section(profile, "awards") == ([s.awarded.pk], 1)
        assert section(profile, "stories") == ([s.featured_a.pk], 1)
        assert [(m.studio, m.role) for m in profile["memberships"]] == [(s.studios.dust, "leader")]

    def test_the_studios_member_sees_the_internal_achievement_too(self, craftsman):
        s = craftsman
        profile = craftsman_profile(s.studios.lead_a, viewer(s.studios.member_a))
        assert section(profile, "achievements")[1] == 2

    def test_a_draft_about_the_person_is_not_on_their_profile(self, craftsman):
        s = craftsman
        # member_a is named only in lead_a's draft
        profile = craftsman_profile(s.studios.member_a, viewer(s.org.official_a))
        assert section(profile, "stories") == ([], 0)

    def test_an_award_shows_once_the_proposal_is_awarded(self, craftsman):
        s = craftsman
        before = craftsman_profile(s.studios.lead_a, viewer(s.org.worker_b))
        assert s.submitted.pk not in section(before, "awards")[0]
        Proposal.objects.filter(pk=s.submitted.pk).update(status=Proposal.Status.AWARDED)
        after = craftsman_profile(s.studios.lead_a, viewer(s.org.worker_b))
        assert sorted(section(after, "awards")[0]) == sorted([s.awarded.pk, s.submitted.pk])

    def test_an_award_shared_as_a_co_author_shows_once(self, craftsman):
        s = craftsman
        shared = awarded_proposal(
            s.org,
            s.studios.lead_a,
            campaign(s.org, year=2023),
            title="三人合作",
            co_authors=[(s.studios.member_a, Decimal(30)), (s.org.colleague_a, Decimal(30))],
        )
        profile = craftsman_profile(s.studios.member_a, viewer(s.org.worker_b))
        assert section(profile, "awards") == ([shared.pk], 1)
        # the author's own section counts it once too, beside their other award
        profile = craftsman_profile(s.studios.lead_a, viewer(s.org.worker_b))
        assert section(profile, "awards") == ([s.awarded.pk, shared.pk], 2)

    def test_the_archived_story_leaves_the_profile(self, craftsman):
        s = craftsman
        services.story_archive(story_id=s.featured_a.pk, by=s.org.official_a)
        profile = craftsman_profile(s.studios.lead_a, viewer(s.org.official_a))
        assert section(profile, "stories") == ([], 0)

    def test_a_person_with_nothing_has_an_empty_profile(self, craftsman):
        profile = craftsman_profile(craftsman.ordinary_a, viewer(craftsman.org.worker_a))
        assert profile["honours"] == [] and profile["memberships"] == []
        for name in ("achievements", "patents", "awards", "stories"):
            assert section(profile, name) == ([], 0), name
        assert (profile["lineage"], profile["lineage_size"], profile["mentors"]) == ([], 0, [])


# --- The honour roll ------------------------------------------------------------------------------


@pytest.fixture
def roll(showcase, provincial_list):
    """National 2023 (100 named): the washing studio and lead_b as model worker.
    Provincial 2022 (28 named, the `provincial_list`): the dust and turbine
    studios and lead_a as craftsman. Enterprise 2023: member_a only (no studio).
    Awards: lead_a's encouragement and member_a's first prize this year,
    lead_b's last year. Achievements adopted 3, 1 and 0 times (group-wide), and
    one inside the dust studio adopted 4 times."""
    s = showcase
    org, st = s.org, s.studios
    year = timezone.localdate().year
    s.national = recognition_list(
        org, title="全国示范", level=Level.NATIONAL, year=2023, total_named=100
    )
    s.provincial = provincial_list
    s.enterprise = recognition_list(
        org, title="公司标兵", level=Level.ENTERPRISE, year=2023, total_named=10
    )
    name_studio(org, s.national, st.washing)
    honour_person(org, s.national, st.lead_b, Title.MODEL_WORKER)
    name_studio(org, s.provincial, st.turbine)
    name_studio(org, s.provincial, st.dust)
    honour_person(org, s.provincial, st.lead_a)
    honour_person(org, s.enterprise, st.member_a, Title.OTHER)

    this_year, last_year = campaign(org, year=year), campaign(org, year=year - 1)
    s.award_lead_a = awarded_proposal(org, st.lead_a, this_year, title="甲")
    s.award_member_a = awarded_proposal(
        org, st.member_a, this_year, grade=AwardGrade.Grade.FIRST, title="乙"
    )
    s.award_last_year = awarded_proposal(org, st.lead_b, last_year, title="丙")

    units = [org.team_a102, org.mine_a1, org.team_b101, org.plant_b1]
    s.once = achievement(org, st.dust, [st.lead_a], title="一次")
    s.thrice = achievement(org, st.turbine, [st.lead_b], title="三次")
    s.never = achievement(org, st.dust, [st.member_a], title="从未")
    s.inside = achievement(org, st.dust, [st.lead_a], title="内部", promotion="studio")
    adopt(org, s.once, units[:1])
    adopt(org, s.thrice, [org.team_a101, org.team_a102, org.mine_a1])
    adopt(org, s.inside, units)
    s.year = year
    return s


def codes(honours) -> list[str]:
    return [honour.studio.code for honour in honours]


def studio_levels(result) -> list:
    """(level, [(list title, [studio codes], ours, total)]) per section."""
    return [
        (
            section["level"],
            [
                (item.title, codes(item.named_studios), item.share.ours, item.share.total)
                for item in section["rows"]
            ],
        )
        for section in result["studio_levels"]
    ]


def people_levels(result) -> list:
    return [
        (section["level"], [(h.person.pk, h.personal_title) for h in section["rows"]])
        for section in result["people_levels"]
    ]


class TestHonourRoll:
    @pytest.mark.parametrize("role", ["worker_b", "official_a", "admin"])
    def test_named_studios_by_level_national_first_with_the_groups_share(self, roll, role):
        result = honour_roll(viewer(person(roll, role)))
        # Each list names studios and a person of ours: the share counts both.
        assert studio_levels(result) == [
            (Level.NATIONAL, [("全国示范", ["A1-WASH"], 2, 100)]),
            (Level.PROVINCIAL, [("2022 provincial list", ["A1-DUST", "B1-TURB"], 3, 28)]),
        ]
        assert [section["level_display"] for section in result["studio_levels"]] == [
            str(dict(Level.choices)[Level.NATIONAL]),
            str(dict(Level.choices)[Level.PROVINCIAL]),
        ]

    def test_the_share_is_of_the_lists_total_named(self, roll):
        (national,) = honour_roll(viewer(roll.org.worker_a))["studio_levels"][0]["rows"]
        assert national.share.percent == Decimal("2.0")  # the washing studio and lead_b

    def test_people_by_level_national_first(self, roll):
        s = roll
        result = honour_roll(viewer(s.org.worker_b))
        assert people_levels(result) == [
            (Level.NATIONAL, [(s.studios.lead_b.pk, Title.MODEL_WORKER)]),
            (Level.PROVINCIAL, [(s.studios.lead_a.pk, Title.CRAFTSMAN)]),
            (Level.ENTERPRISE, [(s.studios.member_a.pk, Title.OTHER)]),
        ]

    def test_a_year_narrows_the_lists_and_the_people(self, roll):
        s = roll
        result = honour_roll(viewer(s.org.worker_b), year=2022)
        assert studio_levels(result) == [
            (Level.PROVINCIAL, [("2022 provincial list", ["A1-DUST", "B1-TURB"], 3, 28)]),
        ]
        assert people_levels(result) == [
            (Level.PROVINCIAL, [(s.studios.lead_a.pk, Title.CRAFTSMAN)])
        ]

    def test_only_this_years_awarded_proposals_highest_prize_first(self, roll):
        s = roll
        result = honour_roll(viewer(s.org.worker_b))
        assert result["awards_year"] == s.year
        assert pks(result["awarded"]) == [s.award_member_a.pk, s.award_lead_a.pk]

    def test_a_year_chooses_the_awards_of_that_year(self, roll):
        s = roll
        result = honour_roll(viewer(s.org.worker_a), year=s.year - 1)
        assert pks(result["awarded"]) == [s.award_last_year.pk]

    def test_a_proposal_not_awarded_is_not_on_the_roll(self, roll):
        s = roll
        Proposal.objects.filter(pk=s.award_lead_a.pk).update(
            status=Proposal.Status.BENEFIT_VERIFIED
        )
        result = honour_roll(viewer(s.org.worker_a))
        assert pks(result["awarded"]) == [s.award_member_a.pk]

    def test_most_adopted_achievements_by_adoption_count(self, roll):
        s = roll
        result = honour_roll(viewer(s.org.worker_b))
        # the never-adopted one is absent; the dust studio's internal one is not public
        assert [(a.pk, a.adoption_count) for a in result["adopted"]] == [
            (s.thrice.pk, 3),
            (s.once.pk, 1),
        ]

    def test_an_official_over_the_studio_also_sees_its_internal_achievement(self, roll):
        s = roll
        result = honour_roll(viewer(s.org.official_a))
        assert [(a.pk, a.adoption_count) for a in result["adopted"]] == [
            (s.inside.pk, 4),
            (s.thrice.pk, 3),
            (s.once.pk, 1),
        ]

    def test_a_studio_revoked_by_hand_leaves_the_share_from_its_revocation_year(self, roll):
        """Revoked this year, the dust studio still counts on the 2022 list, not
        on this year's; its name leaves the roll (only named studios are public)."""
        s = roll
        this_year = recognition_list(
            s.org, title="市级示范", level=Level.MUNICIPAL, year=s.year, total_named=10
        )
        name_studio(s.org, this_year, s.studios.dust)
        studio_services.studio_change_status(
            studio_id=s.studios.dust.pk,
            by=s.org.group_official,
            status="revoked",
            reason="摘牌",
        )
        earlier = studio_levels(honour_roll(viewer(s.org.worker_b), year=2022))
        # Dust, turbine and lead_a are ours; the reader sees turbine's name only.
        assert earlier == [(Level.PROVINCIAL, [("2022 provincial list", ["B1-TURB"], 3, 28)])]
        later = studio_levels(honour_roll(viewer(s.org.worker_b), year=s.year))
        assert later == [(Level.MUNICIPAL, [("市级示范", [], 0, 10)])]


# --- The showcase search ------------------------------------------------------------------------


def found(user, query) -> dict:
    result = showcase_search(viewer(user), query)
    return {kind: pks(result[kind]) for kind in ("stories", "people", "studios")}


class TestShowcaseSearch:
    def test_a_fragment_of_a_studios_name_finds_it(self, showcase):
        s = showcase
        assert found(s.org.official_a, "粉尘")["studios"] == [s.studios.dust.pk]

    def test_a_worker_finds_a_studio_once_it_is_named(self, showcase, provincial_list):
        s = showcase
        assert found(s.org.worker_b, "粉尘")["studios"] == []
        name_studio(s.org, provincial_list, s.studios.dust)
        assert found(s.org.worker_b, "粉尘")["studios"] == [s.studios.dust.pk]

    def test_a_single_surname_character_finds_the_person(self, showcase):
        s = showcase
        zhang = PersonFactory(full_name="张建国", org_unit=s.org.team_a102)
        assert found(s.org.worker_a, "张")["people"] == [zhang.pk]
        assert found(s.org.worker_a, "建国")["people"] == [zhang.pk]

    def test_a_person_whose_profile_is_closed_is_not_found(self, showcase, provincial_list):
        s = showcase
        zhang = PersonFactory(full_name="张建国", org_unit=s.org.team_a102)
        assert found(s.org.worker_b, "张")["people"] == []
        honour_person(s.org, provincial_list, zhang)
        assert found(s.org.worker_b, "张")["people"] == [zhang.pk]

    def test_an_employee_number_finds_the_person_exactly(self, showcase):
        s = showcase
        assert found(s.org.official_a, "MEMBER_A")["people"] == [s.studios.member_a.pk]
        assert found(s.org.official_a, "member")["people"] == []

    def test_a_fragment_of_a_storys_text_finds_it(self, showcase):
        s = showcase
        story = publish(
            make_story(
                s.org.official_a,
                studios=[s.studios.dust],
                body="## 井下\n\n他带着徒弟把液压支架快速移架的时间缩短了一半。",
            ),
            s.org.official_a,
        )
        assert found(s.org.worker_b, "快速移架")["stories"] == [story.pk]
        assert found(s.org.worker_b, "  快速移架  ")["stories"] == [story.pk]

    def test_a_draft_never_appears_in_a_workers_search(self, showcase):
        s = showcase
        draft = make_story(s.studios.lead_a, studios=[s.studios.dust], body="独门绝技：降尘喷雾")
        services.story_submit(story_id=draft.pk, by=s.studios.lead_a)
        for role in ("worker_a", "worker_b", "member_a"):
            assert found(person(s, role), "独门绝技")["stories"] == [], role
        services.story_publish(story_id=draft.pk, by=s.org.official_a)
        assert found(s.org.worker_a, "独门绝技")["stories"] == [draft.pk]

    def test_an_empty_query_finds_nothing(self, showcase):
        result = showcase_search(showcase.org.admin, "   ")
        assert (result["stories"], result["people"], result["studios"]) == ([], [], [])
