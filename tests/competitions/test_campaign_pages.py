"""Five-small pages for campaigns: setup, figures, the proposal lists and their
query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from competitions import services
from competitions.models import AwardGrade, Campaign, Proposal
from tests.competitions.conftest import COMPLETE, proposal_maker
from tests.competitions.pages import MINE, fresh, url, zh
from tests.world import shared_data

pytestmark = pytest.mark.django_db


# --- Campaigns --------------------------------------------------------------------------


def campaign_data(org, *, criteria=None, grades=(), **overrides):
    now = timezone.localtime()
    if criteria is None:
        criteria = [("技术水平", 30), ("经济效益", 30), ("推广范围", 20), ("实用性", 20)]
    data = {
        "name": "2026 年 A 公司五小竞赛",
        "year": now.year,
        "org_unit": org.company_a.pk,
        "description": "面向一线职工征集五小成果。",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=60)).strftime("%Y-%m-%dT%H:%M"),
        "review_deadline": (now + datetime.timedelta(days=90)).strftime("%Y-%m-%d"),
        "blind_review": "on",
        "min_reviews": 3,
        "criteria-TOTAL_FORMS": str(len(criteria)),
        # the page shows the rubric rows as initial rows (the default rubric when creating)
        "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "12",
        "grades-TOTAL_FORMS": str(len(grades)),
        "grades-INITIAL_FORMS": "0",
        "grades-MIN_NUM_FORMS": "0",
        "grades-MAX_NUM_FORMS": "6",
        **overrides,
    }
    for index, (name, points) in enumerate(criteria):
        data[f"criteria-{index}-name"] = name
        data[f"criteria-{index}-max_points"] = points
    for index, (grade, quota, amount) in enumerate(grades):
        data[f"grades-{index}-grade"] = grade
        data[f"grades-{index}-quota"] = "" if quota is None else quota
        data[f"grades-{index}-amount"] = amount
    return data


CAMPAIGN_NEW = reverse("competitions:campaign-create")


class TestCampaignForm:
    def test_new_campaign_page_starts_with_the_default_rubric(self, as_person, org):
        response = as_person(org.official_a).get(CAMPAIGN_NEW)
        assert response.status_code == 200
        assert [form.initial["max_points"] for form in response.context["criteria"]] == [
            30,
            30,
            20,
            20,
        ]
        assert set(response.context["form"].fields["org_unit"].queryset) == {
            org.company_a,
            org.mine_a1,
            org.team_a101,
            org.team_a102,
        }

    def test_official_creates_a_campaign_with_rubric_and_grades(self, as_person, org):
        data = campaign_data(
            org,
            grades=[
                (AwardGrade.Grade.FIRST, 1, "5000"),
                (AwardGrade.Grade.ENCOURAGEMENT, None, "200"),
            ],
        )

        response = as_person(org.official_a).post(CAMPAIGN_NEW, data)

        campaign = Campaign.objects.get(name="2026 年 A 公司五小竞赛")
        assert response.status_code == 302
        assert response.url == reverse("competitions:campaign-detail", args=[campaign.pk])
        assert campaign.org_unit == org.company_a
        assert campaign.created_by == org.official_a
        assert [(c.name, c.max_points) for c in campaign.criteria.all()] == [
            ("技术水平", 30),
            ("经济效益", 30),
            ("推广范围", 20),
            ("实用性", 20),
        ]
        assert sorted((g.grade, g.quota, int(g.amount)) for g in campaign.grades.all()) == [
            ("encouragement", None, 200),
            ("first", 1, 5000),
        ]

    def test_the_default_rubric_as_the_page_offers_it(self, as_person, org):
        client = as_person(org.official_a)
        offered = client.get(CAMPAIGN_NEW).context["criteria"]
        rows = [(form.initial["name"], form.initial["max_points"]) for form in offered]
        client.post(CAMPAIGN_NEW, campaign_data(org, criteria=rows))
        campaign = Campaign.objects.get(name="2026 年 A 公司五小竞赛")
        assert [(c.name, c.max_points) for c in campaign.criteria.all()] == rows
        assert sum(points for _name, points in rows) == 100

    def test_closing_before_opening_is_400(self, as_person, org):
        now = timezone.localtime()
        data = campaign_data(
            org,
            opens_at=now.strftime("%Y-%m-%dT%H:%M"),
            closes_at=(now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        )
        response = as_person(org.official_a).post(CAMPAIGN_NEW, data)
        assert response.status_code == 400
        assert "closes_at" in response.context["form"].errors
        assert zh("Submissions close after they open.") in response.content.decode()
        assert not Campaign.objects.exists()

    def test_a_rubric_without_criteria_is_400(self, as_person, org):
        response = as_person(org.official_a).post(CAMPAIGN_NEW, campaign_data(org, criteria=[]))
        assert response.status_code == 400
        assert not Campaign.objects.exists()

    def test_a_unit_outside_scope_is_400(self, as_person, org):
        response = as_person(org.official_a).post(
            CAMPAIGN_NEW, campaign_data(org, org_unit=org.company_b.pk)
        )
        assert response.status_code == 400
        assert "org_unit" in response.context["form"].errors
        assert not Campaign.objects.exists()

    def test_a_worker_gets_403(self, as_person, org):
        client = as_person(org.worker_a)
        assert client.get(CAMPAIGN_NEW).status_code == 403
        assert client.post(CAMPAIGN_NEW, campaign_data(org)).status_code == 403
        assert not Campaign.objects.exists()

    def test_edit_permissions(self, as_person, org, campaigns):
        def edit(person, campaign):
            return as_person(person).get(reverse("competitions:campaign-edit", args=[campaign.pk]))

        assert edit(org.group_official, campaigns.open).status_code == 200
        assert edit(org.official_b, campaigns.company_b).status_code == 200
        # they see the group's campaign but do not run it
        assert edit(org.worker_a, campaigns.open).status_code == 403
        assert edit(org.official_b, campaigns.open).status_code == 403
        # and company B's campaign is not company A's business
        assert edit(org.official_a, campaigns.company_b).status_code == 404
        assert edit(org.worker_a, campaigns.company_b).status_code == 404

    def test_official_b_cannot_post_an_edit_of_the_group_campaign(self, as_person, org, campaigns):
        edit_url = reverse("competitions:campaign-edit", args=[campaigns.open.pk])
        data = campaign_data(org, name="改名", org_unit=org.group.pk)
        assert as_person(org.official_b).post(edit_url, data).status_code == 403
        campaigns.open.refresh_from_db()
        assert campaigns.open.name == "五小竞赛（本年）"

    def test_edit_changes_the_name_and_keeps_the_rubric(self, as_person, org, campaigns):
        client = as_person(org.group_official)
        edit_url = reverse("competitions:campaign-edit", args=[campaigns.open.pk])
        before = [(c.name, c.max_points) for c in campaigns.open.criteria.all()]

        data = {**as_the_edit_page_posts(client.get(edit_url)), "name": "五小竞赛（本年度）"}
        response = client.post(edit_url, data)

        assert response.status_code == 302
        campaigns.open.refresh_from_db()
        assert campaigns.open.name == "五小竞赛（本年度）"
        assert [(c.name, c.max_points) for c in campaigns.open.criteria.all()] == before
        assert campaigns.open.grades.count() == 3

    def test_once_review_started_the_name_still_changes_but_not_the_rubric(
        self, as_person, org, campaigns, make_proposal
    ):
        proposal = make_proposal(org.worker_a)
        services.proposal_screen(proposal_id=proposal.pk, by=org.official_a)
        client = as_person(org.group_official)
        edit_url = reverse("competitions:campaign-edit", args=[campaigns.open.pk])
        before = [(c.name, c.max_points) for c in campaigns.open.criteria.all()]
        data = as_the_edit_page_posts(client.get(edit_url))

        # the office extends the review deadline and renames it: fine
        deadline = campaigns.open.review_deadline + datetime.timedelta(days=10)
        response = client.post(
            edit_url,
            {**data, "name": "五小竞赛（本年度）", "review_deadline": deadline.isoformat()},
        )
        assert response.status_code == 302
        campaigns.open.refresh_from_db()
        assert (campaigns.open.name, campaigns.open.review_deadline) == (
            "五小竞赛（本年度）",
            deadline,
        )

        # but the reviewers' rubric is fixed now
        response = client.post(edit_url, {**data, "criteria-0-max_points": "40"})
        assert response.status_code == 400
        assert response.context["form"].non_field_errors()
        assert [(c.name, c.max_points) for c in campaigns.open.criteria.all()] == before


def as_the_edit_page_posts(page) -> dict:
    """The campaign form's fields and rows as the page shows them, as a browser posts them."""
    form = page.context["form"]
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, datetime.datetime):  # already in local (Shanghai) time
            value = value.strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        if value not in (None, False, ""):
            data[field.name] = "on" if value is True else value
    for prefix in ("criteria", "grades"):
        formset = page.context[prefix]
        management = formset.management_form
        data.update({f"{prefix}-{name}": management[name].value() for name in management.fields})
        for index, row in enumerate(formset.forms):
            for name, value in row.initial.items():
                data[f"{prefix}-{index}-{name}"] = "" if value is None else value
    return data


