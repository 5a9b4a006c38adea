"""The apprenticeships API for pairings: anonymous callers, reading, proposing,
editing, the actions, the mentor's capacity, filters and scoped lists, with
the status codes of docs/api.md."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import SkillLevel
from apprenticeships import services
from apprenticeships.models import Attendance, Evaluation, Extension, Milestone, Pairing
from tests.api_answers import field_errors, ids, refused, results, url
from tests.apprenticeships.api import (
    DAY,
    EVALUATIONS,
    MILESTONES,
    PAIRINGS,
    READERS,
    SESSIONS,
    new_apprentice,
    sign_in,
)
from tests.apprenticeships.conftest import SCORES, days_ago, final_passed, make_plan
from tests.factories import PersonFactory
from tests.roles import person
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Level = Evaluation.Level


def snapshot(pairing) -> tuple:
    """Everything an action or an edit could change on a pairing."""
    pairing = Pairing.objects.get(pk=pairing.pk)
    return (
        pairing.status,
        pairing.starts_on,
        pairing.planned_end_on,
        pairing.ended_on,
        pairing.agreement_signed_on,
        pairing.goals,
        pairing.mentor_id,
        pairing.apprentice_id,
        pairing.studio_id,
        pairing.org_unit_id,
        pairing.events.count(),
        pairing.extensions.count(),
    )


def proposal_body(m, apprentice, **overrides) -> dict:
    """What the dust studio's leader sends to propose `member_a` as mentor."""
    return {
        "mentor_id": m.member_a.pk,
        "apprentice_id": apprentice.pk,
        "studio_id": m.dust.pk,
        "starts_on": days_ago(1).isoformat(),
        "planned_end_on": (days_ago(1) + 365 * DAY).isoformat(),
        "target_skill_level": SkillLevel.INTERMEDIATE,
        "goals": "独立完成粉尘浓度检测",
        **overrides,
    }


# --- Anonymous ----------------------------------------------------------------------


def test_anonymous_gets_401_everywhere(api, mentoring, plan):
    m = mentoring
    session = services.session_log(
        by=m.member_a, pairings=[m.active], held_on=days_ago(1), hours=2, format="theory", topic="t"
    )
    requests = [
        ("get", PAIRINGS, None),
        ("get", url(PAIRINGS, m.active), None),
        ("post", PAIRINGS, proposal_body(m, m.apprentice_a2)),
        ("patch", url(PAIRINGS, m.active), {"goals": "改"}),
        ("post", url(PAIRINGS, m.proposed, "activate"), {}),
        (
            "post",
            url(PAIRINGS, m.active, "extend"),
            {"planned_end_on": "2099-01-01", "reason": "x"},
        ),
        ("post", url(PAIRINGS, m.active, "terminate"), {"reason": "x"}),
        ("get", MILESTONES, None),
        ("post", MILESTONES, {"pairing_id": m.active.pk, "title": "x", "due_on": "2099-01-01"}),
        ("post", url(MILESTONES, plan, "mark-done"), {"evidence": "x"}),
        ("get", url(MILESTONES, plan, "attachments"), None),
        ("get", SESSIONS, None),
        ("post", url(SESSIONS, session, "confirm"), None),
        ("get", EVALUATIONS, None),
        ("post", EVALUATIONS, {"pairing_id": m.active.pk, "level": "final", **SCORES}),
    ]
    before = snapshot(m.active), snapshot(m.proposed)
    for method, path, body in requests:
        if method == "get":
            response = api.get(path)
        else:
            response = getattr(api, method)(path, body, format="json")
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "not_authenticated"
    assert (snapshot(m.active), snapshot(m.proposed)) == before
    assert not Attendance.objects.filter(confirmed_at__isnull=False).exists()
    assert not Evaluation.objects.exists()
    assert Milestone.objects.count() == 1


OUTSIDERS = ["official_b", "lead_b", "worker_a", "colleague_a", "worker_b", "apprentice_a2"]


