"""Pairings under simultaneous requests: two activations racing for a mentor's
last place, two passed final appraisals of the same pairing, and two proposals
of the same pair. Each request runs in a thread of its own with its own
database connection. PostgreSQL only: SQLite serialises writers, so it cannot
show a race."""

from accounts.models import SkillLevel, SkillLevelChange, User
from apprenticeships import selectors, services
from apprenticeships.models import Evaluation, Pairing, PairingEvent
from core.exceptions import Conflict
from tests.apprenticeships.conftest import SCORES, days_ago
from tests.concurrency import RACES, run_at_once
from tests.factories import PersonFactory

pytestmark = RACES

Status = Pairing.Status


# Each call loads its actor afresh, as a request would: no shared user object or scope cache.


def activate(pairing_id: int, actor_id: int) -> int:
    by = User.objects.get(pk=actor_id)
    return services.pairing_activate(
        pairing_id=pairing_id, by=by, agreement_signed_on=days_ago(1)
    ).pk


def pass_final(pairing_id: int, actor_id: int, level: str) -> int:
    by = User.objects.get(pk=actor_id)
    return services.evaluation_record(
        pairing_id=pairing_id,
        by=by,
        level=Evaluation.Level.FINAL,
        outcome=Evaluation.Outcome.PASSED,
        skill_level_reached=level,
        **SCORES,
    ).pk


def propose(actor_id: int, mentor_id: int, apprentice_id: int, studio) -> int:
    return services.pairing_propose(
        by=User.objects.get(pk=actor_id),
        mentor=User.objects.get(pk=mentor_id),
        apprentice=User.objects.get(pk=apprentice_id),
        studio=studio,
        starts_on=days_ago(1),
        planned_end_on=days_ago(-364),
        target_skill_level=SkillLevel.SENIOR,
    ).pk


def test_two_activations_for_a_mentors_last_place_let_exactly_one_through(mentoring):
    m = mentoring
    # given a mentor allowed two active apprentices who has one, and two proposals
    services.mentor_capacity_set(
        by=m.org.official_a, org_unit=m.org.team_a101, max_active_apprentices=2
    )
    second = m.pair(
        m.lead_a, m.member_a, PersonFactory(org_unit=m.org.team_a101), m.dust, activate=False
    )
    waiting = [m.proposed, second]
    # when the studio leader and the company official activate one each at the same moment
    activated, errors = run_at_once(
        [(activate, m.proposed.pk, m.lead_a.pk), (activate, second.pk, m.org.official_a.pk)]
    )
    # then one is active, the other was refused as over capacity and is still proposed
    assert len(activated) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert errors[0].code == "capacity_exceeded"
    assert selectors.active_apprentice_count(m.member_a) == 2
    statuses = dict(
        Pairing.objects.filter(pk__in=[p.pk for p in waiting]).values_list("pk", "status")
    )
    loser = next(pk for pk in statuses if pk != activated[0])
    assert statuses == {activated[0]: Status.ACTIVE, loser: Status.PROPOSED}
    assert PairingEvent.objects.filter(pairing=loser).count() == 1  # only its proposal
    assert Pairing.objects.get(pk=loser).agreement_signed_on is None


def test_many_activations_never_exceed_the_default_capacity(mentoring):
    m = mentoring
    # given a mentor with one active apprentice and seven proposals
    proposals = [
        m.pair(
            m.lead_a, m.member_a, PersonFactory(org_unit=m.org.team_a101), m.dust, activate=False
        )
        for _ in range(7)
    ]
    # when all seven are activated at once
    activated, errors = run_at_once([(activate, p.pk, m.lead_a.pk) for p in proposals])
    # then exactly four fit under the default of five
    assert len(activated) == 4
    assert len(errors) == 3 and all(isinstance(e, Conflict) for e in errors), errors
    assert selectors.active_apprentice_count(m.member_a) == 5


def test_two_passed_finals_at_once_complete_the_pairing_and_raise_the_level_once(mentoring):
    m = mentoring
    pairing = m.active  # apprentice_a is a junior worker
    # when two officials record a passed final at the same moment
    recorded, errors = run_at_once(
        [
            (pass_final, pairing.pk, m.org.official_a.pk, SkillLevel.INTERMEDIATE),
            (pass_final, pairing.pk, m.org.group_official.pk, SkillLevel.SENIOR),
        ]
    )
    # then one is recorded and the other finds the pairing already completed
    assert len(recorded) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    passed = Evaluation.objects.filter(pairing=pairing, outcome=Evaluation.Outcome.PASSED)
    assert list(passed.values_list("pk", flat=True)) == recorded
    (change,) = SkillLevelChange.objects.filter(person=m.apprentice_a)
    assert passed.get().skill_change_id == change.pk
    apprentice = User.objects.get(pk=m.apprentice_a.pk)
    assert apprentice.skill_level == change.to_level == passed.get().skill_level_reached
    assert change.from_level == SkillLevel.JUNIOR
    pairing.refresh_from_db()
    assert pairing.status == Status.COMPLETED
    assert pairing.events.filter(to_state=Status.COMPLETED).count() == 1


def test_a_double_tapped_final_records_one_pass(mentoring):
    m = mentoring
    calls = [(pass_final, m.active.pk, m.org.official_a.pk, SkillLevel.INTERMEDIATE)] * 5
    recorded, errors = run_at_once(calls)
    assert len(recorded) == 1
    assert len(errors) == 4 and all(isinstance(e, Conflict) for e in errors), errors
    assert Evaluation.objects.filter(pairing=m.active).count() == 1
    assert SkillLevelChange.objects.filter(person=m.apprentice_a).count() == 1


def test_two_proposals_of_the_same_pair_at_once_make_one_open_pairing(mentoring):
    m = mentoring
    apprentice = PersonFactory(org_unit=m.org.team_a101)
    proposed, errors = run_at_once(
        [
            (propose, m.lead_a.pk, m.member_a.pk, apprentice.pk, m.dust),
            (propose, m.org.official_a.pk, m.member_a.pk, apprentice.pk, m.dust),
        ]
    )
    assert len(proposed) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    (pairing,) = Pairing.objects.filter(apprentice=apprentice)
    assert pairing.pk == proposed[0]
    assert pairing.events.count() == 1
