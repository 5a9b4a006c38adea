"""The mentor–apprentice pages take a fixed number of queries: the pairing list
at any page size, the pairing page whatever the length of its plan, sessions and
evaluations, and "my apprentices" / "my apprenticeship" whatever the number of
pairings and steps."""

import datetime
import io
import tempfile
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import SkillLevel
from apprenticeships import services
from apprenticeships.models import Evaluation, Pairing
from studios import services as studio_services
from studios.models import Membership
from tests.apprenticeships.conftest import SCORES, days_ago
from tests.factories import PersonFactory
from tests.world import shared_data

pytestmark = pytest.mark.django_db

LIST = reverse("apprenticeships:pairing-list")
MINE = reverse("apprenticeships:my-apprenticeship")
MENTORING = reverse("apprenticeships:my-apprentices")
Level = Evaluation.Level


def fresh(person):
    """The person as a new request loads them (no scope cached by the fixtures)."""
    return type(person).objects.get(pk=person.pk)


def queries_of(client, person, page, params=None) -> tuple[int, object]:
    """The number of queries one request of `person` for `page` takes."""
    client.force_login(fresh(person))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page, params or {})
    assert response.status_code == 200
    return len(queries), response


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 140, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile("证据.jpg", buffer.getvalue(), content_type="image/jpeg")


def propose(by, mentor, apprentice, *, studio=None, started=60, activate=True) -> Pairing:
    pairing = services.pairing_propose(
        by=by,
        mentor=mentor,
        apprentice=apprentice,
        studio=studio,
        starts_on=days_ago(started),
        planned_end_on=days_ago(started) + datetime.timedelta(days=730),
        target_skill_level=SkillLevel.INTERMEDIATE,
        goals="掌握粉尘检测",
    )
    if activate:
        pairing = services.pairing_activate(
            pairing_id=pairing.pk, by=by, agreement_signed_on=days_ago(started)
        )
    return pairing


# --- The list -----------------------------------------------------------------------


@shared_data(needs=("studios",))
def crowded(built):
    """32 pairings of the dust studio (lead_a's): six core members mentor five
    active apprentices each (the cap), a seventh has two proposed; some have a
    session (one a group session), some a step past due."""
    studios = built.get("studios")
    org = studios.org
    mentors = [PersonFactory(org_unit=org.team_a101) for _ in range(7)]
    for mentor in mentors:
        studio_services.membership_add(
            studio_id=studios.dust.pk, by=studios.lead_a, person=mentor, role=Membership.Role.CORE
        )
    for index, mentor in enumerate(mentors):
        pairings = [
            propose(
                studios.lead_a,
                mentor,
                PersonFactory(org_unit=org.team_a102),
                studio=studios.dust,
                started=20 + index * 3 + number,
                activate=index < 6,
            )
            for number in range(5 if index < 6 else 2)
        ]
        if index % 2 == 0 and index < 6:
            services.session_log(
                by=mentor,
                pairings=pairings[:2],
                held_on=days_ago(5),
                hours=2,
                format="on_site",
                topic="粉尘采样",
            )
        if index == 1:
            services.milestone_create(
                pairing_id=pairings[0].pk, by=mentor, title="校准", due_on=days_ago(2)
            )
    assert Pairing.objects.count() == 32
    return studios


# Every page starts with the session, the user and their scope (the path of their
# unit and their grants; a superuser has no unit). The list then asks whether the
# viewer may propose (a studio they lead; an official needs no query), mentors or
# is an apprentice, COUNT and the page itself (the unit filter is a picker).
LIST_QUERIES = {"lead_a": 9, "official_a": 8, "group_official": 8, "admin": 7}


@pytest.mark.parametrize("role", list(LIST_QUERIES))
def test_the_list_takes_the_same_queries_at_any_page_size(client, crowded, role):
    viewer = getattr(crowded, role, None) or getattr(crowded.org, role)
    counts = {}
    for page_size in (5, 25):
        counts[page_size], response = queries_of(client, viewer, LIST, {"page_size": page_size})
        assert response.context["paginator"].count == 32
        assert len(response.context["pairings"]) == page_size
    assert counts == {5: LIST_QUERIES[role], 25: LIST_QUERIES[role]}


