"""Mentor–apprentice pages for every role: the pairing list with its filters and
the at-risk badge, "my apprenticeship" and "my apprentices", proposing and
editing a pairing, activating, extending and terminating it, the plan, sessions
and evaluations — who may open each page (200), who sees the pairing but may not
act (403), who lies outside its scope (404), and what a wrong entry shows (400,
the message beside its field, nothing saved)."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from PIL import Image

from accounts.models import SkillLevel
from apprenticeships import services
from apprenticeships.models import (
    Attendance,
    Evaluation,
    Extension,
    Milestone,
    Pairing,
    PairingEvent,
    Session,
)
from core.attachments import attachments_of
from core.models import Attachment
from tests.apprenticeships.conftest import SCORES, days_ago
from tests.factories import PersonFactory
from tests.page_html import error_beside, form_of, page_form

pytestmark = pytest.mark.django_db

LIST = reverse("apprenticeships:pairing-list")
MINE = reverse("apprenticeships:my-apprenticeship")
MENTORING = reverse("apprenticeships:my-apprentices")
NEW = reverse("apprenticeships:pairing-create")
SESSION_NEW = reverse("apprenticeships:session-create")
LOGIN = reverse("accounts:login")
HTMX = {"HX-Request": "true"}

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
# The plan and evaluations: the mentor and those who run the pairing.
NOT_PLANNERS = [("apprentice", 403), ("official_b", 404), ("worker", 404)]
# Marking a step done: the apprentice and the mentor only.
NOT_MENTOR_OR_APPRENTICE = [("lead", 403), ("official", 403), ("official_b", 404), ("worker", 404)]
# Confirming a session: the apprentice who was there only.
NOT_PRESENT = [
    ("mentor", 403),
    ("lead", 403),
    ("official", 403),
    ("official_b", 404),
    ("worker", 404),
    ("apprentice_2", 404),
]


# --- Helpers ------------------------------------------------------------------------


def url(name, pk) -> str:
    return reverse(f"apprenticeships:{name}", args=[pk])


def chinese(message: str, **values) -> str:
    """A message as a Chinese reader gets it."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % values if values else text


