"""Showcase pages for writing and editing a story and typing employee numbers:
who may open each form, and what a wrong entry shows (400, the message beside
its field, nothing saved)."""

import pytest

from core.forms import TICKABLE_CHOICES, CodesField
from showcase.models import Story
from tests.factories import PersonFactory
from tests.page_html import error_beside, page_form
from tests.roles import person
from tests.showcase.pages import (
    MANAGERS_OF_A,
    NEW,
    edit_data,
    snapshot,
    some_error_beside,
    story_data,
    url,
    zh,
)

pytestmark = pytest.mark.django_db

Status = Story.Status


# --- Writing a story ----------------------------------------------------------------


class TestCreate:
    def test_a_lead_is_offered_only_their_studio_and_its_members(self, as_person, showcase):
        response = as_person(showcase.studios.lead_a).get(NEW)
        assert response.status_code == 200
        form = response.context["form"]
        studios = showcase.studios
        assert list(form.fields["studios"].queryset) == [studios.dust]
        assert set(form.fields["people"].queryset) == {studios.lead_a, studios.member_a}
        assert "org_unit" not in form.fields
        html = page_form(response.content.decode())
        assert studios.dust.name in html
        assert studios.washing.name not in html
        assert studios.turbine.name not in html
        assert showcase.org.worker_a.full_name not in html

    def test_the_lead_saves_a_draft(self, as_person, showcase):
        client = as_person(showcase.studios.lead_a)

        response = client.post(NEW, story_data(showcase), follow=True)

        story = Story.objects.get(title="粉尘治理十年")
        assert response.redirect_chain == [(url("story-detail", story.pk), 302)]
        assert zh("The story has been saved as a draft.") in response.content.decode()
        assert (story.status, story.author, story.org_unit) == (
            Status.DRAFT,
            showcase.studios.lead_a,
            showcase.studios.dust.org_unit,
        )
        assert (story.featured, story.published_on) == (False, None)
        assert list(story.people.all()) == [showcase.studios.member_a]
        assert list(story.studios.all()) == [showcase.studios.dust]
        assert list(story.events.values_list("from_state", "to_state")) == [("", "draft")]

    def test_an_official_chooses_the_unit_and_saves_a_draft(self, as_person, showcase):
        client = as_person(showcase.org.official_a)
        form = client.get(NEW).context["form"]
        assert showcase.org.company_a in form.fields["org_unit"].queryset
        assert showcase.org.company_b not in form.fields["org_unit"].queryset

        data = story_data(
            showcase, people=[showcase.org.worker_a.pk], org_unit=showcase.org.mine_a1.pk
        )
        response = client.post(NEW, data)

        story = Story.objects.get(title="粉尘治理十年")
        assert response.status_code == 302
        assert (story.author, story.org_unit, story.status) == (
            showcase.org.official_a,
            showcase.org.mine_a1,
            Status.DRAFT,
        )
        assert list(story.people.all()) == [showcase.org.worker_a]

    @pytest.mark.parametrize("role", ["worker_a", "member_a", "worker_b"])
    def test_someone_who_leads_no_studio_and_is_no_official_gets_403(
        self, as_person, showcase, role
    ):
        client = as_person(person(showcase, role))
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, story_data(showcase)).status_code == 403
        assert not Story.objects.filter(title="粉尘治理十年").exists()

    def test_missing_fields_are_named_and_nothing_is_saved(self, as_person, showcase):
        data = story_data(showcase, title="", creator="", form="")

        response = as_person(showcase.studios.lead_a).post(NEW, data)

        assert response.status_code == 400
        html = page_form(response.content.decode())
        for field in ("title", "creator", "form"):
            error_beside(html, field, zh("This field is required."))
        assert Story.objects.count() == 5

    def test_a_lead_naming_someone_outside_their_studio_gets_the_error_there(
        self, as_person, showcase
    ):
        data = story_data(showcase, people=[showcase.org.worker_a.pk])

        response = as_person(showcase.studios.lead_a).post(NEW, data)

        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"people"}
        some_error_beside(page_form(response.content.decode()), "people")
        assert not Story.objects.filter(title="粉尘治理十年").exists()

    def test_a_lead_naming_another_studio_gets_the_error_there(self, as_person, showcase):
        data = story_data(showcase, studios=[showcase.studios.washing.pk])

        response = as_person(showcase.studios.lead_a).post(NEW, data)

        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"studios"}
        some_error_beside(page_form(response.content.decode()), "studios")
        assert not Story.objects.filter(title="粉尘治理十年").exists()

    def test_a_story_about_nobody_is_refused(self, as_person, showcase):
        data = story_data(showcase, people=[], studios=[])

        response = as_person(showcase.org.official_a).post(NEW, data)

        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "people",
            zh("Name at least one person or studio the story is about."),
        )
        assert not Story.objects.filter(title="粉尘治理十年").exists()

    def test_a_lead_must_name_their_studio(self, as_person, showcase):
        data = story_data(showcase, studios=[])

        response = as_person(showcase.studios.lead_a).post(NEW, data)

        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()), "studios", zh("Choose the studio you lead.")
        )
        assert not Story.objects.filter(title="粉尘治理十年").exists()

    def test_company_b_official_cannot_write_about_company_a(self, as_person, showcase):
        data = story_data(showcase, people=[showcase.studios.lead_a.pk])

        response = as_person(showcase.org.official_b).post(NEW, data)

        assert response.status_code == 400
        assert {"people", "studios"} <= set(response.context["form"].errors)
        assert not Story.objects.filter(title="粉尘治理十年").exists()


# --- Editing a story ----------------------------------------------------------------