def test_the_filtered_list_takes_the_same_queries_at_any_page_size(client, crowded):
    params = {"status": "active", "org_unit": crowded.org.company_a.pk, "studio": crowded.dust.pk}
    counts = {}
    for page_size in (5, 25):
        counts[page_size], response = queries_of(
            client, crowded.org.official_a, LIST, {**params, "page_size": page_size}
        )
        assert response.context["paginator"].count == 30
        assert len(response.context["pairings"]) == page_size
    # the unit filter looks the chosen unit up among the viewer's, the studio
    # filter (a picker) the chosen studio, to name it in its box
    assert counts == {5: LIST_QUERIES["official_a"] + 2, 25: LIST_QUERIES["official_a"] + 2}


@pytest.mark.parametrize("role", ["lead_a", "official_a"])
def test_the_at_risk_list_takes_the_same_queries_as_the_whole_list(client, crowded, role):
    # 24 of the 30 active pairings are at risk (no session for 21 days, or a
    # step past due): the filter reads the stored day, no query of its own
    viewer = getattr(crowded, role, None) or getattr(crowded.org, role)
    counts = {}
    for page_size in (5, 20):
        counts[page_size], response = queries_of(
            client, viewer, LIST, {"at_risk": "true", "page_size": page_size}
        )
        assert response.context["paginator"].count == 24
        assert len(response.context["pairings"]) == page_size
        assert all(pairing.at_risk for pairing in response.context["pairings"])
    assert counts == {5: LIST_QUERIES[role], 20: LIST_QUERIES[role]}


# --- The pairing page ---------------------------------------------------------------


@shared_data(needs=("studios",))
def two_and_four(built):
    """member_a mentors three apprentices in the dust studio, all started 400
    days ago: `small` has two steps (one done with a photo), two sessions and two
    evaluations; `large` four of each (a query a row shows as well as with ten);
    `buddy` shares every group session. Built
    once for the module: the photo goes to a folder of its own, gone once built
    (the page names the file, it never opens it)."""
    studios = built.get("studios")
    org, mentor = studios.org, studios.member_a
    people = [PersonFactory(org_unit=org.team_a101) for _ in range(3)]
    small, large, buddy = (
        propose(studios.lead_a, mentor, person, studio=studios.dust, started=400)
        for person in people
    )

    def fill(pairing, count):
        for index in range(count):
            step = services.milestone_create(
                pairing_id=pairing.pk,
                by=mentor,
                title=f"第{index + 1}步",
                due_on=days_ago(-30 + index),
            )
            if index % 2 == 0:
                services.milestone_mark_done(
                    milestone_id=step.pk,
                    by=pairing.apprentice,
                    evidence="完成",
                    upload=jpeg() if index % 4 == 0 else None,
                )
            session = services.session_log(
                by=mentor,
                pairings=[pairing, buddy],
                held_on=days_ago(300 - index * 20),
                hours=2,
                format="on_site",
                topic=f"第{index + 1}次带教",
            )
            if index % 2:
                services.session_confirm(session_id=session.pk, by=pairing.apprentice)
            month = timezone.localdate().replace(day=1) - datetime.timedelta(days=31 * index)
            services.evaluation_record(
                pairing_id=pairing.pk,
                by=mentor,
                level=Level.MENTOR_MONTHLY,
                period=month.strftime("%Y-%m"),
                **SCORES,
            )
        services.pairing_extend(
            pairing_id=pairing.pk,
            by=studios.lead_a,
            planned_end_on=pairing.planned_end_on + datetime.timedelta(days=30),
            reason="延期",
        )

    with tempfile.TemporaryDirectory() as media_root, override_settings(MEDIA_ROOT=media_root):
        fill(small, 2)
        fill(large, 4)
    assert (large.milestones.count(), large.sessions.count(), large.evaluations.count()) == (
        4,
        4,
        4,
    )
    return SimpleNamespace(**vars(studios), small=small, large=large)


# The session, the user, their scope; the pairing with the viewer's access to it
# (what they may do with it, the evaluation levels open to them: no query of its
# own); the plan and its files; the sessions and everyone present; the
# evaluations; the proposals and achievements of the term; the status history
# and the extensions; for the office over it, its change history (one query while
# no entry names another record).
DETAIL_QUERIES = {"mentor": 14, "apprentice": 14, "lead_a": 15, "official_a": 15}


