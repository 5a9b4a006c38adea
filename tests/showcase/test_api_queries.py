"""The stories list takes a fixed number of queries at any page size, and a
craftsman's profile a fixed number however much the person has done."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from achievements import services as achievement_services
from achievements.patent_numbers import check_digit
from apprenticeships.models import Pairing
from competitions import services as competition_services
from competitions.models import Award, AwardGrade, Proposal
from showcase import services
from showcase.models import Story
from showcase.selectors.profiles import PROFILE_SECTION_ROWS
from studios import services as studio_services
from studios.models import Honour, Membership
from tests.competitions.conftest import COMPLETE, _campaign
from tests.factories import PersonFactory
from tests.roles import person
from tests.showcase.conftest import make_story, publish
from tests.world import shared_data

pytestmark = pytest.mark.django_db

STORIES = "/api/v1/stories/"
PAGE_SIZES = (5, 25)


def fresh(person):
    """The person as a new request loads them (no scope cached by the fixtures)."""
    return type(person).objects.get(pk=person.pk)


# --- The stories list ---------------------------------------------------------------


@shared_data(needs=("showcase",))
def many(built):
    """42 more published stories, each about two people and two studios (company A's
    official writes about the dust and washing studios and four people, company
    B's about the turbine studio and two people), and six more drafts by lead_a."""
    showcase = built.get("showcase")
    s = showcase
    org, st = s.org, s.studios
    studio_services.membership_add(
        studio_id=st.washing.pk,
        by=org.group_official,
        person=org.worker_a,
        role=Membership.Role.MEMBER,
    )
    company_a = [st.lead_a, st.member_a, org.worker_a, org.colleague_a]
    for index in range(30):
        story = make_story(
            org.official_a,
            title=f"甲公司故事{index}",
            form=Story.Form.values[index % 9],
            people=[company_a[index % 4], company_a[(index + 1) % 4]],
            studios=[st.dust, st.washing],
        )
        publish(story, org.official_a, days=index + 1, featured=index % 5 == 0)
    for index in range(12):
        story = make_story(
            org.official_b,
            title=f"乙公司故事{index}",
            people=[st.lead_b, org.worker_b],
            studios=[st.turbine],
        )
        publish(story, org.official_b, days=index + 1)
    for index in range(6):
        make_story(st.lead_a, title=f"草稿{index}", people=[st.member_a], studios=[st.dust])
    return s


ROLES = ["worker_a", "lead_a", "official_a", "official_b", "group_official", "admin"]
# Before the list itself: the viewer's scope, i.e. their unit's path and their
# grants; a superuser has no unit, so only the grants.
BEFORE_THE_LIST = dict.fromkeys(ROLES, 2) | {"admin": 1}
# COUNT, the page (author and unit joined), one prefetch of the people and one
# of the studios.
STORY_PAGE = 4


@pytest.mark.parametrize("role", ROLES)
def test_story_list_takes_the_same_queries_at_any_page_size(
    api, many, django_assert_num_queries, role
):
    for page_size in PAGE_SIZES:
        api.force_authenticate(fresh(person(many, role)))
        with django_assert_num_queries(BEFORE_THE_LIST[role] + STORY_PAGE):
            response = api.get(STORIES, {"page_size": page_size})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["count"] >= 30
        assert len(body["results"]) == page_size
        assert all(row["people"] and row["studios"] for row in body["results"])
        assert all(row["body_html"] for row in body["results"])


@pytest.mark.parametrize("role", ["official_a", "group_official"])
def test_filtered_story_list_takes_the_same_queries_at_any_page_size(
    api, many, django_assert_num_queries, role
):
    for page_size in PAGE_SIZES:
        params = {
            "page_size": page_size,
            "org_unit": many.org.company_a.pk,
            "studio": many.studios.washing.pk,
            "status": "published",
            "search": "甲公司",
            "ordering": "-published_on",
        }
        api.force_authenticate(fresh(person(many, role)))
        # the unit filter looks the unit up among the visible ones
        with django_assert_num_queries(BEFORE_THE_LIST[role] + 1 + STORY_PAGE):
            response = api.get(STORIES, params)
        assert response.status_code == 200, response.content
        assert response.json()["count"] == 30
        assert len(response.json()["results"]) == page_size


# --- The profile --------------------------------------------------------------------

# Each profile section shows at most PROFILE_SECTION_ROWS rows with its total,
# counted in the same query (showcase.selectors.profiles._rows).


def patent_number(serial: int) -> str:
    digits = f"20212{serial:07d}"
    return f"{digits}.{check_digit(digits)}"


class Record:
    """Gives `craftsman` (lead_a of the dust studio) more of everything: each
    `add(n)` adds n achievements, granted patents, awarded proposals, published
    stories about them, and n apprentices with an apprentice each."""

    def __init__(self, studios):
        self.studios = studios
        self.org = studios.org
        self.craftsman = studios.lead_a
        self.done = 0
        now = timezone.now()
        campaign = _campaign(
            self.org,
            name="五小竞赛（档案）",
            year=now.year,
            opens=now - datetime.timedelta(days=3),
            closes=now + datetime.timedelta(days=3),
        )
        self.grade = campaign.grades.get(grade=AwardGrade.Grade.ENCOURAGEMENT)
        self.campaign = campaign

    def add(self, count: int) -> None:
        org, lead, official = self.org, self.craftsman, self.org.group_official
        for index in range(self.done, self.done + count):
            helper = PersonFactory(org_unit=org.team_a101)
            achievement_services.achievement_create(
                by=official,
                studio=self.studios.dust,
                title=f"成果{index}",
                kind="software",
                completed_on=datetime.date(2024, 1, 1),
                promotion="group",
                contributors=[(lead, Decimal(50)), (helper, Decimal(50))],
            )
            achievement_services.patent_create(
                by=official,
                studio=self.studios.dust,
                application_no=patent_number(index),
                title=f"专利{index}",
                patent_type="utility_model",
                filed_on=datetime.date(2021, 1, 1),
                holder="公司",
                inventors=[lead, helper],
                status="granted",
                granted_on=datetime.date(2022, 1, 1),
            )
            proposal = competition_services.proposal_create(
                by=lead, campaign=self.campaign, **COMPLETE
            )
            proposal = competition_services.proposal_submit(proposal_id=proposal.pk, by=lead)
            Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.AWARDED)
            Award.objects.create(
                proposal=proposal, grade=self.grade, amount=Decimal(200), awarded_by=official
            )
            story = make_story(org.official_a, title=f"故事{index}", people=[lead, helper])
            publish(story, org.official_a, days=index + 1)
            grandchild = PersonFactory(org_unit=org.team_a102)
            self._pair(lead, helper)
            self._pair(helper, grandchild)
        self.done += count

    def _pair(self, mentor, apprentice):
        start = datetime.date(2020, 1, 1)
        Pairing.objects.create(
            mentor=mentor,
            apprentice=apprentice,
            org_unit=self.org.team_a101,
            starts_on=start,
            planned_end_on=start + datetime.timedelta(days=700),
            target_skill_level="senior",
            agreement_signed_on=start,
            status=Pairing.Status.COMPLETED,
            ended_on=start + datetime.timedelta(days=600),
            created_by=self.org.group_official,
        )


