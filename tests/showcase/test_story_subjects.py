"""A studio lead's edit keeps the subjects an official added beyond the lead's
reach, and typed codes are capped at `core.forms.MAX_TYPED_CODES`."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import User
from core.forms import MAX_TYPED_CODES, TICKABLE_CHOICES, CodesField
from showcase import services
from showcase.models import Story
from tests.api_answers import field_errors
from tests.api_answers import url as api_url
from tests.factories import PersonFactory
from tests.page_html import error_beside, page_form
from tests.showcase.api import STORIES, sign_in
from tests.showcase.pages import edit_data, zh
from tests.showcase.pages import url as page_url
from tests.showcase.story_checks import fresh

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def subjects(story: Story) -> tuple[set, set]:
    story = fresh(story)
    return set(story.people.all()), set(story.studios.all())


# --- 4. A lead keeps the subjects beyond their reach ---------------------------------------------


@pytest.fixture
def widened(showcase):
    """lead_a's draft about member_a and the dust studio, to which official_a
    added worker_a (no member of the dust studio) and the washing studio."""
    s = showcase
    services.story_update(
        story_id=s.draft_a.pk,
        by=s.org.official_a,
        people=[s.studios.member_a, s.org.worker_a],
        studios=[s.studios.dust, s.studios.washing],
    )
    return s


class TestLeadKeepsSubjectsBeyondReach:
    def test_a_title_change_on_the_page_keeps_what_the_official_added(self, as_person, widened):
        # Given the draft with a person and a studio beyond the lead's reach
        s, story = widened, widened.draft_a

        # When the lead changes only its title on the page
        response = as_person(s.studios.lead_a).post(
            page_url("story-edit", story.pk), edit_data(fresh(story), title="新标题")
        )

        # Then the title is changed and both subjects are still on the story
        assert response.status_code == 302, response.content.decode()[:500]
        assert fresh(story).title == "新标题"
        assert subjects(story) == (
            {s.studios.member_a, s.org.worker_a},
            {s.studios.dust, s.studios.washing},
        )

    def test_a_lead_adding_a_member_on_the_page_keeps_what_the_official_added(
        self, as_person, widened
    ):
        s, story = widened, widened.draft_a
        data = edit_data(fresh(story))
        data["people"] = [*data["people"], s.studios.lead_a.pk]
        response = as_person(s.studios.lead_a).post(page_url("story-edit", story.pk), data)
        assert response.status_code == 302, response.content.decode()[:500]
        assert subjects(story)[0] == {s.studios.member_a, s.org.worker_a, s.studios.lead_a}

    def test_api_people_ids_omitting_them_keeps_them(self, api, widened):
        # Given the widened draft
        s, story = widened, widened.draft_a

        # When the lead sends the people within their reach only
        response = sign_in(api, s, "lead_a").patch(
            api_url(STORIES, story),
            {
                "people_ids": [s.studios.member_a.pk, s.studios.lead_a.pk],
                "studio_ids": [s.studios.dust.pk],
            },
            format="json",
        )

        # Then those beyond it are kept beside them
        assert response.status_code == 200, response.content
        assert subjects(story) == (
            {s.studios.member_a, s.studios.lead_a, s.org.worker_a},
            {s.studios.dust, s.studios.washing},
        )
        assert {row["id"] for row in response.json()["people"]} == {
            s.studios.member_a.pk,
            s.studios.lead_a.pk,
            s.org.worker_a.pk,
        }

    @pytest.mark.parametrize("newcomer", ["colleague_a", "worker_b"])
    def test_api_people_ids_naming_someone_new_beyond_reach_is_400(self, api, widened, newcomer):
        s, story = widened, widened.draft_a
        before = subjects(story)
        response = sign_in(api, s, "lead_a").patch(
            api_url(STORIES, story),
            {"people_ids": [s.studios.member_a.pk, getattr(s.org, newcomer).pk]},
            format="json",
        )
        assert set(field_errors(response)) == {"people_ids"}
        assert subjects(story) == before


# --- 5. Typed codes are capped ---------------------------------------------------------------


def codes_field() -> CodesField:
    return CodesField(User.objects.all(), to_field_name="employee_no")


class TestTypedCodesCap:
    @pytest.mark.parametrize(
        "typed",
        [lambda codes: " ".join(codes), lambda codes: "、".join(codes), list],
        ids=["spaces", "dunhao", "list"],
    )
    def test_more_codes_than_the_cap_are_refused_with_a_clear_message(self, org, typed):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            codes_field().clean(typed(["worker_a"] * (MAX_TYPED_CODES + 1)))
        assert refused.value.messages == [f"At most {MAX_TYPED_CODES} at a time."]

    def test_as_many_codes_as_the_cap_are_read(self, org):
        chosen = codes_field().clean(" ".join(["worker_a"] * MAX_TYPED_CODES))
        assert list(chosen) == [org.worker_a]

    def test_a_group_official_typing_too_many_numbers_is_told_beside_the_field(
        self, as_person, showcase
    ):
        # Given more people in the group official's scope than boxes a form shows
        s = showcase
        for _ in range(TICKABLE_CHOICES):
            PersonFactory(org_unit=s.org.team_b101)
        story = s.in_review_a
        form = as_person(s.org.group_official).get(page_url("story-edit", story.pk))
        assert isinstance(form.context["form"].fields["people"], CodesField)
        before = (fresh(story).title, subjects(story))

        # When they type one employee number more than the cap
        typed = " ".join(["lead_a"] * (MAX_TYPED_CODES + 1))
        response = as_person(s.org.group_official).post(
            page_url("story-edit", story.pk), edit_data(fresh(story), title="改", people=typed)
        )

        # Then the page says so beside the field and nothing is saved
        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "people",
            zh("At most %(count)s at a time.", count=MAX_TYPED_CODES),
        )
        assert (fresh(story).title, subjects(story)) == before
