"""The apprenticeships API for the plan (milestones and their evidence) and
sessions with their confirmation."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from apprenticeships import services
from apprenticeships.models import Attendance, Milestone, Session
from core.models import Attachment
from tests.api_answers import field_errors, refused, url
from tests.apprenticeships.api import DAY, MILESTONES, PAIRINGS, READERS, SESSIONS, sign_in
from tests.apprenticeships.conftest import days_ago
from tests.roles import person

pytestmark = pytest.mark.django_db


def phone_photo() -> SimpleUploadedFile:
    body = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(body, format="JPEG")
    return SimpleUploadedFile("现场.jpg", body.getvalue(), content_type="image/jpeg")


# --- The plan -----------------------------------------------------------------------


def milestone_body(m, **overrides) -> dict:
    return {
        "pairing_id": m.active.pk,
        "title": "独立完成一次采样",
        "due_on": (timezone.localdate() + 14 * DAY).isoformat(),
        "skill": "粉尘检测",
        "method": "跟班实操",
        **overrides,
    }


class TestMilestones:
    @pytest.mark.parametrize("role", ["member_a", "lead_a", "official_a"])
    def test_mentor_and_those_who_run_it_add_a_step(self, api, mentoring, plan, role):
        m = mentoring
        response = sign_in(api, m, role).post(MILESTONES, milestone_body(m), format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["pairing_id"], body["title"], body["position"]) == (
            m.active.pk,
            "独立完成一次采样",
            plan.position + 1,
        )
        assert (body["skill"], body["method"], body["done_on"]) == ("粉尘检测", "跟班实操", None)
        assert Milestone.objects.filter(pairing=m.active).count() == 2

    def test_apprentice_may_not_write_the_plan_403(self, api, mentoring, plan):
        m = mentoring
        response = sign_in(api, m, "apprentice_a").post(
            MILESTONES, milestone_body(m), format="json"
        )
        refused(response, 403)
        response = api.patch(url(MILESTONES, plan), {"title": "改"}, format="json")
        refused(response, 403)
        assert list(Milestone.objects.values_list("title", flat=True)) == [plan.title]

    @pytest.mark.parametrize("role", ["official_b", "worker_a", "apprentice_a2"])
    def test_pairing_outside_scope_is_400_on_pairing_id(self, api, mentoring, role):
        m = mentoring
        response = sign_in(api, m, role).post(MILESTONES, milestone_body(m), format="json")
        assert set(field_errors(response)) == {"pairing_id"}
        assert not Milestone.objects.exists()

    @pytest.mark.parametrize("role", ["member_a", "lead_a", "official_a"])
    def test_mentor_and_those_who_run_it_edit_a_step(self, api, mentoring, plan, role):
        response = sign_in(api, mentoring, role).patch(
            url(MILESTONES, plan), {"title": "改后的步骤"}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["title"] == "改后的步骤"
        assert Milestone.objects.get(pk=plan.pk).title == "改后的步骤"

    @pytest.mark.parametrize("role", ["official_b", "worker_a", "apprentice_a2"])
    def test_outsiders_cannot_find_a_step_404(self, api, mentoring, plan, role):
        sign_in(api, mentoring, role)
        refused(api.get(url(MILESTONES, plan)), 404)
        refused(api.patch(url(MILESTONES, plan), {"title": "改"}, format="json"), 404)
        refused(api.post(url(MILESTONES, plan, "mark-done"), {"evidence": "x"}), 404)
        refused(api.get(url(MILESTONES, plan, "attachments")), 404)
        assert Milestone.objects.get(pk=plan.pk).title == plan.title

    def test_a_step_stays_in_its_plan_400(self, api, mentoring, plan):
        m = mentoring
        response = sign_in(api, m, "lead_a").patch(
            url(MILESTONES, plan), {"pairing_id": m.proposed.pk}, format="json"
        )
        assert set(field_errors(response)) == {"pairing_id"}
        assert Milestone.objects.get(pk=plan.pk).pairing == m.active

    def test_no_step_is_added_to_an_ended_pairing_409(self, api, ended):
        m = ended
        sign_in(api, m, "lead_a")
        for pairing in (m.active, m.proposed):
            body = milestone_body(m, pairing_id=pairing.pk)
            refused(api.post(MILESTONES, body, format="json"), 409)
        assert not Milestone.objects.exists()

    @pytest.mark.parametrize("role", ["apprentice_a", "member_a"])
    def test_apprentice_or_mentor_marks_a_step_done(self, api, mentoring, plan, role):
        response = sign_in(api, mentoring, role).post(
            url(MILESTONES, plan, "mark-done"), {"evidence": "采样记录 3 份"}, format="json"
        )
        assert response.status_code == 200, response.content
        assert (response.json()["done_on"], response.json()["evidence"]) == (
            timezone.localdate().isoformat(),
            "采样记录 3 份",
        )
        assert Milestone.objects.get(pk=plan.pk).done_on == timezone.localdate()

    @pytest.mark.parametrize("role", ["lead_a", "official_a"])
    def test_those_who_run_it_may_not_mark_a_step_done_403(self, api, mentoring, plan, role):
        response = sign_in(api, mentoring, role).post(
            url(MILESTONES, plan, "mark-done"), {"evidence": "x"}, format="json"
        )
        refused(response, 403)
        assert Milestone.objects.get(pk=plan.pk).done_on is None

    def test_marking_done_twice_is_409(self, api, mentoring, plan):
        sign_in(api, mentoring, "apprentice_a")
        path = url(MILESTONES, plan, "mark-done")
        assert api.post(path, {"evidence": "第一次"}, format="json").status_code == 200
        refused(api.post(path, {"evidence": "第二次"}, format="json"), 409)
        assert Milestone.objects.get(pk=plan.pk).evidence == "第一次"

    def test_a_proposed_pairings_plan_does_not_move_on_409(self, api, mentoring):
        m = mentoring
        step = services.milestone_create(
            pairing_id=m.proposed.pk, by=m.member_a, title="t", due_on=days_ago(-9)
        )
        response = sign_in(api, m, "member_a").post(
            url(MILESTONES, step, "mark-done"), {"evidence": "x"}, format="json"
        )
        refused(response, 409)
        assert Milestone.objects.get(pk=step.pk).done_on is None

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "evidence"),
            ({"evidence": "  "}, "evidence"),
            ({"evidence": "x", "done_on": "FUTURE"}, "done_on"),
        ],
    )
    def test_evidence_and_a_past_date_are_needed_400(self, api, mentoring, plan, body, field):
        if body.get("done_on") == "FUTURE":
            body = {**body, "done_on": days_ago(-1).isoformat()}
        response = sign_in(api, mentoring, "apprentice_a").post(
            url(MILESTONES, plan, "mark-done"), body, format="json"
        )
        assert field in field_errors(response)
        assert Milestone.objects.get(pk=plan.pk).done_on is None


class TestMilestoneAttachments:
    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    @pytest.mark.parametrize("role", ["apprentice_a", "member_a", "lead_a", "official_a"])
    def test_parties_attach_evidence_and_readers_list_it(self, api, mentoring, plan, role):
        m = mentoring
        response = sign_in(api, m, role).post(
            url(MILESTONES, plan, "attachments"), {"file": phone_photo()}, format="multipart"
        )
        assert response.status_code == 201, response.content
        assert response.json()["mime_type"] == "image/jpeg"
        for reader in READERS:
            listed = sign_in(api, m, reader).get(url(MILESTONES, plan, "attachments"))
            assert listed.status_code == 200, reader
            assert [row["name"] for row in listed.json()] == ["现场.jpg"]

    def test_an_attached_photo_is_evidence_enough(self, api, mentoring, plan):
        sign_in(api, mentoring, "apprentice_a")
        api.post(url(MILESTONES, plan, "attachments"), {"file": phone_photo()}, format="multipart")
        response = api.post(url(MILESTONES, plan, "mark-done"), {}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["done_on"] == timezone.localdate().isoformat()

    @pytest.mark.parametrize("role", ["official_b", "worker_a", "apprentice_a2"])
    def test_outsiders_cannot_attach_404(self, api, mentoring, plan, role):
        response = sign_in(api, mentoring, role).post(
            url(MILESTONES, plan, "attachments"), {"file": phone_photo()}, format="multipart"
        )
        refused(response, 404)
        assert not Attachment.objects.exists()

    def test_no_file_on_an_ended_pairings_step_409(self, api, mentoring, plan):
        m = mentoring
        services.pairing_terminate(pairing_id=m.active.pk, by=m.lead_a, reason="调岗")
        response = sign_in(api, m, "apprentice_a").post(
            url(MILESTONES, plan, "attachments"), {"file": phone_photo()}, format="multipart"
        )
        refused(response, 409)
        assert not Attachment.objects.exists()


# --- Sessions -----------------------------------------------------------------------


def session_body(*pairings, **overrides) -> dict:
    return {
        "pairing_ids": [pairing.pk for pairing in pairings],
        "held_on": days_ago(1).isoformat(),
        "hours": "2.5",
        "format": "on_site",
        "topic": "粉尘采样器校准",
        "notes": "现场示范",
        **overrides,
    }


@pytest.fixture
def two_apprentices(mentoring):
    """`member_a`'s second apprentice starts too: two active pairings."""
    m = mentoring
    services.pairing_activate(
        pairing_id=m.proposed.pk, by=m.lead_a, agreement_signed_on=days_ago(10)
    )
    return m