class TestPairingRead:
    @pytest.mark.parametrize("role", READERS)
    def test_those_concerned_read_the_pairing(self, api, mentoring, role):
        m = mentoring
        body = sign_in(api, m, role).get(url(PAIRINGS, m.active)).json()
        assert body["id"] == m.active.pk
        assert (body["mentor"]["id"], body["apprentice"]["id"]) == (
            m.member_a.pk,
            m.apprentice_a.pk,
        )
        assert (body["studio"]["id"], body["org_unit"]["code"]) == (m.dust.pk, "A101")
        assert body["status"] == "active"
        assert "mentor_id" not in body and "apprentice_id" not in body  # write-only

    @pytest.mark.parametrize("role", OUTSIDERS)
    def test_outsiders_get_404(self, api, mentoring, role):
        refused(
            sign_in(api, mentoring, role).get(url(PAIRINGS, mentoring.active)), 404, "not_found"
        )

    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("lead_a", {"active", "proposed"}),
            ("official_a", {"active", "proposed"}),
            ("group_official", {"active", "proposed", "active_b"}),
            ("admin", {"active", "proposed", "active_b"}),
            ("official_b", {"active_b"}),
            ("lead_b", {"active_b"}),
            ("member_a", {"active", "proposed"}),
            ("apprentice_a", {"active"}),
            ("apprentice_a2", {"proposed"}),
            ("apprentice_b", {"active_b"}),
            ("worker_a", set()),
            ("colleague_a", set()),
            ("worker_b", set()),
        ],
    )
    def test_list_is_scoped(self, api, mentoring, role, expected):
        m = mentoring
        listed = ids(sign_in(api, m, role).get(PAIRINGS, {"page_size": 50}))
        assert listed == {getattr(m, name).pk for name in expected}

    def test_pairings_have_no_put_or_delete_405(self, api, mentoring):
        m = mentoring
        before = snapshot(m.active)
        sign_in(api, m, "official_a")
        refused(api.delete(url(PAIRINGS, m.active)), 405)
        refused(api.put(url(PAIRINGS, m.active), proposal_body(m, m.apprentice_a)), 405)
        assert snapshot(m.active) == before


# --- Pairings: proposing ------------------------------------------------------------