def zh(message: str, **values) -> str:
    """A message as the Chinese page shows it (HTML-escaped)."""
    return escape(chinese(message, **values))


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def message_levels(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


def today() -> datetime.date:
    return timezone.localdate()


def iso(day: datetime.date) -> str:
    return day.isoformat()


def jpeg(name="现场照片.jpg") -> SimpleUploadedFile:
    """A tiny but real phone photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def form_error(form_html: str, message: str) -> None:
    """`message` is shown at the top of the form (a refusal of the whole entry)."""
    assert '<div class="alert alert-danger" role="alert">' in form_html
    assert f"<div>{message}</div>" in form_html


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def person(m, role):
    """The cast of the `mentoring` fixture by the part each plays for its
    `active` pairing (member_a mentors apprentice_a in the dust studio of
    company A, led by lead_a) and its `proposed` one (apprentice_a2)."""
    return {
        "lead": m.lead_a,
        "official": m.org.official_a,
        "group_official": m.org.group_official,
        "official_b": m.org.official_b,
        "mentor": m.member_a,
        "apprentice": m.apprentice_a,
        "apprentice_2": m.apprentice_a2,
        "worker": m.org.worker_a,
        "admin": m.org.admin,
    }[role]


def assert_sent_to_login(response, page):
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "next=" in response.url
    assert page.split("?")[0] in response.url.replace("%2F", "/")


def snapshot(pairing) -> tuple:
    pairing.refresh_from_db()
    return (
        pairing.status,
        pairing.planned_end_on,
        pairing.agreement_signed_on,
        pairing.ended_on,
        pairing.goals,
        pairing.events.count(),
        pairing.extensions.count(),
    )


# --- Anonymous visitors -------------------------------------------------------------


class TestAnonymous:
    def test_every_page_sends_to_the_login(self, client, mentoring):
        step = services.milestone_create(
            pairing_id=mentoring.active.pk, by=mentoring.member_a, title="取样", due_on=today()
        )
        pk = mentoring.active.pk
        for page in (
            LIST,
            MINE,
            MENTORING,
            NEW,
            SESSION_NEW,
            url("pairing-detail", pk),
            url("pairing-edit", pk),
            url("milestone-create", pk),
            url("milestone-edit", step.pk),
            url("milestone-done", step.pk),
            url("evaluation-create", pk) + "?level=mentor_monthly",
        ):
            assert_sent_to_login(client.get(page), page)

    def test_every_action_sends_to_the_login_and_changes_nothing(self, client, mentoring):
        active, proposed = mentoring.active, mentoring.proposed
        step = services.milestone_create(
            pairing_id=active.pk, by=mentoring.member_a, title="取样", due_on=today()
        )
        session = services.session_log(
            by=mentoring.member_a,
            pairings=[active],
            held_on=today(),
            hours=2,
            format="on_site",
            topic="粉尘采样",
        )
        before = (snapshot(active), snapshot(proposed))
        posts = [
            (NEW, {"mentor": mentoring.member_a.pk, "apprentice": mentoring.org.worker_a.pk}),
            (url("pairing-edit", active.pk), {"goals": "改"}),
            (url("pairing-activate", proposed.pk), {"agreement_signed_on": iso(today())}),
            (url("pairing-extend", active.pk), {"planned_end_on": "2099-01-01", "reason": "x"}),
            (url("pairing-terminate", active.pk), {"reason": "x"}),
            (url("milestone-create", active.pk), {"title": "x", "due_on": iso(today())}),
            (url("milestone-edit", step.pk), {"title": "x", "due_on": iso(today())}),
            (url("milestone-done", step.pk), {"evidence": "x"}),
            (SESSION_NEW, {"pairings": [active.pk], "topic": "x"}),
            (url("session-confirm", session.pk), {}),
            (url("evaluation-create", active.pk), {"level": "mentor_monthly", **SCORES}),
        ]
        for page, data in posts:
            assert_sent_to_login(client.post(page, data), page)
        assert (snapshot(active), snapshot(proposed)) == before
        assert Pairing.objects.count() == 3
        step.refresh_from_db()
        assert (step.title, step.done_on) == ("取样", None)
        assert Milestone.objects.count() == 1
        assert Session.objects.count() == 1
        assert not Attendance.objects.filter(confirmed_at__isnull=False).exists()
        assert not Evaluation.objects.exists()


# --- The list -----------------------------------------------------------------------


class TestPairingList:
    @pytest.mark.parametrize(
        ("role", "visible"),
        [
            ("lead", {"active", "proposed"}),
            ("official", {"active", "proposed"}),
            ("group_official", {"active", "proposed", "active_b"}),
            ("admin", {"active", "proposed", "active_b"}),
            ("official_b", {"active_b"}),
            ("mentor", {"active", "proposed"}),
            ("apprentice", {"active"}),
            ("worker", set()),
        ],
    )
    def test_each_role_sees_the_pairings_in_its_scope(self, as_person, mentoring, role, visible):
        response = as_person(person(mentoring, role)).get(LIST)
        assert response.status_code == 200
        shown = set(response.context["pairings"])
        assert shown == {getattr(mentoring, name) for name in visible}
        html = response.content.decode()
        for name in ("active", "proposed", "active_b"):
            link = f'href="{url("pairing-detail", getattr(mentoring, name).pk)}"'
            assert (link in html) is (name in visible)
        if not visible:
            assert zh("No pairing matches these filters.") in html

    def test_buttons_follow_the_viewers_parts(self, as_person, mentoring):
        html = as_person(mentoring.lead_a).get(LIST).content.decode()
        assert f'href="{NEW}"' in html
        assert f'href="{MENTORING}"' not in html
        html = as_person(mentoring.member_a).get(LIST).content.decode()
        assert f'href="{MENTORING}"' in html
        assert f'href="{NEW}"' not in html
        html = as_person(mentoring.apprentice_a).get(LIST).content.decode()
        assert f'href="{MINE}"' in html
        assert f'href="{NEW}"' not in html

    def test_an_htmx_request_gets_only_the_results(self, as_person, mentoring):
        response = as_person(mentoring.lead_a).get(LIST, {"status": "proposed"}, headers=HTMX)
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert "<table" in html
        assert response.templates[0].name == ("apprenticeships/partials/pairing_results.html")
        assert list(response.context["pairings"]) == [mentoring.proposed]

    def test_filters(self, as_person, mentoring):
        client = as_person(mentoring.org.group_official)

        def shown(**params):
            response = client.get(LIST, params)
            assert response.status_code == 200
            return set(response.context["pairings"])

        m = mentoring
        assert shown(status="proposed") == {m.proposed}
        assert shown(status="active") == {m.active, m.active_b}
        assert shown(studio=m.turbine.pk) == {m.active_b}
        assert shown(org_unit=m.org.company_b.pk) == {m.active_b}
        assert shown(org_unit=m.org.company_a.pk) == {m.active, m.proposed}
        assert shown(mentor=m.member_a.pk) == {m.active, m.proposed}
        assert shown(apprentice=m.apprentice_a2.pk) == {m.proposed}
        assert shown(search=m.apprentice_b.full_name) == {m.active_b}
        assert shown(search="apprentice_a2") == {m.proposed}
        assert shown(search="汽机检修") == {m.active_b}
        assert shown(status="active", studio=m.dust.pk) == {m.active}

    def test_a_unit_outside_the_viewers_scope_lists_nothing(self, as_person, mentoring):
        response = as_person(mentoring.org.official_a).get(
            LIST, {"org_unit": mentoring.org.company_b.pk}
        )
        assert response.status_code == 200
        assert list(response.context["pairings"]) == []
        assert response.context["filterset"].errors


# --- At risk ------------------------------------------------------------------------


@pytest.fixture
def quiet(mentoring):
    """A pairing started 30 days ago with no session since: at risk."""
    apprentice = PersonFactory(employee_no="quiet", org_unit=mentoring.org.team_a101)
    return mentoring.pair(
        mentoring.lead_a, mentoring.member_a, apprentice, mentoring.dust, started=30
    )


class TestAtRisk:
    def test_badge_on_the_list_for_the_quiet_pairing_only(self, as_person, mentoring, quiet):
        response = as_person(mentoring.lead_a).get(LIST)
        html = response.content.decode()
        rows = {row.pk: row.at_risk for row in response.context["pairings"]}
        assert rows == {quiet.pk: True, mentoring.active.pk: False, mentoring.proposed.pk: False}
        assert html.count('data-testid="at-risk"') == 1
        row = html[html.index(f'href="{url("pairing-detail", quiet.pk)}"') :]
        row = row[: row.index("</tr>")]
        assert 'data-testid="at-risk"' in row
        assert zh("At risk") in row

    def test_badge_and_reason_on_the_detail_page(self, as_person, mentoring, quiet):
        client = as_person(mentoring.lead_a)
        html = client.get(url("pairing-detail", quiet.pk)).content.decode()
        assert 'data-testid="at-risk"' in html
        assert zh("No session for 21 days or more.") in html

        html = client.get(url("pairing-detail", mentoring.active.pk)).content.decode()
        assert 'data-testid="at-risk"' not in html
        assert zh("No session for 21 days or more.") not in html

    def test_a_step_past_due_puts_a_fresh_pairing_at_risk(self, as_person, mentoring):
        services.milestone_create(
            pairing_id=mentoring.active.pk, by=mentoring.member_a, title="取样", due_on=days_ago(1)
        )
        html = as_person(mentoring.lead_a).get(url("pairing-detail", mentoring.active.pk))
        html = html.content.decode()
        assert 'data-testid="at-risk"' in html
        assert zh("A step of the plan is past due.") in html

    def test_the_at_risk_filter(self, as_person, mentoring, quiet):
        response = as_person(mentoring.lead_a).get(LIST, {"at_risk": "true"})
        assert list(response.context["pairings"]) == [quiet]
        assert response.content.decode().count('data-testid="at-risk"') == 1

    def test_the_not_at_risk_filter_keeps_a_fresh_pairing(self, as_person, mentoring, quiet):
        response = as_person(mentoring.lead_a).get(LIST, {"at_risk": "false"})
        assert set(response.context["pairings"]) == {mentoring.active, mentoring.proposed}

    def test_a_session_takes_the_pairing_off_the_list(self, as_person, mentoring, quiet):
        services.session_log(
            by=mentoring.member_a,
            pairings=[quiet],
            held_on=today(),
            hours=1,
            format="theory",
            topic="安全规程",
        )
        client = as_person(mentoring.lead_a)
        assert list(client.get(LIST, {"at_risk": "true"}).context["pairings"]) == []
        html = client.get(url("pairing-detail", quiet.pk)).content.decode()
        assert 'data-testid="at-risk"' not in html

    def test_badge_on_my_apprentices(self, as_person, mentoring, quiet):
        html = as_person(mentoring.member_a).get(MENTORING).content.decode()
        assert html.count('data-testid="at-risk"') == 1


# --- My apprenticeship and my apprentices -------------------------------------------


class TestMyApprenticeship:
    def test_the_apprentice_sees_their_plan_and_sessions_to_confirm(self, as_person, mentoring):
        m = mentoring
        services.milestone_create(
            pairing_id=m.active.pk, by=m.member_a, title="粉尘采样", due_on=days_ago(-7)
        )
        session = services.session_log(
            by=m.member_a,
            pairings=[m.active],
            held_on=today(),
            hours=2,
            format="on_site",
            topic="采样器使用",
        )
        response = as_person(m.apprentice_a).get(MINE)
        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["pairings"] == [m.active]
        assert list(response.context["to_confirm"]) == [session]
        assert 'data-testid="session-to-confirm"' in html
        assert f'action="{url("session-confirm", session.pk)}"' in html
        assert 'data-testid="next-step"' in html
        assert "粉尘采样" in html

    @pytest.mark.parametrize("role", ["worker", "lead", "official", "mentor"])
    def test_someone_who_is_no_apprentice_sees_an_empty_page(self, as_person, mentoring, role):
        response = as_person(person(mentoring, role)).get(MINE)
        assert response.status_code == 200
        assert response.context["pairings"] == []
        assert zh("You are not an apprentice in any pairing.") in response.content.decode()


class TestMyApprentices:
    def test_the_mentor_sees_each_apprentice_and_the_log_button(self, as_person, mentoring):
        response = as_person(mentoring.member_a).get(MENTORING)
        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["pairings"] == [mentoring.active, mentoring.proposed]
        assert html.count('data-testid="apprentice-card"') == 2
        assert mentoring.apprentice_a.full_name in html
        assert f'href="{SESSION_NEW}"' in html

    @pytest.mark.parametrize("role", ["worker", "lead", "official", "apprentice"])
    def test_someone_who_mentors_nobody_sees_an_empty_page(self, as_person, mentoring, role):
        response = as_person(person(mentoring, role)).get(MENTORING)
        assert response.status_code == 200
        assert response.context["pairings"] == []
        html = response.content.decode()
        assert zh("You have no apprentices yet.") in html
        assert f'href="{SESSION_NEW}"' not in html


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


# --- The plan -----------------------------------------------------------------------


@pytest.fixture
def step(mentoring):
    return services.milestone_create(
        pairing_id=mentoring.active.pk,
        by=mentoring.member_a,
        title="独立完成粉尘采样",
        due_on=days_ago(-14),
        skill="粉尘检测",
        method="现场示范",
    )


class TestMilestoneCreate:
    @pytest.mark.parametrize("role", ["mentor", "lead", "official"])
    def test_the_mentor_and_the_managers_add_a_step(self, as_person, mentoring, step, role):
        pairing = mentoring.active
        client = as_person(person(mentoring, role))
        assert client.get(url("milestone-create", pairing.pk)).status_code == 200

        response = client.post(
            url("milestone-create", pairing.pk),
            {"title": "掌握测尘仪校准", "skill": "", "method": "", "due_on": iso(days_ago(-30))},
            follow=True,
        )

        assert response.redirect_chain == [(url("pairing-detail", pairing.pk) + "#plan", 302)]
        html = response.content.decode()
        assert zh("The step has been added to the plan.") in html
        assert "掌握测尘仪校准" in html
        added = Milestone.objects.get(title="掌握测尘仪校准")
        assert (added.pairing, added.position, added.due_on) == (pairing, 1, days_ago(-30))

    @pytest.mark.parametrize(("role", "status"), NOT_PLANNERS)
    def test_others_may_not_add_a_step(self, as_person, mentoring, role, status):
        page = url("milestone-create", mentoring.active.pk)
        client = as_person(person(mentoring, role))
        assert client.get(page).status_code == status
        assert client.post(page, {"title": "x", "due_on": iso(today())}).status_code == status
        assert not Milestone.objects.exists()

    def test_a_step_needs_a_title_and_a_date(self, as_person, mentoring):
        page = url("milestone-create", mentoring.active.pk)
        response = as_person(mentoring.member_a).post(page, {"title": "", "due_on": ""})
        assert response.status_code == 400
        html = page_form(response.content.decode())
        error_beside(html, "title", zh("This field is required."))
        error_beside(html, "due_on", zh("This field is required."))
        assert not Milestone.objects.exists()


class TestMilestoneEdit:
    @pytest.mark.parametrize("role", ["mentor", "lead", "official"])
    def test_the_mentor_and_the_managers_edit_a_step(self, as_person, mentoring, step, role):
        client = as_person(person(mentoring, role))
        page = url("milestone-edit", step.pk)
        assert client.get(page).status_code == 200

        response = client.post(
            page,
            {
                "title": "独立完成呼吸性粉尘采样",
                "skill": step.skill,
                "method": step.method,
                "due_on": iso(step.due_on),
            },
            follow=True,
        )

        assert response.redirect_chain == [
            (url("pairing-detail", mentoring.active.pk) + "#plan", 302)
        ]
        assert zh("The step has been saved.") in response.content.decode()
        step.refresh_from_db()
        assert step.title == "独立完成呼吸性粉尘采样"

    @pytest.mark.parametrize(("role", "status"), NOT_PLANNERS)
    def test_others_may_not_edit_a_step(self, as_person, mentoring, step, role, status):
        page = url("milestone-edit", step.pk)
        client = as_person(person(mentoring, role))
        assert client.get(page).status_code == status
        data = {"title": "改", "due_on": iso(step.due_on)}
        assert client.post(page, data).status_code == status
        step.refresh_from_db()
        assert step.title == "独立完成粉尘采样"

    def test_an_empty_title_is_refused(self, as_person, mentoring, step):
        page = url("milestone-edit", step.pk)
        response = as_person(mentoring.member_a).post(
            page, {"title": "", "due_on": iso(step.due_on)}
        )
        assert response.status_code == 400
        error_beside(page_form(response.content.decode()), "title", zh("This field is required."))
        step.refresh_from_db()
        assert step.title == "独立完成粉尘采样"


class TestMilestoneDone:
    @pytest.mark.parametrize("role", ["apprentice", "mentor"])
    def test_the_apprentice_or_mentor_marks_a_step_done_in_words(
        self, as_person, mentoring, step, role
    ):
        client = as_person(person(mentoring, role))
        page = url("milestone-done", step.pk)
        response = client.get(page)
        assert response.status_code == 200
        assert 'enctype="multipart/form-data"' in response.content.decode()

        response = client.post(
            page, {"evidence": "独立采样三次，数据合格", "done_on": ""}, follow=True
        )

        assert response.redirect_chain == [
            (url("pairing-detail", mentoring.active.pk) + "#plan", 302)
        ]
        html = response.content.decode()
        assert zh("Well done: the step is marked done.") in html
        assert 'data-testid="milestone-done"' in html
        step.refresh_from_db()
        assert (step.done_on, step.evidence) == (today(), "独立采样三次，数据合格")

    def test_a_photo_alone_is_evidence(self, as_person, mentoring, step, media):
        response = as_person(mentoring.apprentice_a).post(
            url("milestone-done", step.pk), {"evidence": "", "photo": jpeg()}, follow=True
        )
        assert zh("Well done: the step is marked done.") in response.content.decode()
        step.refresh_from_db()
        assert step.done_on == today()
        attachment = attachments_of(step).get()
        assert (attachment.is_image, attachment.uploaded_by) == (True, mentoring.apprentice_a)
        assert reverse("attachment-download", args=[attachment.pk]) in response.content.decode()

    def test_the_evidence_photo_is_downloaded_only_within_scope(
        self, as_person, mentoring, step, media
    ):
        services.milestone_mark_done(milestone_id=step.pk, by=mentoring.apprentice_a, upload=jpeg())
        download = reverse("attachment-download", args=[attachments_of(step).get().pk])
        for role in ("apprentice", "mentor", "lead", "official"):
            assert as_person(person(mentoring, role)).get(download).status_code == 200
        for role in ("official_b", "worker", "apprentice_2"):
            assert as_person(person(mentoring, role)).get(download).status_code == 404

    def test_a_date_earlier_this_term(self, as_person, mentoring, step):
        as_person(mentoring.apprentice_a).post(
            url("milestone-done", step.pk), {"evidence": "完成", "done_on": iso(days_ago(3))}
        )
        step.refresh_from_db()
        assert step.done_on == days_ago(3)

    @pytest.mark.parametrize(("role", "status"), NOT_MENTOR_OR_APPRENTICE)
    def test_others_may_not_mark_it_done(self, as_person, mentoring, step, role, status):
        page = url("milestone-done", step.pk)
        client = as_person(person(mentoring, role))
        assert client.get(page).status_code == status
        assert client.post(page, {"evidence": "完成"}).status_code == status
        step.refresh_from_db()
        assert step.done_on is None

    def test_no_evidence_and_no_photo_is_refused(self, as_person, mentoring, step):
        response = as_person(mentoring.apprentice_a).post(
            url("milestone-done", step.pk), {"evidence": "  ", "done_on": ""}
        )
        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "evidence",
            zh("Say what shows the step is done, or attach a file."),
        )
        step.refresh_from_db()
        assert (step.done_on, step.evidence) == (None, "")

    def test_a_date_in_the_future_is_refused(self, as_person, mentoring, step):
        response = as_person(mentoring.apprentice_a).post(
            url("milestone-done", step.pk), {"evidence": "完成", "done_on": iso(days_ago(-2))}
        )
        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "done_on",
            zh("The date lies between the start of the term and today."),
        )
        step.refresh_from_db()
        assert step.done_on is None

    def test_a_program_renamed_to_jpg_is_refused_and_nothing_saved(
        self, as_person, mentoring, step, media
    ):
        fake = SimpleUploadedFile("现场照片.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "image/jpeg")

        response = as_person(mentoring.apprentice_a).post(
            url("milestone-done", step.pk), {"evidence": "完成采样", "photo": fake}
        )

        assert response.status_code == 400
        form = response.context["form"]
        message = zh("This kind of file is not accepted (photos, PDF, drawings, Office).")
        assert message in page_form(response.content.decode())
        assert [escape(e) for e in form.non_field_errors()] == [message]
        step.refresh_from_db()
        assert (step.done_on, step.evidence) == (None, "")
        assert not Attachment.objects.exists()
        assert not media.exists() or files_under(media) == []

    def test_a_photo_over_the_size_limit_is_refused_and_nothing_saved(
        self, as_person, mentoring, step, media, settings
    ):
        settings.UPLOAD_MAX_BYTES = 200
        photo = jpeg()
        assert photo.size > 200

        response = as_person(mentoring.apprentice_a).post(
            url("milestone-done", step.pk), {"evidence": "完成采样", "photo": photo}
        )

        assert response.status_code == 400
        with translation.override("zh-hans"):
            limit = filesizeformat(200)
        message = zh("The file is larger than %(limit)s.", limit=limit)
        assert message in page_form(response.content.decode())
        step.refresh_from_db()
        assert step.done_on is None
        assert not Attachment.objects.exists()
        assert not media.exists() or files_under(media) == []

    def test_a_step_already_done_is_not_done_again(self, as_person, mentoring, step):
        client = as_person(mentoring.apprentice_a)
        client.post(
            url("milestone-done", step.pk), {"evidence": "第一次", "done_on": iso(days_ago(2))}
        )
        response = client.post(url("milestone-done", step.pk), {"evidence": "第二次"})
        assert response.status_code == 400
        form_error(page_form(response.content.decode()), zh("This step is already done."))
        step.refresh_from_db()
        assert (step.done_on, step.evidence) == (days_ago(2), "第一次")


# --- Sessions -----------------------------------------------------------------------


def session_data(*pairings, **overrides) -> dict:
    return {
        "pairings": [pairing.pk for pairing in pairings],
        "held_on": iso(today()),
        "hours": "2",
        "format": "on_site",
        "topic": "呼吸性粉尘采样实操",
        "notes": "",
        **overrides,
    }


@pytest.fixture
def second(mentoring):
    """member_a's second active apprentice (for a group session)."""
    apprentice = PersonFactory(employee_no="apprentice_a3", org_unit=mentoring.org.team_a101)
    return mentoring.pair(mentoring.lead_a, mentoring.member_a, apprentice, mentoring.dust)


class TestSessionLog:
    def test_the_mentor_logs_a_group_session(self, as_person, mentoring, second):
        client = as_person(mentoring.member_a)
        form = client.get(SESSION_NEW, {"pairing": mentoring.active.pk}).context["form"]
        # only their active pairings are offered (not the proposed one)
        assert set(form.fields["pairings"].queryset) == {mentoring.active, second}
        assert form.initial["pairings"] == [str(mentoring.active.pk)]

        response = client.post(SESSION_NEW, session_data(mentoring.active, second), follow=True)

        assert response.redirect_chain == [(MENTORING, 302)]
        assert zh("The session has been logged.") in response.content.decode()
        session = Session.objects.get()
        assert (session.mentor, session.held_on, session.topic) == (
            mentoring.member_a,
            today(),
            "呼吸性粉尘采样实操",
        )
        assert set(session.attendances.values_list("pairing", "confirmed_at")) == {
            (mentoring.active.pk, None),
            (second.pk, None),
        }

    def test_a_malformed_or_foreign_pairing_in_the_address_preticks_nothing(
        self, as_person, mentoring
    ):
        client = as_person(mentoring.member_a)
        for value in ("abc", str(mentoring.active_b.pk)):
            response = client.get(SESSION_NEW, {"pairing": value})
            assert response.status_code == 200
            assert "checked" not in page_form(response.content.decode())
            assert mentoring.apprentice_b.full_name not in response.content.decode()

    @pytest.mark.parametrize("role", ["lead", "official", "apprentice", "worker"])
    def test_someone_with_no_active_apprentice_gets_403(self, as_person, mentoring, role):
        client = as_person(person(mentoring, role))
        assert client.get(SESSION_NEW).status_code == 403
        assert client.post(SESSION_NEW, session_data(mentoring.active)).status_code == 403
        assert not Session.objects.exists()

    def test_another_mentors_apprentice_is_not_offered(self, as_person, mentoring):
        response = as_person(mentoring.member_a).post(
            SESSION_NEW, session_data(mentoring.active, mentoring.active_b)
        )
        assert response.status_code == 400
        assert "pairings" in response.context["form"].errors
        assert not Session.objects.exists()

    def test_no_apprentice_ticked_is_refused(self, as_person, mentoring):
        response = as_person(mentoring.member_a).post(SESSION_NEW, session_data())
        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()), "pairings", zh("This field is required.")
        )
        assert not Session.objects.exists()

    def test_a_session_in_the_future_is_refused(self, as_person, mentoring):
        data = session_data(mentoring.active, held_on=iso(days_ago(-1)))
        response = as_person(mentoring.member_a).post(SESSION_NEW, data)
        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "held_on",
            zh("A session is logged once it has taken place."),
        )
        assert not Session.objects.exists()
        assert not Attendance.objects.exists()


