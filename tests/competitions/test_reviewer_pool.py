"""A campaign's reviewer pool, kept on the campaign's page (and in the API) by
the officials over the campaign: people added through the picker (the typed
employee numbers work without JavaScript), taken out unless they still owe a
review, offered first when assigning; whoever is asked to review joins it.
Every role, allowed and refused; its changes are in the campaign's history."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from competitions.models import CampaignReviewer, Proposal
from core.history import history_of
from tests.page_html import error_beside, form_of
from tests.roles import person

pytestmark = pytest.mark.django_db

Status = Proposal.Status

# Who keeps the pool of the group-wide campaign: its organiser's officials.
# Company officials and workers see the campaign but do not run it (403).
KEEPERS = [
    ("group_official", 200),
    ("admin", 200),
    ("official_a", 403),
    ("official_b", 403),
    ("worker_a", 403),
]


def pool_of(campaign) -> list[str]:
    return list(
        CampaignReviewer.objects.filter(campaign=campaign, removed_at__isnull=True)
        .order_by("id")
        .values_list("person__employee_no", flat=True)
    )


def add_url(campaign) -> str:
    return reverse("competitions:campaign-pool-add", args=[campaign.pk])


def remove_url(campaign, someone) -> str:
    return reverse("competitions:campaign-pool-remove", args=[campaign.pk, someone.pk])


def page_of(campaign) -> str:
    return reverse("competitions:campaign-detail", args=[campaign.pk])


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- On the campaign's page -----------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), KEEPERS)
def test_the_pool_is_kept_by_the_officials_over_the_campaign(
    org, campaigns, panel, client, role, status
):
    client.force_login(person(org, role))
    page = client.get(page_of(campaigns.open)).content.decode()
    assert ('data-testid="reviewer-pool"' in page) == (status == 200)
    typed = {"people_key": "reviewer2 reviewer1"}
    answer = client.post(add_url(campaigns.open), typed)
    if status == 200:
        assert answer["Location"] == page_of(campaigns.open) + "#pool"
        # In the order typed (or picked).
        assert pool_of(campaigns.open) == ["reviewer2", "reviewer1"]
    else:
        assert answer.status_code == 403 and pool_of(campaigns.open) == []


@pytest.mark.parametrize("role", ["official_a", "worker_a"])
def test_another_companys_campaign_is_a_404(org, campaigns, panel, client, role):
    """Company B's own campaign: company A sees nothing of it."""
    CampaignReviewer.objects.create(
        campaign=campaigns.company_b, person=org.worker_b, added_by=org.official_b
    )
    client.force_login(person(org, role))
    assert client.post(add_url(campaigns.company_b), {"people_key": "worker_a"}).status_code == 404
    assert client.post(remove_url(campaigns.company_b, org.worker_b)).status_code == 404
    assert pool_of(campaigns.company_b) == ["worker_b"]


def test_the_pool_lists_each_reviewer_with_the_reviews_they_owe(org, campaigns, panel, client):
    client.force_login(org.group_official)
    client.post(add_url(campaigns.open), {"people_key": "reviewer1 neighbour"})
    page = client.get(page_of(campaigns.open))
    rows = [(m.person.employee_no, m.owed, m.given) for m in page.context["pool"]]
    assert rows == [("neighbour", 0, 0), ("reviewer1", 0, 0)]  # in pinyin order: lin, ping
    html = page.content.decode()
    assert html.count('data-testid="pool-member"') == 2 and "待评：0 · 已评：0" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        # Company C's experts are outside company B's official's directory.
        ("worker_b reviewer1", "“reviewer1”不在可选范围内。"),
        ("nobody", "“nobody”不在可选范围内。"),
        ("", "该字段是必填项。"),
        ("worker_b worker_b", "有重复的选项。"),
    ],
)
def test_people_outside_ones_scope_are_refused_beside_the_box(
    org, campaigns, panel, client, typed, message
):
    client.force_login(org.official_b)
    answer = client.post(add_url(campaigns.company_b), {"people_key": typed})
    assert answer.status_code == 400
    error_beside(form_of(answer.content.decode(), add_url(campaigns.company_b)), "people", message)
    assert pool_of(campaigns.company_b) == []


