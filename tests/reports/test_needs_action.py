# ruff: noqa: F811  (the competitions fixtures are imported, then asked for by name)
""" "Needs your action", first on every home page: what waits for each role,
linked to its record, and nothing for anyone else; its queries do not grow
with the number of things waiting."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprenticeships import services as apprenticeship_services
from apprenticeships.models import Pairing
from competitions import services
from competitions.models import Campaign, Proposal
from naming import services as naming_services
from naming.models import NamingApplication
from reports.selectors import home as reports_home
from showcase import services as showcase
from tests.apprenticeships.conftest import mentoring  # noqa: F401
from tests.competitions.conftest import (  # noqa: F401
    at,
    campaigns,
    make_proposal,
    panel,
)
from tests.naming.conftest import bring, naming_calls  # noqa: F401
from tests.showcase.conftest import make_story

pytestmark = pytest.mark.django_db
Status = Proposal.Status
DAY = datetime.timedelta(days=1)


def actions(client) -> dict[str, list[str]]:
    """{group key: [item links]} of the person's home page."""
    response = client.get(reverse("reports:home"))
    assert response.status_code == 200
    html = response.content.decode()
    groups = response.context["needs_action"]
    if groups:
        # First on the page: before everything else the home shows.
        assert html.index('data-testid="needs-action"') < html.index("</h1>") + 200
    return {group.key: [item.url for item in group.items] for group in groups}


def test_a_returned_proposal_waits_for_its_author_only(as_person, org, at):
    proposal = at(Status.RETURNED)
    link = reverse("competitions:proposal-detail", args=[proposal.pk])
    assert actions(as_person(org.worker_a))["proposals-returned"] == [link]
    # A co-author does not revise; the office, an outsider: nothing to do.
    for person in (org.colleague_a, org.worker_b):
        assert "proposals-returned" not in actions(as_person(person))


def test_a_reviewer_sees_the_reviews_they_still_owe(as_person, org, at, panel):
    proposal = at(Status.UNDER_REVIEW)
    Campaign.objects.filter(pk=proposal.campaign_id).update(blind_review=True)
    client = as_person(panel.experts[3])
    assert actions(client)["reviews-due"] == [
        reverse("competitions:review-form", args=[proposal.pk])
    ]
    section = client.get(reverse("reports:home")).content.decode()
    section = section[section.index('data-testid="needs-action"') :]
    section = section[: section.index("</section>")]
    # Blind: the title and the deadline, never the authors, the code or the unit.
    assert proposal.title in section
    for secret in (proposal.code, org.worker_a.full_name, proposal.org_unit.name):
        assert secret not in section
    # Those who reviewed, and the author, owe nothing.
    for person in (panel.experts[0], org.worker_a):
        assert "reviews-due" not in actions(as_person(person))


def test_the_office_sees_proposals_waiting_for_screening_on_its_home(as_person, org, make_proposal):
    proposal = make_proposal(org.worker_a)
    assert (
        reverse("competitions:proposal-detail", args=[proposal.pk])
        in actions(as_person(org.official_a))["screening"]
    )
    assert "screening" not in actions(as_person(org.official_b))  # another company
    assert "screening" not in actions(as_person(org.worker_a))


def test_an_apprentice_sees_sessions_to_confirm_and_both_see_steps_due(as_person, mentoring):
    pairing = mentoring.active
    apprenticeship_services.session_log(
        by=mentoring.member_a,
        pairings=[pairing],
        held_on=timezone.localdate(),
        hours=2,
        format="on_site",
        topic="粉尘检测",
    )
    apprenticeship_services.milestone_create(
        pairing_id=pairing.pk,
        by=mentoring.member_a,
        title="掌握粉尘采样",
        due_on=timezone.localdate() + 2 * DAY,
    )
    detail = reverse("apprenticeships:pairing-detail", args=[pairing.pk])
    apprentice = actions(as_person(mentoring.apprentice_a))
    assert apprentice["sessions-to-confirm"] == [reverse("apprenticeships:my-apprenticeship")]
    assert apprentice["steps-due"] == [detail]
    mentor = actions(as_person(mentoring.member_a))
    assert mentor["steps-due"] == [detail]
    assert "sessions-to-confirm" not in mentor
    # The studio's leader runs the pairing but neither attends nor does the steps.
    lead = actions(as_person(mentoring.lead_a))
    assert "steps-due" not in lead and "sessions-to-confirm" not in lead


