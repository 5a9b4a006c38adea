"""The showcase pages take a fixed number of queries: the honour roll and a
craftsman's profile whatever the number of recognition lists, honours, awarded
proposals, adoptions, apprentices (and theirs) and stories; the story list at
any page size."""

import datetime
from decimal import Decimal
from itertools import count

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SkillLevel
from achievements import services as records
from achievements.models import Achievement
from apprenticeships import services as mentoring
from competitions.models import Award, AwardGrade, Proposal
from showcase import services
from studios import services as studio_services
from studios.models import RecognitionList, Studio
from tests.competitions.conftest import proposal_maker
from tests.competitions.states import proposal_in
from tests.factories import PersonFactory
from tests.showcase.conftest import days_ago, make_story, publish
from tests.world import shared_data

pytestmark = pytest.mark.django_db

ROLL = reverse("showcase:honour-roll")
LIST = reverse("showcase:story-list")
Level = RecognitionList.Level
SERIAL = count(1)


def fresh(person):
    """The person as a new request loads them (no scope cached by the fixtures)."""
    return type(person).objects.get(pk=person.pk)


def queries_of(client, person, page, params=None) -> tuple[int, object]:
    """The number of queries one request of `person` for `page` takes."""
    client.force_login(fresh(person))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page, params or {})
    assert response.status_code == 200
    return len(queries), response


def profile_page(person) -> str:
    return reverse("showcase:profile", args=[person.pk])


# --- Building blocks: each adds one more of a kind, through the services ------------


class World:
    """Adds records to the `studios` world the way the apps would."""

    def __init__(self, studios, proposal_maker):
        self.studios = studios
        self.org = studios.org
        self.official = studios.org.group_official
        self.make_proposal = proposal_maker

    def person(self, unit=None, **fields):
        return PersonFactory(org_unit=unit or self.org.team_a101, **fields)

    def studio(self, unit, leader):
        n = next(SERIAL)
        studio = studio_services.studio_create(
            by=self.official,
            name=f"第{n}创新工作室",
            code=f"S-{n}",
            kind=Studio.Kind.CRAFTSMAN,
            leader=leader,
            org_unit=unit,
            speciality="检修",
            founded_on=datetime.date(2021, 1, 1),
        )
        return studio_services.studio_change_status(
            studio_id=studio.pk, by=self.official, status=Studio.Status.ESTABLISHED
        )

    def recognition_list(self, level, year, *, studios=(), people=()):
        n = next(SERIAL)
        named = studio_services.recognition_list_create(
            by=self.official,
            title=f"第{n}批命名",
            level=level,
            conferred_by="省总工会",
            year=year,
            total_named=20,
        )
        for studio in studios:
            studio_services.honour_create(by=self.official, recognition_list=named, studio=studio)
        for person in people:
            studio_services.honour_create(
                by=self.official,
                recognition_list=named,
                person=person,
                personal_title="model_worker",
            )
        return named

    def awarded(self, author, grade=AwardGrade.Grade.FIRST):
        """`author`'s proposal in this year's group campaign, awarded `grade`."""
        proposal = proposal_in(
            Proposal.Status.AWARDED,
            org=self.org,
            make_proposal=self.make_proposal,
            author=author,
            title=f"喷雾降尘改造第{next(SERIAL)}号",
        )
        grade_row = proposal.campaign.grades.get(grade=grade)
        Award.objects.create(
            proposal=proposal, grade=grade_row, amount=grade_row.amount, awarded_by=self.official
        )
        return proposal

    def achievement(self, contributor, *, adopted_by=()):
        studio = self.studios.dust
        made = records.achievement_create(
            by=self.official,
            studio=studio,
            title=f"降尘成果第{next(SERIAL)}号",
            kind=Achievement.Kind.TECHNICAL_INNOVATION,
            completed_on=days_ago(300),
            contributors=[(contributor, Decimal(100))],
            promotion=Achievement.Promotion.GROUP,
        )
        for unit in adopted_by:
            records.adoption_record(
                by=self.official, achievement=made, org_unit=unit, adopted_on=days_ago(100)
            )
        return made

    def pairing(self, mentor, apprentice):
        pairing = mentoring.pairing_propose(
            by=self.org.official_a,
            mentor=mentor,
            apprentice=apprentice,
            starts_on=days_ago(300),
            planned_end_on=days_ago(300) + datetime.timedelta(days=730),
            target_skill_level=SkillLevel.SENIOR,
            goals="传帮带",
        )
        return mentoring.pairing_activate(
            pairing_id=pairing.pk, by=self.org.official_a, agreement_signed_on=days_ago(300)
        )

    def story(self, about, *, featured=False):
        story = make_story(
            self.org.official_a,
            title=f"工匠故事第{next(SERIAL)}篇",
            people=[about],
            studios=[self.studios.dust],
        )
        return publish(story, self.org.official_a, days=next(SERIAL), featured=featured)