def test_someone_no_longer_active_is_not_added(org, campaigns, panel, client):
    org.worker_b.is_active = False
    org.worker_b.save()
    client.force_login(org.official_b)
    answer = client.post(add_url(campaigns.company_b), {"people_key": "worker_b"})
    assert answer.status_code == 400 and "已停用" in answer.content.decode()
    assert pool_of(campaigns.company_b) == []


def test_the_pools_picker_offers_no_one_no_longer_active(org, campaigns, panel, client):
    """The box searches the active-people picker: reviewer2 has left, so is
    not offered (the service would refuse them, as above)."""
    gone = panel.experts[1]
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    client.force_login(org.group_official)
    picker = reverse("picker-search", args=["active-people"])
    page = client.get(page_of(campaigns.open)).content.decode()
    box = page[page.index(f'data-picker="{picker}"') :]
    assert 'name="people_key"' in box[: box.index("</div>")]
    found = client.get(picker, {"q": "reviewer"}).json()["results"]
    assert sorted(row["key"] for row in found) == [
        "reviewer1",
        "reviewer3",
        "reviewer4",
        "reviewer5",
    ]


def test_adding_someone_already_in_the_pool_keeps_them_once(org, campaigns, panel, client):
    client.force_login(org.group_official)
    client.post(add_url(campaigns.open), {"people_key": "reviewer1"})
    client.post(add_url(campaigns.open), {"people_key": "reviewer2 reviewer1"})
    assert pool_of(campaigns.open) == ["reviewer1", "reviewer2"]


def test_an_official_takes_someone_out_of_the_pool(org, campaigns, panel, client):
    client.force_login(org.group_official)
    client.post(add_url(campaigns.open), {"people_key": "reviewer1 reviewer2"})
    expert = panel.experts[0]
    answer = client.post(remove_url(campaigns.open, expert))
    assert answer["Location"] == page_of(campaigns.open) + "#pool"
    assert said(answer)[-1] == f"{expert.full_name} 已移出评审专家库。"
    assert pool_of(campaigns.open) == ["reviewer2"]
    # Someone not in the pool: nothing to take out.
    assert client.post(remove_url(campaigns.open, expert)).status_code == 404


@pytest.mark.parametrize("role", ["official_a", "worker_a"])
def test_those_who_only_see_the_campaign_cannot_take_anyone_out(
    org, campaigns, panel, client, role
):
    CampaignReviewer.objects.create(
        campaign=campaigns.open, person=panel.experts[0], added_by=org.group_official
    )
    client.force_login(person(org, role))
    assert client.post(remove_url(campaigns.open, panel.experts[0])).status_code == 403
    assert pool_of(campaigns.open) == ["reviewer1"]


# --- With review under way ------------------------------------------------------------


def test_whoever_is_asked_to_review_joins_the_pool_and_owes_until_replaced(org, at, panel, client):
    """`at` assigns four experts; the first three have reviewed, the fourth owes."""
    proposal = at(Status.UNDER_REVIEW)
    campaign = proposal.campaign
    assert sorted(pool_of(campaign)) == ["reviewer1", "reviewer2", "reviewer3", "reviewer4"]
    client.force_login(org.group_official)
    owed = {
        m.person.employee_no: (m.owed, m.given)
        for m in client.get(page_of(campaign)).context["pool"]
    }
    assert owed["reviewer4"] == (1, 0) and owed["reviewer1"] == (0, 1)
    # The fourth still owes a review: replaced first, then taken out.
    fourth = panel.experts[3]
    refused = client.post(remove_url(campaign, fourth))
    assert refused.status_code == 302 and "仍有待评提案" in said(refused)[0]
    assert "reviewer4" in pool_of(campaign)
    # The assign form offers the pool (without those already asked).
    assign = client.get(reverse("competitions:proposal-detail", args=[proposal.pk]))
    assert {p.employee_no for p in assign.context["assign_form"].fields["reviewers"].queryset} >= {
        "reviewer4"
    }