@pytest.fixture
def session(mentoring):
    return services.session_log(
        by=mentoring.member_a,
        pairings=[mentoring.active],
        held_on=days_ago(1),
        hours=2,
        format="on_site",
        topic="呼吸性粉尘采样实操",
    )


class TestSessionConfirm:
    def test_the_apprentice_confirms_from_their_page(self, as_person, mentoring, session):
        client = as_person(mentoring.apprentice_a)

        response = client.post(url("session-confirm", session.pk), follow=True)

        assert response.redirect_chain == [(MINE, 302)]
        html = response.content.decode()
        assert zh("Thank you: the session is confirmed.") in html
        assert 'data-testid="session-to-confirm"' not in html
        attendance = Attendance.objects.get(session=session)
        assert attendance.confirmed_at is not None

    def test_the_apprentice_confirms_from_the_pairing_page(self, as_person, mentoring, session):
        client = as_person(mentoring.apprentice_a)
        detail = url("pairing-detail", mentoring.active.pk)
        assert (
            f'action="{url("session-confirm", session.pk)}"' in client.get(detail).content.decode()
        )

        response = client.post(
            url("session-confirm", session.pk), {"next": f"{detail}#sessions"}, follow=True
        )

        assert response.redirect_chain == [(f"{detail}#sessions", 302)]
        html = response.content.decode()
        assert zh("Confirmed by the apprentice") in html
        assert Attendance.objects.get(session=session).confirmed_at is not None

    def test_confirming_twice_says_so(self, as_person, mentoring, session):
        client = as_person(mentoring.apprentice_a)
        client.post(url("session-confirm", session.pk), follow=True)
        first = Attendance.objects.get(session=session).confirmed_at
        response = client.post(url("session-confirm", session.pk))
        assert response.status_code == 302
        assert message_texts(response) == [chinese("You have already confirmed this session.")]
        assert message_levels(response) == ["error"]
        assert Attendance.objects.get(session=session).confirmed_at == first

    @pytest.mark.parametrize(("role", "status"), NOT_PRESENT)
    def test_only_the_apprentice_present_confirms(
        self, as_person, mentoring, session, role, status
    ):
        response = as_person(person(mentoring, role)).post(url("session-confirm", session.pk))
        assert response.status_code == status
        assert Attendance.objects.get(session=session).confirmed_at is None

    def test_it_is_a_post(self, as_person, mentoring, session):
        client = as_person(mentoring.apprentice_a)
        assert client.get(url("session-confirm", session.pk)).status_code == 405

    def test_it_never_sends_the_apprentice_to_another_site(self, as_person, mentoring, session):
        response = as_person(mentoring.apprentice_a).post(
            url("session-confirm", session.pk), {"next": "https://evil.example.com/login"}
        )
        assert response.status_code == 302
        assert not response.url.startswith("https://evil.example.com")
        assert not response.url.startswith("//")