class TestEdit:
    def test_the_author_edits_their_draft(self, as_person, showcase):
        story = showcase.draft_a
        client = as_person(showcase.studios.lead_a)
        assert client.get(url("story-edit", story.pk)).status_code == 200

        response = client.post(
            url("story-edit", story.pk), edit_data(story, title="师徒三代"), follow=True
        )

        assert response.redirect_chain == [(url("story-detail", story.pk), 302)]
        assert zh("The story has been saved.") in response.content.decode()
        story.refresh_from_db()
        assert (story.title, story.status) == ("师徒三代", Status.DRAFT)

    @pytest.mark.parametrize("role", MANAGERS_OF_A)
    def test_officials_over_it_edit_a_story_in_review(self, as_person, showcase, role):
        story = showcase.in_review_a
        client = as_person(person(showcase, role))
        assert client.get(url("story-edit", story.pk)).status_code == 200

        response = client.post(url("story-edit", story.pk), edit_data(story, body="改过的正文"))

        assert response.status_code == 302
        story.refresh_from_db()
        assert (story.body, story.status) == ("改过的正文", Status.IN_REVIEW)

    def test_the_author_may_not_edit_once_it_is_in_review(self, as_person, showcase):
        story = showcase.in_review_a
        before = snapshot(story)
        client = as_person(showcase.studios.lead_a)
        assert client.get(url("story-edit", story.pk)).status_code == 403
        assert client.post(
            url("story-edit", story.pk), edit_data(story, title="改")
        ).status_code == (403)
        assert snapshot(story) == before

    @pytest.mark.parametrize(
        ("role", "name", "status"),
        [
            ("official_b", "draft_a", 404),
            ("worker_a", "draft_a", 404),
            ("member_a", "draft_a", 404),
            ("worker_a", "featured_a", 403),
            ("lead_a", "featured_a", 403),
            ("official_b", "featured_a", 403),
            ("official_a", "published_b", 403),
            ("official_a", "archived_a", 403),
        ],
    )
    def test_others_may_not_edit(self, as_person, showcase, role, name, status):
        story = getattr(showcase, name)
        before = snapshot(story)
        client = as_person(person(showcase, role))
        assert client.get(url("story-edit", story.pk)).status_code == status
        response = client.post(url("story-edit", story.pk), edit_data(story, title="改"))
        assert response.status_code == status
        assert snapshot(story) == before

    def test_an_empty_title_is_refused(self, as_person, showcase):
        story = showcase.draft_a
        before = snapshot(story)

        response = as_person(showcase.studios.lead_a).post(
            url("story-edit", story.pk), edit_data(story, title="")
        )

        assert response.status_code == 400
        error_beside(page_form(response.content.decode()), "title", zh("This field is required."))
        assert snapshot(story) == before

    def test_the_author_may_not_add_someone_outside_their_studio(self, as_person, showcase):
        story = showcase.draft_a
        before = snapshot(story)
        people = [showcase.studios.member_a.pk, showcase.org.colleague_a.pk]

        response = as_person(showcase.studios.lead_a).post(
            url("story-edit", story.pk), edit_data(story, people=people)
        )

        assert response.status_code == 400
        some_error_beside(page_form(response.content.decode()), "people")
        assert snapshot(story) == before

    def test_the_author_adds_a_studio_member_to_their_draft(self, as_person, showcase):
        story = showcase.draft_a
        people = [showcase.studios.member_a.pk, showcase.studios.lead_a.pk]

        response = as_person(showcase.studios.lead_a).post(
            url("story-edit", story.pk), edit_data(story, people=people)
        )

        assert response.status_code == 302
        assert set(story.people.all()) == {showcase.studios.member_a, showcase.studios.lead_a}

    def test_the_author_changes_what_kind_of_work_it_is(self, as_person, showcase):
        story = showcase.draft_a

        response = as_person(showcase.studios.lead_a).post(
            url("story-edit", story.pk), edit_data(story, form=Story.Form.SONG)
        )

        assert response.status_code == 302
        assert Story.objects.get(pk=story.pk).form == Story.Form.SONG


@pytest.fixture
def crowd(showcase):
    """More people in company A than a form offers as boxes: official_a types
    employee numbers instead."""
    for _ in range(TICKABLE_CHOICES):
        PersonFactory(org_unit=showcase.org.team_a102)
    return showcase


class TestTypedEmployeeNumbers:
    def test_many_people_are_typed_and_the_current_ones_are_filled_in(self, as_person, crowd):
        story = crowd.in_review_a  # about lead_a

        response = as_person(crowd.org.official_a).get(url("story-edit", story.pk))

        field = response.context["form"].fields["people"]
        assert isinstance(field, CodesField)
        html = page_form(response.content.decode())
        assert 'name="people" value="lead_a"' in html

    @pytest.mark.parametrize("typed", ["lead_a member_a", "lead_a、member_a", "lead_a,member_a"])
    def test_typed_employee_numbers_are_saved(self, as_person, crowd, typed):
        story = crowd.in_review_a

        response = as_person(crowd.org.official_a).post(
            url("story-edit", story.pk), edit_data(story, people=typed)
        )

        assert response.status_code == 302
        assert set(story.people.all()) == {crowd.studios.lead_a, crowd.studios.member_a}

    def test_an_employee_number_outside_the_choices_is_named_beside_the_field(
        self, as_person, crowd
    ):
        story = crowd.in_review_a
        before = snapshot(story)

        response = as_person(crowd.org.official_a).post(
            url("story-edit", story.pk), edit_data(story, people="lead_a worker_b")
        )

        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "people",
            zh("%(value)s is not among your choices.", value="worker_b"),
        )
        assert snapshot(story) == before
