"""The plan and session services: milestones created, updated and marked done,
sessions logged and confirmed."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from PIL import Image

from apprenticeships import services
from apprenticeships.models import Attendance, Milestone, Pairing, Session
from core import attachments
from core.exceptions import Conflict
from tests.apprenticeships.conftest import days_ago, final_passed
from tests.apprenticeships.services import _activate, counts, pairing_in, person
from tests.uploads import photos_processed

pytestmark = pytest.mark.django_db

Status = Pairing.Status


def png_upload(name="现场照片.png"):
    """A tiny valid PNG, as a phone would send it."""
    body = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(body, format="PNG")
    return SimpleUploadedFile(name, body.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- The plan -----------------------------------------------------------------------


def add_step(m, pairing=None, *, by=None, due=-30, **fields):
    return services.milestone_create(
        pairing_id=(pairing or m.active).pk,
        by=by or m.member_a,
        title=fields.pop("title", "熟练使用粉尘采样器"),
        due_on=days_ago(due),
        **fields,
    )


class TestMilestoneCreate:
    @pytest.mark.parametrize(
        "who", ["member_a", "lead_a", "org.official_a"], ids=["mentor", "leader", "official"]
    )
    def test_the_mentor_and_those_who_run_the_pairing_write_the_plan(self, mentoring, who):
        step = add_step(mentoring, by=person(mentoring, who), skill="粉尘检测", method="现场示范")
        assert (step.pairing, step.position, step.done_on) == (mentoring.active, 0, None)
        assert (step.skill, step.method) == ("粉尘检测", "现场示范")

    def test_steps_are_placed_after_the_last_one(self, mentoring):
        positions = [add_step(mentoring, title=f"第{n}步").position for n in range(3)]
        assert positions == [0, 1, 2]

    def test_the_plan_may_be_written_before_the_pairing_starts(self, mentoring):
        step = add_step(mentoring, mentoring.proposed)
        assert step.pairing == mentoring.proposed

    @pytest.mark.parametrize("who", ["apprentice_a"])
    def test_the_apprentice_cannot_add_a_step_403(self, mentoring, who):
        with pytest.raises(PermissionDenied):
            add_step(mentoring, by=person(mentoring, who))
        assert not Milestone.objects.exists()

    @pytest.mark.parametrize("who", ["org.worker_a", "org.official_b"])
    def test_outsiders_get_404(self, mentoring, who):
        with pytest.raises(Http404):
            add_step(mentoring, by=person(mentoring, who))
        assert not Milestone.objects.exists()

    @pytest.mark.parametrize("status", [Status.COMPLETED, Status.TERMINATED])
    def test_an_ended_pairing_takes_no_new_step_409(self, mentoring, status):
        pairing = pairing_in(mentoring, status)
        with pytest.raises(Conflict):
            add_step(mentoring, pairing)
        assert not Milestone.objects.exists()

    def test_a_step_needs_a_title(self, mentoring):
        with pytest.raises(ValidationError) as refused:
            add_step(mentoring, title="")
        assert "title" in refused.value.message_dict
        assert not Milestone.objects.exists()


class TestMilestoneUpdate:
    @pytest.mark.parametrize("who", ["member_a", "lead_a", "org.official_a"])
    def test_the_mentor_and_managers_update_a_step(self, mentoring, who):
        step = add_step(mentoring)
        services.milestone_update(
            milestone_id=step.pk,
            by=person(mentoring, who),
            title="独立校准采样器",
            due_on=days_ago(-5),
        )
        step.refresh_from_db()
        assert (step.title, step.due_on) == ("独立校准采样器", days_ago(-5))

    def test_the_apprentice_cannot_rewrite_their_plan_403(self, mentoring):
        step = add_step(mentoring)
        with pytest.raises(PermissionDenied):
            services.milestone_update(milestone_id=step.pk, by=mentoring.apprentice_a, title="x")
        step.refresh_from_db()
        assert step.title == "熟练使用粉尘采样器"

    def test_done_and_evidence_are_not_edited_here(self, mentoring):
        step = add_step(mentoring)
        with pytest.raises(ValidationError):
            services.milestone_update(
                milestone_id=step.pk, by=mentoring.member_a, done_on=days_ago(1)
            )
        step.refresh_from_db()
        assert step.done_on is None

    def test_an_outsider_gets_404(self, mentoring):
        step = add_step(mentoring)
        with pytest.raises(Http404):
            services.milestone_update(milestone_id=step.pk, by=mentoring.org.worker_a, title="x")


class TestMilestoneMarkDone:
    @pytest.mark.parametrize("who", ["apprentice_a", "member_a"])
    def test_the_apprentice_or_mentor_marks_a_step_done_with_words(self, mentoring, who):
        step = add_step(mentoring)
        services.milestone_mark_done(
            milestone_id=step.pk, by=person(mentoring, who), evidence="  检测记录表已签字  "
        )
        step.refresh_from_db()
        assert (step.done_on, step.evidence) == (timezone.localdate(), "检测记录表已签字")

    def test_a_photo_is_evidence_enough(self, mentoring, media):
        step = add_step(mentoring)
        with photos_processed():
            services.milestone_mark_done(
                milestone_id=step.pk, by=mentoring.apprentice_a, upload=png_upload()
            )
        step.refresh_from_db()
        assert (step.done_on, step.evidence) == (timezone.localdate(), "")
        (photo,) = attachments.attachments_of(step)
        assert (photo.mime_type, photo.uploaded_by) == ("image/png", mentoring.apprentice_a)
        assert photo.original_name == "现场照片.png"
        assert photo.is_image

    def test_a_file_attached_earlier_is_evidence_enough(self, mentoring, media):
        step = add_step(mentoring)
        services.milestone_attach(record=step, by=mentoring.member_a, upload=png_upload())
        services.milestone_mark_done(milestone_id=step.pk, by=mentoring.apprentice_a)
        step.refresh_from_db()
        assert step.done_on == timezone.localdate()

    def test_an_earlier_done_date_within_the_term_is_kept(self, mentoring):
        step = add_step(mentoring)
        services.milestone_mark_done(
            milestone_id=step.pk, by=mentoring.apprentice_a, evidence="完成", done_on=days_ago(3)
        )
        step.refresh_from_db()
        assert step.done_on == days_ago(3)

    @pytest.mark.parametrize("evidence", ["", "   "])
    def test_no_evidence_is_400(self, mentoring, evidence):
        step = add_step(mentoring)
        with pytest.raises(ValidationError) as refused:
            services.milestone_mark_done(
                milestone_id=step.pk, by=mentoring.apprentice_a, evidence=evidence
            )
        assert "evidence" in refused.value.message_dict
        step.refresh_from_db()
        assert (step.done_on, step.evidence) == (None, "")

    def test_a_file_that_is_not_a_photo_or_document_is_400(self, mentoring, media):
        step = add_step(mentoring)
        disguised = SimpleUploadedFile("照片.png", b"MZ\x90\x00" + b"\x00" * 300)
        with pytest.raises(ValidationError):
            services.milestone_mark_done(
                milestone_id=step.pk, by=mentoring.apprentice_a, upload=disguised
            )
        step.refresh_from_db()
        assert step.done_on is None
        assert not attachments.attachments_of(step).exists()

    def test_a_step_already_done_is_409(self, mentoring):
        step = add_step(mentoring)
        services.milestone_mark_done(
            milestone_id=step.pk, by=mentoring.apprentice_a, evidence="完成"
        )
        with pytest.raises(Conflict):
            services.milestone_mark_done(
                milestone_id=step.pk,
                by=mentoring.member_a,
                evidence="再次完成",
                done_on=days_ago(2),
            )
        step.refresh_from_db()
        assert (step.done_on, step.evidence) == (timezone.localdate(), "完成")

    @pytest.mark.parametrize("done_on", [-1, 11], ids=["tomorrow", "before the term began"])
    def test_a_done_date_outside_the_term_so_far_is_400(self, mentoring, done_on):
        # the fixture's active pairing started 10 days ago
        step = add_step(mentoring)
        with pytest.raises(ValidationError) as refused:
            services.milestone_mark_done(
                milestone_id=step.pk,
                by=mentoring.apprentice_a,
                evidence="完成",
                done_on=days_ago(done_on),
            )
        assert "done_on" in refused.value.message_dict
        step.refresh_from_db()
        assert step.done_on is None

    def test_a_step_of_a_proposed_pairing_cannot_be_done_409(self, mentoring):
        step = add_step(mentoring, mentoring.proposed)
        with pytest.raises(Conflict):
            services.milestone_mark_done(
                milestone_id=step.pk, by=mentoring.apprentice_a2, evidence="完成"
            )
        step.refresh_from_db()
        assert step.done_on is None

    def test_a_step_of_a_completed_pairing_cannot_be_done_409(self, mentoring):
        step = add_step(mentoring)
        final_passed(mentoring.active, mentoring.org.official_a)
        with pytest.raises(Conflict):
            services.milestone_mark_done(
                milestone_id=step.pk, by=mentoring.apprentice_a, evidence="x"
            )
        step.refresh_from_db()
        assert step.done_on is None

    @pytest.mark.parametrize("who", ["lead_a", "org.official_a"])
    def test_managers_do_not_mark_steps_done_for_the_apprentice_403(self, mentoring, who):
        step = add_step(mentoring)
        with pytest.raises(PermissionDenied):
            services.milestone_mark_done(
                milestone_id=step.pk, by=person(mentoring, who), evidence="完成"
            )
        step.refresh_from_db()
        assert step.done_on is None

    def test_another_apprentice_gets_404(self, mentoring):
        step = add_step(mentoring)
        with pytest.raises(Http404):
            services.milestone_mark_done(
                milestone_id=step.pk, by=mentoring.apprentice_a2, evidence="完成"
            )


# --- Sessions -----------------------------------------------------------------------


def log(m, pairings, *, by=None, held=1, **fields):
    values = {"hours": Decimal("2"), "format": Session.Format.ON_SITE, "topic": "除尘风机检修"}
    return services.session_log(
        by=by or m.member_a, pairings=pairings, held_on=days_ago(held), **{**values, **fields}
    )


class TestSessionLog:
    def test_one_session_for_two_apprentices_makes_two_attendances(self, mentoring):
        # given the mentor's two active pairings
        _activate(mentoring, mentoring.proposed)
        # when one session is logged for both
        session = log(mentoring, [mentoring.active, mentoring.proposed], topic="班组安全培训")
        # then each apprentice has one attendance waiting for their confirmation
        rows = Attendance.objects.filter(session=session)
        assert sorted(rows.values_list("pairing", flat=True)) == sorted(
            [mentoring.active.pk, mentoring.proposed.pk]
        )
        assert not rows.filter(confirmed_at__isnull=False).exists()
        assert (session.mentor, session.held_on, session.topic) == (
            mentoring.member_a,
            days_ago(1),
            "班组安全培训",
        )

    def test_the_same_pairing_twice_is_one_attendance(self, mentoring):
        session = log(mentoring, [mentoring.active, mentoring.active])
        assert session.attendances.count() == 1

    def test_a_session_on_the_first_day_of_the_term_is_fine(self, mentoring):
        session = log(mentoring, [mentoring.active], held=10)
        assert session.held_on == mentoring.active.starts_on

    @pytest.mark.parametrize(
        ("case", "field"),
        [
            ("no pairing", "pairings"),
            ("tomorrow", "held_on"),
            ("before one pairing began", "held_on"),
            ("too many hours", "hours"),
            ("too few hours", "hours"),
        ],
    )
    def test_refused_with_nothing_saved(self, mentoring, case, field):
        m = mentoring
        late = pairing_in(m, Status.ACTIVE, started=3)
        pairings, held, extra = [m.active], 1, {}
        if case == "no pairing":
            pairings = []
        elif case == "tomorrow":
            held = -1
        elif case == "before one pairing began":
            pairings, held = [m.active, late], 5
        elif case == "too many hours":
            extra = {"hours": Decimal("12.5")}
        elif case == "too few hours":
            extra = {"hours": Decimal("0.4")}
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            log(m, pairings, held=held, **extra)
        assert field in refused.value.message_dict
        assert counts() == rows

    def test_a_manager_cannot_log_a_session_for_the_mentor(self, mentoring):
        rows = counts()
        with pytest.raises(PermissionDenied):
            log(mentoring, [mentoring.active], by=mentoring.lead_a)
        assert counts() == rows

    def test_another_mentors_pairing_is_refused_with_nothing_saved(self, mentoring):
        rows = counts()
        with pytest.raises(PermissionDenied):
            log(mentoring, [mentoring.active, mentoring.active_b])
        assert counts() == rows

    @pytest.mark.parametrize("status", [Status.PROPOSED, Status.TERMINATED, Status.COMPLETED])
    def test_a_pairing_not_active_is_a_conflict_with_nothing_saved(self, mentoring, status):
        other = pairing_in(mentoring, status)
        rows = counts()
        with pytest.raises(Conflict):
            log(mentoring, [mentoring.active, other])
        assert counts() == rows


class TestSessionConfirm:
    @pytest.fixture
    def shared(self, mentoring):
        """One session of `member_a` with both their apprentices."""
        _activate(mentoring, mentoring.proposed)
        return log(mentoring, [mentoring.active, mentoring.proposed])

    def confirmed(self, session):
        return dict(
            Attendance.objects.filter(session=session).values_list(
                "pairing__apprentice__employee_no", "confirmed_at"
            )
        )

    def test_each_apprentice_confirms_only_their_own_attendance(self, mentoring, shared):
        services.session_confirm(session_id=shared.pk, by=mentoring.apprentice_a)
        rows = self.confirmed(shared)
        assert rows["apprentice_a"] is not None
        assert rows["apprentice_a2"] is None
        services.session_confirm(session_id=shared.pk, by=mentoring.apprentice_a2)
        assert None not in self.confirmed(shared).values()

    def test_a_second_confirmation_is_409_and_keeps_the_first_time(self, mentoring, shared):
        services.session_confirm(session_id=shared.pk, by=mentoring.apprentice_a)
        first = self.confirmed(shared)
        with pytest.raises(Conflict):
            services.session_confirm(session_id=shared.pk, by=mentoring.apprentice_a)
        assert self.confirmed(shared) == first

    @pytest.mark.parametrize("who", ["member_a", "lead_a", "org.official_a"])
    def test_those_who_see_the_session_but_did_not_attend_cannot_confirm_403(
        self, mentoring, shared, who
    ):
        with pytest.raises(PermissionDenied):
            services.session_confirm(session_id=shared.pk, by=person(mentoring, who))
        assert set(self.confirmed(shared).values()) == {None}

    @pytest.mark.parametrize("who", ["org.worker_a", "apprentice_b", "org.official_b"])
    def test_others_get_404(self, mentoring, shared, who):
        with pytest.raises(Http404):
            services.session_confirm(session_id=shared.pk, by=person(mentoring, who))
        assert set(self.confirmed(shared).values()) == {None}

    def test_an_apprentice_left_out_of_a_session_cannot_confirm_it(self, mentoring):
        _activate(mentoring, mentoring.proposed)
        only_first = log(mentoring, [mentoring.active])
        with pytest.raises(Http404):
            services.session_confirm(session_id=only_first.pk, by=mentoring.apprentice_a2)
        assert set(self.confirmed(only_first).values()) == {None}