@pytest.fixture
def craftsman(studios, provincial_list):
    """lead_a, a provincial craftsman, with a record that grows on demand."""
    studio_services.honour_create(
        by=studios.org.group_official,
        recognition_list=provincial_list,
        person=studios.lead_a,
        personal_title=Honour.PersonalTitle.CRAFTSMAN,
    )
    return Record(studios)


def profile_queries(api, record, viewer) -> tuple[int, dict]:
    api.force_authenticate(fresh(viewer))
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/v1/profiles/{record.craftsman.pk}/")
    assert response.status_code == 200, response.content
    return len(queries.captured_queries), response.json()


def sizes(body) -> tuple:
    sections = ("achievements", "patents", "awards", "stories")
    return (*(body[name]["total"] for name in sections), body["lineage_size"])


VIEWERS = ["worker_b", "worker_a", "official_a", "admin"]


def test_profile_queries_do_not_grow_with_the_persons_record(api, craftsman):
    readers = {viewer: person(craftsman.studios, viewer) for viewer in VIEWERS}
    counts = {viewer: [] for viewer in VIEWERS}

    def measure(expected_sizes):
        for viewer, reader in readers.items():
            queries, body = profile_queries(api, craftsman, reader)
            assert sizes(body) == expected_sizes, viewer
            counts[viewer].append(queries)
        return body

    # given a craftsman with a few of everything, then with one more of
    # everything than a section shows
    craftsman.add(3)
    measure((3, 3, 3, 3, 6))
    past_a_page = PROFILE_SECTION_ROWS + 1
    craftsman.add(past_a_page - 3)
    body = measure((past_a_page,) * 4 + (2 * past_a_page,))
    assert all(
        len(body[name]["rows"]) == PROFILE_SECTION_ROWS
        for name in ("achievements", "patents", "stories")
    )
    assert len(body["lineage"]) == past_a_page
    assert all(len(node["children"]) == 1 for node in body["lineage"])

    # then the count is fixed for every reader: each section's total comes with its rows
    for viewer, (few, many) in counts.items():
        assert few == many, viewer


@pytest.mark.parametrize("viewer", ["worker_b", "official_a"])
def test_profile_queries_do_not_grow_with_the_lineage(api, studios, viewer):
    # given lead_a with one apprentice, then with five apprentices each training two
    org = studios.org
    reader = person(studios, viewer)
    story = make_story(org.official_a, people=[studios.lead_a], studios=[studios.dust])
    services.story_publish(story_id=story.pk, by=org.official_a)  # makes lead_a public
    record = Record(studios)
    record._pair(studios.lead_a, PersonFactory(org_unit=org.team_a101))
    one, body = profile_queries(api, record, reader)
    assert body["lineage_size"] == 1
    for _ in range(5):
        apprentice = PersonFactory(org_unit=org.team_a101)
        record._pair(studios.lead_a, apprentice)
        for _ in range(2):
            record._pair(apprentice, PersonFactory(org_unit=org.team_b101))
    wide, body = profile_queries(api, record, reader)
    assert body["lineage_size"] == 1 + 5 * 3
    assert wide == one
