"""The five-small API for every transition and every role, who sees what, the
timeline and similar proposals."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from competitions import services
from competitions.models import Proposal
from tests.api_answers import results
from tests.competitions.api import PROPOSALS, SIMILAR, field_errors, refused, snapshot, url
from tests.competitions.conftest import COMPLETE, proposal_maker
from tests.competitions.states import UP_TO_SCREENING, proposal_in
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status


# --- Helpers ------------------------------------------------------------------------


def titles(response) -> set[str]:
    return {row["title"] for row in results(response)}


# --- Every transition, every role ---------------------------------------------------------


@pytest.fixture
def original(org, make_proposal):
    """An earlier proposal from the next team with the same idea."""
    return make_proposal(org.colleague_a, title="井下喷雾降尘节水装置")


AUTHOR_ACTIONS = {
    "submit": ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED),
    "withdraw": ({Status.SUBMITTED, Status.RETURNED}, Status.WITHDRAWN),
}

OFFICIAL_ACTIONS = {
    "screen": ({Status.SUBMITTED}, Status.UNDER_REVIEW),
    "return": ({Status.SUBMITTED}, Status.RETURNED),
    "reject-ineligible": ({Status.SUBMITTED}, Status.NOT_ELIGIBLE),
    "mark-duplicate": ({Status.SUBMITTED}, Status.DUPLICATE),
}

ACTIONS = {**AUTHOR_ACTIONS, **OFFICIAL_ACTIONS}


def body_for(action, original) -> dict:
    return {
        "return": {"comment": "请补充用水量数据"},
        "reject-ineligible": {"reason": "属于日常维修"},
        "mark-duplicate": {"duplicate_of_id": original.pk},
    }.get(action, {"note": "好"})


def allowed_cases():
    return [
        (action, status)
        for action, (sources, _target) in ACTIONS.items()
        for status in sorted(sources)
    ]


def refused_cases():
    """Every state up to screening an action does not start from (drafts are not shown
    to officials at all, so they are the 404 cases below)."""
    cases = []
    for action, (sources, _target) in ACTIONS.items():
        for status in UP_TO_SCREENING:
            if status in sources or (action in OFFICIAL_ACTIONS and status == Status.DRAFT):
                continue
            cases.append((action, status))
    return cases


class TestTransitions:
    @pytest.mark.parametrize(("action", "status"), allowed_cases())
    def test_right_role_in_the_right_state_moves_it(
        self, api, org, state, original, action, status
    ):
        proposal = state(status)
        events = proposal.events.count()
        actor = org.worker_a if action in AUTHOR_ACTIONS else org.official_a
        api.force_authenticate(actor)
        response = api.post(url(proposal, action), body_for(action, original), format="json")
        assert response.status_code == 200, response.content
        target = ACTIONS[action][1]
        assert response.json()["status"] == target
        proposal.refresh_from_db()
        assert proposal.status == target
        assert proposal.events.count() == events + 1
        last = proposal.events.last()
        assert (last.from_state, last.to_state, last.actor) == (status, target, actor)

    @pytest.mark.parametrize(("action", "status"), refused_cases())
    def test_wrong_state_is_409_and_nothing_changes(
        self, api, org, state, original, action, status
    ):
        proposal = state(status)
        before = snapshot(proposal)
        api.force_authenticate(org.worker_a if action in AUTHOR_ACTIONS else org.official_a)
        response = api.post(url(proposal, action), body_for(action, original), format="json")
        refused(response, 409, "invalid_transition")
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("action", list(AUTHOR_ACTIONS))
    @pytest.mark.parametrize("who", ["official_a", "group_official", "colleague_a"])
    def test_those_who_see_it_but_are_not_the_author_get_403(
        self, api, org, make_proposal, original, action, who
    ):
        # colleague_a is a co-author: they see it, but the author acts
        proposal = make_proposal(org.worker_a, co_authors=[(org.colleague_a, Decimal(40))])
        if action == "submit":
            services.proposal_return(proposal_id=proposal.pk, by=org.official_a, comment="补充")
        before = snapshot(proposal)
        api.force_authenticate(getattr(org, who))
        refused(api.post(url(proposal, action), body_for(action, original), format="json"), 403)
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("action", list(OFFICIAL_ACTIONS))
    @pytest.mark.parametrize("who", ["worker_a", "colleague_a"])
    def test_author_and_co_author_cannot_screen_403(self, api, org, make_proposal, action, who):
        proposal = make_proposal(org.worker_a, co_authors=[(org.colleague_a, Decimal(40))])
        # an original both may see, so the input is valid and the right is what fails
        original = make_proposal(org.worker_b, title="井下喷雾降尘节水装置")
        Proposal.objects.filter(pk=original.pk).update(status=Status.AWARDED)
        before = snapshot(proposal)
        api.force_authenticate(getattr(org, who))
        refused(api.post(url(proposal, action), body_for(action, original), format="json"), 403)
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("action", list(ACTIONS))
    @pytest.mark.parametrize("who", ["official_b", "worker_b", "colleague_a"])
    def test_outsiders_get_404(self, api, org, state, original, action, who):
        proposal = state(Status.RETURNED if action == "submit" else Status.SUBMITTED)
        before = snapshot(proposal)
        api.force_authenticate(getattr(org, who))
        response = api.post(url(proposal, action), body_for(action, original), format="json")
        refused(response, 404, "not_found")
        assert snapshot(proposal) == before

    @pytest.mark.parametrize("action", list(OFFICIAL_ACTIONS))
    def test_officials_cannot_find_a_draft_404(self, api, org, state, original, action):
        proposal = state(Status.DRAFT)
        api.force_authenticate(org.official_a)
        refused(api.post(url(proposal, action), body_for(action, original), format="json"), 404)
        assert snapshot(proposal) == ("draft", None, COMPLETE["title"], 0)

    def test_unknown_proposal_is_404(self, api, org):
        api.force_authenticate(org.admin)
        refused(api.post(f"{PROPOSALS}999999/screen/"), 404)

    @pytest.mark.parametrize(
        ("action", "field", "body"),
        [
            ("return", "comment", {}),
            ("return", "comment", {"comment": "   "}),
            ("reject-ineligible", "reason", {"reason": ""}),
            ("mark-duplicate", "duplicate_of_id", {}),
            ("mark-duplicate", "duplicate_of_id", {"duplicate_of_id": 999999}),
        ],
    )
    def test_missing_comment_reason_or_original_is_400(self, api, org, state, action, field, body):
        proposal = state(Status.SUBMITTED)
        before = snapshot(proposal)
        api.force_authenticate(org.official_a)
        assert field in field_errors(api.post(url(proposal, action), body, format="json"))
        assert snapshot(proposal) == before

    def test_duplicate_of_itself_is_400(self, api, org, state):
        proposal = state(Status.SUBMITTED)
        api.force_authenticate(org.official_a)
        response = api.post(url(proposal, "mark-duplicate"), {"duplicate_of_id": proposal.pk})
        assert "duplicate_of_id" in field_errors(response)
        assert snapshot(proposal)[0] == "submitted"

    def test_original_outside_the_officials_scope_is_400(self, api, org, state, make_proposal):
        in_b = make_proposal(org.worker_b, title="井下喷雾降尘节水装置")
        proposal = state(Status.SUBMITTED)
        api.force_authenticate(org.official_a)
        response = api.post(url(proposal, "mark-duplicate"), {"duplicate_of_id": in_b.pk})
        assert "duplicate_of_id" in field_errors(response)
        assert snapshot(proposal)[0] == "submitted"

    def test_marked_duplicate_names_its_original(self, api, org, state, original):
        proposal = state(Status.SUBMITTED)
        api.force_authenticate(org.official_a)
        body = api.post(url(proposal, "mark-duplicate"), {"duplicate_of_id": original.pk}).json()
        assert body["duplicate_of"] == {
            "id": original.pk,
            "code": original.code,
            "title": original.title,
        }


# --- Who sees what ------------------------------------------------------------------------


@shared_data(needs=("org", "campaigns"))
def board(built):
    """Proposals in several hands and states, each with its own title."""
    org, make_proposal = built.get("org"), proposal_maker(built.get("campaigns"))

    def make(author, title, status=Status.SUBMITTED, **fields):
        return proposal_in(
            status, org=org, make_proposal=make_proposal, author=author, title=title, **fields
        )

    return SimpleNamespace(
        my_draft=make(org.worker_a, "我的草稿", Status.DRAFT),
        my_submitted=make(org.worker_a, "我的已提交"),
        my_returned=make(org.worker_a, "我的退回", Status.RETURNED),
        my_withdrawn=make(org.worker_a, "我的撤回", Status.WITHDRAWN),
        colleague_draft=make(org.colleague_a, "同事草稿", Status.DRAFT),
        colleague_submitted=make(org.colleague_a, "同事已提交"),
        colleague_screened=make(org.colleague_a, "同事评审中", Status.UNDER_REVIEW),
        co_authored=make(org.colleague_a, "合作项目", co_authors=[(org.worker_a, Decimal(30))]),
        b_submitted=make(org.worker_b, "B公司已提交"),
        b_awarded=make(org.worker_b, "B公司获奖", Status.AWARDED),
    )


MINE = {"我的草稿", "我的已提交", "我的退回", "我的撤回"}

COMPANY_A_SENT = {"我的已提交", "我的退回", "我的撤回", "同事已提交", "同事评审中", "合作项目"}

EVERY_SENT = COMPANY_A_SENT | {"B公司已提交", "B公司获奖"}


class TestVisibility:
    @pytest.mark.parametrize(
        ("role", "expected"),
        [
            ("worker_a", MINE | {"合作项目", "B公司获奖"}),
            ("colleague_a", {"同事草稿", "同事已提交", "同事评审中", "合作项目", "B公司获奖"}),
            ("worker_b", {"B公司已提交", "B公司获奖"}),
            ("official_a", COMPANY_A_SENT | {"B公司获奖"}),
            ("official_b", {"B公司已提交", "B公司获奖"}),
            ("group_official", EVERY_SENT),
            ("admin", EVERY_SENT | {"我的草稿", "同事草稿"}),
        ],
    )
    def test_list_follows_authorship_scope_and_the_showcase(self, api, org, board, role, expected):
        api.force_authenticate(getattr(org, role))
        assert titles(api.get(PROPOSALS, {"page_size": 50})) == expected

    @pytest.mark.parametrize(
        ("role", "entry"),
        [
            ("worker_a", "colleague_submitted"),
            ("worker_a", "colleague_screened"),
            ("worker_a", "colleague_draft"),
            ("worker_a", "b_submitted"),
            ("worker_b", "my_submitted"),
            ("official_b", "my_submitted"),
            ("official_b", "co_authored"),
            ("official_a", "my_draft"),
            ("official_a", "b_submitted"),
            ("group_official", "colleague_draft"),
        ],
    )
    def test_in_progress_proposal_of_someone_else_is_404(self, api, org, board, role, entry):
        api.force_authenticate(getattr(org, role))
        refused(api.get(url(getattr(board, entry))), 404, "not_found")
        refused(api.get(url(getattr(board, entry), "events")), 404, "not_found")

    @pytest.mark.parametrize("role", ["worker_a", "worker_b", "official_a", "colleague_a"])
    def test_awarded_proposals_are_everyones_showcase(self, api, org, board, role):
        api.force_authenticate(getattr(org, role))
        response = api.get(url(board.b_awarded))
        assert response.status_code == 200
        assert response.json()["status"] == "awarded"

    def test_co_author_sees_the_proposal_and_its_share(self, api, org, board):
        api.force_authenticate(org.worker_a)
        body = api.get(url(board.co_authored)).json()
        assert body["author"]["id"] == org.colleague_a.pk
        assert [(c["person"]["id"], c["share"]) for c in body["co_authors"]] == [
            (org.worker_a.pk, "30.00")
        ]

    def test_related_proposals_the_reader_may_not_see_are_left_out(
        self, api, org, board, make_proposal
    ):
        # worker_a links a draft to worker_b's awarded proposal (the link is mutual)
        mine = make_proposal(org.worker_a, submit=False, related_to=[board.b_awarded])
        api.force_authenticate(org.worker_a)
        assert api.get(url(mine)).json()["related_to_ids"] == [board.b_awarded.pk]
        api.force_authenticate(org.worker_b)
        assert api.get(url(board.b_awarded)).json()["related_to_ids"] == []
        rows = results(api.get(PROPOSALS, {"page_size": 50}))
        assert all(mine.pk not in row["related_to_ids"] for row in rows)

    def test_filters(self, api, org, board, campaigns):
        api.force_authenticate(org.group_official)

        def listed(**params):
            return titles(api.get(PROPOSALS, {"page_size": 50, **params}))

        assert listed(status="returned") == {"我的退回"}
        assert listed(status="under_review") == {"同事评审中"}
        assert listed(org_unit=org.company_b.pk) == {"B公司已提交", "B公司获奖"}
        assert listed(org_unit=org.team_a102.pk) == {"同事已提交", "同事评审中", "合作项目"}
        assert listed(author=org.worker_b.pk) == {"B公司已提交", "B公司获奖"}
        assert listed(campaign=campaigns.open.pk) == EVERY_SENT
        assert listed(campaign=campaigns.closed.pk) == set()
        assert listed(year=campaigns.open.year) == EVERY_SENT
        assert listed(year=campaigns.open.year - 1) == set()
        assert listed(category="innovation") == EVERY_SENT
        assert listed(category="suggestion") == set()
        assert listed(search="同事") == {"同事已提交", "同事评审中"}
        assert listed(search=board.b_awarded.code) == {"B公司获奖"}

    def test_filters_never_widen_the_scope(self, api, org, board):
        api.force_authenticate(org.worker_a)
        assert titles(api.get(PROPOSALS, {"author": org.colleague_a.pk})) == {"合作项目"}
        assert titles(api.get(PROPOSALS, {"status": "under_review"})) == set()


class TestTimeline:
    def test_author_reads_the_timeline_with_the_return_comment(self, api, org, state):
        proposal = state(Status.RETURNED)
        api.force_authenticate(org.worker_a)
        response = api.get(url(proposal, "events"))
        assert response.status_code == 200
        rows = response.json()
        assert [(r["from_state"], r["to_state"]) for r in rows] == [
            ("draft", "submitted"),
            ("submitted", "returned"),
        ]
        assert rows[0]["actor"]["id"] == org.worker_a.pk
        assert rows[1]["actor"]["id"] == org.official_a.pk
        assert rows[1]["note"] == "请补充节水数据"
        assert all(row["at"] for row in rows)

    def test_official_reads_the_timeline_of_a_proposal_in_scope(self, api, org, state):
        proposal = state(Status.NOT_ELIGIBLE)
        api.force_authenticate(org.group_official)
        rows = api.get(url(proposal, "events")).json()
        assert rows[-1]["note"] == "不属于五小范围"


# --- Similar proposals ----------------------------------------------------------------------


class TestSimilarApi:
    @pytest.fixture
    def pool(self, org, make_proposal):
        return SimpleNamespace(
            near=make_proposal(org.colleague_a, title="井下喷雾降尘装置的节水改进"),
            unrelated=make_proposal(org.colleague_a, title="皮带机托辊更换工具改进"),
            awarded_elsewhere=proposal_in(
                Status.AWARDED,
                org=org,
                make_proposal=make_proposal,
                author=org.worker_b,
                title="井下喷雾降尘装置节水改造方案",
            ),
        )

    def test_official_finds_the_chinese_near_duplicate_and_not_the_unrelated(self, api, org, pool):
        api.force_authenticate(org.official_a)
        response = api.get(SIMILAR, {"title": "井下喷雾降尘装置节水改造"})
        assert response.status_code == 200
        rows = response.json()
        ids = [row["id"] for row in rows]
        assert pool.near.pk in ids and pool.awarded_elsewhere.pk in ids
        assert pool.unrelated.pk not in ids
        assert all(0 < row["similarity"] <= 1 for row in rows)
        assert [row["similarity"] for row in rows] == sorted(
            (row["similarity"] for row in rows), reverse=True
        )

    def test_worker_sees_awarded_hints_but_never_someone_elses_proposal_in_progress(
        self, api, org, pool
    ):
        api.force_authenticate(org.worker_a)
        rows = api.get(SIMILAR, {"title": "井下喷雾降尘装置节水改造"}).json()
        assert [row["id"] for row in rows] == [pool.awarded_elsewhere.pk]
        assert rows[0]["status"] == "awarded"

    def test_worker_sees_their_own_earlier_proposal_except_the_one_being_typed(
        self, api, org, pool, make_proposal
    ):
        mine = make_proposal(org.worker_a, submit=False, title="喷雾降尘装置节水改造")
        api.force_authenticate(org.worker_a)
        found = api.get(SIMILAR, {"title": "井下喷雾降尘装置节水改造"}).json()
        assert mine.pk in [row["id"] for row in found]
        excluded = api.get(SIMILAR, {"title": "井下喷雾降尘装置节水改造", "exclude": mine.pk})
        assert mine.pk not in [row["id"] for row in excluded.json()]

    def test_official_of_another_company_gets_no_hint_from_company_a(self, api, org, pool):
        api.force_authenticate(org.official_b)
        rows = api.get(SIMILAR, {"title": "井下喷雾降尘装置节水改造"}).json()
        assert [row["id"] for row in rows] == [pool.awarded_elsewhere.pk]

    def test_missing_title_is_400(self, api, org):
        api.force_authenticate(org.worker_a)
        assert "title" in field_errors(api.get(SIMILAR))

    def test_title_without_words_finds_nothing(self, api, org, pool):
        api.force_authenticate(org.official_a)
        assert api.get(SIMILAR, {"title": "！？"}).json() == []