class TestSessions:
    def test_mentor_logs_one_session_for_two_apprentices(self, api, two_apprentices):
        m = two_apprentices
        response = sign_in(api, m, "member_a").post(
            SESSIONS, session_body(m.active, m.proposed), format="json"
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["mentor"]["id"] == m.member_a.pk
        assert (body["hours"], body["format"], body["topic"]) == (
            "2.5",
            "on_site",
            "粉尘采样器校准",
        )
        assert sorted(
            (row["pairing_id"], row["apprentice"]["id"]) for row in body["attendances"]
        ) == sorted([(m.active.pk, m.apprentice_a.pk), (m.proposed.pk, m.apprentice_a2.pk)])
        assert all(row["confirmed_at"] is None for row in body["attendances"])
        session = Session.objects.get(pk=body["id"])
        assert set(session.pairings.all()) == {m.active, m.proposed}
        # the pairing now shows its last session
        pairing = api.get(url(PAIRINGS, m.active)).json()
        assert pairing["last_session_on"] == days_ago(1).isoformat()

    @pytest.mark.parametrize("role", ["official_b", "lead_b"])
    def test_pairing_outside_scope_is_400_on_pairing_ids(self, api, mentoring, role):
        m = mentoring
        api.force_authenticate(person(m, role))
        response = api.post(SESSIONS, session_body(m.active), format="json")
        assert set(field_errors(response)) == {"pairing_ids"}
        # one of one's own and one outside: still refused, nothing saved
        response = sign_in(api, m, "member_a").post(
            SESSIONS, session_body(m.active, m.active_b), format="json"
        )
        assert set(field_errors(response)) == {"pairing_ids"}
        assert not Session.objects.exists() and not Attendance.objects.exists()

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"pairing_ids": []}, "pairing_ids"),
            ({"held_on": "FUTURE"}, "held_on"),
            ({"held_on": "BEFORE_TERM"}, "held_on"),
            ({"hours": "0.2"}, "hours"),
            ({"hours": "13"}, "hours"),
            ({"format": "party"}, "format"),
            ({"topic": ""}, "topic"),
        ],
    )
    def test_invalid_sessions_are_400_and_not_saved(self, api, mentoring, body, field):
        m = mentoring
        held_on = {"FUTURE": days_ago(-1), "BEFORE_TERM": m.active.starts_on - DAY}
        if body.get("held_on") in held_on:
            body = {**body, "held_on": held_on[body["held_on"]].isoformat()}
        response = sign_in(api, m, "member_a").post(
            SESSIONS, session_body(m.active, **body), format="json"
        )
        assert field in field_errors(response)
        assert not Session.objects.exists()

    def test_no_session_with_a_pairing_that_is_not_active(self, api, ended):
        m = ended
        response = sign_in(api, m, "member_a").post(SESSIONS, session_body(m.active), format="json")
        assert response.status_code in (400, 409), response.content
        assert not Session.objects.exists()

    @pytest.mark.parametrize("role", ["lead_a", "official_a", "apprentice_a"])
    def test_only_the_mentor_logs_a_session(self, api, mentoring, role):
        response = sign_in(api, mentoring, role).post(
            SESSIONS, session_body(mentoring.active), format="json"
        )
        assert response.status_code in (400, 403), response.content
        assert not Session.objects.exists()

    @pytest.mark.parametrize("role", ["lead_a", "apprentice_a"])
    def test_only_the_mentor_logs_a_session_403(self, api, mentoring, role):
        response = sign_in(api, mentoring, role).post(
            SESSIONS, session_body(mentoring.active), format="json"
        )
        refused(response, 403)