# --- The API ------------------------------------------------------------------------------


def reviewers_api(campaign, suffix="") -> str:
    return f"/api/v1/campaigns/{campaign.pk}/reviewers/{suffix}"


@pytest.mark.parametrize(("role", "status"), KEEPERS)
def test_the_api_pool_is_for_the_officials_over_the_campaign(
    org, campaigns, panel, api, role, status
):
    api.force_authenticate(person(org, role))
    expert = panel.experts[0]
    added = api.post(reviewers_api(campaigns.open), {"people": [expert.pk]}, format="json")
    assert added.status_code == status, added.content
    listed = api.get(reviewers_api(campaigns.open))
    assert listed.status_code == status
    if status == 200:
        assert [row["person"] for row in listed.json()] == [
            {"id": expert.pk, "full_name": expert.full_name}
        ]
        assert listed.json()[0]["owed"] == 0
        removed = api.post(reviewers_api(campaigns.open, f"{expert.pk}/remove/"))
        assert removed.status_code == 204 and pool_of(campaigns.open) == []
    else:
        assert added.json()["code"] == "permission_denied" and pool_of(campaigns.open) == []


def test_the_api_names_people_outside_scope_as_a_400(org, campaigns, panel, api):
    api.force_authenticate(org.official_b)
    answer = api.post(
        reviewers_api(campaigns.company_b), {"people": [panel.experts[0].pk]}, format="json"
    )
    assert answer.status_code == 400 and "people" in answer.json()["errors"]
    assert api.get(reviewers_api(campaigns.open)).status_code == 403
    api.force_authenticate(org.official_a)
    assert api.get(reviewers_api(campaigns.company_b)).status_code == 404


def test_the_api_refuses_someone_no_longer_active(org, campaigns, panel, api):
    gone = panel.experts[1]
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    api.force_authenticate(org.group_official)
    body = {"people": [panel.experts[0].pk, gone.pk]}
    answer = api.post(reviewers_api(campaigns.open), body, format="json")
    assert answer.status_code == 400
    assert answer.json()["errors"]["people"] == [f"已停用：{gone.full_name}。"]
    assert pool_of(campaigns.open) == []


@pytest.mark.parametrize("size", [3, 12])
def test_the_pool_list_takes_the_same_queries_at_any_size(
    org, campaigns, panel, api, django_assert_num_queries, size
):
    from tests.factories import PersonFactory

    CampaignReviewer.objects.bulk_create(
        CampaignReviewer(
            campaign=campaigns.open,
            person=PersonFactory(employee_no=f"pool{n}", org_unit=panel.team_c101),
            added_by=org.group_official,
        )
        for n in range(size)
    )
    api.force_authenticate(type(org.group_official).objects.get(pk=org.group_official.pk))
    # The scope (grants, own unit), the campaign, whether it is theirs, the pool.
    with django_assert_num_queries(5):
        answer = api.get(reviewers_api(campaigns.open))
    assert len(answer.json()) == size


@pytest.mark.history
def test_the_pools_changes_are_in_the_campaigns_history(org, campaigns, panel, client):
    client.force_login(org.group_official)
    client.post(add_url(campaigns.open), {"people_key": "reviewer1"})
    client.post(remove_url(campaigns.open, panel.experts[0]))
    entries = history_of(campaigns.open).filter(content_type__model="campaignreviewer")
    assert [(e.action, e.actor_id) for e in entries] == [
        (1, org.group_official.pk),  # taken out (removed_at set), newest first
        (0, org.group_official.pk),  # added
    ]
    # Back in the pool after being taken out: a second row, the first kept.
    client.post(add_url(campaigns.open), {"people_key": "reviewer1"})
    assert CampaignReviewer.objects.filter(campaign=campaigns.open).count() == 2
    assert pool_of(campaigns.open) == ["reviewer1"]
