"""The reviewer pickers of a proposal's page: they offer exactly whom the
review services accept from the official choosing (people they may see who
are still active, not recused; for a replacement, not reviewing it already),
only to the officials
who choose the proposal's reviewers; the page that holds them costs the same
queries whatever the size of the campaign's reviewer pool."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.selectors import people_visible_to
from competitions import services
from competitions.models import Proposal
from tests.competitions.conftest import a201_reviewers, proposal_maker
from tests.competitions.pages import fresh, url
from tests.competitions.review_steps import assign
from tests.competitions.states import proposal_in, review_snapshot
from tests.factories import PersonFactory
from tests.outcomes import takes
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status

KINDS = ["reviewers", "replacements"]


@shared_data(needs=("org", "campaigns"))
def staffed(built):
    """`people`'s reviewers and worker_a's proposal (colleague_a co-author)
    under review with reviewer 1 asked, so there is someone to replace."""
    org = built.get("org")
    people = a201_reviewers(org)
    spray = proposal_in(
        Status.UNDER_REVIEW,
        org=org,
        make_proposal=proposal_maker(built.get("campaigns")),
        co_authors=[(org.colleague_a, Decimal(30))],
    )
    assign(spray, org.official_a, [people.one])
    return SimpleNamespace(people=people, spray=spray)


def picker(kind: str, proposal) -> str:
    return reverse("picker-search", args=[f"proposal-{kind}", proposal.pk])


def offered(client, kind: str, proposal, text: str) -> list[str]:
    answer = client.get(picker(kind, proposal), {"q": text})
    assert answer.status_code == 200
    return sorted(row["key"] for row in answer.json()["results"])


def role(org, people, name):
    return getattr(people, name, None) or getattr(org, name)


# --- What the pickers offer ----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "keys"),
    [
        # reviewer 1 already reviews it: asked again, nothing changes; not a replacement
        ("reviewers", "reviewer", ["reviewer_1", "reviewer_2", "reviewer_3", "reviewer_4"]),
        ("replacements", "reviewer", ["reviewer_2", "reviewer_3", "reviewer_4"]),
        ("reviewers", "评审", ["reviewer_1", "reviewer_2", "reviewer_3", "reviewer_4"]),
        ("reviewers", "psj", ["reviewer_1"]),  # 评审甲 by pinyin initials
        ("reviewers", "teammate", []),  # in the author's own team: recused
        ("replacements", "zhao", []),  # the same teammate, 赵同班
        ("reviewers", "worker", []),  # the author; worker_b is outside company A
        ("reviewers", "colleague_a", []),  # the co-author
        ("reviewers", "stranger", ["stranger_a"]),
    ],
)
def test_the_official_is_offered_only_whom_they_may_ask(as_person, org, staffed, kind, text, keys):
    assert offered(as_person(org.official_a), kind, staffed.spray, text) == keys


def test_the_group_office_is_offered_people_of_every_company(as_person, org, staffed):
    client = as_person(org.group_official)
    assert offered(client, "reviewers", staffed.spray, "worker") == ["worker_b"]


def accepted(service, **kwargs) -> bool:
    """Whether `service` takes `kwargs` (its work rolled back either way)."""
    return takes(lambda: service(**kwargs))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("official", ["official_a", "group_official"])
def test_everyone_offered_is_accepted_and_everyone_else_refused(
    as_person, org, staffed, kind, official
):
    """Each person the official may see, looked up in the picker by employee
    number, is offered if and only if the service then accepts them."""
    official, spray, people = getattr(org, official), staffed.spray, staffed.people
    deactivate(people.four)  # seen, yet no longer to be asked
    client = as_person(official)
    everyone = list(people_visible_to(official).order_by("employee_no"))
    assert len(everyone) >= 9
    verdicts = {}
    for person in everyone:
        if kind == "reviewers":
            service = services.reviewers_assign
            change = {"reviewers": [person]}
        else:
            service = services.reviewer_replace
            change = {"reviewer": people.one, "replacement": person}
        verdicts[person.employee_no] = (
            person.employee_no in offered(client, kind, spray, person.employee_no),
            accepted(service, proposal_id=spray.pk, by=official, **change),
        )
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    # both answers occur: some are offered, some are not
    assert {shown for shown, _taken in verdicts.values()} == {True, False}


def deactivate(person) -> None:
    type(person).objects.filter(pk=person.pk).update(is_active=False)


@pytest.mark.parametrize("kind", KINDS)
def test_someone_no_longer_active_is_neither_offered_nor_taken(as_person, org, staffed, kind):
    """reviewer_4 has left: the picker does not offer them, and the service,
    asked for them all the same (a typed number, the API), refuses them by name
    on the field and changes nothing."""
    spray, people = staffed.spray, staffed.people
    deactivate(people.four)
    assert offered(as_person(org.official_a), kind, spray, "reviewer") == (
        ["reviewer_1", "reviewer_2", "reviewer_3"]
        if kind == "reviewers"
        else ["reviewer_2", "reviewer_3"]
    )
    if kind == "reviewers":
        service, change, field = (
            services.reviewers_assign,
            {"reviewers": [people.four]},
            "reviewers",
        )
    else:
        service, field = services.reviewer_replace, "replacement"
        change = {"reviewer": people.one, "replacement": people.four}
    before = review_snapshot(spray)
    with pytest.raises(ValidationError) as refused:
        service(proposal_id=spray.pk, by=org.official_a, **change)
    assert refused.value.message_dict[field] == ["评审丁 已停用"]
    assert review_snapshot(spray) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_search_costs_the_same_queries_whatever_is_typed(
    as_person, org, staffed, django_assert_num_queries, kind
):
    # The session, the user, their scope (two), the proposal and what the
    # official may do with it, its recusal (three), the search.
    client = as_person(fresh(org.official_a))
    for text in ("r", "reviewer_4", "评审", "psj", "nobody"):
        with django_assert_num_queries(10):
            client.get(picker(kind, staffed.spray), {"q": text})


# --- Who may use them ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["official_a", "group_official", "admin"])
def test_the_officials_over_the_proposal_use_its_pickers(as_person, org, staffed, kind, who):
    client = as_person(role(org, staffed.people, who))
    assert "reviewer_4" in offered(client, kind, staffed.spray, "reviewer_4")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("worker_a", 403),  # the author
        ("colleague_a", 403),  # the co-author
        ("one", 403),  # a reviewer of it
        ("stranger", 404),  # a worker of the same company
        ("worker_b", 404),  # a worker of company B
        ("official_b", 404),  # the official of company B
    ],
)
def test_everyone_else_is_refused_the_pickers(as_person, org, staffed, kind, who, code):
    client = as_person(role(org, staffed.people, who))
    answer = client.get(picker(kind, staffed.spray), {"q": "reviewer"})
    assert answer.status_code == code
    assert b"reviewer_4" not in answer.content


def test_the_pickers_need_their_proposal_and_a_signed_in_person(client, org, staffed):
    spray = staffed.spray
    assert client.get(picker("reviewers", spray), {"q": "r"}).status_code == 302  # sign in
    client.force_login(org.official_a)
    without_proposal = reverse("picker-search", args=["proposal-reviewers"])
    assert client.get(without_proposal, {"q": "r"}).status_code == 404
    people_of_a_proposal = reverse("picker-search", args=["people", spray.pk])
    assert client.get(people_of_a_proposal, {"q": "r"}).status_code == 404
    no_such_proposal = reverse("picker-search", args=["proposal-reviewers", 10**9])
    assert client.get(no_such_proposal, {"q": "r"}).status_code == 404


# --- The page ----------------------------------------------------------------------


def test_the_page_points_both_boxes_at_the_proposals_pickers(as_person, org, staffed):
    spray = staffed.spray
    html = as_person(org.official_a).get(url("proposal-detail", spray)).content.decode()
    for kind, box in (("reviewers", "others_key"), ("replacements", "replacement_key")):
        picker_html = html[html.index(f'data-picker="{picker(kind, spray)}"') :]
        assert f'name="{box}"' in picker_html[: picker_html.index("</div>")]
    assert 'data-multiple="true"' in html  # several others at once, in order


def test_the_panel_offers_no_one_the_official_may_not_ask(as_person, org, staffed):
    """The group office put someone of company B in the campaign's pool:
    company A's official is not offered them to tick (the service would refuse)."""
    spray = staffed.spray
    services.pool_reviewers_add(
        campaign_id=spray.campaign_id, by=org.group_official, people=[org.worker_b]
    )
    panel = as_person(org.official_a).get(url("proposal-detail", spray)).context["assign_form"]
    assert org.worker_b not in panel.fields["reviewers"].queryset
    assert org.worker_b.pk not in panel.recused
    panel = as_person(org.group_official).get(url("proposal-detail", spray)).context["assign_form"]
    assert org.worker_b in panel.fields["reviewers"].queryset