@pytest.fixture
def group_session(two_apprentices):
    m = two_apprentices
    session = services.session_log(
        by=m.member_a,
        pairings=[m.active, m.proposed],
        held_on=days_ago(1),
        hours=2,
        format="theory",
        topic="安全规程",
    )
    return SimpleNamespace(**vars(m), session=session)


def confirmations(session) -> dict[int, bool]:
    return {
        row.pairing_id: row.confirmed_at is not None
        for row in Attendance.objects.filter(session=session)
    }


class TestSessionConfirm:
    def test_each_apprentice_confirms_their_own_attendance(self, api, group_session):
        g = group_session
        path = url(SESSIONS, g.session, "confirm")
        response = sign_in(api, g, "apprentice_a").post(path)
        assert response.status_code == 200, response.content
        rows = {row["pairing_id"]: row["confirmed_at"] for row in response.json()["attendances"]}
        assert rows[g.active.pk] is not None and rows[g.proposed.pk] is None
        assert confirmations(g.session) == {g.active.pk: True, g.proposed.pk: False}

        response = sign_in(api, g, "apprentice_a2").post(path)
        assert response.status_code == 200, response.content
        assert all(row["confirmed_at"] for row in response.json()["attendances"])
        assert confirmations(g.session) == {g.active.pk: True, g.proposed.pk: True}

    def test_confirming_twice_is_409_and_keeps_the_first_time(self, api, group_session):
        g = group_session
        path = url(SESSIONS, g.session, "confirm")
        sign_in(api, g, "apprentice_a").post(path)
        first = Attendance.objects.get(session=g.session, pairing=g.active).confirmed_at
        refused(api.post(path), 409)
        assert Attendance.objects.get(session=g.session, pairing=g.active).confirmed_at == first

    @pytest.mark.parametrize("role", ["member_a", "lead_a", "official_a", "group_official"])
    def test_those_who_see_the_session_but_did_not_attend_get_403(self, api, group_session, role):
        g = group_session
        refused(sign_in(api, g, role).post(url(SESSIONS, g.session, "confirm")), 403)
        assert confirmations(g.session) == {g.active.pk: False, g.proposed.pk: False}

    @pytest.mark.parametrize("role", ["official_b", "worker_a", "apprentice_b", "colleague_a"])
    def test_outsiders_get_404(self, api, group_session, role):
        g = group_session
        refused(sign_in(api, g, role).post(url(SESSIONS, g.session, "confirm")), 404)
        refused(api.get(url(SESSIONS, g.session)), 404)
        assert confirmations(g.session) == {g.active.pk: False, g.proposed.pk: False}

    def test_sessions_have_no_update_405(self, api, group_session):
        g = group_session
        sign_in(api, g, "member_a")
        refused(api.patch(url(SESSIONS, g.session), {"topic": "改"}, format="json"), 405)
        refused(api.delete(url(SESSIONS, g.session)), 405)
        assert Session.objects.get(pk=g.session.pk).topic == "安全规程"