# --- Evaluations --------------------------------------------------------------------


@pytest.fixture
def long_running(mentoring):
    """member_a and a third apprentice, started 200 days ago: every period of
    the last months and this quarter lies within the term."""
    apprentice = PersonFactory(
        employee_no="apprentice_long",
        org_unit=mentoring.org.team_a101,
        skill_level=SkillLevel.JUNIOR,
    )
    return mentoring.pair(
        mentoring.lead_a, mentoring.member_a, apprentice, mentoring.dust, started=200
    )


def this_month() -> str:
    return today().strftime("%Y-%m")


def this_quarter() -> str:
    return f"{today().year}-Q{(today().month - 1) // 3 + 1}"


def evaluation_data(level, period="", **overrides) -> dict:
    return {
        "level": level,
        "period": period,
        "evaluated_on": "",
        "comment": "",
        **SCORES,
        **overrides,
    }


class TestEvaluations:
    @pytest.mark.parametrize(
        ("role", "level", "period"),
        [
            ("mentor", Level.MENTOR_MONTHLY, this_month),
            ("lead", Level.DEPARTMENT_QUARTERLY, this_quarter),
            ("official", Level.DEPARTMENT_QUARTERLY, this_quarter),
            ("official", Level.UNIT_YEARLY, lambda: str(today().year)),
        ],
    )
    def test_each_level_by_its_evaluator(
        self, as_person, mentoring, long_running, role, level, period
    ):
        by = person(mentoring, role)
        page = url("evaluation-create", long_running.pk)
        client = as_person(by)
        response = client.get(page, {"level": level})
        assert response.status_code == 200
        assert response.context["form"].initial["level"] == level

        data = evaluation_data(level, period(), comment="进步明显")
        response = client.post(page, data, follow=True)

        assert response.redirect_chain == [
            (url("pairing-detail", long_running.pk) + "#evaluations", 302)
        ]
        html = response.content.decode()
        assert zh("The evaluation has been recorded.") in html
        assert 'data-testid="evaluation"' in html
        evaluation = Evaluation.objects.get(pairing=long_running)
        assert (evaluation.level, evaluation.period, evaluation.evaluator) == (level, period(), by)
        assert (evaluation.evaluated_on, evaluation.theory) == (today(), SCORES["theory"])

    def test_a_passed_final_appraisal_completes_the_pairing(
        self, as_person, mentoring, long_running
    ):
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(
            Level.FINAL, outcome="passed", skill_level_reached=SkillLevel.INTERMEDIATE
        )

        response = as_person(mentoring.org.official_a).post(page, data, follow=True)

        assert zh("The evaluation has been recorded.") in response.content.decode()
        long_running.refresh_from_db()
        assert (long_running.status, long_running.ended_on) == (Status.COMPLETED, today())
        evaluation = Evaluation.objects.get(pairing=long_running)
        assert (evaluation.outcome, evaluation.period) == ("passed", iso(today()))
        long_running.apprentice.refresh_from_db()
        assert long_running.apprentice.skill_level == SkillLevel.INTERMEDIATE

    @pytest.mark.parametrize(("role", "status"), NOT_PLANNERS)
    def test_others_may_not_evaluate(self, as_person, mentoring, role, status):
        page = url("evaluation-create", mentoring.active.pk)
        client = as_person(person(mentoring, role))
        assert client.get(page, {"level": Level.MENTOR_MONTHLY}).status_code == status
        data = evaluation_data(Level.MENTOR_MONTHLY, this_month())
        assert client.post(page, data).status_code == status
        assert not Evaluation.objects.exists()

    def test_a_proposed_pairing_is_not_evaluated(self, as_person, mentoring):
        page = url("evaluation-create", mentoring.proposed.pk)
        client = as_person(mentoring.org.official_a)
        response = client.get(page, follow=True)
        assert response.redirect_chain[-1][0].startswith(
            url("pairing-detail", mentoring.proposed.pk)
        )
        assert zh("Only an active pairing is evaluated.") in response.content.decode()
        assert response.context["evaluation_levels"] == []
        data = evaluation_data(Level.UNIT_YEARLY)
        assert client.post(page, data).status_code == 302
        assert not Evaluation.objects.exists()

    def test_the_mentor_may_not_record_the_final_appraisal(
        self, as_person, mentoring, long_running
    ):
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(Level.FINAL, outcome="passed", skill_level_reached="senior")
        response = as_person(mentoring.member_a).post(page, data)
        assert response.status_code == 400
        assert "level" in response.context["form"].errors
        assert not Evaluation.objects.exists()
        long_running.refresh_from_db()
        assert long_running.status == Status.ACTIVE

    def test_a_malformed_period_is_refused(self, as_person, mentoring, long_running):
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(Level.MENTOR_MONTHLY, today().strftime("%Y/%m"))
        response = as_person(mentoring.member_a).post(page, data)
        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "period",
            zh("Write the period like %(example)s.", example="2026-10"),
        )
        assert not Evaluation.objects.exists()

    def test_a_period_evaluated_before_is_refused(self, as_person, mentoring, long_running):
        services.evaluation_record(
            pairing_id=long_running.pk,
            by=mentoring.member_a,
            level=Level.MENTOR_MONTHLY,
            period=this_month(),
            **SCORES,
        )
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(Level.MENTOR_MONTHLY, this_month(), theory=95)

        response = as_person(mentoring.member_a).post(page, data)

        assert response.status_code == 400
        form_error(
            page_form(response.content.decode()),
            zh("This period has already been evaluated at this level."),
        )
        assert list(Evaluation.objects.values_list("theory", flat=True)) == [SCORES["theory"]]

    def test_a_passed_final_without_the_level_reached_is_refused(
        self, as_person, mentoring, long_running
    ):
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(Level.FINAL, outcome="passed", skill_level_reached="")

        response = as_person(mentoring.org.official_a).post(page, data)

        assert response.status_code == 400
        error_beside(
            page_form(response.content.decode()),
            "skill_level_reached",
            zh("Say which skill level was reached."),
        )
        assert not Evaluation.objects.exists()
        long_running.refresh_from_db()
        assert long_running.status == Status.ACTIVE
        assert PairingEvent.objects.filter(pairing=long_running, to_state="completed").count() == 0

    def test_the_month_a_term_began_in_is_evaluated(self, as_person, mentoring):
        first = today().replace(day=1)
        previous = (first - datetime.timedelta(days=1)).replace(day=15)
        apprentice = PersonFactory(org_unit=mentoring.org.team_a101)
        pairing = mentoring.pair(
            mentoring.lead_a,
            mentoring.member_a,
            apprentice,
            mentoring.dust,
            started=(today() - previous).days,
        )
        data = evaluation_data(Level.MENTOR_MONTHLY, previous.strftime("%Y-%m"))
        response = as_person(mentoring.member_a).post(url("evaluation-create", pairing.pk), data)
        assert response.status_code == 302
        assert Evaluation.objects.filter(pairing=pairing).count() == 1

    def test_the_quarter_a_term_began_in_is_evaluated(self, as_person, mentoring):
        quarter_start = datetime.date(today().year, 3 * ((today().month - 1) // 3) + 1, 1)
        previous_start = (quarter_start - datetime.timedelta(days=1)).replace(day=1)
        previous_start = previous_start.replace(month=previous_start.month - 2)
        began = previous_start + datetime.timedelta(days=40)  # in the quarter's second month
        period = f"{previous_start.year}-Q{(previous_start.month - 1) // 3 + 1}"
        apprentice = PersonFactory(org_unit=mentoring.org.team_a101)
        pairing = mentoring.pair(
            mentoring.lead_a,
            mentoring.member_a,
            apprentice,
            mentoring.dust,
            started=(today() - began).days,
        )
        data = evaluation_data(Level.DEPARTMENT_QUARTERLY, period)
        response = as_person(mentoring.lead_a).post(url("evaluation-create", pairing.pk), data)
        assert response.status_code == 302, response.context["form"].errors
        assert Evaluation.objects.filter(pairing=pairing, period=period).count() == 1

    def test_a_score_above_100_is_refused(self, as_person, mentoring, long_running):
        page = url("evaluation-create", long_running.pk)
        data = evaluation_data(Level.MENTOR_MONTHLY, this_month(), practice=101)
        response = as_person(mentoring.member_a).post(page, data)
        assert response.status_code == 400
        assert "practice" in response.context["form"].errors
        assert not Evaluation.objects.exists()
