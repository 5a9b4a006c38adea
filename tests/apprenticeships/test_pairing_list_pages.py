"""Apprenticeship pages for finding pairings: anonymous visitors, the list,
the pairings at risk, my apprenticeship and my apprentices."""

import pytest
from django.urls import reverse

from apprenticeships import services
from apprenticeships.models import Attendance, Evaluation, Milestone, Pairing, Session
from tests.apprenticeships.conftest import SCORES, days_ago
from tests.apprenticeships.pages import (
    MENTORING,
    MINE,
    NEW,
    SESSION_NEW,
    iso,
    person,
    snapshot,
    today,
    url,
    zh,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

LIST = reverse("apprenticeships:pairing-list")

LOGIN = reverse("accounts:login")

HTMX = {"HX-Request": "true"}


def assert_sent_to_login(response, page):
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "next=" in response.url
    assert page.split("?")[0] in response.url.replace("%2F", "/")


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
