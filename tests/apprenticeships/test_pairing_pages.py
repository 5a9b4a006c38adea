"""Apprenticeship pages for one pairing: proposing it, its page, editing it,
and activating, extending and terminating it."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts.models import OrgUnit, SkillLevel
from accounts.selectors import people_visible_to
from apprenticeships import services
from apprenticeships.models import Evaluation, Extension, Pairing
from studios.models import Studio
from studios.selectors import studios_visible_to
from studios.services import membership_add
from tests.apprenticeships.conftest import days_ago
from tests.apprenticeships.pages import NEW, form_error, iso, person, snapshot, today, url, zh
from tests.factories import PersonFactory
from tests.outcomes import takes
from tests.page_html import error_beside, form_of, page_form, picker_searches

pytestmark = pytest.mark.django_db

Status = Pairing.Status

Level = Evaluation.Level

# Who is refused, and how: 403 for those who see the pairing, 404 for the rest.
# Only those who run the pairing (its studio's lead, officials over its unit).
NOT_MANAGERS = [("mentor", 403), ("apprentice", 403), ("official_b", 404), ("worker", 404)]

NOT_MANAGERS_OF_PROPOSED = [
    ("mentor", 403),
    ("apprentice_2", 403),
    ("official_b", 404),
    ("worker", 404),
]


# --- Proposing a pairing ------------------------------------------------------------


def proposal(m, apprentice, **overrides) -> dict:
    data = {
        "studio": m.dust.pk,
        "mentor": m.member_a.pk,
        "apprentice": apprentice.pk,
        "starts_on": iso(today()),
        "planned_end_on": iso(today() + datetime.timedelta(days=365)),
        "target_skill_level": SkillLevel.INTERMEDIATE,
        "goals": "掌握粉尘检测仪的使用",
        "agreement_signed_on": "",
        "monthly_allowance": "300",
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def newcomer(mentoring):
    return PersonFactory(
        employee_no="newcomer", full_name="新徒弟", org_unit=mentoring.org.team_a101
    )


class TestPropose:
    def test_the_studio_lead_proposes_for_their_studio(self, as_person, mentoring, newcomer):
        client = as_person(mentoring.lead_a)
        form = client.get(NEW).context["form"]
        assert list(form.fields["studio"].queryset) == [mentoring.dust]
        assert form.fields["studio"].required
        assert "org_unit" not in form.fields

        response = client.post(NEW, proposal(mentoring, newcomer), follow=True)

        pairing = Pairing.objects.get(apprentice=newcomer)
        assert response.redirect_chain == [(url("pairing-detail", pairing.pk), 302)]
        assert response.status_code == 200
        assert zh("The pairing has been proposed.") in response.content.decode()
        assert (pairing.status, pairing.mentor, pairing.studio) == (
            Status.PROPOSED,
            mentoring.member_a,
            mentoring.dust,
        )
        assert (pairing.org_unit, pairing.created_by) == (mentoring.dust.org_unit, mentoring.lead_a)
        assert str(pairing.monthly_allowance) == "300.00"
        assert pairing.agreement_signed_on is None
        assert list(pairing.events.values_list("from_state", "to_state")) == [("", "proposed")]

    def test_an_official_proposes_outside_any_studio(self, as_person, mentoring, newcomer):
        data = proposal(mentoring, newcomer, studio="", monthly_allowance="")

        response = as_person(mentoring.org.official_a).post(NEW, data, follow=True)

        pairing = Pairing.objects.get(apprentice=newcomer)
        assert response.redirect_chain == [(url("pairing-detail", pairing.pk), 302)]
        assert zh("The pairing has been proposed.") in response.content.decode()
        assert (pairing.studio, pairing.org_unit) == (None, mentoring.org.team_a101)
        assert pairing.created_by == mentoring.org.official_a

    @pytest.mark.parametrize("role", ["mentor", "apprentice", "worker"])
    def test_someone_who_leads_no_studio_and_is_no_official_gets_403(
        self, as_person, mentoring, newcomer, role
    ):
        client = as_person(person(mentoring, role))
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, proposal(mentoring, newcomer)).status_code == 403
        assert not Pairing.objects.filter(apprentice=newcomer).exists()

    def test_company_b_official_cannot_pick_company_a_people(self, as_person, mentoring, newcomer):
        client = as_person(mentoring.org.official_b)
        assert client.get(NEW).status_code == 200
        data = proposal(mentoring, newcomer, studio="")
        response = client.post(NEW, data)
        assert response.status_code == 400
        assert {"mentor", "apprentice"} <= set(response.context["form"].errors)
        assert not Pairing.objects.filter(apprentice=newcomer).exists()

    def test_a_lead_cannot_propose_for_a_studio_they_do_not_lead(
        self, as_person, mentoring, newcomer
    ):
        data = proposal(mentoring, newcomer, studio=mentoring.washing.pk)
        response = as_person(mentoring.lead_a).post(NEW, data)
        assert response.status_code == 400
        assert "studio" in response.context["form"].errors
        assert not Pairing.objects.filter(apprentice=newcomer).exists()

    def test_nobody_mentors_themself(self, as_person, mentoring):
        data = proposal(mentoring, mentoring.member_a)

        response = as_person(mentoring.lead_a).post(NEW, data)

        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()), "apprentice", zh("Nobody mentors themself.")
        )
        assert not Pairing.objects.filter(apprentice=mentoring.member_a).exists()

    def test_the_end_comes_after_the_start(self, as_person, mentoring, newcomer):
        data = proposal(mentoring, newcomer, planned_end_on=iso(days_ago(1)))

        response = as_person(mentoring.lead_a).post(NEW, data)

        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "planned_end_on",
            zh("The planned end comes after the start."),
        )
        assert not Pairing.objects.filter(apprentice=newcomer).exists()

    def test_a_second_open_pairing_of_the_same_two_is_refused(self, as_person, mentoring):
        data = proposal(mentoring, mentoring.apprentice_a2)

        response = as_person(mentoring.lead_a).post(NEW, data)

        assert response.status_code == 400
        form_error(
            page_form(response.content.decode()),
            zh(
                "%(mentor)s and %(apprentice)s already have an open pairing.",
                mentor=mentoring.member_a.full_name,
                apprentice=mentoring.apprentice_a2.full_name,
            ),
        )
        assert Pairing.objects.filter(apprentice=mentoring.apprentice_a2).count() == 1

    def test_missing_fields_are_named(self, as_person, mentoring, newcomer):
        data = proposal(mentoring, newcomer, mentor="", starts_on="")
        response = as_person(mentoring.lead_a).post(NEW, data)
        assert response.status_code == 400
        html = page_form(response.content.decode())
        error_beside(html, "mentor", zh("This field is required."))
        error_beside(html, "starts_on", zh("This field is required."))
        assert not Pairing.objects.filter(apprentice=newcomer).exists()


# --- The pickers: exactly what the proposal takes -------------------------------------


def proposed(by, **parts) -> bool:
    """Whether `pairing_propose` takes `parts` (mentor, apprentice, studio)
    from `by` (its work rolled back)."""

    def call():
        services.pairing_propose(
            by=by,
            starts_on=today(),
            planned_end_on=today() + datetime.timedelta(days=365),
            target_skill_level=SkillLevel.INTERMEDIATE,
            **parts,
        )

    return takes(call)


def offered(client, picker: str, text: str) -> list[str]:
    answer = client.get(picker, {"q": text})
    assert answer.status_code == 200
    return sorted(row["key"] for row in answer.json()["results"])


def deactivate(someone) -> None:
    type(someone).objects.filter(pk=someone.pk).update(is_active=False)


def picker(source: str, *record) -> str:
    return reverse("picker-search", args=[source, *record])


@pytest.fixture
def left(mentoring):
    """Two people who have left (deactivated): `gone_member`, who was in the
    dust studio, and `gone`, who was not."""
    gone_member = PersonFactory(employee_no="gone_member", org_unit=mentoring.org.team_a101)
    membership_add(studio_id=mentoring.dust.pk, by=mentoring.lead_a, person=gone_member)
    gone = PersonFactory(employee_no="gone", org_unit=mentoring.org.team_a102)
    for someone in (gone_member, gone):
        deactivate(someone)
    return SimpleNamespace(gone_member=gone_member, gone=gone)


def form_pickers(client, data=None) -> dict[str, str]:
    """The addresses the proposal form's boxes search: as first shown, or as
    shown again after `data` is posted (and refused)."""
    answer = client.get(NEW) if data is None else client.post(NEW, data)
    assert answer.status_code == (200 if data is None else 400)
    html = page_form(answer.content.decode())
    names = ["mentor", "apprentice"]
    names += ["studio", "org_unit"] if 'name="studio_key"' in html else []
    return {name: picker_searches(html, name) for name in names}


# Whose form, as first shown or after choosing the dust studio (an official's
# studio is picked on the form), and the studio the service is asked for.
FORMS = [
    ("lead", None, "dust"),
    ("official", {"studio_key": "A1-DUST"}, "dust"),
    ("official", {"studio_key": "A1-WASH"}, "washing"),
    ("official", None, None),
    ("group_official", {"studio_key": "A1-DUST"}, "dust"),
]


class TestPickers:
    def test_the_boxes_search_what_the_proposal_takes(self, as_person, mentoring):
        dust_mentors = picker("studio-mentors", mentoring.dust.pk)
        assert form_pickers(as_person(mentoring.lead_a)) == {
            "mentor": dust_mentors,
            "apprentice": picker("active-people"),
        }
        official = as_person(mentoring.org.official_a)
        assert form_pickers(official) == {
            "mentor": picker("active-people"),  # no studio yet: a pairing outside any
            "apprentice": picker("active-people"),
            "studio": picker("pairing-studios"),
            "org_unit": picker("managed-org-units"),
        }
        # The mentor box follows the studio chosen on the form (static/js/picker.js).
        assert form_pickers(official, {"studio_key": "A1-DUST"})["mentor"] == dust_mentors
        assert form_pickers(official, {"studio_key": "A1-WASH"})["mentor"] == picker(
            "studio-mentors", mentoring.washing.pk
        )

    @pytest.mark.parametrize(("who", "data", "studio"), FORMS)
    def test_every_mentor_offered_is_taken_and_everyone_else_refused(
        self, as_person, mentoring, newcomer, left, who, data, studio
    ):
        """Each person the proposer may see, looked up by employee number in
        the form's mentor picker, is offered if and only if the proposal then
        takes them as the newcomer's mentor: in a studio pairing a current
        member of the studio who is still active, else anyone still active."""
        by, studio = person(mentoring, who), getattr(mentoring, studio or "", None)
        client = as_person(by)
        mentors = form_pickers(client, data)["mentor"]
        everyone = people_visible_to(by).exclude(pk=newcomer.pk).order_by("employee_no")
        verdicts = {
            someone.employee_no: (
                someone.employee_no in offered(client, mentors, someone.employee_no),
                proposed(by, mentor=someone, apprentice=newcomer, studio=studio),
            )
            for someone in everyone
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["gone_member"] == (False, False)
        in_dust = studio != mentoring.washing
        assert verdicts["member_a"] == (in_dust, in_dust)
        assert verdicts["worker_a"] == (studio is None, studio is None)

    @pytest.mark.parametrize(("who", "data", "studio"), FORMS)
    def test_every_apprentice_offered_is_taken_and_everyone_else_refused(
        self, as_person, mentoring, left, who, data, studio
    ):
        """Likewise the apprentice picker, for the studio's leader (else
        lead_a) as mentor: anyone the proposer may see who is still active."""
        by, studio = person(mentoring, who), getattr(mentoring, studio or "", None)
        mentor = studio.leader if studio else mentoring.lead_a
        client = as_person(by)
        apprentices = form_pickers(client, data)["apprentice"]
        everyone = people_visible_to(by).exclude(pk=mentor.pk).order_by("employee_no")
        verdicts = {
            someone.employee_no: (
                someone.employee_no in offered(client, apprentices, someone.employee_no),
                proposed(by, mentor=mentor, apprentice=someone, studio=studio),
            )
            for someone in everyone
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["gone"] == (False, False)

    @pytest.mark.parametrize("who", ["official", "group_official"])
    def test_every_studio_offered_is_taken_and_every_other_refused(
        self, as_person, mentoring, newcomer, who
    ):
        """Each studio the official may see, looked up by code in the form's
        studio picker, is offered if and only if the proposal then takes it
        (with its leader as mentor): the washing studio has been revoked."""
        Studio.objects.filter(pk=mentoring.washing.pk).update(status=Studio.Status.REVOKED)
        by = person(mentoring, who)
        client = as_person(by)
        studios = form_pickers(client)["studio"]
        verdicts = {
            studio.code: (
                studio.code in offered(client, studios, studio.code),
                proposed(by, mentor=studio.leader, apprentice=newcomer, studio=studio),
            )
            for studio in studios_visible_to(by).order_by("code")
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["A1-DUST"] == (True, True)
        assert verdicts["A1-WASH"] == (False, False)

    @pytest.mark.parametrize(
        ("who", "code"),
        [
            ("lead", 200),
            ("official", 200),
            ("admin", 200),
            ("mentor", 403),  # a member sees the studio, does not propose in it
            ("official_b", 404),  # company B's official does not see it
            ("worker", 404),
        ],
    )
    def test_the_studios_mentor_picker_is_for_those_who_propose_in_it(
        self, as_person, mentoring, who, code
    ):
        answer = as_person(person(mentoring, who)).get(
            picker("studio-mentors", mentoring.dust.pk), {"q": "member_a"}
        )
        assert answer.status_code == code
        assert (b'"member_a"' in answer.content) == (code == 200)

    @pytest.mark.parametrize("who", ["official", "group_official"])
    def test_every_unit_offered_is_taken_and_every_other_refused(
        self, as_person, mentoring, newcomer, who
    ):
        """Each unit of the group, looked up by code in the form's unit picker,
        is offered if and only if a pairing outside any studio is then filed
        under it: the open units the official manages (team A102 has closed)."""
        OrgUnit.objects.filter(pk=mentoring.org.team_a102.pk).update(
            closed_on=datetime.date(2024, 1, 1)
        )
        by = person(mentoring, who)
        client = as_person(by)
        units = form_pickers(client)["org_unit"]
        verdicts = {
            unit.code: (
                unit.code in offered(client, units, unit.code),
                proposed(by, mentor=mentoring.lead_a, apprentice=newcomer, org_unit=unit),
            )
            for unit in OrgUnit.objects.order_by("code")
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["A101"] == (True, True)
        assert verdicts["A102"] == (False, False)

    def test_a_typed_closed_unit_is_refused_beside_the_box_with_the_reason(
        self, as_person, mentoring, newcomer
    ):
        """Without JavaScript a closed unit the official manages, typed in the
        box, reaches the service, which says it is closed; nothing is proposed."""
        OrgUnit.objects.filter(pk=mentoring.org.team_a102.pk).update(
            closed_on=datetime.date(2024, 1, 1)
        )
        data = proposal(mentoring, newcomer, studio="", org_unit_key="A102")
        answer = as_person(mentoring.org.official_a).post(NEW, data)
        assert answer.status_code == 400
        error_beside(page_form(answer.content.decode()), "org_unit", zh("This unit is closed."))
        assert not Pairing.objects.filter(apprentice=newcomer).exists()

    def test_typed_people_the_proposal_does_not_take_are_refused_beside_their_boxes(
        self, as_person, mentoring, newcomer, left
    ):
        """Without JavaScript (or with the studio chosen after the mentor) the
        typed employee numbers reach the service, which says why each is not
        taken; nothing is proposed."""
        data = proposal(mentoring, left.gone, studio=None, mentor=None)
        del data["apprentice"]
        data.update(studio_key="A1-DUST", mentor_key="worker_a", apprentice_key="gone")
        answer = as_person(mentoring.org.official_a).post(NEW, data)
        assert answer.status_code == 400
        html = page_form(answer.content.decode())
        error_beside(html, "mentor", zh("The mentor is not a current member of this studio."))
        error_beside(html, "apprentice", f"{left.gone.full_name} 已停用")
        assert not Pairing.objects.filter(apprentice=left.gone).exists()


# --- The pairing page ---------------------------------------------------------------


class TestDetail:
    @pytest.mark.parametrize(
        "role", ["lead", "official", "group_official", "admin", "mentor", "apprentice"]
    )
    def test_those_in_scope_read_the_pairing(self, as_person, mentoring, role):
        response = as_person(person(mentoring, role)).get(
            url("pairing-detail", mentoring.active.pk)
        )
        assert response.status_code == 200
        assert response.context["pairing"] == mentoring.active
        html = response.content.decode()
        assert 'data-testid="pairing-title"' in html
        assert mentoring.apprentice_a.full_name in html

    @pytest.mark.parametrize("role", ["official_b", "worker", "apprentice_2"])
    def test_outsiders_get_404(self, as_person, mentoring, role):
        page = url("pairing-detail", mentoring.active.pk)
        assert as_person(person(mentoring, role)).get(page).status_code == 404

    def test_a_pairing_of_company_b_is_404_in_company_a(self, as_person, mentoring):
        page = url("pairing-detail", mentoring.active_b.pk)
        for role in ("lead", "official", "mentor", "apprentice", "worker"):
            assert as_person(person(mentoring, role)).get(page).status_code == 404

    @pytest.mark.parametrize(
        ("role", "actions", "edit", "levels"),
        [
            ("lead", True, True, [Level.DEPARTMENT_QUARTERLY]),
            ("official", True, True, [Level.DEPARTMENT_QUARTERLY, Level.UNIT_YEARLY, Level.FINAL]),
            ("mentor", False, False, [Level.MENTOR_MONTHLY]),
            ("apprentice", False, False, []),
        ],
    )
    def test_action_forms_follow_the_viewers_part(
        self, as_person, mentoring, role, actions, edit, levels
    ):
        pk = mentoring.active.pk
        response = as_person(person(mentoring, role)).get(url("pairing-detail", pk))
        html = response.content.decode()
        assert (f'action="{url("pairing-extend", pk)}"' in html) is actions
        assert (f'action="{url("pairing-terminate", pk)}"' in html) is actions
        assert (f'href="{url("pairing-edit", pk)}"' in html) is edit
        assert [level for level, _ in response.context["evaluation_levels"]] == levels
        for level in Level.values:
            link = f'href="{url("evaluation-create", pk)}?level={level}"'
            assert (link in html) is (level in levels)

    def test_the_activate_form_shows_on_a_proposed_pairing_for_its_managers(
        self, as_person, mentoring
    ):
        pk = mentoring.proposed.pk
        action = f'action="{url("pairing-activate", pk)}"'
        assert action in as_person(mentoring.lead_a).get(url("pairing-detail", pk)).content.decode()
        html = as_person(mentoring.member_a).get(url("pairing-detail", pk)).content.decode()
        assert action not in html


# --- Editing the pairing ------------------------------------------------------------


def edit_data(pairing, **overrides) -> dict:
    data = {
        "starts_on": iso(pairing.starts_on),
        "planned_end_on": iso(pairing.planned_end_on),
        "target_skill_level": pairing.target_skill_level,
        "goals": pairing.goals,
        "agreement_signed_on": iso(pairing.agreement_signed_on)
        if pairing.agreement_signed_on
        else "",
        "monthly_allowance": str(pairing.monthly_allowance or ""),
        **overrides,
    }
    if pairing.status != Status.PROPOSED:
        del data["starts_on"], data["planned_end_on"]
    return data


class TestEdit:
    @pytest.mark.parametrize("role", ["lead", "official"])
    def test_a_manager_edits_the_proposed_pairing(self, as_person, mentoring, role):
        pairing = mentoring.proposed
        client = as_person(person(mentoring, role))
        assert client.get(url("pairing-edit", pairing.pk)).status_code == 200
        later = pairing.planned_end_on + datetime.timedelta(days=30)

        response = client.post(
            url("pairing-edit", pairing.pk),
            edit_data(pairing, goals="学会粉尘浓度检测", planned_end_on=iso(later)),
            follow=True,
        )

        assert response.redirect_chain == [(url("pairing-detail", pairing.pk), 302)]
        assert zh("The pairing has been saved.") in response.content.decode()
        pairing.refresh_from_db()
        assert (pairing.goals, pairing.planned_end_on) == ("学会粉尘浓度检测", later)

    def test_the_term_of_an_active_pairing_is_not_on_the_form(self, as_person, mentoring):
        pairing = mentoring.active
        client = as_person(mentoring.org.official_a)
        form = client.get(url("pairing-edit", pairing.pk)).context["form"]
        assert "starts_on" not in form.fields
        assert "planned_end_on" not in form.fields

        response = client.post(
            url("pairing-edit", pairing.pk),
            edit_data(pairing, monthly_allowance="500"),
            follow=True,
        )

        assert zh("The pairing has been saved.") in response.content.decode()
        pairing.refresh_from_db()
        assert str(pairing.monthly_allowance) == "500.00"

    @pytest.mark.parametrize(("role", "status"), NOT_MANAGERS)
    def test_others_may_not_edit(self, as_person, mentoring, role, status):
        pairing = mentoring.active
        client = as_person(person(mentoring, role))
        page = url("pairing-edit", pairing.pk)
        before = snapshot(pairing)
        assert client.get(page).status_code == status
        assert client.post(page, edit_data(pairing, goals="改掉")).status_code == status
        assert snapshot(pairing) == before

    def test_an_ended_pairing_is_not_edited(self, as_person, mentoring):
        pairing = mentoring.active
        services.pairing_terminate(pairing_id=pairing.pk, by=mentoring.lead_a, reason="调离")
        before = snapshot(pairing)
        client = as_person(mentoring.lead_a)
        # The form is not offered: the pairing page says why.
        response = client.get(url("pairing-edit", pairing.pk), follow=True)
        assert response.redirect_chain[-1][0] == url("pairing-detail", pairing.pk)
        assert zh("This pairing has ended.") in response.content.decode()
        response = client.post(url("pairing-edit", pairing.pk), edit_data(pairing, goals="改"))
        assert response.status_code == 302
        assert snapshot(pairing) == before

    def test_an_end_before_the_start_is_refused(self, as_person, mentoring):
        pairing = mentoring.proposed
        before = snapshot(pairing)
        response = as_person(mentoring.lead_a).post(
            url("pairing-edit", pairing.pk),
            edit_data(pairing, planned_end_on=iso(pairing.starts_on - datetime.timedelta(days=1))),
        )
        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "planned_end_on",
            zh("The planned end comes after the start."),
        )
        assert snapshot(pairing) == before


# --- Activate, extend, terminate ----------------------------------------------------


class TestActivate:
    @pytest.mark.parametrize("role", ["lead", "official"])
    def test_a_manager_activates_with_the_agreement_date(self, as_person, mentoring, role):
        pairing = mentoring.proposed
        by = person(mentoring, role)

        response = as_person(by).post(
            url("pairing-activate", pairing.pk),
            {"agreement_signed_on": iso(days_ago(1))},
            follow=True,
        )

        assert response.redirect_chain == [(url("pairing-detail", pairing.pk), 302)]
        assert response.status_code == 200
        assert zh("The pairing is active.") in response.content.decode()
        pairing.refresh_from_db()
        assert (pairing.status, pairing.agreement_signed_on) == (Status.ACTIVE, days_ago(1))
        event = pairing.events.latest("at")
        assert (event.from_state, event.to_state, event.actor) == ("proposed", "active", by)

    @pytest.mark.parametrize(("role", "status"), NOT_MANAGERS_OF_PROPOSED)
    def test_others_may_not_activate(self, as_person, mentoring, role, status):
        pairing = mentoring.proposed
        before = snapshot(pairing)
        response = as_person(person(mentoring, role)).post(
            url("pairing-activate", pairing.pk), {"agreement_signed_on": iso(today())}
        )
        assert response.status_code == status
        assert snapshot(pairing) == before

    def test_it_is_a_post(self, as_person, mentoring):
        page = url("pairing-activate", mentoring.proposed.pk)
        assert as_person(mentoring.lead_a).get(page).status_code == 405

    def test_without_an_agreement_date_it_is_refused(self, as_person, mentoring):
        pairing = mentoring.proposed
        before = snapshot(pairing)
        action = url("pairing-activate", pairing.pk)

        response = as_person(mentoring.lead_a).post(action, {"agreement_signed_on": ""})

        assert response.status_code == 400
        error_beside(
            form_of(response.content.decode(), action),
            "agreement_signed_on",
            zh("Record the date the agreement was signed first."),
        )
        assert snapshot(pairing) == before

    def test_an_agreement_signed_tomorrow_is_refused(self, as_person, mentoring):
        pairing = mentoring.proposed
        action = url("pairing-activate", pairing.pk)
        response = as_person(mentoring.lead_a).post(
            action, {"agreement_signed_on": iso(days_ago(-1))}
        )
        assert response.status_code == 400
        error_beside(
            form_of(response.content.decode(), action),
            "agreement_signed_on",
            zh("This date has not come yet."),
        )
        pairing.refresh_from_db()
        assert pairing.status == Status.PROPOSED

    def test_a_mentor_with_a_full_roster_is_refused(self, as_person, mentoring):
        m = mentoring
        for _ in range(4):  # member_a already mentors one active apprentice
            apprentice = PersonFactory(org_unit=m.org.team_a101)
            m.pair(m.lead_a, m.member_a, apprentice, m.dust)
        pairing = m.proposed
        before = snapshot(pairing)
        action = url("pairing-activate", pairing.pk)

        response = as_person(m.lead_a).post(action, {"agreement_signed_on": iso(today())})

        assert response.status_code == 400
        form_error(
            form_of(response.content.decode(), action),
            zh(
                "%(mentor)s already has %(count)s active apprentices (the limit is %(cap)s).",
                mentor=m.member_a.full_name,
                count=5,
                cap=5,
            ),
        )
        assert snapshot(pairing) == before


class TestExtend:
    @pytest.mark.parametrize("role", ["lead", "official"])
    def test_a_manager_extends_the_term_with_a_reason(self, as_person, mentoring, role):
        pairing = mentoring.active
        previous = pairing.planned_end_on
        later = previous + datetime.timedelta(days=90)
        by = person(mentoring, role)

        response = as_person(by).post(
            url("pairing-extend", pairing.pk),
            {"planned_end_on": iso(later), "reason": "徒弟受伤休养三个月"},
            follow=True,
        )

        assert response.redirect_chain == [(url("pairing-detail", pairing.pk), 302)]
        html = response.content.decode()
        assert zh("The term has been extended.") in html
        assert "徒弟受伤休养三个月" in html
        pairing.refresh_from_db()
        assert pairing.planned_end_on == later
        extension = Extension.objects.get(pairing=pairing)
        assert (extension.previous_end_on, extension.new_end_on, extension.by) == (
            previous,
            later,
            by,
        )

    @pytest.mark.parametrize(("role", "status"), NOT_MANAGERS)
    def test_others_may_not_extend(self, as_person, mentoring, role, status):
        pairing = mentoring.active
        before = snapshot(pairing)
        response = as_person(person(mentoring, role)).post(
            url("pairing-extend", pairing.pk), {"planned_end_on": "2099-01-01", "reason": "想延"}
        )
        assert response.status_code == status
        assert snapshot(pairing) == before

    def test_without_a_reason_it_is_refused(self, as_person, mentoring):
        pairing = mentoring.active
        before = snapshot(pairing)
        action = url("pairing-extend", pairing.pk)
        later = pairing.planned_end_on + datetime.timedelta(days=30)

        response = as_person(mentoring.lead_a).post(
            action, {"planned_end_on": iso(later), "reason": "  "}
        )

        assert response.status_code == 400
        error_beside(
            form_of(response.content.decode(), action), "reason", zh("This field is required.")
        )
        assert snapshot(pairing) == before

    def test_an_earlier_end_is_refused(self, as_person, mentoring):
        pairing = mentoring.active
        before = snapshot(pairing)
        action = url("pairing-extend", pairing.pk)
        earlier = pairing.planned_end_on - datetime.timedelta(days=30)

        response = as_person(mentoring.lead_a).post(
            action, {"planned_end_on": iso(earlier), "reason": "提前"}
        )

        assert response.status_code == 400
        error_beside(
            form_of(response.content.decode(), action),
            "planned_end_on",
            zh("The new end comes after %(end)s.", end=pairing.planned_end_on),
        )
        assert snapshot(pairing) == before


class TestTerminate:
    @pytest.mark.parametrize("role", ["lead", "official"])
    def test_a_manager_terminates_with_a_reason(self, as_person, mentoring, role):
        pairing = mentoring.active
        by = person(mentoring, role)

        response = as_person(by).post(
            url("pairing-terminate", pairing.pk), {"reason": "师傅调离本单位"}, follow=True
        )

        assert response.redirect_chain == [(url("pairing-detail", pairing.pk), 302)]
        html = response.content.decode()
        assert zh("The pairing has been terminated.") in html
        assert "师傅调离本单位" in html  # in the status history
        pairing.refresh_from_db()
        assert (pairing.status, pairing.ended_on) == (Status.TERMINATED, today())
        event = pairing.events.latest("at")
        assert (event.to_state, event.note, event.actor) == ("terminated", "师傅调离本单位", by)
        # an ended pairing offers no more actions
        assert f'action="{url("pairing-terminate", pairing.pk)}"' not in html

    def test_a_proposed_pairing_may_be_withdrawn(self, as_person, mentoring):
        pairing = mentoring.proposed
        as_person(mentoring.lead_a).post(url("pairing-terminate", pairing.pk), {"reason": "不合适"})
        pairing.refresh_from_db()
        assert pairing.status == Status.TERMINATED

    @pytest.mark.parametrize(("role", "status"), NOT_MANAGERS)
    def test_others_may_not_terminate(self, as_person, mentoring, role, status):
        pairing = mentoring.active
        before = snapshot(pairing)
        response = as_person(person(mentoring, role)).post(
            url("pairing-terminate", pairing.pk), {"reason": "不想学了"}
        )
        assert response.status_code == status
        assert snapshot(pairing) == before

    def test_without_a_reason_it_is_refused(self, as_person, mentoring):
        pairing = mentoring.active
        before = snapshot(pairing)
        action = url("pairing-terminate", pairing.pk)

        response = as_person(mentoring.lead_a).post(action, {"reason": ""})

        assert response.status_code == 400
        html = response.content.decode()
        error_beside(form_of(html, action), "reason", zh("This field is required."))
        # only the terminate form is marked, not the extend form's own reason
        assert "invalid-feedback" not in form_of(html, url("pairing-extend", pairing.pk))
        assert snapshot(pairing) == before

    @pytest.mark.parametrize("action", ["pairing-terminate", "pairing-extend"])
    def test_a_mentor_with_an_incomplete_form_still_gets_403(self, as_person, mentoring, action):
        pairing = mentoring.active
        before = snapshot(pairing)
        response = as_person(mentoring.member_a).post(url(action, pairing.pk), {"reason": ""})
        assert response.status_code == 403
        assert snapshot(pairing) == before

    def test_an_ended_pairing_cannot_be_terminated_again(self, as_person, mentoring):
        pairing = mentoring.active
        client = as_person(mentoring.lead_a)
        client.post(url("pairing-terminate", pairing.pk), {"reason": "调离"})
        before = snapshot(pairing)
        response = client.post(url("pairing-terminate", pairing.pk), {"reason": "再次"})
        assert response.status_code == 400
        assert snapshot(pairing) == before