class TestPairingCreate:
    def test_studio_leader_proposes_a_studio_pairing(self, api, mentoring):
        m = mentoring
        apprentice = new_apprentice(m)
        sign_in(api, m, "lead_a")
        response = api.post(PAIRINGS, proposal_body(m, apprentice), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        pairing = Pairing.objects.get(pk=body["id"])
        assert (pairing.mentor, pairing.apprentice, pairing.studio) == (
            m.member_a,
            apprentice,
            m.dust,
        )
        assert (pairing.status, pairing.created_by, pairing.org_unit) == (
            "proposed",
            m.lead_a,
            m.org.team_a101,
        )
        assert body["status"] == "proposed"
        assert (body["studio"]["id"], body["org_unit"]["code"]) == (m.dust.pk, "A101")
        assert body["at_risk"] is False
        assert body["starts_on"] == pairing.starts_on.isoformat()
        events = list(pairing.events.values_list("from_state", "to_state", "actor"))
        assert events == [("", "proposed", m.lead_a.pk)]

    def test_official_proposes_a_pairing_outside_any_studio(self, api, mentoring):
        m = mentoring
        apprentice = new_apprentice(m, m.org.team_a102)
        sign_in(api, m, "official_a")
        body = proposal_body(m, apprentice, mentor_id=m.org.colleague_a.pk, studio_id=None)
        response = api.post(PAIRINGS, body, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["studio"] is None
        assert response.json()["org_unit"]["code"] == "A102"  # the apprentice's unit
        assert Pairing.objects.get(pk=response.json()["id"]).org_unit == m.org.team_a102

    @pytest.mark.parametrize("role", ["member_a", "apprentice_a", "worker_a"])
    def test_those_who_neither_lead_a_studio_nor_are_officials_get_403(self, api, mentoring, role):
        m = mentoring
        apprentice = new_apprentice(m)
        # a body they may send (people of their company, no studio): the right is what fails
        body = proposal_body(m, apprentice, mentor_id=m.org.colleague_a.pk, studio_id=None)
        refused(sign_in(api, m, role).post(PAIRINGS, body, format="json"), 403)
        assert not Pairing.objects.filter(apprentice=apprentice).exists()

    @pytest.mark.parametrize(
        ("role", "field", "overrides"),
        [
            # company B's official cannot name company A's people, units or studios
            ("official_b", "mentor_id", {"apprentice_id": "worker_b", "studio_id": None}),
            (
                "official_b",
                "apprentice_id",
                {"mentor_id": "lead_b", "apprentice_id": "worker_a", "studio_id": None},
            ),
            (
                "official_b",
                "org_unit_id",
                {
                    "mentor_id": "lead_b",
                    "apprentice_id": "worker_b",
                    "studio_id": None,
                    "org_unit_id": "company_a",
                },
            ),
            ("official_b", "studio_id", {"mentor_id": "lead_b", "apprentice_id": "worker_b"}),
            # the dust studio's leader cannot name company B's people or studios
            ("lead_a", "apprentice_id", {"apprentice_id": "worker_b"}),
            ("lead_a", "mentor_id", {"mentor_id": "lead_b"}),
            ("lead_a", "studio_id", {"studio_id": "turbine"}),
            ("lead_a", "studio_id", {"studio_id": "washing"}),  # led by someone else
        ],
    )
    def test_people_units_or_studios_outside_scope_are_400_on_the_field_sent(
        self, api, mentoring, role, field, overrides
    ):
        m = mentoring
        apprentice = new_apprentice(m)
        resolved = {
            key: (None if value is None else person_or_thing(m, value).pk)
            for key, value in overrides.items()
        }
        body = proposal_body(m, apprentice, **resolved)
        before = Pairing.objects.count()
        errors = field_errors(sign_in(api, m, role).post(PAIRINGS, body, format="json"))
        assert set(errors) == {field}
        assert Pairing.objects.count() == before

    def test_nobody_mentors_themself_400(self, api, mentoring):
        m = mentoring
        sign_in(api, m, "lead_a")
        body = proposal_body(m, m.member_a)
        before = Pairing.objects.count()
        errors = field_errors(api.post(PAIRINGS, body, format="json"))
        assert set(errors) == {"apprentice_id"}
        assert Pairing.objects.count() == before

    @pytest.mark.parametrize("days_after_start", [0, -1, -30])
    def test_end_not_after_start_is_400_on_planned_end(self, api, mentoring, days_after_start):
        m = mentoring
        apprentice = new_apprentice(m)
        start = days_ago(1)
        body = proposal_body(
            m,
            apprentice,
            starts_on=start.isoformat(),
            planned_end_on=(start + days_after_start * DAY).isoformat(),
        )
        errors = field_errors(sign_in(api, m, "lead_a").post(PAIRINGS, body, format="json"))
        assert set(errors) == {"planned_end_on"}
        assert not Pairing.objects.filter(apprentice=apprentice).exists()

    def test_mentor_who_is_not_a_member_of_the_studio_is_400(self, api, mentoring):
        m = mentoring
        apprentice = new_apprentice(m)
        body = proposal_body(m, apprentice, mentor_id=m.org.colleague_a.pk)
        errors = field_errors(sign_in(api, m, "lead_a").post(PAIRINGS, body, format="json"))
        assert set(errors) == {"mentor_id"}
        assert not Pairing.objects.filter(apprentice=apprentice).exists()

    @pytest.mark.parametrize("field", ["mentor_id", "apprentice_id"])
    def test_someone_no_longer_active_is_400_naming_them(self, api, mentoring, field):
        """As the page refuses them: a deactivated mentor or apprentice is named
        on the field sent, and nothing is proposed."""
        m = mentoring
        apprentice = new_apprentice(m)
        gone = {"mentor_id": m.member_a, "apprentice_id": apprentice}[field]
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
        before = Pairing.objects.count()
        response = sign_in(api, m, "lead_a").post(
            PAIRINGS, proposal_body(m, apprentice), format="json"
        )
        assert field_errors(response) == {field: [f"{gone.full_name} 已停用"]}
        assert Pairing.objects.count() == before

    @pytest.mark.parametrize("existing", ["active", "proposed"])
    def test_second_open_pairing_of_the_same_two_is_refused_and_not_saved(
        self, api, mentoring, existing
    ):
        m = mentoring
        apprentice = getattr(m, existing).apprentice
        before = Pairing.objects.count(), snapshot(getattr(m, existing))
        response = sign_in(api, m, "lead_a").post(
            PAIRINGS, proposal_body(m, apprentice), format="json"
        )
        assert response.status_code in (400, 409), response.content
        assert response.json()["detail"]
        assert (Pairing.objects.count(), snapshot(getattr(m, existing))) == before

    def test_second_open_pairing_is_409_naming_both_people(self, api, mentoring):
        m = mentoring
        response = sign_in(api, m, "lead_a").post(
            PAIRINGS, proposal_body(m, m.apprentice_a), format="json"
        )
        detail = refused(response, 409)["detail"]
        assert m.member_a.full_name in detail and m.apprentice_a.full_name in detail

    def test_an_ended_pairing_does_not_block_a_new_one(self, api, ended):
        m = ended
        response = sign_in(api, m, "lead_a").post(
            PAIRINGS, proposal_body(m, m.apprentice_a2), format="json"
        )
        assert response.status_code == 201, response.content
        assert Pairing.objects.filter(apprentice=m.apprentice_a2).count() == 2


# --- Pairings: editing --------------------------------------------------------------

MANAGERS = ["lead_a", "official_a", "group_official", "admin"]

PARTIES = ["member_a", "apprentice_a"]  # of `mentoring.active`: they read, they do not run it


class TestPairingUpdate:
    @pytest.mark.parametrize("role", MANAGERS)
    def test_those_who_run_it_edit_the_goals(self, api, mentoring, role):
        m = mentoring
        response = sign_in(api, m, role).patch(
            url(PAIRINGS, m.active), {"goals": "能独立操作", "monthly_allowance": "300"}
        )
        assert response.status_code == 200, response.content
        assert (response.json()["goals"], response.json()["monthly_allowance"]) == (
            "能独立操作",
            "300.00",
        )
        assert Pairing.objects.get(pk=m.active.pk).goals == "能独立操作"

    @pytest.mark.parametrize("role", PARTIES)
    def test_mentor_and_apprentice_may_not_edit_403(self, api, mentoring, role):
        m = mentoring
        before = snapshot(m.active)
        refused(sign_in(api, m, role).patch(url(PAIRINGS, m.active), {"goals": "改"}), 403)
        assert snapshot(m.active) == before

    @pytest.mark.parametrize("role", OUTSIDERS)
    def test_outsiders_get_404(self, api, mentoring, role):
        m = mentoring
        before = snapshot(m.active)
        response = sign_in(api, m, role).patch(url(PAIRINGS, m.active), {"goals": "改"})
        refused(response, 404, "not_found")
        assert snapshot(m.active) == before

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("mentor_id", "lead_a"),
            ("apprentice_id", "worker_a"),
            ("studio_id", None),
            ("studio_id", "dust"),
            ("org_unit_id", "company_a"),
        ],
    )
    def test_mentor_apprentice_studio_and_unit_are_fixed_400(self, api, mentoring, field, value):
        m = mentoring
        before = snapshot(m.active)
        sent = None if value is None else person_or_thing(m, value).pk
        response = sign_in(api, m, "lead_a").patch(
            url(PAIRINGS, m.active), {field: sent, "goals": "改"}, format="json"
        )
        assert set(field_errors(response)) == {field}
        assert snapshot(m.active) == before

    def test_term_of_a_proposed_pairing_may_move_but_not_of_an_active_one(self, api, mentoring):
        m = mentoring
        sign_in(api, m, "lead_a")
        new_end = (m.proposed.planned_end_on + 30 * DAY).isoformat()
        response = api.patch(url(PAIRINGS, m.proposed), {"planned_end_on": new_end})
        assert response.status_code == 200, response.content
        assert response.json()["planned_end_on"] == new_end
        before = snapshot(m.active)
        response = api.patch(url(PAIRINGS, m.active), {"planned_end_on": new_end})
        assert response.status_code == 400, response.content
        assert snapshot(m.active) == before

    def test_end_before_start_on_edit_is_400(self, api, mentoring):
        m = mentoring
        before = snapshot(m.proposed)
        sign_in(api, m, "lead_a")
        body = {"planned_end_on": (m.proposed.starts_on - DAY).isoformat()}
        assert "planned_end_on" in field_errors(api.patch(url(PAIRINGS, m.proposed), body))
        assert snapshot(m.proposed) == before

    def test_status_cannot_be_patched(self, api, mentoring):
        m = mentoring
        before = snapshot(m.active)
        response = sign_in(api, m, "official_a").patch(
            url(PAIRINGS, m.active), {"status": "completed", "ended_on": "2020-01-01"}
        )
        # read-only fields: ignored (or refused), never written
        assert response.status_code in (200, 400), response.content
        assert snapshot(m.active) == before

    @pytest.mark.parametrize("state", ["completed", "terminated"])
    def test_an_ended_pairing_is_not_edited_409(self, api, ended, state):
        pairing = ended.active if state == "completed" else ended.proposed
        before = snapshot(pairing)
        refused(sign_in(api, ended, "lead_a").patch(url(PAIRINGS, pairing), {"goals": "改"}), 409)
        assert snapshot(pairing) == before