def test_evaluations_due_reach_mentor_leader_and_office_not_the_apprentice(as_person, mentoring):
    pairing = mentoring.active
    # Begun four months ago and ending within the month: last month's and last
    # quarter's evaluations and the final appraisal are all due.
    Pairing.objects.filter(pk=pairing.pk).update(
        starts_on=timezone.localdate() - 120 * DAY,
        planned_end_on=timezone.localdate() + 10 * DAY,
    )
    detail = reverse("apprenticeships:pairing-detail", args=[pairing.pk])
    for person in (mentoring.member_a, mentoring.lead_a, mentoring.org.official_a):
        assert detail in actions(as_person(person)).get("evaluations-due", []), person
    for person in (mentoring.apprentice_a, mentoring.org.official_b, mentoring.org.worker_a):
        assert detail not in actions(as_person(person)).get("evaluations-due", []), person


def test_a_story_sent_back_waits_for_its_writer(as_person, studios):
    org = studios.org
    story = make_story(studios.lead_a, studios=[studios.dust])
    showcase.story_submit(story_id=story.pk, by=studios.lead_a)
    showcase.story_return(story_id=story.pk, by=org.official_a, reason="补充照片")
    assert actions(as_person(studios.lead_a))["stories-returned"] == [
        reverse("showcase:story-detail", args=[story.pk])
    ]
    assert "stories-returned" not in actions(as_person(org.official_a))
    # A draft never sent in is not waiting for anything.
    make_story(studios.lead_b, studios=[studios.turbine])
    assert "stories-returned" not in actions(as_person(studios.lead_b))


def test_a_naming_expert_sees_the_applications_they_still_have_to_score(
    as_person, naming_calls, bring
):
    application = bring(NamingApplication.Status.UNDER_REVIEW)
    expert = naming_calls.expert
    link = reverse("naming:application-detail", args=[application.pk])
    assert actions(as_person(expert))["naming-scores"] == [link]
    # Once they have scored, nothing waits; nor for the office or the applicant.
    naming_services.naming_review_submit(application_id=application.pk, by=expert, scores=[30, 40])
    for person in (expert, naming_calls.studios.org.group_official, naming_calls.studios.lead_a):
        assert "naming-scores" not in actions(as_person(person))


def test_an_outsider_has_nothing_waiting(as_person, org, at):
    at(Status.RETURNED)
    assert actions(as_person(org.worker_b)) == {}


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:home")).status_code == 200
    return len(queries)


def test_the_home_page_queries_do_not_grow_with_what_waits(as_person, org, make_proposal):
    official = org.official_a
    client = as_person(org.worker_a)

    def returned():
        proposal = make_proposal(org.worker_a)
        services.proposal_return(proposal_id=proposal.pk, by=official, comment="请补充")

    returned()
    one = home_queries(client)
    for _ in range(7):
        returned()
    group = client.get(reverse("reports:home")).context["needs_action"][0]
    assert (group.key, group.total, len(group.items)) == ("proposals-returned", 8, 5)
    assert home_queries(client) == one


def test_what_waits_is_counted_up_to_a_cap(as_person, org, make_proposal, monkeypatch):
    """Beyond COUNTED a kind says "COUNTED+": the office's screening queue holds
    every submitted proposal of its units, too many to count on each visit."""
    client = as_person(org.worker_a)
    for _ in range(4):
        proposal = make_proposal(org.worker_a)
        services.proposal_return(proposal_id=proposal.pk, by=org.official_a, comment="请补充")

    def returned():
        response = client.get(reverse("reports:home"), HTTP_ACCEPT_LANGUAGE="en")
        group = response.context["needs_action"][0]
        assert group.key == "proposals-returned"
        html = response.content.decode()
        section = html[html.index('data-testid="action-proposals-returned"') :]
        return group, section[: section.index("</ul>")]

    monkeypatch.setattr(reports_home, "ACTIONS_SHOWN", 2)
    monkeypatch.setattr(reports_home, "COUNTED", 4)
    group, section = returned()
    assert (group.total, group.more, len(group.items)) == (4, False, 2)
    assert 'data-testid="action-count">4</span>' in section
    assert "All 4 →" in section
    monkeypatch.setattr(reports_home, "COUNTED", 3)
    group, section = returned()
    assert (group.total, group.more, len(group.items)) == (3, True, 2)
    assert 'data-testid="action-count">3+</span>' in section
    assert "All 3+ →" in section
