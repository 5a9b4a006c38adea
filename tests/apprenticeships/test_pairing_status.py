"""The pairing's status machine: the status table, the legal and illegal moves."""

import pytest
from django.utils import timezone

from accounts.models import SkillLevel, User
from apprenticeships import services
from apprenticeships.models import Pairing, PairingEvent
from core.exceptions import Conflict
from tests.apprenticeships.conftest import days_ago, final_passed
from tests.apprenticeships.services import _activate, _extend, counts, pairing_in, propose, snapshot

pytestmark = pytest.mark.django_db

Status = Pairing.Status


def skill_of(someone):
    return User.objects.get(pk=someone.pk).skill_level


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
    def test_only_the_four_listed_moves_are_legal(self, source, target):
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


def _terminate(m, pairing):
    services.pairing_terminate(pairing_id=pairing.pk, by=m.lead_a, reason="本人申请")


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