# --- The honour roll ----------------------------------------------------------------


def roll_small(w: World):
    """One list naming the dust studio, one personal honour, one awarded
    proposal, one adopted achievement."""
    w.recognition_list(Level.PROVINCIAL, 2024, studios=[w.studios.dust], people=[w.studios.lead_a])
    w.awarded(w.org.worker_a)
    w.achievement(w.studios.lead_a, adopted_by=[w.org.team_a102])


def roll_bigger(w: World):
    """Five more lists at four levels over three years, naming eight more
    studios of both companies and twelve more people (one studio de-listed
    after its first list and named again on a later one, so the roll marks
    that honour revoked); six more awards of three grades; five more
    achievements adopted by up to three units each."""
    org = w.org
    new_studios = [
        w.studio(unit, w.person(unit))
        for unit in (
            org.team_a101,
            org.team_a102,
            org.team_b101,
            org.team_b101,
            org.mine_a1,
            org.team_a102,
        )
    ]
    people = [w.person(unit) for unit in (org.team_a101, org.team_a102, org.team_b101) * 4]
    w.recognition_list(Level.NATIONAL, 2025, studios=new_studios[:2], people=people[:3])
    studio_services.studio_delist(studio_id=new_studios[0].pk, by=w.official, reason="摘牌")
    w.recognition_list(
        Level.PROVINCIAL, 2025, studios=[w.studios.turbine, w.studios.washing], people=people[3:6]
    )
    w.recognition_list(Level.MUNICIPAL, 2024, studios=new_studios[2:5], people=people[6:9])
    w.recognition_list(Level.ENTERPRISE, 2023, studios=new_studios[5:], people=people[9:])
    w.recognition_list(Level.ENTERPRISE, 2024, studios=new_studios[:3])
    Grade = AwardGrade.Grade
    for author, grade in [
        (org.colleague_a, Grade.FIRST),
        (org.worker_b, Grade.SECOND),
        (people[0], Grade.SECOND),
        (people[2], Grade.ENCOURAGEMENT),
        (people[4], Grade.SECOND),
        (people[5], Grade.ENCOURAGEMENT),
    ]:
        w.awarded(author, grade)
    for adopters in (
        [org.team_a102, org.team_b101, org.plant_b1],
        [org.team_b101],
        [org.team_a102, org.plant_b1],
        [org.company_b],
        [org.team_a102],
    ):
        w.achievement(w.studios.member_a, adopted_by=adopters)


def roll_sizes(context) -> tuple:
    return (
        sum(len(section["rows"]) for section in context["studio_levels"]),
        sum(len(item.named_studios) for s in context["studio_levels"] for item in s["rows"]),
        sum(len(section["rows"]) for section in context["people_levels"]),
        len(context["awarded"]),
        len(context["adopted"]),
    )


def reader(w: World, role):
    return getattr(w.org, role, None) or getattr(w.studios, role)


ROLL_READERS = ["worker_a", "worker_b", "lead_a", "official_a", "group_official", "admin"]


@shared_data(needs=("studios", "campaigns"))
def grown_roll(built):
    """The roll grown by `roll_small`, then by `roll_bigger`. `small` holds what
    each of ROLL_READERS read after `roll_small` (queries, `roll_sizes`), and
    `small_of_2024` worker_b's queries for 2024 then: the tests below compare
    the grown roll with them."""
    w = World(built.get("studios"), proposal_maker(built.get("campaigns")))
    roll_small(w)
    w.small = {}
    for role in ROLL_READERS:
        queries, response = queries_of(Client(), reader(w, role), ROLL)
        w.small[role] = (queries, roll_sizes(response.context))
    w.small_of_2024, _ = queries_of(Client(), w.org.worker_b, ROLL, {"year": 2024})
    roll_bigger(w)
    return w