class TestCampaignPages:
    def test_official_sees_the_figures(self, as_person, org, campaigns, make_proposal):
        make_proposal(org.worker_a)
        make_proposal(org.worker_a, title="皮带机托辊更换工具改进", category="invention")
        make_proposal(org.colleague_a, title="刮板输送机链条张紧装置")
        make_proposal(org.worker_b, title="汽轮机叶片修复")
        make_proposal(org.colleague_a, submit=False, title="草稿")

        response = as_person(org.official_a).get(
            reverse("competitions:campaign-detail", args=[campaigns.open.pk])
        )

        figures = response.context["figures"]
        assert figures["total"] == 3
        assert figures["entrants"] == 2
        # Company A's workers: worker_a and colleague_a; its union official runs
        # the competition and is not counted among those who may enter.
        assert figures["headcount"] == 2
        assert dict(figures["by_category"])[str(Proposal.Category.INVENTION.label)] == 1
        assert sum(n for _label, n in figures["by_unit"]) == 3
        html = response.content.decode()
        assert 'data-testid="campaign-figures"' in html
        assert 'data-testid="participation">100.0 %' in html
        assert response.context["may_edit"] is False

    def test_group_official_may_edit_and_sees_all_companies(
        self, as_person, org, campaigns, make_proposal
    ):
        make_proposal(org.worker_a)
        make_proposal(org.worker_b, title="汽轮机叶片修复")
        response = as_person(org.group_official).get(
            reverse("competitions:campaign-detail", args=[campaigns.open.pk])
        )
        assert response.context["figures"]["total"] == 2
        assert {label for label, _n in response.context["figures"]["by_unit"]} == {
            org.company_a.name,
            org.company_b.name,
        }
        assert response.context["may_edit"] is True

    def test_a_worker_gets_no_figures(self, as_person, org, campaigns, make_proposal):
        make_proposal(org.colleague_a)
        mine = make_proposal(org.worker_a, title="皮带机托辊更换工具改进")
        response = as_person(org.worker_a).get(
            reverse("competitions:campaign-detail", args=[campaigns.open.pk])
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert response.context["figures"] is None
        assert 'data-testid="campaign-figures"' not in html
        assert response.context["may_enter"] is True
        assert list(response.context["mine"]) == [mine]
        assert escape(COMPLETE["title"]) not in html

    def test_a_campaign_of_another_company_is_404(self, as_person, org, campaigns):
        page = reverse("competitions:campaign-detail", args=[campaigns.company_b.pk])
        assert as_person(org.worker_a).get(page).status_code == 404
        assert as_person(org.official_a).get(page).status_code == 404
        assert as_person(org.worker_b).get(page).status_code == 200

    def test_campaign_list_is_scoped(self, as_person, org, campaigns):
        listing = reverse("competitions:campaign-list")
        seen_in_a = set(as_person(org.worker_a).get(listing).context["campaigns"])
        assert seen_in_a == {campaigns.open, campaigns.closed, campaigns.upcoming}
        seen_in_b = set(as_person(org.official_b).get(listing).context["campaigns"])
        assert seen_in_b == {
            campaigns.open,
            campaigns.closed,
            campaigns.upcoming,
            campaigns.company_b,
        }


class TestProposalLists:
    def test_my_proposals_lists_mine_with_states(self, as_person, org, make_proposal):
        draft = make_proposal(org.worker_a, submit=False, title="草稿")
        sent = make_proposal(org.worker_a)
        make_proposal(org.colleague_a, title="皮带机托辊更换工具改进")
        response = as_person(org.worker_a).get(MINE)
        assert list(response.context["proposals"]) == [sent, draft]
        html = response.content.decode()
        # a draft opens where the worker left it; a sent one opens its status page
        assert url("proposal-edit", draft) in html
        assert url("proposal-detail", sent) in html

    def test_the_proposal_list_is_scoped(self, as_person, org, submitted):
        listing = reverse("competitions:proposal-list")
        worker = set(as_person(org.worker_a).get(listing).context["proposals"])
        assert worker == {submitted.spray, submitted.draft, submitted.screened}
        official_b = set(as_person(org.official_b).get(listing).context["proposals"])
        assert official_b == {submitted.spray_b}
        official_a = set(as_person(org.official_a).get(listing).context["proposals"])
        assert submitted.draft not in official_a
        assert submitted.spray_b not in official_a


# --- Query counts -----------------------------------------------------------------------


TITLES = [
    "井下喷雾降尘装置节水改造",
    "皮带机托辊更换工具改进",
    "刮板输送机链条张紧装置",
    "综采支架液压管路快速接头",
    "主通风机在线监测报警",
]


@shared_data(needs=("org", "campaigns"))
def many(built):
    """30 submitted proposals by worker_a with repeating titles (so every queue
    entry has similar ones beside it), a co-author on each, and 27 more campaigns."""
    org, make_proposal = built.get("org"), proposal_maker(built.get("campaigns"))
    for index in range(30):
        make_proposal(
            org.worker_a,
            title=f"{TITLES[index % len(TITLES)]}（第{index}版）",
            co_authors=[(org.colleague_a, 10)],
        )
    now = timezone.now()
    for index in range(27):
        services.campaign_create(
            by=org.group_official,
            org_unit=org.group,
            name=f"五小竞赛第{index}期",
            year=now.year - 2,
            opens_at=now - datetime.timedelta(days=800 + index),
            closes_at=now - datetime.timedelta(days=700),
            review_deadline=now.date(),
        )
    return org


# The session, the user, their scope (own unit, grants; the campaign scope reads
# the own unit from it), COUNT and the page; the full lists add the filter's
# campaign choices (the unit filter is a picker), the queue its two similarity queries.
LIST_PAGES = [
    ("competitions:proposal-list", "official_a", 7),
    ("competitions:my-proposals", "worker_a", 6),
    ("competitions:campaign-list", "official_a", 6),
    ("competitions:screening-queue", "official_a", 9),
]


@pytest.mark.parametrize(("name", "role", "queries"), LIST_PAGES)
@pytest.mark.parametrize("page_size", [5, 25])
def test_list_pages_take_the_same_queries_at_any_page_size(
    as_person, many, django_assert_num_queries, name, role, queries, page_size
):
    client = as_person(fresh(getattr(many, role)))
    with django_assert_num_queries(queries):
        response = client.get(reverse(name), {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == page_size
    if "entries" in response.context:  # the queue: similar proposals beside every entry
        assert all(similar for _proposal, similar in response.context["entries"])
