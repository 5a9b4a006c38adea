"""Each hooked kind: who is told and who is not (an outsider, the one who acted)."""

import datetime

import pytest
from django.utils import timezone

from accounts import services as account_services
from apprenticeships import services as pairings
from apprenticeships.models import Pairing
from notices.models import Notice
from showcase import services as showcase
from tests.apprenticeships.conftest import final_passed
from tests.showcase.conftest import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_told_yet(db):
    """The shared levels are built through the services, which tell people
    about them; each test starts from no notice (rolled back after it)."""
    Notice.objects.all().delete()


def told(kind) -> set[str]:
    return set(Notice.objects.filter(kind=kind).values_list("recipient__employee_no", flat=True))


@pytest.mark.parametrize("move", ["return", "publish"])
def test_the_writer_hears_when_the_office_sends_back_or_publishes_their_story(studios, move):
    org = studios.org
    story = make_story(studios.lead_a, studios=[studios.dust])
    showcase.story_submit(story_id=story.pk, by=studios.lead_a)
    if move == "return":
        showcase.story_return(story_id=story.pk, by=org.official_a, reason="补充照片")
        kind, text = "showcase.story_returned", "你的作品《记粉尘治理工作室》被退回：补充照片"
    else:
        showcase.story_publish(story_id=story.pk, by=org.official_a)
        kind, text = "showcase.story_published", "你的作品《记粉尘治理工作室》已发布。"
    assert told(kind) == {"lead_a"}
    notice = Notice.objects.get(kind=kind)
    assert (notice.text, notice.url) == (text, f"/showcase/stories/{story.pk}/")


def test_an_official_publishing_their_own_story_is_not_told(studios):
    story = make_story(studios.org.official_a, studios=[studios.dust])
    showcase.story_publish(story_id=story.pk, by=studios.org.official_a)
    assert not Notice.objects.exists()


def test_the_apprentice_is_asked_to_confirm_a_logged_session(mentoring):
    pairings.session_log(
        by=mentoring.member_a,
        pairings=[mentoring.active],
        held_on=timezone.localdate(),
        hours=2,
        format="on_site",
        topic="粉尘检测",
    )
    assert told("apprenticeships.session_to_confirm") == {"apprentice_a"}


MOVES = {
    "activated": lambda world: pairings.pairing_activate(
        pairing_id=world.proposed.pk, by=world.lead_a, agreement_signed_on=timezone.localdate()
    ),
    "extended": lambda world: pairings.pairing_extend(
        pairing_id=world.active.pk,
        by=world.org.official_a,
        planned_end_on=world.active.planned_end_on + datetime.timedelta(days=90),
        reason="考核推迟",
    ),
    "terminated": lambda world: pairings.pairing_terminate(
        pairing_id=world.active.pk, by=world.org.official_a, reason="调岗"
    ),
    "completed": lambda world: final_passed(world.active, world.org.official_a),
}


@pytest.mark.parametrize("move", MOVES)
def test_mentor_and_apprentice_hear_what_becomes_of_their_pairing(mentoring, move):
    MOVES[move](mentoring)
    apprentice = "apprentice_a2" if move == "activated" else "apprentice_a"
    # Neither the one who acted nor an outsider (the other studio, the group office).
    assert told(f"apprenticeships.pairing_{move}") == {"member_a", apprentice}


def test_an_at_risk_pairing_is_told_once_to_mentor_leader_and_nearest_officials(mentoring):
    pairing = mentoring.active
    Pairing.objects.filter(pk=pairing.pk).update(
        at_risk_from=timezone.localdate() - datetime.timedelta(days=2)
    )
    assert pairings.pairings_at_risk_notify() == 1
    assert pairings.pairings_at_risk_notify() == 0  # beat twice
    later = timezone.localdate() + datetime.timedelta(days=5)  # after days of downtime
    assert pairings.pairings_at_risk_notify(today=later) == 0
    # The dust studio's member mentors, lead_a leads it, company A's official is
    # the nearest office; not the group's official, not company B, not the apprentice.
    assert told("apprenticeships.pairing_at_risk") == {"member_a", "lead_a", "official_a"}


def test_a_pairing_at_risk_again_after_recovering_is_a_new_episode(mentoring):
    pairing = mentoring.active
    for days in (30, 2):
        Pairing.objects.filter(pk=pairing.pk).update(
            at_risk_from=timezone.localdate() - datetime.timedelta(days=days)
        )
        pairings.pairings_at_risk_notify()
    assert Notice.objects.filter(recipient=mentoring.member_a).count() == 2


@pytest.mark.parametrize(
    ("care", "kind"),
    [
        (account_services.person_password_reset, "accounts.password_reset"),
        (account_services.person_unlock, "accounts.lockout_lifted"),
    ],
)
def test_a_person_hears_when_the_office_cares_for_their_account(org, care, kind):
    care(person_id=org.worker_a.pk, by=org.official_a)
    assert told(kind) == {"worker_a"}
