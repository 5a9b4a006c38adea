"""Mentor–apprentice services: the pairing's life (proposed → active → completed
or terminated), who may run it, the mentor's capacity, the plan, sessions and
the evaluations whose passed final completes the pairing and raises the
apprentice's skill level. Every refusal is checked to leave the records as
they were."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone
from PIL import Image

from accounts.models import SkillLevel, SkillLevelChange, User
from apprenticeships import selectors, services
from apprenticeships.models import (
    DEFAULT_MENTOR_CAPACITY,
    Attendance,
    Evaluation,
    Extension,
    MentorCapacity,
    Milestone,
    Pairing,
    PairingEvent,
    Session,
)
from apprenticeships.services.evaluations import period_start
from core import attachments
from core.exceptions import Conflict
from tests.apprenticeships.conftest import SCORES, days_ago, final_passed
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

Status = Pairing.Status
Level = Evaluation.Level
Outcome = Evaluation.Outcome
DAY = datetime.timedelta(days=1)


# --- Helpers ------------------------------------------------------------------------


def person(namespace, dotted):
    """`person(m, "org.official_a")`: a person of the fixture by a dotted name."""
    for part in dotted.split("."):
        namespace = getattr(namespace, part)
    return namespace


def snapshot(pairing):
    """What a refused call must leave as it was (read back from the database)."""
    row = Pairing.objects.get(pk=pairing.pk)
    return {
        "status": row.status,
        "goals": row.goals,
        "ended_on": row.ended_on,
        "agreement_signed_on": row.agreement_signed_on,
        "planned_end_on": row.planned_end_on,
        "status_changed_at": row.status_changed_at,
        "events": row.events.count(),
        "extensions": row.extensions.count(),
        "evaluations": row.evaluations.count(),
    }


def counts():
    """Rows of every apprenticeship table, to show a refusal saved nothing."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Pairing,
            PairingEvent,
            Extension,
            Milestone,
            Session,
            Attendance,
            Evaluation,
            SkillLevelChange,
            MentorCapacity,
        )
    }


def skill_of(someone):
    return User.objects.get(pk=someone.pk).skill_level


def apprentice_in(m, unit="team_a101", level=SkillLevel.JUNIOR):
    return PersonFactory(org_unit=getattr(m.org, unit), skill_level=level)


def pairing_in(m, status, *, started=30):
    """A pairing of the mentor `member_a` in the dust studio with a fresh
    apprentice, brought to `status` the way the services do it."""
    active = status in (Status.ACTIVE, Status.COMPLETED)
    pairing = m.pair(
        m.lead_a, m.member_a, apprentice_in(m), m.dust, started=started, activate=active
    )
    if status == Status.TERMINATED:
        services.pairing_terminate(pairing_id=pairing.pk, by=m.lead_a, reason="调离本矿")
    if status == Status.COMPLETED:
        final_passed(pairing, m.org.official_a)
    pairing.refresh_from_db()
    assert pairing.status == status
    return pairing


def propose(m, *, by=None, mentor=None, apprentice=None, studio="dust", **fields):
    values = {
        "starts_on": days_ago(1),
        "planned_end_on": days_ago(1) + 365 * DAY,
        "target_skill_level": SkillLevel.SENIOR,
        **fields,
    }
    return services.pairing_propose(
        by=by or m.lead_a,
        mentor=mentor or m.member_a,
        apprentice=apprentice or apprentice_in(m),
        studio=getattr(m, studio) if studio else None,
        **values,
    )