@pytest.mark.parametrize("role", ROLL_READERS)
def test_the_honour_roll_does_not_grow_with_lists_honours_awards_and_adoptions(
    client, grown_roll, role
):
    small, small_sizes = grown_roll.small[role]
    assert small_sizes == (1, 1, 1, 1, 1)

    bigger, response = queries_of(client, reader(grown_roll, role), ROLL)
    # lists, named studios, personal honours, awards, adopted achievements
    assert roll_sizes(response.context) == (6, 12, 13, 7, 6)
    html = response.content.decode()
    assert html.count('data-testid="roll-person"') == 13
    assert html.count('data-testid="honour-revoked"') == 1

    assert bigger == small


def test_the_honour_roll_of_one_year_does_not_grow_either(client, grown_roll):
    small = grown_roll.small_of_2024
    bigger, response = queries_of(client, grown_roll.org.worker_b, ROLL, {"year": 2024})
    assert roll_sizes(response.context)[:3] == (3, 7, 4)
    assert bigger == small


# --- A craftsman's profile ----------------------------------------------------------


def profile_small(w: World):
    """lead_a: one honour, one achievement, one award, one apprentice who has
    one of their own, one story."""
    lead = w.studios.lead_a
    w.recognition_list(Level.PROVINCIAL, 2024, people=[lead])
    w.achievement(lead, adopted_by=[w.org.team_a102])
    w.awarded(lead)
    apprentice = w.person()
    w.pairing(lead, apprentice)
    w.pairing(apprentice, w.person(w.org.team_a102))
    w.pairing(w.person(), lead)  # whom lead_a learnt from
    w.story(lead)


def profile_bigger(w: World):
    """lead_a: four more honours, five more achievements adopted by several
    units, three more awards, four more apprentices with up to four apprentices
    each and a third generation under the last, a second mentor, six more
    stories."""
    lead, org = w.studios.lead_a, w.org
    for level, year in [
        (Level.NATIONAL, 2025),
        (Level.MUNICIPAL, 2023),
        (Level.ENTERPRISE, 2022),
        (Level.PROVINCIAL_INDUSTRY, 2021),
    ]:
        w.recognition_list(level, year, people=[lead])
    for adopters in ([org.team_a102, org.team_b101], [org.plant_b1], [], [org.company_b], []):
        w.achievement(lead, adopted_by=adopters)
    for grade in (AwardGrade.Grade.SECOND, AwardGrade.Grade.ENCOURAGEMENT):
        w.awarded(lead, grade)
    w.awarded(lead, AwardGrade.Grade.SECOND)
    for index in range(4):
        apprentice = w.person(org.team_a102 if index % 2 else org.team_a101)
        w.pairing(lead, apprentice)
        for _ in range(index + 1):
            grandchild = w.person()
            w.pairing(apprentice, grandchild)
            if index == 3:
                w.pairing(grandchild, w.person(org.team_a102))
    w.pairing(w.person(), lead)  # a second mentor
    for index in range(6):
        w.story(lead, featured=index == 0)


def profile_sizes(context) -> tuple:
    return (
        len(context["honours"]),
        context["achievements"]["total"],
        context["awards"]["total"],
        context["lineage_size"],
        len(context["mentors"]),
        context["stories"]["total"],
    )


PROFILE_READERS = ["worker_a", "worker_b", "lead_a", "official_a", "admin"]


@shared_data(needs=("studios", "campaigns"))
def grown_profile(built):
    """lead_a's record grown by `profile_small`, then by `profile_bigger`;
    `small` holds what each of PROFILE_READERS read of the profile after
    `profile_small` (queries, `profile_sizes`), which the test compares with."""
    w = World(built.get("studios"), proposal_maker(built.get("campaigns")))
    profile_small(w)
    w.small = {}
    for role in PROFILE_READERS:
        page = profile_page(w.studios.lead_a)
        queries, response = queries_of(Client(), reader(w, role), page)
        w.small[role] = (queries, profile_sizes(response.context))
    profile_bigger(w)
    return w


@pytest.mark.parametrize("role", PROFILE_READERS)
def test_a_profile_does_not_grow_with_what_the_craftsman_has_done(client, grown_profile, role):
    lead = grown_profile.studios.lead_a
    small, small_sizes = grown_profile.small[role]
    assert small_sizes == (1, 1, 1, 2, 1, 1)

    bigger, response = queries_of(client, reader(grown_profile, role), profile_page(lead))
    # honours, achievements, awards, people in the lineage, mentors, stories
    assert profile_sizes(response.context) == (5, 6, 4, 2 + 4 + 10 + 4, 2, 7)
    html = response.content.decode()
    assert html.count('data-testid="lineage-node"') == 20
    assert html.count('data-generation="3"') == 4

    assert bigger == small