def test_the_panel_offers_no_one_no_longer_active(as_person, org, staffed):
    """reviewer_2, in the campaign's pool, has left since: not offered to tick
    (the service would refuse them), nor shown as recused."""
    spray, people = staffed.spray, staffed.people
    services.pool_reviewers_add(
        campaign_id=spray.campaign_id, by=org.group_official, people=[people.two]
    )
    deactivate(people.two)
    panel = as_person(org.official_a).get(url("proposal-detail", spray)).context["assign_form"]
    assert people.one in panel.fields["reviewers"].queryset
    assert people.two not in panel.fields["reviewers"].queryset
    assert people.two.pk not in panel.recused


@pytest.mark.parametrize("pool", [2, 12])
def test_the_review_step_costs_the_same_queries_for_any_pool(
    as_person, org, staffed, django_assert_num_queries, pool
):
    """The pool's members are read at once, and each one's recusal is worked
    out from the proposal's authors read once (half of them recused here)."""
    spray = staffed.spray
    members = [
        PersonFactory(org_unit=org.team_a101 if n % 2 else staffed.people.one.org_unit)
        for n in range(pool)
    ]
    services.pool_reviewers_add(
        campaign_id=spray.campaign_id, by=org.group_official, people=members
    )
    client = as_person(fresh(org.official_a))
    client.get(url("proposal-detail", spray))  # content types cached, as on a live site
    with django_assert_num_queries(QUERIES_OF_THE_REVIEW_STEP):
        response = client.get(url("proposal-detail", spray))
    assert response.status_code == 200
    form = response.context["assign_form"]
    assert len(form.recused) == pool // 2
    assert len(form.fields["reviewers"].queryset) == pool // 2 + 1  # with reviewer 1


# The session, the user, their scope (two), the proposal, its history, its
# scores; the recusal (co-authors, units, workshops) and the pool it is asked
# about; the events; the review step (assignments, reviews, the pool less the
# recused: whether any, then its rows; the pending reviewers: whether any, then
# their rows); co-authors, related proposals, attachments.
QUERIES_OF_THE_REVIEW_STEP = 21