def png_upload(name="现场照片.png"):
    """A tiny valid PNG, as a phone would send it."""
    body = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(body, format="PNG")
    return SimpleUploadedFile(name, body.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def month_of(day):
    return f"{day:%Y-%m}"


def quarter_of(day):
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def year_of(day):
    return str(day.year)


def evaluate(pairing, by, level, **fields):
    return services.evaluation_record(
        pairing_id=pairing.pk, by=by, level=level, **{**SCORES, **fields}
    )


# --- The status machine -------------------------------------------------------------


LEGAL = {
    (Status.PROPOSED, Status.ACTIVE),
    (Status.PROPOSED, Status.TERMINATED),
    (Status.ACTIVE, Status.COMPLETED),
    (Status.ACTIVE, Status.TERMINATED),
}


class TestStatusTable:
    @pytest.mark.parametrize("source", Status.values)
    @pytest.mark.parametrize("target", Status.values)
    def test_only_the_four_moves_of_the_issue_are_legal(self, source, target):
        assert Pairing(status=source).can_move_to(target) == ((source, target) in LEGAL)

    def test_there_is_no_completion_action_only_the_final_appraisal(self):
        assert [name for name in dir(services) if "complet" in name.lower()] == []


class TestLegalMoves:
    def test_proposal_starts_proposed_with_one_event(self, mentoring):
        pairing = propose(mentoring)
        assert (pairing.status, pairing.created_by) == (Status.PROPOSED, mentoring.lead_a)
        assert pairing.org_unit == mentoring.dust.org_unit
        assert list(pairing.events.values_list("from_state", "to_state", "actor")) == [
            ("", Status.PROPOSED, mentoring.lead_a.pk)
        ]

    def test_activation_moves_proposed_to_active_and_keeps_the_agreement_date(self, mentoring):
        # given the fixture's proposed pairing, with no agreement date yet
        pairing = mentoring.proposed
        assert pairing.agreement_signed_on is None
        # when the studio leader activates it, naming the day it was signed
        services.pairing_activate(
            pairing_id=pairing.pk, by=mentoring.lead_a, agreement_signed_on=days_ago(2)
        )
        # then it is active with the date and a second event
        pairing.refresh_from_db()
        assert (pairing.status, pairing.agreement_signed_on) == (Status.ACTIVE, days_ago(2))
        assert pairing.status_changed_at is not None
        assert list(pairing.events.values_list("from_state", "to_state", "actor")) == [
            ("", Status.PROPOSED, mentoring.lead_a.pk),
            (Status.PROPOSED, Status.ACTIVE, mentoring.lead_a.pk),
        ]

    def test_activation_uses_the_date_recorded_at_proposal(self, mentoring):
        pairing = propose(mentoring, agreement_signed_on=days_ago(3))
        services.pairing_activate(pairing_id=pairing.pk, by=mentoring.org.official_a)
        pairing.refresh_from_db()
        assert (pairing.status, pairing.agreement_signed_on) == (Status.ACTIVE, days_ago(3))

    @pytest.mark.parametrize("source", [Status.PROPOSED, Status.ACTIVE])
    def test_termination_ends_a_proposed_or_active_pairing_with_the_reason(self, mentoring, source):
        pairing = pairing_in(mentoring, source)
        services.pairing_terminate(pairing_id=pairing.pk, by=mentoring.lead_a, reason="  调岗  ")
        pairing.refresh_from_db()
        assert (pairing.status, pairing.ended_on) == (Status.TERMINATED, timezone.localdate())
        last = pairing.events.last()
        assert (last.from_state, last.to_state, last.note, last.actor) == (
            source,
            Status.TERMINATED,
            "调岗",
            mentoring.lead_a,
        )

    def test_a_passed_final_appraisal_completes_an_active_pairing(self, mentoring):
        pairing = mentoring.active
        final_passed(pairing, mentoring.org.official_a)
        pairing.refresh_from_db()
        assert (pairing.status, pairing.ended_on) == (Status.COMPLETED, timezone.localdate())
        last = pairing.events.last()
        assert (last.from_state, last.to_state, last.actor) == (
            Status.ACTIVE,
            Status.COMPLETED,
            mentoring.org.official_a,
        )


def _activate(m, pairing):
    services.pairing_activate(pairing_id=pairing.pk, by=m.lead_a, agreement_signed_on=days_ago(1))


def _terminate(m, pairing):
    services.pairing_terminate(pairing_id=pairing.pk, by=m.lead_a, reason="本人申请")


def _extend(m, pairing):
    services.pairing_extend(
        pairing_id=pairing.pk,
        by=m.lead_a,
        planned_end_on=pairing.planned_end_on + 90 * DAY,
        reason="项目延期",
    )


def _final(m, pairing):
    final_passed(pairing, m.org.official_a, level=SkillLevel.SENIOR)


def _update(m, pairing):
    services.pairing_update(pairing_id=pairing.pk, by=m.lead_a, goals="新目标")


ACTIONS = {
    "activate": _activate,
    "terminate": _terminate,
    "extend": _extend,
    "final": _final,
    "update": _update,
}


class TestIllegalMoves:
    @pytest.mark.parametrize(
        ("action", "source"),
        [
            ("activate", Status.ACTIVE),
            ("activate", Status.COMPLETED),
            ("activate", Status.TERMINATED),
            ("terminate", Status.COMPLETED),
            ("terminate", Status.TERMINATED),
            ("extend", Status.COMPLETED),
            ("extend", Status.TERMINATED),
            ("update", Status.COMPLETED),
            ("update", Status.TERMINATED),
            ("final", Status.PROPOSED),
            ("final", Status.COMPLETED),
            ("final", Status.TERMINATED),
        ],
    )
    def test_is_409_and_changes_nothing(self, mentoring, action, source):
        # given a pairing in `source`
        pairing = pairing_in(mentoring, source)
        before, rows, level = snapshot(pairing), counts(), skill_of(pairing.apprentice)
        # when a move its state forbids is asked for
        with pytest.raises(Conflict):
            ACTIONS[action](mentoring, pairing)
        # then the row, its history, the tables and the apprentice are as they were
        assert snapshot(pairing) == before
        assert counts() == rows
        assert skill_of(pairing.apprentice) == level

    def test_a_proposed_pairing_cannot_be_completed_even_by_the_model(self, mentoring):
        from core.exceptions import InvalidTransition

        pairing = mentoring.proposed
        with pytest.raises(InvalidTransition):
            pairing.transition_to(Status.COMPLETED, by=mentoring.lead_a)
        assert snapshot(pairing)["status"] == Status.PROPOSED
        assert PairingEvent.objects.filter(pairing=pairing).count() == 1


# --- Proposal -----------------------------------------------------------------------


class TestPropose:
    @pytest.mark.parametrize("who", ["lead_a", "org.official_a", "org.group_official"])
    def test_the_studio_leader_and_officials_over_it_propose_a_studio_pairing(self, mentoring, who):
        pairing = propose(mentoring, by=person(mentoring, who))
        assert (pairing.studio, pairing.status) == (mentoring.dust, Status.PROPOSED)

    def test_an_official_proposes_a_pairing_without_a_studio_in_the_apprentices_unit(
        self, mentoring
    ):
        apprentice = apprentice_in(mentoring, "team_a102")
        pairing = propose(
            mentoring,
            by=mentoring.org.official_a,
            mentor=mentoring.org.worker_a,
            apprentice=apprentice,
            studio=None,
        )
        assert (pairing.studio, pairing.org_unit) == (None, mentoring.org.team_a102)

    @pytest.mark.parametrize(
        "who",
        ["member_a", "apprentice_a", "org.worker_a"],
        ids=["mentor", "an apprentice", "worker of the same company"],
    )
    def test_people_who_lead_no_studio_and_hold_no_office_cannot_propose_403(self, mentoring, who):
        rows = counts()
        with pytest.raises(PermissionDenied):
            propose(mentoring, by=person(mentoring, who))
        assert counts() == rows

    def test_a_leader_proposes_only_in_the_studio_they_lead(self, mentoring):
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            propose(mentoring, by=mentoring.org.colleague_a)  # leads the washing studio
        assert "studio" in refused.value.message_dict
        assert counts() == rows

    def test_the_mentor_must_be_a_current_member_of_the_studio(self, mentoring):
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            propose(mentoring, mentor=mentoring.org.worker_a)
        assert "mentor" in refused.value.message_dict
        assert counts() == rows

    @pytest.mark.parametrize(
        ("field", "who"),
        [("apprentice", "org.worker_b"), ("mentor", "lead_b")],
        ids=["apprentice of company B", "mentor of company B"],
    )
    def test_a_person_outside_the_proposers_company_is_400(self, mentoring, field, who):
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            propose(mentoring, **{field: person(mentoring, who)})
        assert field in refused.value.message_dict
        assert counts() == rows

    def test_an_official_cannot_name_people_outside_their_units(self, mentoring):
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            propose(
                mentoring,
                by=mentoring.org.official_a,
                mentor=mentoring.org.worker_b,
                apprentice=mentoring.org.worker_a,
                studio=None,
            )
        assert "mentor" in refused.value.message_dict
        assert counts() == rows

    def test_nobody_mentors_themself(self, mentoring):
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            propose(mentoring, mentor=mentoring.member_a, apprentice=mentoring.member_a)
        assert "apprentice" in refused.value.message_dict
        assert counts() == rows

    @pytest.mark.parametrize("which", ["active", "proposed"])
    def test_a_second_open_pairing_of_the_same_pair_is_409(self, mentoring, which):
        existing = getattr(mentoring, which)
        rows = counts()
        with pytest.raises(Conflict):
            propose(mentoring, apprentice=existing.apprentice)
        assert counts() == rows

    def test_the_pair_may_start_again_once_the_old_pairing_ended(self, mentoring):
        services.pairing_terminate(
            pairing_id=mentoring.proposed.pk, by=mentoring.lead_a, reason="协议未签"
        )
        again = propose(mentoring, apprentice=mentoring.apprentice_a2)
        assert again.status == Status.PROPOSED
        assert Pairing.objects.filter(apprentice=mentoring.apprentice_a2).count() == 2

    @pytest.mark.parametrize("days", [0, -10], ids=["end on the start", "end before the start"])
    def test_the_planned_end_must_come_after_the_start(self, mentoring, days):
        rows = counts()
        start = days_ago(1)
        with pytest.raises(ValidationError) as refused:
            propose(mentoring, starts_on=start, planned_end_on=start + days * DAY)
        assert "planned_end_on" in refused.value.message_dict
        assert counts() == rows

    def test_an_agreement_signed_in_the_future_is_400(self, mentoring):
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            propose(mentoring, agreement_signed_on=days_ago(-1))
        assert "agreement_signed_on" in refused.value.message_dict
        assert counts() == rows


# --- Activation and the mentor's capacity ------------------------------------------


class TestActivate:
    def test_without_the_agreement_date_it_is_400_and_stays_proposed(self, mentoring):
        pairing = mentoring.proposed
        before = snapshot(pairing)
        with pytest.raises(ValidationError) as refused:
            services.pairing_activate(pairing_id=pairing.pk, by=mentoring.lead_a)
        assert "agreement_signed_on" in refused.value.message_dict
        assert snapshot(pairing) == before

    def test_an_agreement_date_in_the_future_is_400(self, mentoring):
        pairing = mentoring.proposed
        before = snapshot(pairing)
        with pytest.raises(ValidationError) as refused:
            services.pairing_activate(
                pairing_id=pairing.pk, by=mentoring.lead_a, agreement_signed_on=days_ago(-1)
            )
        assert "agreement_signed_on" in refused.value.message_dict
        assert snapshot(pairing) == before


class TestCapacity:
    def fill(self, m, active):
        """Bring the mentor `member_a` to `active` active apprentices."""
        have = selectors.active_apprentice_count(m.member_a)
        for _ in range(active - have):
            pairing_in(m, Status.ACTIVE)
        assert selectors.active_apprentice_count(m.member_a) == active

    def test_the_default_is_five_active_apprentices(self, mentoring):
        assert DEFAULT_MENTOR_CAPACITY == 5
        assert selectors.mentor_capacity(mentoring.member_a) == 5

    def test_the_sixth_activation_is_409_and_changes_nothing(self, mentoring):
        # given a mentor with five active apprentices and one proposal waiting
        self.fill(mentoring, 5)
        pairing = mentoring.proposed
        before, rows = snapshot(pairing), counts()
        # when the proposal is activated
        with pytest.raises(Conflict) as refused:
            _activate(mentoring, pairing)
        # then it is refused as over capacity, and nothing moved
        assert refused.value.code == "capacity_exceeded"
        assert snapshot(pairing) == before
        assert counts() == rows
        assert selectors.active_apprentice_count(mentoring.member_a) == 5

    def test_the_fifth_activation_fits(self, mentoring):
        self.fill(mentoring, 4)
        _activate(mentoring, mentoring.proposed)
        assert selectors.active_apprentice_count(mentoring.member_a) == 5

    def test_ended_pairings_free_their_place(self, mentoring):
        self.fill(mentoring, 5)
        services.pairing_terminate(
            pairing_id=mentoring.active.pk, by=mentoring.lead_a, reason="徒弟调岗"
        )
        _activate(mentoring, mentoring.proposed)
        assert selectors.active_apprentice_count(mentoring.member_a) == 5

    def test_proposals_do_not_take_a_place(self, mentoring):
        for _ in range(6):
            pairing_in(mentoring, Status.PROPOSED)
        assert selectors.active_apprentice_count(mentoring.member_a) == 1
        _activate(mentoring, mentoring.proposed)

    def test_a_setting_on_an_ancestor_unit_applies_to_mentors_below(self, mentoring):
        # given company A allows two active apprentices per mentor
        services.mentor_capacity_set(
            by=mentoring.org.official_a,
            org_unit=mentoring.org.company_a,
            max_active_apprentices=2,
        )
        assert selectors.mentor_capacity(mentoring.member_a) == 2
        # then the mentor (one active) takes one more, not a third
        _activate(mentoring, mentoring.proposed)
        third = pairing_in(mentoring, Status.PROPOSED)
        before = snapshot(third)
        with pytest.raises(Conflict) as refused:
            _activate(mentoring, third)
        assert refused.value.code == "capacity_exceeded"
        assert snapshot(third) == before

    def test_the_nearest_unit_with_a_setting_wins(self, mentoring):
        org = mentoring.org
        services.mentor_capacity_set(
            by=org.group_official, org_unit=org.group, max_active_apprentices=9
        )
        services.mentor_capacity_set(
            by=org.official_a, org_unit=org.company_a, max_active_apprentices=1
        )
        services.mentor_capacity_set(
            by=org.official_a, org_unit=org.mine_a1, max_active_apprentices=3
        )
        # the mentor sits in team A101 under mine A1: the mine's 3 wins over company A's 1
        assert selectors.mentor_capacity(mentoring.member_a) == 3
        _activate(mentoring, mentoring.proposed)
        _activate(mentoring, pairing_in(mentoring, Status.PROPOSED))
        with pytest.raises(Conflict):
            _activate(mentoring, pairing_in(mentoring, Status.PROPOSED))
        # a setting on the mentor's own team is nearer still
        services.mentor_capacity_set(
            by=org.official_a, org_unit=org.team_a101, max_active_apprentices=4
        )
        assert selectors.mentor_capacity(mentoring.member_a) == 4
        # and a mentor in company B keeps the group's setting
        assert selectors.mentor_capacity(mentoring.lead_b) == 9

    def test_setting_again_changes_the_one_row_of_the_unit(self, mentoring):
        org = mentoring.org
        services.mentor_capacity_set(
            by=org.official_a, org_unit=org.mine_a1, max_active_apprentices=3
        )
        services.mentor_capacity_set(
            by=org.official_a, org_unit=org.mine_a1, max_active_apprentices=7
        )
        assert list(MentorCapacity.objects.values_list("max_active_apprentices", flat=True)) == [7]

    def test_only_officials_set_a_capacity_and_only_over_their_units(self, mentoring):
        org = mentoring.org
        with pytest.raises(PermissionDenied):
            services.mentor_capacity_set(
                by=mentoring.lead_a, org_unit=org.team_a101, max_active_apprentices=2
            )
        with pytest.raises(ValidationError) as refused:
            services.mentor_capacity_set(
                by=org.official_b, org_unit=org.company_a, max_active_apprentices=2
            )
        assert "org_unit" in refused.value.message_dict
        with pytest.raises(ValidationError):
            services.mentor_capacity_set(
                by=org.official_a, org_unit=org.company_a, max_active_apprentices=0
            )
        assert not MentorCapacity.objects.exists()


# --- Extension and termination ------------------------------------------------------


class TestExtend:
    def test_extension_moves_the_end_later_and_keeps_the_reason(self, mentoring):
        pairing = mentoring.active
        old_end = pairing.planned_end_on
        services.pairing_extend(
            pairing_id=pairing.pk,
            by=mentoring.lead_a,
            planned_end_on=old_end + 60 * DAY,
            reason=" 井下检修任务集中 ",
        )
        pairing.refresh_from_db()
        assert (pairing.planned_end_on, pairing.status) == (old_end + 60 * DAY, Status.ACTIVE)
        (extension,) = pairing.extensions.all()
        assert (extension.previous_end_on, extension.new_end_on) == (old_end, old_end + 60 * DAY)
        assert (extension.reason, extension.by) == ("井下检修任务集中", mentoring.lead_a)

    def test_a_proposed_pairing_may_be_extended_too(self, mentoring):
        pairing = mentoring.proposed
        _extend(mentoring, pairing)
        assert snapshot(pairing)["extensions"] == 1

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_an_extension_needs_a_reason(self, mentoring, reason):
        pairing = mentoring.active
        before = snapshot(pairing)
        with pytest.raises(ValidationError) as refused:
            services.pairing_extend(
                pairing_id=pairing.pk,
                by=mentoring.lead_a,
                planned_end_on=pairing.planned_end_on + 30 * DAY,
                reason=reason,
            )
        assert "reason" in refused.value.message_dict
        assert snapshot(pairing) == before

    @pytest.mark.parametrize("days", [0, -1], ids=["same end", "earlier end"])
    def test_an_extension_needs_a_later_end(self, mentoring, days):
        pairing = mentoring.active
        before = snapshot(pairing)
        with pytest.raises(ValidationError) as refused:
            services.pairing_extend(
                pairing_id=pairing.pk,
                by=mentoring.lead_a,
                planned_end_on=pairing.planned_end_on + days * DAY,
                reason="项目延期",
            )
        assert "planned_end_on" in refused.value.message_dict
        assert snapshot(pairing) == before


class TestTerminate:
    @pytest.mark.parametrize("reason", ["", "  "])
    def test_termination_needs_a_reason(self, mentoring, reason):
        pairing = mentoring.active
        before = snapshot(pairing)
        with pytest.raises(ValidationError) as refused:
            services.pairing_terminate(pairing_id=pairing.pk, by=mentoring.lead_a, reason=reason)
        assert "reason" in refused.value.message_dict
        assert snapshot(pairing) == before


# --- Who may run a pairing ----------------------------------------------------------


RUN_ACTIONS = {
    # action: (the fixture's pairing it runs on, the call)
    "activate": (
        "proposed",
        lambda pairing, who: services.pairing_activate(
            pairing_id=pairing.pk, by=who, agreement_signed_on=days_ago(1)
        ),
    ),
    "extend": (
        "active",
        lambda pairing, who: services.pairing_extend(
            pairing_id=pairing.pk,
            by=who,
            planned_end_on=pairing.planned_end_on + 30 * DAY,
            reason="延期",
        ),
    ),
    "terminate": (
        "active",
        lambda pairing, who: services.pairing_terminate(
            pairing_id=pairing.pk, by=who, reason="调岗"
        ),
    ),
    "update": (
        "active",
        lambda pairing, who: services.pairing_update(
            pairing_id=pairing.pk, by=who, goals="掌握除尘风机检修"
        ),
    ),
}


def run(m, action, who):
    """Run `action` on its pairing as `who` ("mentor" and "apprentice" are that
    pairing's own); return the pairing's state before and after (or None)."""
    target, call = RUN_ACTIONS[action]
    pairing = getattr(m, target)
    actor = {"mentor": pairing.mentor, "apprentice": pairing.apprentice}.get(who)
    return call(pairing, actor or person(m, who))


def run_snapshot(m):
    return (snapshot(m.active), snapshot(m.proposed), counts())


class TestWhoRunsAPairing:
    @pytest.mark.parametrize("action", list(RUN_ACTIONS))
    @pytest.mark.parametrize("who", ["lead_a", "org.official_a", "org.group_official", "org.admin"])
    def test_the_studio_leader_and_officials_over_the_unit_may(self, mentoring, action, who):
        before = run_snapshot(mentoring)
        run(mentoring, action, who)
        assert run_snapshot(mentoring) != before

    @pytest.mark.parametrize("action", list(RUN_ACTIONS))
    @pytest.mark.parametrize("who", ["mentor", "apprentice"])
    def test_the_mentor_and_the_apprentice_see_it_but_may_not_403(self, mentoring, action, who):
        before = run_snapshot(mentoring)
        with pytest.raises(PermissionDenied):
            run(mentoring, action, who)
        assert run_snapshot(mentoring) == before

    @pytest.mark.parametrize("action", list(RUN_ACTIONS))
    @pytest.mark.parametrize(
        "who",
        ["org.worker_a", "org.colleague_a", "lead_b", "org.official_b"],
        ids=[
            "worker of the same company",
            "leader of another studio",
            "leader in company B",
            "official of company B",
        ],
    )
    def test_those_who_cannot_see_it_get_404(self, mentoring, action, who):
        # a plain worker of the same company does not see the pairing, so they get
        # 404 like any outsider rather than a 403 that would confirm it exists
        before = run_snapshot(mentoring)
        with pytest.raises(Http404):
            run(mentoring, action, who)
        assert run_snapshot(mentoring) == before

    def test_a_missing_pairing_is_404(self, mentoring):
        with pytest.raises(Http404):
            services.pairing_terminate(pairing_id=10**6, by=mentoring.lead_a, reason="x")


class TestUpdate:
    def test_the_term_moves_freely_while_proposed(self, mentoring):
        pairing = services.pairing_update(
            pairing_id=mentoring.proposed.pk,
            by=mentoring.lead_a,
            starts_on=days_ago(2),
            planned_end_on=days_ago(2) + 200 * DAY,
        )
        assert pairing.planned_end_on == days_ago(2) + 200 * DAY
        assert not pairing.extensions.exists()

    def test_an_active_pairings_term_moves_only_by_extension(self, mentoring):
        before = snapshot(mentoring.active)
        with pytest.raises(ValidationError):
            services.pairing_update(
                pairing_id=mentoring.active.pk,
                by=mentoring.lead_a,
                planned_end_on=mentoring.active.planned_end_on + 30 * DAY,
            )
        assert snapshot(mentoring.active) == before

    def test_an_active_pairing_keeps_its_agreement_date(self, mentoring):
        with pytest.raises(ValidationError) as refused:
            services.pairing_update(
                pairing_id=mentoring.active.pk, by=mentoring.lead_a, agreement_signed_on=None
            )
        assert "agreement_signed_on" in refused.value.message_dict
        assert snapshot(mentoring.active)["agreement_signed_on"] is not None

    def test_a_proposal_cannot_end_before_it_starts(self, mentoring):
        before = snapshot(mentoring.proposed)
        with pytest.raises(ValidationError) as refused:
            services.pairing_update(
                pairing_id=mentoring.proposed.pk,
                by=mentoring.lead_a,
                planned_end_on=mentoring.proposed.starts_on,
            )
        assert "planned_end_on" in refused.value.message_dict
        assert snapshot(mentoring.proposed) == before


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


# --- Evaluations --------------------------------------------------------------------


@pytest.fixture
def long_running(mentoring):
    """An active pairing that began 400 days ago, so every current month,
    quarter and year lies inside its term."""
    return pairing_in(mentoring, Status.ACTIVE, started=400)


def current_period(level):
    today = timezone.localdate()
    return {
        Level.MENTOR_MONTHLY: month_of(today),
        Level.DEPARTMENT_QUARTERLY: quarter_of(today),
        Level.UNIT_YEARLY: year_of(today),
        Level.FINAL: "",
    }[level]


def record(pairing, by, level, **fields):
    if level == Level.FINAL:
        fields.setdefault("outcome", Outcome.NOT_PASSED)
    else:
        fields.setdefault("period", current_period(level))
    return evaluate(pairing, by, level, **fields)


class TestWhoEvaluates:
    @pytest.mark.parametrize(
        ("level", "who"),
        [
            (Level.MENTOR_MONTHLY, "member_a"),
            (Level.DEPARTMENT_QUARTERLY, "lead_a"),
            (Level.DEPARTMENT_QUARTERLY, "org.official_a"),
            (Level.UNIT_YEARLY, "org.official_a"),
            (Level.UNIT_YEARLY, "org.group_official"),
            (Level.FINAL, "org.official_a"),
            (Level.FINAL, "org.group_official"),
        ],
    )
    def test_may_record(self, mentoring, long_running, level, who):
        evaluation = record(long_running, person(mentoring, who), level)
        assert (evaluation.level, evaluation.evaluator) == (level, person(mentoring, who))
        assert evaluation.evaluated_on == timezone.localdate()

    @pytest.mark.parametrize(
        ("level", "who"),
        [
            (Level.MENTOR_MONTHLY, "lead_a"),
            (Level.MENTOR_MONTHLY, "org.official_a"),
            (Level.MENTOR_MONTHLY, "apprentice"),
            (Level.DEPARTMENT_QUARTERLY, "member_a"),
            (Level.DEPARTMENT_QUARTERLY, "apprentice"),
            (Level.UNIT_YEARLY, "lead_a"),
            (Level.UNIT_YEARLY, "member_a"),
            (Level.FINAL, "lead_a"),
            (Level.FINAL, "member_a"),
            (Level.FINAL, "apprentice"),
        ],
    )
    def test_may_not_record_403(self, mentoring, long_running, level, who):
        actor = long_running.apprentice if who == "apprentice" else person(mentoring, who)
        rows = counts()
        with pytest.raises(PermissionDenied):
            record(long_running, actor, level)
        assert counts() == rows

    @pytest.mark.parametrize("level", Level.values)
    @pytest.mark.parametrize("who", ["org.official_b", "org.worker_a", "org.colleague_a"])
    def test_those_who_cannot_see_the_pairing_get_404(self, mentoring, long_running, level, who):
        rows = counts()
        with pytest.raises(Http404):
            record(long_running, person(mentoring, who), level)
        assert counts() == rows

    def test_the_levels_offered_follow_the_same_rules(self, mentoring, long_running):
        offered = {
            who: selectors.pairing_access(person(mentoring, who), long_running).evaluation_levels
            for who in ("member_a", "lead_a", "org.official_a")
        }
        assert offered == {
            "member_a": [Level.MENTOR_MONTHLY],
            "lead_a": [Level.DEPARTMENT_QUARTERLY],
            "org.official_a": [Level.DEPARTMENT_QUARTERLY, Level.UNIT_YEARLY, Level.FINAL],
        }
        # The role decides the levels; the state is checked when one is recorded.
        assert (
            selectors.pairing_access(mentoring.apprentice_a, long_running).evaluation_levels == []
        )


class TestPeriods:
    @pytest.mark.parametrize(
        ("level", "period", "first_day"),
        [
            (Level.MENTOR_MONTHLY, "2026-10", datetime.date(2026, 10, 1)),
            (Level.MENTOR_MONTHLY, "2026-01", datetime.date(2026, 1, 1)),
            (Level.DEPARTMENT_QUARTERLY, "2026-Q3", datetime.date(2026, 7, 1)),
            (Level.DEPARTMENT_QUARTERLY, "2026-Q1", datetime.date(2026, 1, 1)),
            (Level.UNIT_YEARLY, "2026", datetime.date(2026, 1, 1)),
        ],
    )
    def test_the_three_period_formats(self, level, period, first_day):
        assert period_start(level, period) == first_day

    @pytest.mark.parametrize(
        ("level", "period"),
        [
            (Level.MENTOR_MONTHLY, "2026-13"),
            (Level.MENTOR_MONTHLY, "2026-00"),
            (Level.MENTOR_MONTHLY, "2026-1"),
            (Level.MENTOR_MONTHLY, "26-10"),
            (Level.MENTOR_MONTHLY, "2026/10"),
            (Level.MENTOR_MONTHLY, "2026-10-01"),
            (Level.MENTOR_MONTHLY, "2026-Q3"),
            (Level.MENTOR_MONTHLY, ""),
            (Level.DEPARTMENT_QUARTERLY, "2026-Q5"),
            (Level.DEPARTMENT_QUARTERLY, "2026-Q0"),
            (Level.DEPARTMENT_QUARTERLY, "2026-q3"),
            (Level.DEPARTMENT_QUARTERLY, "2026Q3"),
            (Level.DEPARTMENT_QUARTERLY, "2026-10"),
            (Level.UNIT_YEARLY, "26"),
            (Level.UNIT_YEARLY, "2026-Q3"),
            (Level.UNIT_YEARLY, "1900"),
            (Level.UNIT_YEARLY, "二〇二六"),
        ],
    )
    def test_a_malformed_period_is_400(self, mentoring, long_running, level, period):
        by = {
            Level.MENTOR_MONTHLY: mentoring.member_a,
            Level.DEPARTMENT_QUARTERLY: mentoring.lead_a,
            Level.UNIT_YEARLY: mentoring.org.official_a,
        }[level]
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            record(long_running, by, level, period=period)
        assert "period" in refused.value.message_dict
        assert counts() == rows

    def test_a_period_that_has_not_begun_is_400(self, mentoring, long_running):
        next_month = timezone.localdate().replace(day=28) + 7 * DAY
        with pytest.raises(ValidationError) as refused:
            record(
                long_running, mentoring.member_a, Level.MENTOR_MONTHLY, period=month_of(next_month)
            )
        assert "period" in refused.value.message_dict
        assert not Evaluation.objects.exists()

    def test_a_month_before_the_term_began_is_400(self, mentoring):
        pairing = mentoring.active  # began 10 days ago
        month_before = pairing.starts_on.replace(day=1) - DAY
        with pytest.raises(ValidationError) as refused:
            record(pairing, mentoring.member_a, Level.MENTOR_MONTHLY, period=month_of(month_before))
        assert "period" in refused.value.message_dict
        assert not Evaluation.objects.exists()

    def test_the_month_the_term_began_in_may_be_evaluated(self, mentoring):
        pairing = mentoring.active
        evaluation = record(
            pairing, mentoring.member_a, Level.MENTOR_MONTHLY, period=month_of(pairing.starts_on)
        )
        assert evaluation.period == month_of(pairing.starts_on)

    def test_the_quarter_the_term_began_in_may_be_evaluated(self, mentoring):
        # given a pairing that began in the middle month of last quarter
        today = timezone.localdate()
        this_quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last_quarter = (this_quarter - DAY).replace(day=1)
        last_quarter = datetime.date(last_quarter.year, 3 * ((last_quarter.month - 1) // 3) + 1, 1)
        began = (last_quarter + 40 * DAY).replace(day=15)  # the 15th of its second month
        pairing = pairing_in(mentoring, Status.ACTIVE, started=(today - began).days)
        # when the department evaluates that quarter (the monthly rule allows the first month)
        evaluation = record(
            pairing, mentoring.lead_a, Level.DEPARTMENT_QUARTERLY, period=quarter_of(began)
        )
        # then it is recorded
        assert evaluation.period == quarter_of(began)

    def test_a_year_before_the_term_began_is_400(self, mentoring):
        pairing = mentoring.active  # began 10 days ago
        year_before = str(pairing.starts_on.year - 1)
        with pytest.raises(ValidationError) as refused:
            record(pairing, mentoring.org.official_a, Level.UNIT_YEARLY, period=year_before)
        assert "period" in refused.value.message_dict
        assert not Evaluation.objects.exists()

    @pytest.mark.parametrize(
        ("level", "who"),
        [
            (Level.MENTOR_MONTHLY, "member_a"),
            (Level.DEPARTMENT_QUARTERLY, "lead_a"),
            (Level.UNIT_YEARLY, "org.official_a"),
        ],
    )
    def test_a_second_evaluation_of_the_same_period_is_409(
        self, mentoring, long_running, level, who
    ):
        by = person(mentoring, who)
        record(long_running, by, level)
        rows = counts()
        with pytest.raises(Conflict):
            record(long_running, by, level, period=f" {current_period(level)} ")
        assert counts() == rows

    def test_the_same_period_at_another_level_or_pairing_is_fine(self, mentoring, long_running):
        record(long_running, mentoring.member_a, Level.MENTOR_MONTHLY)
        record(mentoring.active, mentoring.member_a, Level.MENTOR_MONTHLY)
        record(long_running, mentoring.org.official_a, Level.UNIT_YEARLY)
        assert Evaluation.objects.count() == 3

    def test_the_final_is_named_by_its_date(self, mentoring):
        evaluation = record(
            mentoring.active, mentoring.org.official_a, Level.FINAL, period="whatever"
        )
        assert evaluation.period == timezone.localdate().isoformat()


class TestEvaluationFields:
    @pytest.mark.parametrize(
        "fields",
        [
            {"outcome": Outcome.PASSED},
            {"outcome": Outcome.NOT_PASSED},
            {"skill_level_reached": "senior"},
        ],
    )
    def test_only_the_final_has_an_outcome(self, mentoring, fields):
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            record(mentoring.active, mentoring.member_a, Level.MENTOR_MONTHLY, **fields)
        assert "outcome" in refused.value.message_dict
        assert counts() == rows

    def test_a_final_must_say_whether_the_apprentice_passed(self, mentoring):
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            record(mentoring.active, mentoring.org.official_a, Level.FINAL, outcome="")
        assert "outcome" in refused.value.message_dict
        assert counts() == rows

    def test_a_passed_final_must_name_the_level_reached(self, mentoring):
        before, rows = snapshot(mentoring.active), counts()
        with pytest.raises(ValidationError) as refused:
            record(mentoring.active, mentoring.org.official_a, Level.FINAL, outcome=Outcome.PASSED)
        assert "skill_level_reached" in refused.value.message_dict
        assert snapshot(mentoring.active) == before
        assert counts() == rows

    def test_an_unknown_level_reached_is_400(self, mentoring):
        before, rows = snapshot(mentoring.active), counts()
        with pytest.raises(ValidationError):
            record(
                mentoring.active,
                mentoring.org.official_a,
                Level.FINAL,
                outcome=Outcome.PASSED,
                skill_level_reached="grandmaster",
            )
        assert snapshot(mentoring.active) == before
        assert counts() == rows

    @pytest.mark.parametrize("score", [101, -1])
    def test_scores_lie_between_0_and_100(self, mentoring, score):
        with pytest.raises(ValidationError) as refused:
            record(mentoring.active, mentoring.member_a, Level.MENTOR_MONTHLY, theory=score)
        assert "theory" in refused.value.message_dict
        assert not Evaluation.objects.exists()

    @pytest.mark.parametrize("days", [-1, 11], ids=["tomorrow", "before the term"])
    def test_the_evaluation_date_lies_within_the_term_so_far(self, mentoring, days):
        with pytest.raises(ValidationError) as refused:
            record(
                mentoring.active, mentoring.org.official_a, Level.FINAL, evaluated_on=days_ago(days)
            )
        assert "evaluated_on" in refused.value.message_dict
        assert not Evaluation.objects.exists()

    def test_an_unknown_level_is_400(self, mentoring):
        with pytest.raises(ValidationError) as refused:
            evaluate(mentoring.active, mentoring.org.official_a, "weekly", period="2026-10")
        assert "level" in refused.value.message_dict


class TestFinalAppraisal:
    def test_not_passed_keeps_the_pairing_active_and_may_be_retaken(self, mentoring):
        pairing, official = mentoring.active, mentoring.org.official_a
        first = record(pairing, official, Level.FINAL, outcome=Outcome.NOT_PASSED)
        assert (first.outcome, first.skill_level_reached, first.skill_change) == (
            Outcome.NOT_PASSED,
            "",
            None,
        )
        assert snapshot(pairing)["status"] == Status.ACTIVE
        assert not SkillLevelChange.objects.exists()
        # a retake the same day is allowed and may pass
        final_passed(pairing, official)
        assert snapshot(pairing)["status"] == Status.COMPLETED
        assert list(pairing.evaluations.values_list("outcome", flat=True)) == [
            Outcome.NOT_PASSED,
            Outcome.PASSED,
        ]

    def test_a_level_named_on_a_failed_final_is_dropped(self, mentoring):
        evaluation = record(
            mentoring.active,
            mentoring.org.official_a,
            Level.FINAL,
            outcome=Outcome.NOT_PASSED,
            skill_level_reached=SkillLevel.SENIOR,
        )
        assert evaluation.skill_level_reached == ""
        mentoring.apprentice_a.refresh_from_db()
        assert mentoring.apprentice_a.skill_level == SkillLevel.JUNIOR

    def test_passed_completes_the_pairing_and_raises_the_level_once(self, mentoring):
        # given the active pairing of a junior worker
        pairing, official = mentoring.active, mentoring.org.official_a
        # when an official records a passed final on an earlier day
        evaluation = record(
            pairing,
            official,
            Level.FINAL,
            outcome=Outcome.PASSED,
            skill_level_reached=SkillLevel.INTERMEDIATE,
            evaluated_on=days_ago(2),
        )
        # then the pairing completed that day
        pairing.refresh_from_db()
        assert (pairing.status, pairing.ended_on) == (Status.COMPLETED, days_ago(2))
        # and the apprentice rose one level, with one history row tied to the appraisal
        apprentice = mentoring.apprentice_a
        apprentice.refresh_from_db()
        assert apprentice.skill_level == SkillLevel.INTERMEDIATE
        (change,) = SkillLevelChange.objects.all()
        assert (change.person, change.from_level, change.to_level) == (
            apprentice,
            SkillLevel.JUNIOR,
            SkillLevel.INTERMEDIATE,
        )
        assert (change.changed_on, change.recorded_by) == (days_ago(2), official)
        evaluation.refresh_from_db()
        assert evaluation.skill_change == change

    def test_a_second_passed_final_is_409_and_raises_nothing_more(self, mentoring):
        pairing, official = mentoring.active, mentoring.org.official_a
        final_passed(pairing, official, level=SkillLevel.INTERMEDIATE)
        before, rows = snapshot(pairing), counts()
        # when the same form is submitted again (with a higher level, even)
        with pytest.raises(Conflict):
            final_passed(pairing, official, level=SkillLevel.SENIOR)
        with pytest.raises(Conflict):
            final_passed(pairing, mentoring.org.group_official, level=SkillLevel.INTERMEDIATE)
        # then there is still one passed final, one change and the level rose once
        assert snapshot(pairing) == before
        assert counts() == rows
        assert pairing.evaluations.filter(outcome=Outcome.PASSED).count() == 1
        assert SkillLevelChange.objects.filter(person=mentoring.apprentice_a).count() == 1
        mentoring.apprentice_a.refresh_from_db()
        assert mentoring.apprentice_a.skill_level == SkillLevel.INTERMEDIATE

    @pytest.mark.parametrize(
        ("held", "reached"),
        [
            (SkillLevel.JUNIOR, SkillLevel.JUNIOR),
            (SkillLevel.SENIOR, SkillLevel.INTERMEDIATE),
        ],
        ids=["same level", "lower level"],
    )
    def test_a_level_at_or_below_the_one_held_changes_nothing(self, mentoring, held, reached):
        # given an apprentice who already holds `held`
        apprentice = apprentice_in(mentoring, level=held)
        pairing = mentoring.pair(mentoring.lead_a, mentoring.member_a, apprentice, mentoring.dust)
        # when they pass with `reached`
        evaluation = final_passed(pairing, mentoring.org.official_a, level=reached)
        # then the pairing completes but their level stays and no history row is written
        assert snapshot(pairing)["status"] == Status.COMPLETED
        apprentice.refresh_from_db()
        assert apprentice.skill_level == held
        assert not SkillLevelChange.objects.exists()
        evaluation.refresh_from_db()
        assert (evaluation.skill_level_reached, evaluation.skill_change) == (reached, None)

    def test_an_apprentice_with_no_level_yet_rises_to_the_first(self, mentoring):
        apprentice = apprentice_in(mentoring, level="")
        pairing = mentoring.pair(mentoring.lead_a, mentoring.member_a, apprentice, mentoring.dust)
        final_passed(pairing, mentoring.org.official_a, level=SkillLevel.JUNIOR)
        (change,) = SkillLevelChange.objects.all()
        assert (change.from_level, change.to_level) == ("", SkillLevel.JUNIOR)

    def test_a_completed_pairing_takes_no_more_evaluations(self, mentoring):
        final_passed(mentoring.active, mentoring.org.official_a)
        rows = counts()
        with pytest.raises(Conflict):
            record(mentoring.active, mentoring.member_a, Level.MENTOR_MONTHLY)
        assert counts() == rows