# --- The story list -----------------------------------------------------------------


@shared_data(needs=("showcase",))
def shelf(built):
    """The `showcase` world with 30 more published stories about lead_a and the
    dust studio, and 3 more in review."""
    showcase = built.get("showcase")
    studios, official = showcase.studios, showcase.org.official_a
    for index in range(30):
        publish(
            make_story(
                official,
                title=f"工匠故事{index}",
                summary="一段摘要",
                people=[studios.lead_a, studios.member_a],
                studios=[studios.dust],
            ),
            official,
            days=index + 2,
            featured=index < 3,
        )
    for index in range(3):
        story = make_story(studios.lead_a, title=f"待审{index}", studios=[studios.dust])
        services.story_submit(story_id=story.pk, by=studios.lead_a)
    return showcase


# How many stories each reader has on the list: 32 published for everyone; the
# lead's 1 draft and 4 in review; the archived one for company A's officials.
LISTED = {
    "worker_a": 32,
    "worker_b": 32,
    "lead_a": 37,
    "official_a": 38,
    "group_official": 38,
    "admin": 38,
}


@pytest.mark.parametrize("role", list(LISTED))
def test_the_story_list_takes_the_same_queries_at_any_page_size(client, shelf, role):
    viewer = getattr(shelf.org, role, None) or getattr(shelf.studios, role)
    counts = {}
    for page_size in (5, 25):
        counts[page_size], response = queries_of(client, viewer, LIST, {"page_size": page_size})
        assert response.context["paginator"].count == LISTED[role]
        assert len(response.context["stories"]) == page_size
        assert response.content.decode().count('data-testid="story-card"') == page_size
    assert counts[5] == counts[25]


def test_the_unfiltered_list_with_its_featured_block_does_not_grow_with_stories(client, shelf):
    """The front page (no parameters) also shows the featured works. Its block
    (four) and its first page (twelve) are full before, so three more featured
    stories show any query that grows with the stories as well as more would."""
    small, response = queries_of(client, shelf.org.worker_a, LIST)
    assert len(response.context["featured"]) == 4
    studios, official = shelf.studios, shelf.org.official_a
    for index in range(3):
        publish(
            make_story(
                official, title=f"又一篇{index}", people=[studios.lead_a], studios=[studios.dust]
            ),
            official,
            featured=True,
        )
    bigger, response = queries_of(client, shelf.org.worker_a, LIST)
    assert len(response.context["featured"]) == 4
    assert len(response.context["stories"]) == 12
    assert response.context["paginator"].count == 32 + 3
    assert bigger == small


def test_the_story_page_does_not_grow_with_people_studios_and_files(
    client, shelf, settings, tmp_path
):
    """A story about one person and one studio, and one about many, with files."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path / "media"
    studios, org = shelf.studios, shelf.org
    official = org.official_a

    def photo(n):
        buffer = io.BytesIO()
        Image.new("RGB", (16, 12), (n, 100, 40)).save(buffer, "JPEG")
        return SimpleUploadedFile(f"照片{n}.jpg", buffer.getvalue(), content_type="image/jpeg")

    one = make_story(official, title="一个人", people=[studios.lead_a], studios=[studios.dust])
    services.story_attach(record=one, by=official, upload=photo(1))
    many = make_story(
        official,
        title="一群人",
        studios=[studios.dust, studios.washing],
        people=[studios.lead_a, studios.member_a, org.worker_a, org.colleague_a],
    )
    for n in range(2, 7):
        services.story_attach(record=many, by=official, upload=photo(n))
    services.story_submit(story_id=many.pk, by=official)
    services.story_return(story_id=many.pk, by=org.group_official, reason="补充")
    counts = {}
    for name, story in (("one", one), ("many", many)):
        page = reverse("showcase:story-detail", args=[story.pk])
        counts[name], response = queries_of(client, official, page)
    assert len(response.context["people"]) == 4
    assert len(response.context["files"]) == 5
    assert len(response.context["events"]) == 3
    assert counts["one"] == counts["many"]
