"""The pairing services: proposal, activation and the mentor's capacity,
extension, termination, who runs a pairing and its updates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import OrgUnit
from apprenticeships import selectors, services
from apprenticeships.models import DEFAULT_MENTOR_CAPACITY, MentorCapacity, Pairing
from core.exceptions import Conflict
from tests.apprenticeships.conftest import days_ago
from tests.apprenticeships.services import (
    DAY,
    _activate,
    _extend,
    apprentice_in,
    counts,
    pairing_in,
    person,
    propose,
    snapshot,
)

pytestmark = pytest.mark.django_db

Status = Pairing.Status


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

    @pytest.mark.parametrize("chosen", [True, False], ids=["chosen", "the apprentice's"])
    def test_a_closed_unit_takes_no_pairing_outside_any_studio_400(self, mentoring, chosen):
        """A closed unit takes no new records: whether chosen or the
        apprentice's own, the official is told it is closed."""
        apprentice = apprentice_in(mentoring, "team_a102")
        OrgUnit.objects.filter(pk=mentoring.org.team_a102.pk).update(
            closed_on=datetime.date(2024, 1, 1)
        )
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            propose(
                mentoring,
                by=mentoring.org.official_a,
                mentor=mentoring.org.worker_a,
                apprentice=apprentice,
                studio=None,
                org_unit=mentoring.org.team_a102 if chosen else None,
            )
        assert refused.value.message_dict == {"org_unit": ["该单位已撤销。"]}
        assert counts() == rows

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

    @pytest.mark.parametrize("field", ["mentor", "apprentice"])
    def test_someone_no_longer_active_is_400_naming_them(self, mentoring, field):
        """The mentor or the apprentice has left (deactivated): neither can
        sign in to take part, so nothing is proposed."""
        apprentice = apprentice_in(mentoring)
        gone = {"mentor": mentoring.member_a, "apprentice": apprentice}[field]
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
        rows = counts()
        with pytest.raises(ValidationError) as refused:
            propose(mentoring, apprentice=apprentice)
        assert refused.value.message_dict == {field: [f"{gone.full_name} 已停用"]}
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