@pytest.mark.parametrize("role", list(DETAIL_QUERIES))
def test_the_pairing_page_does_not_grow_with_its_plan_sessions_and_evaluations(
    client, two_and_four, role
):
    counts = {}
    # Django keeps the content types it looked up for the life of the process (the
    # history section asks for two): a first visit stands for the ones before.
    queries_of(
        client,
        two_and_four.org.official_a,
        reverse("apprenticeships:pairing-detail", args=[two_and_four.small.pk]),
    )
    for name, size in (("small", 2), ("large", 4)):
        pairing = getattr(two_and_four, name)
        viewer = {
            "mentor": two_and_four.member_a,
            "apprentice": pairing.apprentice,
            "lead_a": two_and_four.lead_a,
            "official_a": two_and_four.org.official_a,
        }[role]
        page = reverse("apprenticeships:pairing-detail", args=[pairing.pk])
        counts[name], response = queries_of(client, viewer, page)
        assert len(response.context["milestones"]) == size
        assert len(response.context["attendances"]) == size
        assert len(response.context["evaluations"]) == size
        assert all(len(a.session.everyone) == 2 for a in response.context["attendances"])
        assert response.content.decode().count('data-testid="evaluation"') == size
    assert counts == {"small": DETAIL_QUERIES[role], "large": DETAIL_QUERIES[role]}


# --- My apprentices, my apprenticeship ----------------------------------------------


@shared_data(needs=("org",))
def mentors(built):
    """Two mentors in company A, their pairings proposed by official_a outside
    any studio: `few` mentors two apprentices with two steps each; `many` mentors
    five active apprentices and three whose pairing ended, four steps each."""
    org = built.get("org")
    few = PersonFactory(org_unit=org.team_a101)
    many = PersonFactory(org_unit=org.team_a101)

    def give(mentor, count, steps, *, ended=0):
        pairings = []
        for index in range(ended + count):  # the ended ones first: the cap counts active ones
            pairing = propose(org.official_a, mentor, PersonFactory(org_unit=org.team_a102))
            for number in range(steps):
                services.milestone_create(
                    pairing_id=pairing.pk,
                    by=mentor,
                    title=f"第{number + 1}步",
                    due_on=days_ago(-10 - number),
                )
            if index < ended:
                services.pairing_terminate(pairing_id=pairing.pk, by=org.official_a, reason="调离")
            else:
                pairings.append(pairing)
        services.session_log(
            by=mentor,
            pairings=pairings,
            held_on=days_ago(3),
            hours=1,
            format="theory",
            topic="安全规程",
        )
        return pairings

    give(few, 2, 2)
    give(many, 5, 4, ended=3)
    org.few, org.many = few, many
    return org


def test_my_apprentices_does_not_grow_with_pairings_and_steps(client, mentors):
    counts = {}
    for name in ("few", "many"):
        counts[name], response = queries_of(client, getattr(mentors, name), MENTORING)
        assert len(response.context["pairings"]) == (2 if name == "few" else 8)
    # the session, the user, their scope, the pairings and their plans
    assert counts == {"few": 6, "many": 6}


@shared_data(needs=("org",))
def apprentices(built):
    """Two apprentices in company A: `one` in one pairing with two steps and one
    session to confirm; `three` in three pairings with three mentors (one active,
    one terminated, one active), four steps each and a session to confirm in each."""
    org = built.get("org")
    one = PersonFactory(org_unit=org.team_a102)
    three = PersonFactory(org_unit=org.team_a102)

    def take(apprentice, count, steps):
        for index in range(count):
            mentor = PersonFactory(org_unit=org.team_a101)
            pairing = propose(org.official_a, mentor, apprentice)
            for number in range(steps):
                step = services.milestone_create(
                    pairing_id=pairing.pk,
                    by=mentor,
                    title=f"第{number + 1}步",
                    due_on=days_ago(-10 - number),
                )
                if number == 0:
                    services.milestone_mark_done(
                        milestone_id=step.pk, by=apprentice, evidence="完成"
                    )
            for day in (3, 4):
                session = services.session_log(
                    by=mentor,
                    pairings=[pairing],
                    held_on=days_ago(day),
                    hours=1,
                    format="theory",
                    topic="安全规程",
                )
            services.session_confirm(session_id=session.pk, by=apprentice)
            if index == 1:
                services.pairing_terminate(pairing_id=pairing.pk, by=org.official_a, reason="调离")

    take(one, 1, 2)
    take(three, 3, 4)
    org.one, org.three = one, three
    return org


def test_my_apprenticeship_does_not_grow_with_pairings_and_steps(client, apprentices):
    counts = {}
    for name in ("one", "three"):
        counts[name], response = queries_of(client, getattr(apprentices, name), MINE)
        assert len(response.context["pairings"]) == (1 if name == "one" else 3)
        assert len(response.context["to_confirm"]) == (1 if name == "one" else 3)
    # the session, the user, their scope, the pairings and their plans, the
    # sessions to confirm and the recent ones
    assert counts == {"one": 8, "three": 8}