# --- Pairings: the actions ----------------------------------------------------------


def action_body(action: str) -> dict:
    return {
        "activate": {"agreement_signed_on": days_ago(2).isoformat()},
        "extend": {"planned_end_on": (days_ago(0) + 800 * DAY).isoformat(), "reason": "项目延期"},
        "terminate": {"reason": "师傅调岗"},
    }[action]


def target_of(m, action: str) -> Pairing:
    """Activation starts the proposed pairing; extension and termination the active one."""
    return m.proposed if action == "activate" else m.active


ACTION_NAMES = ["activate", "extend", "terminate"]


class TestPairingActions:
    @pytest.mark.parametrize("action", ACTION_NAMES)
    @pytest.mark.parametrize("role", MANAGERS)
    def test_those_who_run_it_act_and_get_the_fresh_record(self, api, mentoring, role, action):
        m = mentoring
        pairing = target_of(m, action)
        events = pairing.events.count()
        actor = person(m, role)
        response = sign_in(api, m, role).post(
            url(PAIRINGS, pairing, action), action_body(action), format="json"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        fresh = Pairing.objects.get(pk=pairing.pk)
        assert body["id"] == pairing.pk
        assert body["status"] == fresh.status
        assert body["planned_end_on"] == fresh.planned_end_on.isoformat()
        if action == "activate":
            assert fresh.status == "active"
            assert body["agreement_signed_on"] == days_ago(2).isoformat()
        elif action == "extend":
            assert fresh.status == "active"
            assert body["planned_end_on"] == action_body("extend")["planned_end_on"]
            extension = Extension.objects.get(pairing=pairing)
            assert (extension.previous_end_on, extension.reason, extension.by) == (
                pairing.planned_end_on,
                "项目延期",
                actor,
            )
        else:
            assert fresh.status == "terminated"
            assert body["ended_on"] == timezone.localdate().isoformat()
        if action != "extend":
            assert fresh.events.count() == events + 1
            last = fresh.events.order_by("at", "id").last()
            assert (last.from_state, last.to_state, last.actor) == (
                pairing.status,
                fresh.status,
                actor,
            )

    @pytest.mark.parametrize("action", ACTION_NAMES)
    @pytest.mark.parametrize("role", ["member_a", "apprentice"])
    def test_mentor_and_apprentice_see_it_but_get_403(self, api, mentoring, role, action):
        m = mentoring
        pairing = target_of(m, action)
        actor = pairing.mentor if role == "member_a" else pairing.apprentice
        before = snapshot(pairing)
        api.force_authenticate(actor)
        response = api.post(url(PAIRINGS, pairing, action), action_body(action), format="json")
        refused(response, 403)
        assert snapshot(pairing) == before

    @pytest.mark.parametrize("action", ACTION_NAMES)
    @pytest.mark.parametrize("role", ["official_b", "lead_b", "worker_a", "colleague_a"])
    def test_outsiders_get_404(self, api, mentoring, role, action):
        m = mentoring
        pairing = target_of(m, action)
        before = snapshot(pairing)
        response = sign_in(api, m, role).post(
            url(PAIRINGS, pairing, action), action_body(action), format="json"
        )
        refused(response, 404, "not_found")
        assert snapshot(pairing) == before

    def test_unknown_pairing_is_404(self, api, mentoring):
        sign_in(api, mentoring, "admin")
        for action in ACTION_NAMES:
            refused(api.post(url(PAIRINGS, 999999, action), action_body(action)), 404)

    @pytest.mark.parametrize(
        ("action", "state"),
        [
            ("activate", "active"),
            ("activate", "completed"),
            ("activate", "terminated"),
            ("extend", "completed"),
            ("extend", "terminated"),
            ("terminate", "completed"),
            ("terminate", "terminated"),
        ],
    )
    def test_every_illegal_move_is_409_and_nothing_changes(self, api, mentoring, action, state):
        m = mentoring
        pairing = {"active": m.active, "completed": m.active, "terminated": m.proposed}[state]
        if state == "completed":
            final_passed(m.active, m.org.official_a)
        elif state == "terminated":
            services.pairing_terminate(pairing_id=m.proposed.pk, by=m.lead_a, reason="调岗")
        assert Pairing.objects.get(pk=pairing.pk).status == state
        before = snapshot(pairing)
        response = sign_in(api, m, "official_a").post(
            url(PAIRINGS, pairing, action), action_body(action), format="json"
        )
        refused(response, 409)
        assert snapshot(pairing) == before

    @pytest.mark.parametrize(
        ("action", "body", "field"),
        [
            ("extend", {"reason": "x"}, "planned_end_on"),
            ("extend", {"planned_end_on": "2099-01-01"}, "reason"),
            ("extend", {"planned_end_on": "2099-01-01", "reason": "   "}, "reason"),
            ("extend", {"planned_end_on": "EARLIER", "reason": "x"}, "planned_end_on"),
            ("terminate", {}, "reason"),
            ("terminate", {"reason": ""}, "reason"),
        ],
    )
    def test_missing_or_wrong_input_is_400(self, api, mentoring, action, body, field):
        m = mentoring
        if body.get("planned_end_on") == "EARLIER":
            body = {**body, "planned_end_on": (m.active.planned_end_on - DAY).isoformat()}
        before = snapshot(m.active)
        response = sign_in(api, m, "lead_a").post(
            url(PAIRINGS, m.active, action), body, format="json"
        )
        assert field in field_errors(response)
        assert snapshot(m.active) == before

    @pytest.mark.parametrize("signed", ["missing", "future"])
    def test_activation_needs_a_signed_agreement_in_the_past_400(self, api, mentoring, signed):
        m = mentoring
        body = {} if signed == "missing" else {"agreement_signed_on": days_ago(-1).isoformat()}
        before = snapshot(m.proposed)
        response = sign_in(api, m, "lead_a").post(
            url(PAIRINGS, m.proposed, "activate"), body, format="json"
        )
        assert set(field_errors(response)) == {"agreement_signed_on"}
        assert snapshot(m.proposed) == before


class TestCapacity:
    def test_sixth_activation_for_a_mentor_is_409_and_nothing_changes(self, api, mentoring):
        m = mentoring
        mentor = PersonFactory(org_unit=m.org.team_a102)
        official = m.org.official_a

        def propose():
            return services.pairing_propose(
                by=official,
                mentor=mentor,
                apprentice=new_apprentice(m, m.org.team_a102),
                starts_on=days_ago(3),
                planned_end_on=days_ago(3) + 365 * DAY,
                target_skill_level=SkillLevel.SENIOR,
            )

        first_five = [propose() for _ in range(5)]
        for pairing in first_five:
            services.pairing_activate(
                pairing_id=pairing.pk, by=official, agreement_signed_on=days_ago(3)
            )
        sixth = propose()
        before = snapshot(sixth)

        sign_in(api, m, "official_a")
        response = api.post(url(PAIRINGS, sixth, "activate"), action_body("activate"))
        detail = refused(response, 409, "capacity_exceeded")["detail"]
        assert mentor.full_name in detail and "5" in detail
        assert snapshot(sixth) == before
        assert Pairing.objects.filter(mentor=mentor, status="active").count() == 5

        # once one of the five ends, the sixth may start
        services.pairing_terminate(pairing_id=first_five[0].pk, by=official, reason="调岗")
        response = api.post(url(PAIRINGS, sixth, "activate"), action_body("activate"))
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "active"


# --- Pairings: filters --------------------------------------------------------------


@shared_data(needs=("mentoring",))
def board(built):
    """Besides the fixture's pairings: one quiet for 30 days (no session), one
    started 30 days ago with a session 3 days ago, one with a plan step past
    due, and a proposal in company B that started more than a year ago. The
    filter tests only read them: built once."""
    m = built.get("mentoring")
    quiet = m.pair(m.lead_a, m.member_a, new_apprentice(m), m.dust, started=30)
    busy = m.pair(m.lead_a, m.member_a, new_apprentice(m), m.dust, started=30)
    services.session_log(
        by=m.member_a, pairings=[busy], held_on=days_ago(3), hours=2, format="on_site", topic="t"
    )
    overdue = m.pair(m.lead_a, m.member_a, new_apprentice(m), m.dust, started=5)
    services.milestone_create(pairing_id=overdue.pk, by=m.member_a, title="t", due_on=days_ago(2))
    old_b = m.pair(
        m.lead_b,
        m.lead_b,
        new_apprentice(m, m.org.team_b101),
        m.turbine,
        started=400,
        activate=False,
    )
    return SimpleNamespace(**vars(m), quiet=quiet, busy=busy, overdue=overdue, old_b=old_b)


class TestPairingFilters:
    def test_at_risk_true_is_exactly_the_quiet_and_the_overdue(self, api, board):
        sign_in(api, board, "lead_a")
        rows = results(api.get(PAIRINGS, {"at_risk": "true", "page_size": 50}))
        assert {row["id"] for row in rows} == {board.quiet.pk, board.overdue.pk}
        assert all(row["at_risk"] is True for row in rows)
        by_id = {row["id"]: row for row in rows}
        assert by_id[board.quiet.pk]["last_session_on"] is None
        assert by_id[board.overdue.pk]["has_overdue_step"] is True

    def test_busy_pairing_shows_its_last_session_and_is_not_at_risk(self, api, board):
        body = sign_in(api, board, "lead_a").get(url(PAIRINGS, board.busy)).json()
        assert body["last_session_on"] == days_ago(3).isoformat()
        assert body["at_risk"] is False

    def test_at_risk_false_is_everything_else_and_every_flag_is_a_boolean(self, api, board):
        # `active` started 10 days ago with no session: once its flag was SQL
        # NULL, so it was neither at risk nor on track (found by this test)
        sign_in(api, board, "lead_a")
        rows = results(api.get(PAIRINGS, {"at_risk": "false", "page_size": 50}))
        assert {row["id"] for row in rows} == {board.active.pk, board.proposed.pk, board.busy.pk}
        everything = results(api.get(PAIRINGS, {"page_size": 50}))
        assert all(isinstance(row["at_risk"], bool) for row in everything)

    def test_filters(self, api, board):
        b = board
        sign_in(api, b, "group_official")

        def listed(**params):
            return ids(api.get(PAIRINGS, {"page_size": 50, **params}))

        in_a = {b.active.pk, b.proposed.pk, b.quiet.pk, b.busy.pk, b.overdue.pk}
        in_b = {b.active_b.pk, b.old_b.pk}
        assert listed() == in_a | in_b
        assert listed(status="proposed") == {b.proposed.pk, b.old_b.pk}
        assert listed(status="completed") == set()
        assert listed(mentor=b.member_a.pk) == in_a
        assert listed(mentor=b.lead_b.pk) == in_b
        assert listed(apprentice=b.apprentice_a.pk) == {b.active.pk}
        assert listed(studio=b.turbine.pk) == in_b
        assert listed(studio=b.washing.pk) == set()
        assert listed(org_unit=b.org.company_b.pk) == in_b
        assert listed(org_unit=b.org.mine_a1.pk) == in_a
        assert listed(org_unit=b.org.team_a102.pk) == set()
        assert listed(org_unit=b.org.group.pk) == in_a | in_b
        assert listed(year=b.old_b.starts_on.year) == {b.old_b.pk}
        assert listed(year=1999) == set()
        assert listed(search=b.apprentice_b.employee_no) == {b.active_b.pk}
        assert listed(search=b.member_a.full_name) == in_a
        assert listed(search="汽机") == in_b  # the turbine studio's name
        assert listed(status="active", at_risk="true", mentor=b.member_a.pk) == {
            b.quiet.pk,
            b.overdue.pk,
        }

    @pytest.mark.parametrize(
        ("role", "unit"),
        [("lead_a", "company_b"), ("official_b", "company_a"), ("worker_b", "mine_a1")],
    )
    def test_unit_outside_the_viewers_units_is_400(self, api, board, role, unit):
        response = sign_in(api, board, role).get(
            PAIRINGS, {"org_unit": getattr(board.org, unit).pk}
        )
        assert set(field_errors(response)) == {"org_unit"}

    @pytest.mark.parametrize(
        "params", [{"status": "paused"}, {"year": "1800"}, {"mentor": "x"}, {"studio": "-1"}]
    )
    def test_malformed_filters_are_400(self, api, board, params):
        assert field_errors(sign_in(api, board, "lead_a").get(PAIRINGS, params))

    def test_filters_never_widen_the_scope(self, api, board):
        sign_in(api, board, "lead_a")
        assert ids(api.get(PAIRINGS, {"mentor": board.lead_b.pk})) == set()
        assert ids(api.get(PAIRINGS, {"studio": board.turbine.pk})) == set()
        sign_in(api, board, "apprentice_a")
        assert ids(api.get(PAIRINGS, {"mentor": board.member_a.pk})) == {board.active.pk}


# --- Every list is scoped -----------------------------------------------------------


@shared_data(needs=("mentoring",))
def records(built):
    """In each company a plan step (in A, the `plan` fixture's), a session and an
    evaluation."""
    m = built.get("mentoring")
    plan = make_plan(m)
    step_b = services.milestone_create(
        pairing_id=m.active_b.pk, by=m.lead_b, title="b", due_on=days_ago(-5)
    )
    session_a = services.session_log(
        by=m.member_a, pairings=[m.active], held_on=days_ago(1), hours=1, format="theory", topic="a"
    )
    session_b = services.session_log(
        by=m.lead_b, pairings=[m.active_b], held_on=days_ago(1), hours=1, format="theory", topic="b"
    )
    year = str(timezone.localdate().year)
    evaluation_a = services.evaluation_record(
        pairing_id=m.active.pk, by=m.org.official_a, level=Level.UNIT_YEARLY, period=year, **SCORES
    )
    evaluation_b = services.evaluation_record(
        pairing_id=m.active_b.pk,
        by=m.org.official_b,
        level=Level.UNIT_YEARLY,
        period=year,
        **SCORES,
    )
    return SimpleNamespace(
        milestones=({plan.pk}, {step_b.pk}),
        sessions=({session_a.pk}, {session_b.pk}),
        evaluations=({evaluation_a.pk}, {evaluation_b.pk}),
    )


LISTS = {MILESTONES: "milestones", SESSIONS: "sessions", EVALUATIONS: "evaluations"}


class TestListsAreScoped:
    @pytest.mark.parametrize("path", list(LISTS))
    @pytest.mark.parametrize(
        ("role", "companies"),
        [
            ("group_official", "AB"),
            ("admin", "AB"),
            ("official_a", "A"),
            ("lead_a", "A"),
            ("member_a", "A"),
            ("apprentice_a", "A"),
            ("official_b", "B"),
            ("lead_b", "B"),
            ("apprentice_b", "B"),
            ("apprentice_a2", ""),
            ("worker_a", ""),
            ("colleague_a", ""),
            ("worker_b", ""),
        ],
    )
    def test_each_sees_their_companys_records_and_outsiders_none(
        self, api, mentoring, records, path, role, companies
    ):
        in_a, in_b = getattr(records, LISTS[path])
        expected = (in_a if "A" in companies else set()) | (in_b if "B" in companies else set())
        response = sign_in(api, mentoring, role).get(path, {"page_size": 50})
        assert ids(response) == expected
        assert response.json()["count"] == len(expected)

    @pytest.mark.parametrize("path", list(LISTS))
    def test_details_outside_scope_are_404(self, api, mentoring, records, path):
        _in_a, in_b = getattr(records, LISTS[path])
        sign_in(api, mentoring, "official_a")
        refused(api.get(url(path, next(iter(in_b)))), 404, "not_found")

    def test_list_filters_by_pairing(self, api, mentoring, records):
        m = mentoring
        sign_in(api, m, "group_official")
        for path in LISTS:
            in_a, _in_b = getattr(records, LISTS[path])
            assert ids(api.get(path, {"pairing": m.active.pk})) == in_a, path
            assert ids(api.get(path, {"pairing": m.proposed.pk})) == set(), path


def person_or_thing(m, name: str):
    """A person of the fixtures, or a studio or unit by its fixture name."""
    for holder in (m, m.org):
        if hasattr(holder, name):
            return getattr(holder, name)
    raise AttributeError(name)
