"""Apprenticeship pages for the plan and the sessions: milestones created,
edited and marked done, sessions logged and confirmed."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from apprenticeships import services
from apprenticeships.models import Attendance, Milestone, Session
from core.attachments import attachments_of
from core.dates import HAPPENED, date_error
from core.models import Attachment
from tests.apprenticeships.conftest import days_ago
from tests.apprenticeships.pages import (
    MENTORING,
    MINE,
    NOT_PLANNERS,
    SESSION_NEW,
    chinese,
    form_error,
    iso,
    person,
    today,
    url,
    zh,
)
from tests.factories import PersonFactory
from tests.page_html import error_beside, page_form
from tests.uploads import photos_processed

pytestmark = pytest.mark.django_db

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


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def message_levels(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


def jpeg(name="现场照片.jpg") -> SimpleUploadedFile:
    """A tiny but real phone photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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
        with photos_processed():
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
        with photos_processed():
            services.milestone_mark_done(
                milestone_id=step.pk, by=mentoring.apprentice_a, upload=jpeg()
            )
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
        with translation.override("zh-hans"):
            # The form's bound on every date of a thing that happened says it first.
            message = date_error(days_ago(-1), HAPPENED)
        error_beside(page_form(response.content.decode()), "held_on", message)
        assert not Session.objects.exists()
        assert not Attendance.objects.exists()


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
