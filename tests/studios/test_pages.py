"""Studio pages for every role: the same rules as the API, through forms."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import OrgUnit
from accounts.selectors import people_visible_to
from core.exceptions import Conflict
from studios import services
from studios.models import Assessment, Membership, RecognitionList, Studio
from studios.selectors import studios_visible_to
from tests.factories import PersonFactory, grant_official
from tests.outcomes import takes
from tests.page_html import error_beside, form_of, page_form, picker_of

pytestmark = pytest.mark.django_db


def detail(studio):
    return reverse("studios:studio-detail", args=[studio.pk])


class TestDirectoryAndDetail:
    def test_directory_lists_only_visible_studios(self, as_person, studios):
        client = as_person(studios.org.official_b)
        response = client.get(reverse("studios:studio-list"))
        assert [s.code for s in response.context["studios"]] == ["B1-TURB"]

    def test_directory_filters_by_search_and_unit(self, as_person, studios):
        client = as_person(studios.org.group_official)
        response = client.get(
            reverse("studios:studio-list"), {"search": "粉尘", "org_unit": studios.org.mine_a1.pk}
        )
        assert [s.code for s in response.context["studios"]] == ["A1-DUST"]

    def test_htmx_request_gets_only_the_results(self, as_person, studios):
        client = as_person(studios.org.group_official)
        response = client.get(reverse("studios:studio-list"), HTTP_HX_REQUEST="true")
        assert "<html" not in response.content.decode()
        assert "A1-DUST" in response.content.decode()

    def test_outsider_gets_404(self, as_person, studios):
        client = as_person(studios.org.worker_b)
        assert client.get(detail(studios.dust)).status_code == 404

    def test_member_sees_assessments_and_history(self, as_person, studios):
        services.assessment_record(
            by=studios.org.group_official,
            studio=studios.dust,
            year=2025,
            score=91,
            grade="excellent",
        )
        response = as_person(studios.member_a).get(detail(studios.dust))
        assert response.context["access"].insider is True
        assert len(response.context["assessments"]) == 1
        assert "status_form" not in response.context
        assert "member_form" not in response.context

    def test_public_viewer_of_named_studio_sees_no_internals(
        self, as_person, studios, provincial_list
    ):
        services.honour_create(
            by=studios.org.group_official, recognition_list=provincial_list, studio=studios.dust
        )
        response = as_person(studios.org.worker_b).get(detail(studios.dust))
        assert response.status_code == 200
        assert response.context["access"].insider is False
        assert "history" not in response.content.decode()

    def test_official_gets_every_form(self, as_person, studios):
        response = as_person(studios.org.official_a).get(detail(studios.dust))
        for form in ("status_form", "assessment_form", "member_form"):
            assert form in response.context

    def test_lead_gets_the_member_form_only(self, as_person, studios):
        response = as_person(studios.lead_a).get(detail(studios.dust))
        assert "member_form" in response.context
        assert "status_form" not in response.context


class TestCreateAndEdit:
    def form_data(self, org, **overrides):
        return {
            "name": "新工作室",
            "code": "A1-NEW",
            "kind": "employee",
            "leader": org.worker_a.pk,
            "org_unit": org.team_a101.pk,
            "speciality": "支护",
            "founded_on": "2024-03-01",
            "functions": ["problem_tackling"],
            **overrides,
        }

    def test_official_creates_a_studio(self, as_person, org):
        client = as_person(org.official_a)
        response = client.post(reverse("studios:studio-create"), self.form_data(org))
        studio = Studio.objects.get(code="A1-NEW")
        assert response.status_code == 302
        assert response.url == detail(studio)

    def test_unit_outside_scope_is_refused_with_a_field_error(self, as_person, org):
        client = as_person(org.official_b)
        response = client.post(
            reverse("studios:studio-create"), self.form_data(org, leader=org.worker_b.pk)
        )
        assert response.status_code == 400
        assert "org_unit" in response.context["form"].errors
        assert not Studio.objects.exists()

    @pytest.mark.parametrize("page", ["create", "edit"])
    def test_the_unit_box_searches_the_open_units_the_official_manages(
        self, as_person, studios, page
    ):
        """A picker, not a list of every unit the official manages (thousands
        for a group, closed ones too)."""
        client = as_person(studios.org.official_a)
        address = (
            reverse("studios:studio-create")
            if page == "create"
            else reverse("studios:studio-edit", args=[studios.dust.pk])
        )
        html = page_form(client.get(address).content.decode())
        assert picker_of(html, "org_unit") == reverse("picker-search", args=["managed-org-units"])
        assert '<select name="org_unit"' not in html

    @pytest.mark.parametrize("who", ["official_a", "group_official"])
    def test_every_unit_offered_is_taken_and_every_other_refused(self, as_person, org, who):
        """Each unit of the group, looked up by code in the unit picker, is
        offered if and only if `studio_create` then registers a studio in it:
        the open units the official manages (team A102 has closed)."""
        OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
        by = getattr(org, who)
        client = as_person(by)
        address = reverse("picker-search", args=["managed-org-units"])
        verdicts = {
            unit.code: (
                unit.code in found(client, address, unit.code),
                registered(by, org_unit=unit, leader=org.worker_a),
            )
            for unit in OrgUnit.objects.order_by("code")
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["A101"] == (True, True)
        assert verdicts["A102"] == (False, False)

    def test_a_typed_closed_unit_is_refused_beside_the_box_with_the_reason(self, as_person, org):
        """Without JavaScript a closed unit the official manages, typed in the
        box, reaches the service, which says it is closed; nothing is registered."""
        OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
        data = self.form_data(org, org_unit_key="A102")
        del data["org_unit"]
        answer = as_person(org.official_a).post(reverse("studios:studio-create"), data)
        assert answer.status_code == 400
        error_beside(page_form(answer.content.decode()), "org_unit", "该单位已撤销。")
        assert not Studio.objects.filter(code="A1-NEW").exists()

    @pytest.mark.parametrize("page", ["create", "edit"])
    def test_the_leader_box_searches_the_active_people(self, as_person, studios, page):
        client = as_person(studios.org.official_a)
        address = (
            reverse("studios:studio-create")
            if page == "create"
            else reverse("studios:studio-edit", args=[studios.dust.pk])
        )
        html = page_form(client.get(address).content.decode())
        assert picker_of(html, "leader") == reverse("picker-search", args=["active-people"])

    @pytest.mark.parametrize("move", ["create", "update"])
    @pytest.mark.parametrize("who", ["official_a", "group_official"])
    def test_everyone_offered_as_leader_is_taken_and_everyone_else_refused(
        self, as_person, studios, gone, who, move
    ):
        """Each person the official may see, looked up by employee number in
        the leader picker, is offered if and only if `studio_create` registers
        a studio led by them, or `studio_update` hands them the dust studio:
        those still active."""
        by = getattr(studios.org, who)
        client = as_person(by)
        address = reverse("picker-search", args=["active-people"])
        verdicts = {
            someone.employee_no: (
                someone.employee_no in found(client, address, someone.employee_no),
                registered(by, org_unit=studios.org.team_a101, leader=someone)
                if move == "create"
                else handed_over(by, studios.dust, someone),
            )
            for someone in people_visible_to(by).order_by("employee_no")
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["member_a"] == (True, True)
        assert verdicts["gone"] == (False, False)

    def test_a_typed_leader_who_left_is_refused_beside_the_box(self, as_person, org):
        """Without JavaScript the typed employee number reaches the service,
        which names the person who left; nothing is registered."""
        gone = PersonFactory(employee_no="gone", org_unit=org.team_a102)
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
        data = self.form_data(org, leader_key="gone")
        del data["leader"]
        answer = as_person(org.official_a).post(reverse("studios:studio-create"), data)
        assert answer.status_code == 400
        error_beside(page_form(answer.content.decode()), "leader", f"{gone.full_name} 已停用")
        assert not Studio.objects.filter(code="A1-NEW").exists()

    def test_a_leader_who_left_since_does_not_block_other_edits(self, as_person, studios):
        """The form sends the current leader back; only a new one must be active."""
        lead = studios.lead_a
        type(lead).objects.filter(pk=lead.pk).update(is_active=False)
        dust = studios.dust
        data = {
            **self.form_data(studios.org, name=dust.name, code=dust.code, kind=dust.kind),
            "leader": lead.pk,
            "org_unit": dust.org_unit_id,
            "founded_on": dust.founded_on.isoformat(),
            "speciality": "通风",
        }
        client = as_person(studios.org.official_a)
        answer = client.post(reverse("studios:studio-edit", args=[dust.pk]), data)
        assert answer.status_code == 302
        dust.refresh_from_db()
        assert (dust.leader_id, dust.speciality) == (lead.pk, "通风")

    def test_worker_cannot_open_the_create_page(self, as_person, org):
        assert as_person(org.worker_a).get(reverse("studios:studio-create")).status_code == 403

    def test_lead_edit_form_has_profile_fields_only(self, as_person, studios):
        response = as_person(studios.lead_a).get(
            reverse("studios:studio-edit", args=[studios.dust.pk])
        )
        assert set(response.context["form"].fields) == {
            "speciality",
            "functions",
            "description",
            "site_notes",
            "equipment_notes",
            "core_members_edit_records",
        }

    def test_lead_saves_a_description(self, as_person, studios):
        client = as_person(studios.lead_a)
        response = client.post(
            reverse("studios:studio-edit", args=[studios.dust.pk]),
            {"speciality": "粉尘治理", "description": "新的介绍", "functions": ["theory_research"]},
        )
        assert response.status_code == 302
        studios.dust.refresh_from_db()
        assert studios.dust.description == "新的介绍"

    def test_member_cannot_edit(self, as_person, studios):
        url = reverse("studios:studio-edit", args=[studios.dust.pk])
        assert as_person(studios.member_a).get(url).status_code == 403

    def test_outsider_gets_404_on_edit(self, as_person, studios):
        url = reverse("studios:studio-edit", args=[studios.dust.pk])
        assert as_person(studios.lead_b).get(url).status_code == 404


class TestDetailForms:
    def test_status_change_without_reason_shows_the_error(self, as_person, studios):
        client = as_person(studios.org.official_a)
        url = reverse("studios:studio-change-status", args=[studios.dust.pk])
        response = client.post(url, {"status": "revoked", "reason": ""})
        assert response.status_code == 400
        assert "reason" in response.context["status_form"].errors
        studios.dust.refresh_from_db()
        assert studios.dust.status == Studio.Status.ESTABLISHED

    def test_status_form_offers_only_legal_moves(self, as_person, studios):
        response = as_person(studios.org.official_a).get(detail(studios.dust))
        choices = [
            value for value, _label in response.context["status_form"].fields["status"].choices
        ]
        assert choices == ["rectification", "revoked"]

    def test_illegal_status_change_is_refused_with_a_field_error(self, as_person, studios):
        client = as_person(studios.org.official_a)
        url = reverse("studios:studio-change-status", args=[studios.dust.pk])
        response = client.post(url, {"status": "named"})
        assert response.status_code == 400
        assert "status" in response.context["status_form"].errors
        studios.dust.refresh_from_db()
        assert studios.dust.status == Studio.Status.ESTABLISHED

    def test_lead_cannot_change_status(self, as_person, studios):
        url = reverse("studios:studio-change-status", args=[studios.dust.pk])
        response = as_person(studios.lead_a).post(url, {"status": "revoked", "reason": "x"})
        assert response.status_code == 403

    def test_lead_adds_and_ends_membership(self, as_person, studios):
        newcomer = PersonFactory(org_unit=studios.org.team_a102)
        client = as_person(studios.lead_a)
        response = client.post(
            reverse("studios:membership-add", args=[studios.dust.pk]),
            {"person": newcomer.pk, "role": "member"},
        )
        assert response.status_code == 302
        membership = Membership.objects.get(person=newcomer)
        client.post(reverse("studios:membership-end", args=[membership.pk]))
        membership.refresh_from_db()
        assert membership.left_on is not None

    def test_adding_someone_outside_scope_is_refused(self, as_person, studios):
        client = as_person(studios.lead_a)
        response = client.post(
            reverse("studios:membership-add", args=[studios.dust.pk]),
            {"person": studios.org.worker_b.pk, "role": "member"},
        )
        assert response.status_code == 400
        assert "person" in response.context["member_form"].errors

    def test_second_assessment_in_a_year_shows_the_conflict(self, as_person, studios):
        client = as_person(studios.org.official_a)
        url = reverse("studios:assessment-add", args=[studios.dust.pk])
        data = {"year": 2025, "score": "80", "grade": "good"}
        assert client.post(url, data).status_code == 302
        response = client.post(url, data)
        assert response.status_code == 400
        assert response.context["assessment_form"].non_field_errors()
        assert Assessment.objects.count() == 1


def studio_page(studio) -> str:
    return reverse("studios:studio-detail", args=[studio.pk])


def list_page(recognition_list) -> str:
    return reverse("studios:recognitionlist-detail", args=[recognition_list.pk])


def found(client, address: str, text: str) -> list[str]:
    answer = client.get(address, {"q": text})
    assert answer.status_code == 200
    return [row["key"] for row in answer.json()["results"]]


def honoured(official, recognition_list, **honour) -> bool:
    """Whether `honour_create` takes `honour` from `official` (rolled back)."""
    return takes(
        lambda: services.honour_create(by=official, recognition_list=recognition_list, **honour),
        ValidationError,
        Conflict,
    )


@pytest.fixture
def honours(studios):
    """`official_a1`, an official over mine A1 only; A1-PREP, a studio of the
    mine still preparing; the washing studio revoked."""
    org = studios.org
    official_a1 = PersonFactory(employee_no="official_a1", org_unit=org.mine_a1)
    grant_official(official_a1, org.mine_a1)
    services.studio_create(
        by=org.group_official,
        name="筹建中工作室",
        code="A1-PREP",
        kind=Studio.Kind.MODEL_WORKER,
        leader=org.worker_a,
        org_unit=org.mine_a1,
        speciality="通风",
        founded_on=datetime.date(2024, 1, 1),
    )
    Studio.objects.filter(pk=studios.washing.pk).update(status=Studio.Status.REVOKED)
    return SimpleNamespace(official_a1=official_a1)


# --- The membership form's picker: exactly whom the studio takes --------------------


def added(by, studio, someone) -> bool:
    """Whether `membership_add` takes `someone` into `studio` from `by` (rolled back)."""
    return takes(
        lambda: services.membership_add(studio_id=studio.pk, by=by, person=someone),
        ValidationError,
        Conflict,
    )


def registered(by, **studio) -> bool:
    """Whether `studio_create` registers a studio from `by` (rolled back)."""

    def call():
        services.studio_create(
            by=by,
            name="新工作室",
            code="NEW-1",
            kind=Studio.Kind.EMPLOYEE,
            speciality="支护",
            founded_on=datetime.date(2024, 3, 1),
            **studio,
        )

    return takes(call, ValidationError, Conflict)


def handed_over(by, studio, someone) -> bool:
    """Whether `studio_update` makes `someone` the leader of `studio` (rolled back)."""
    return takes(
        lambda: services.studio_update(studio_id=studio.pk, by=by, leader=someone),
        ValidationError,
        Conflict,
    )


def recorded(by, **recognition_list) -> bool:
    """Whether `recognition_list_create` records a list from `by` (rolled back)."""

    def call():
        services.recognition_list_create(
            by=by,
            title="市级",
            level=RecognitionList.Level.MUNICIPAL,
            conferred_by="市总工会",
            year=2025,
            total_named=10,
            **recognition_list,
        )

    return takes(call, ValidationError, Conflict)


def moved(by, recognition_list, unit) -> bool:
    """Whether `recognition_list_update` moves `recognition_list` to `unit` (rolled back)."""
    return takes(
        lambda: services.recognition_list_update(list_id=recognition_list.pk, by=by, org_unit=unit),
        ValidationError,
        Conflict,
    )


def member_form(html: str, studio) -> str:
    return form_of(html, reverse("studios:membership-add", args=[studio.pk]))


@pytest.fixture
def gone(studios):
    """Someone of team A102 who has left (deactivated)."""
    someone = PersonFactory(employee_no="gone", org_unit=studios.org.team_a102)
    type(someone).objects.filter(pk=someone.pk).update(is_active=False)
    return someone


class TestMembershipPicker:
    def test_the_person_box_searches_the_studios_newcomers(self, as_person, studios):
        html = as_person(studios.lead_a).get(studio_page(studios.dust)).content.decode()
        assert picker_of(member_form(html, studios.dust), "person") == reverse(
            "picker-search", args=["studio-newcomers", studios.dust.pk]
        )

    @pytest.mark.parametrize("who", ["lead_a", "official_a", "group_official", "admin"])
    def test_everyone_offered_is_added_and_everyone_else_refused(
        self, as_person, studios, gone, who
    ):
        """Each person the lead or official may see, looked up by employee
        number in the membership form's picker, is offered if and only if the
        studio then takes them: still active and not yet a current member."""
        by = getattr(studios, who, None) or getattr(studios.org, who)
        client = as_person(by)
        address = reverse("picker-search", args=["studio-newcomers", studios.dust.pk])
        verdicts = {
            someone.employee_no: (
                someone.employee_no in found(client, address, someone.employee_no),
                added(by, studios.dust, someone),
            )
            for someone in people_visible_to(by).order_by("employee_no")
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["colleague_a"] == (True, True)
        assert verdicts["gone"] == verdicts["member_a"] == verdicts["lead_a"] == (False, False)

    def test_a_revoked_studio_takes_and_offers_nobody(self, as_person, studios):
        Studio.objects.filter(pk=studios.washing.pk).update(status=Studio.Status.REVOKED)
        client = as_person(studios.org.official_a)
        address = reverse("picker-search", args=["studio-newcomers", studios.washing.pk])
        assert found(client, address, "worker_a") == []
        assert not added(studios.org.official_a, studios.washing, studios.org.worker_a)

    @pytest.mark.parametrize(
        ("who", "code"),
        [("lead_a", 200), ("official_a", 200), ("member_a", 403), ("official_b", 404)],
    )
    def test_the_picker_is_for_those_who_add_members(self, as_person, studios, who, code):
        by = getattr(studios, who, None) or getattr(studios.org, who)
        address = reverse("picker-search", args=["studio-newcomers", studios.dust.pk])
        assert as_person(by).get(address, {"q": "worker_a"}).status_code == code

    def test_a_typed_person_who_left_is_refused_beside_the_box(self, as_person, studios, gone):
        """Without JavaScript the typed employee number reaches the service,
        which names the person who left; nothing changes."""
        answer = as_person(studios.lead_a).post(
            reverse("studios:membership-add", args=[studios.dust.pk]),
            {"person_key": "gone", "role": "member"},
        )
        assert answer.status_code == 400
        html = member_form(answer.content.decode(), studios.dust)
        error_beside(html, "person", f"{gone.full_name} 已停用")
        assert not Membership.objects.filter(person=gone).exists()


class TestRecognitionListPages:
    def test_list_page_shows_share(self, as_person, studios, provincial_list):
        services.honour_create(
            by=studios.org.group_official, recognition_list=provincial_list, studio=studios.dust
        )
        response = as_person(studios.org.worker_b).get(reverse("studios:recognitionlist-list"))
        assert "1 / 28" in response.content.decode()
        assert "3.6%" in response.content.decode()

    def test_official_records_an_honour_on_the_list_page(self, as_person, studios, provincial_list):
        client = as_person(studios.org.official_a)
        url = reverse("studios:recognitionlist-detail", args=[provincial_list.pk])
        response = client.post(url, {"studio": studios.washing.pk})
        assert response.status_code == 302
        studios.washing.refresh_from_db()
        assert studios.washing.status == Studio.Status.NAMED

    def test_the_honour_boxes_search_what_the_honour_takes(
        self, as_person, studios, provincial_list
    ):
        client = as_person(studios.org.official_a)
        html = client.get(list_page(provincial_list)).content.decode()
        assert picker_of(html, "studio") == reverse("picker-search", args=["nameable-studios"])
        assert picker_of(html, "person") == reverse("picker-search", args=["managed-people"])

    @pytest.mark.parametrize("official", ["official_a", "official_a1", "group_official"])
    def test_every_studio_offered_is_honoured_and_every_other_refused(
        self, as_person, studios, provincial_list, honours, official
    ):
        """Each studio the official may see, looked up by code in the honour
        form's studio picker, is offered if and only if the honour then takes
        it: established or named studios of their units (A1-PREP is still
        preparing, A1-WASH revoked)."""
        official = getattr(honours, official, None) or getattr(studios.org, official)
        client = as_person(official)
        address = picker_of(client.get(list_page(provincial_list)).content.decode(), "studio")
        verdicts = {
            studio.code: (
                studio.code in found(client, address, studio.code),
                honoured(official, provincial_list, studio=studio),
            )
            for studio in studios_visible_to(official)
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["A1-DUST"] == (True, True)
        assert verdicts["A1-PREP"] == verdicts["A1-WASH"] == (False, False)

    @pytest.mark.parametrize("official", ["official_a", "official_a1", "group_official"])
    def test_every_person_offered_is_honoured_and_everyone_else_refused(
        self, as_person, studios, provincial_list, honours, official
    ):
        """Each person the official may see, looked up by employee number in
        the person picker, is offered if and only if the honour then takes
        them: people of their units (the mine's official sees company A's
        directory but answers for mine A1 alone)."""
        official = getattr(honours, official, None) or getattr(studios.org, official)
        client = as_person(official)
        address = picker_of(client.get(list_page(provincial_list)).content.decode(), "person")
        verdicts = {
            someone.employee_no: (
                someone.employee_no in found(client, address, someone.employee_no),
                honoured(official, provincial_list, person=someone, personal_title="model_worker"),
            )
            for someone in people_visible_to(official)
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["worker_a"] == (True, True)
        if official == honours.official_a1:
            assert verdicts["official_a"] == (False, False)

    def test_worker_cannot_post_an_honour(self, as_person, studios, provincial_list):
        url = reverse("studios:recognitionlist-detail", args=[provincial_list.pk])
        response = as_person(studios.org.worker_a).post(url, {"studio": studios.dust.pk})
        assert response.status_code == 403

    def test_official_creates_a_list(self, as_person, org):
        client = as_person(org.official_b)
        response = client.post(
            reverse("studios:recognitionlist-create"),
            {
                "title": "市级",
                "level": "municipal",
                "conferred_by": "市总工会",
                "year": 2025,
                "total_named": 10,
                "org_unit": org.company_b.pk,
            },
        )
        assert response.status_code == 302

    @pytest.mark.parametrize("page", ["create", "edit"])
    def test_the_unit_box_searches_the_open_units_the_official_manages(
        self, as_person, org, provincial_list, page
    ):
        """A picker, not a list of every unit the official manages (thousands
        for a group, closed ones too)."""
        client = as_person(org.group_official)
        address = (
            reverse("studios:recognitionlist-create")
            if page == "create"
            else reverse("studios:recognitionlist-edit", args=[provincial_list.pk])
        )
        html = page_form(client.get(address).content.decode())
        assert picker_of(html, "org_unit") == reverse("picker-search", args=["managed-org-units"])
        assert '<select name="org_unit"' not in html

    @pytest.mark.parametrize("move", ["create", "update"])
    @pytest.mark.parametrize("who", ["official_a", "group_official"])
    def test_every_unit_offered_is_taken_and_every_other_refused(self, as_person, org, who, move):
        """Each unit of the group, looked up by code in the unit picker, is
        offered if and only if `recognition_list_create` records a list by it,
        or `recognition_list_update` moves one there: the open units the
        official manages (team A102 has closed)."""
        OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
        by = getattr(org, who)
        client = as_person(by)
        address = reverse("picker-search", args=["managed-org-units"])
        kept = (
            services.recognition_list_create(
                by=by,
                title="省级",
                level=RecognitionList.Level.PROVINCIAL,
                conferred_by="省总工会",
                year=2024,
                total_named=5,
                org_unit=org.mine_a1,
            )
            if move == "update"
            else None
        )
        verdicts = {
            unit.code: (
                unit.code in found(client, address, unit.code),
                recorded(by, org_unit=unit) if kept is None else moved(by, kept, unit),
            )
            for unit in OrgUnit.objects.order_by("code")
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["A101"] == (True, True)
        assert verdicts["A102"] == (False, False)

    def test_a_typed_closed_unit_is_refused_beside_the_box_with_the_reason(self, as_person, org):
        """Without JavaScript a closed unit the official manages, typed in the
        box, reaches the service, which says it is closed; nothing is recorded."""
        OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
        answer = as_person(org.official_a).post(
            reverse("studios:recognitionlist-create"),
            {
                "title": "市级",
                "level": "municipal",
                "conferred_by": "市总工会",
                "year": 2025,
                "total_named": 10,
                "org_unit_key": "A102",
            },
        )
        assert answer.status_code == 400
        error_beside(page_form(answer.content.decode()), "org_unit", "该单位已撤销。")
        assert not RecognitionList.objects.filter(title="市级").exists()

    def test_list_with_unit_outside_scope_is_refused(self, as_person, org):
        client = as_person(org.official_b)
        response = client.post(
            reverse("studios:recognitionlist-create"),
            {
                "title": "市级",
                "level": "municipal",
                "conferred_by": "市总工会",
                "year": 2025,
                "total_named": 10,
                "org_unit": org.company_a.pk,
            },
        )
        assert response.status_code == 400
        assert "org_unit" in response.context["form"].errors
