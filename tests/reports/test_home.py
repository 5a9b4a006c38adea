import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships import services as apprenticeship_services
from competitions import services
from tests.apprenticeships import conftest as apprenticeships
from tests.competitions.conftest import COMPLETE

# The apprenticeships' pairings, as in their tests.
mentoring = apprenticeships.mentoring
days_ago = apprenticeships.days_ago

pytestmark = pytest.mark.django_db


def test_home_shows_name_unit_and_roles_of_an_official(as_person, org):
    client = as_person(org.official_b)
    html = client.get(reverse("reports:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert org.official_b.full_name in html
    assert org.company_b.name in html
    assert "Union official · Unit B" in html


def test_home_of_a_worker_shows_worker_role(as_person, org):
    client = as_person(org.worker_a)
    response = client.get(reverse("reports:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["roles"] == []
    assert "Worker" in response.content.decode()


def test_home_needs_sign_in(client, org):
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302


def test_home_query_count_is_small(as_person, org, django_assert_max_num_queries):
    client = as_person(org.worker_b)
    # Session and user, grants, memberships, and the five-small block (open
    # campaigns, my proposals, the screening queue), the mentoring block (own
    # pairing, sessions to confirm, pairings as a mentor), the showcase block
    # (featured stories, newest honours), "needs your action" (one query per
    # kind: returned proposals, reviews owed, sessions to confirm, steps due,
    # evaluations due, stories sent back): a fixed handful.
    with django_assert_max_num_queries(23):
        client.get(reverse("reports:home"))


def test_home_lists_the_studios_of_a_lead(as_person, studios):
    client = as_person(studios.lead_a)
    response = client.get(reverse("reports:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert [m.studio.code for m in response.context["memberships"]] == ["A1-DUST"]
    assert "Leader · 粉尘治理创新工作室" in response.context["roles"]


def test_home_of_a_worker_without_studio_shows_none(as_person, studios):
    response = as_person(studios.org.worker_a).get(reverse("reports:home"))
    assert response.context["memberships"] == []


def test_home_offers_a_worker_the_open_campaign_and_their_proposals(as_person, org):

    from tests.competitions.conftest import _campaign

    now = timezone.now()
    campaign = _campaign(
        org,
        name="本年",
        year=now.year,
        opens=now - datetime.timedelta(days=1),
        closes=now + datetime.timedelta(days=9),
    )
    services.proposal_create(by=org.worker_a, campaign=campaign, **COMPLETE)
    response = as_person(org.worker_a).get(reverse("reports:home"))
    assert response.context["may_propose"] is True
    assert response.context["my_proposal_count"] == 1
    assert response.context["screening_count"] is None
    assert reverse("competitions:proposal-create").encode() in response.content


def test_home_shows_an_official_the_screening_queue(as_person, org):
    response = as_person(org.official_a).get(reverse("reports:home"))
    assert response.context["screening_count"] == 0
    assert reverse("competitions:proposal-create").encode() not in response.content


def test_home_shows_the_apprentice_their_mentor_next_step_and_sessions_to_confirm(
    as_person, mentoring
):
    apprenticeship_services.milestone_create(
        pairing_id=mentoring.active.pk,
        by=mentoring.member_a,
        title="识读通风系统图",
        due_on=days_ago(-10),
    )
    apprenticeship_services.session_log(
        by=mentoring.member_a,
        pairings=[mentoring.active],
        held_on=days_ago(1),
        hours=2,
        format="theory",
        topic="通风基础",
    )
    response = as_person(mentoring.apprentice_a).get(
        reverse("reports:home"), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert f"Your mentor: {mentoring.member_a.full_name}" in page
    assert "识读通风系统图" in page
    assert response.context["mentoring"]["to_confirm"] == 1


def test_home_shows_the_mentor_how_many_apprentices_are_at_risk(as_person, mentoring):
    mentoring.pair(
        mentoring.lead_a,
        mentoring.member_a,
        mentoring.org.colleague_a,
        mentoring.dust,
        started=30,
    )
    response = as_person(mentoring.member_a).get(reverse("reports:home"))
    glance = response.context["mentoring"]
    # Active (10 days, fresh), proposed, and active for 30 days without a session.
    assert (glance["mentoring_open"], glance["mentoring_at_risk"]) == (3, 1)


def test_home_has_no_mentoring_block_for_someone_outside_any_pairing(as_person, mentoring):
    response = as_person(mentoring.org.worker_b).get(reverse("reports:home"))
    assert 'data-testid="mentoring"' not in response.content.decode()


def test_a_studio_leads_home_shows_their_studios_figures_of_the_year(as_person, studios):
    from achievements import services as achievement_services

    today = timezone.localdate()
    achievement_services.problem_create(
        by=studios.lead_a,
        studio=studios.dust,
        title="喷雾降尘",
        category="dust_control",
        started_on=today,
    )
    achievement_services.problem_create(
        by=studios.lead_a,
        studio=studios.dust,
        title="去年的课题",
        category="dust_control",
        started_on=today.replace(year=today.year - 1),
    )
    response = as_person(studios.lead_a).get(reverse("reports:home"))
    (figures,) = response.context["led_studios"]
    assert figures["studio"] == studios.dust
    assert (figures["problems_opened"], figures["problems_solved"]) == (1, 0)
    assert 'data-testid="studio-figures"' in response.content.decode()
    achievement_services.achievement_create(
        by=studios.lead_a,
        studio=studios.dust,
        title="喷雾降尘装置",
        kind="equipment_modification",
        completed_on=today,
        contributors=[(studios.lead_a, Decimal(100))],
        claimed_benefit=Decimal("2690000"),
    )
    html = as_person(studios.lead_a).get(reverse("reports:home")).content.decode()
    # Money as the office prints it: yuan, thousands separated, two decimals.
    shown = dict(re.findall(r'data-testid="home-(\w+)-benefit">([^<]*)<', html))
    assert shown == {"claimed": "¥2,690,000.00", "verified": "¥0.00"}
    # A member who does not lead sees no such block.
    response = as_person(studios.member_a).get(reverse("reports:home"))
    assert response.context["led_studios"] == []
