"""Similar-proposal hints: Chinese titles compared by character bigrams,
only among the proposals the asker may see; the same answers on PostgreSQL and
SQLite, and the same from the typing hint and the screening queue."""

from types import SimpleNamespace

import pytest

from competitions import services
from competitions.models import Proposal, TitleGram
from competitions.selectors import (
    SIMILARITY_THRESHOLD,
    screening_queue,
    similar_for_each,
    similar_proposals,
)
from competitions.similarity import dice, title_grams
from tests.competitions.states import proposal_in

Status = Proposal.Status
TYPED = "井下喷雾降尘装置节水改造"
NEAR = "井下喷雾降尘装置的节水改进"
UNRELATED = "皮带机托辊更换工具改进"


# --- Grams ----------------------------------------------------------------------------


class TestTitleGrams:
    def test_chinese_runs_become_character_pairs(self):
        assert title_grams("井下喷雾") == {"井下", "下喷", "喷雾"}

    def test_latin_words_and_numbers_stay_whole_and_lower_case(self):
        assert title_grams("LED灯改造 3号机") == {"led", "灯改", "改造", "3", "号机"}

    def test_full_width_letters_match_half_width(self):
        assert title_grams("ＬＥＤ照明") == title_grams("LED照明") == {"led", "照明"}

    def test_a_single_character_is_a_gram(self):
        assert title_grams("灯") == {"灯"}

    def test_punctuation_splits_runs_and_is_dropped(self):
        assert title_grams("喷雾，降尘！") == {"喷雾", "降尘"}

    @pytest.mark.parametrize("title", ["", "   ", "！？", None])
    def test_nothing_to_match_gives_no_grams(self, title):
        assert title_grams(title) == set()

    def test_dice(self):
        assert dice(3, 3, 3) == 1.0
        assert dice(2, 4, 4) == 0.5
        assert dice(0, 0, 0) == 0.0


# --- The typing hint --------------------------------------------------------------------


@pytest.fixture
def pool(org, make_proposal):
    """In company A: a near-duplicate and an unrelated proposal from colleague_a;
    in company B: one in progress and one awarded, both near the typed title."""

    def make(author, title, status=Status.SUBMITTED):
        return proposal_in(status, org=org, make_proposal=make_proposal, author=author, title=title)

    return SimpleNamespace(
        near=make(org.colleague_a, NEAR),
        unrelated=make(org.colleague_a, UNRELATED),
        b_in_progress=make(org.worker_b, "井下喷雾降尘装置节水改造方法"),
        b_awarded=make(org.worker_b, "喷雾降尘装置节水改造", Status.AWARDED),
    )


def ids(found) -> list[int]:
    return [proposal.pk for proposal in found]


class TestSimilarProposals:
    def test_official_gets_the_chinese_near_duplicate_not_the_unrelated(self, org, pool):
        found = similar_proposals(org.official_a, TYPED)
        assert pool.near.pk in ids(found)
        assert pool.unrelated.pk not in ids(found)

    def test_score_is_the_dice_coefficient_of_the_grams(self, org, pool):
        (near,) = [p for p in similar_proposals(org.official_a, TYPED) if p.pk == pool.near.pk]
        typed, stored = title_grams(TYPED), title_grams(NEAR)
        expected = dice(len(typed & stored), len(typed), len(stored))
        assert near.similarity == pytest.approx(expected)
        assert near.similarity >= SIMILARITY_THRESHOLD

    def test_results_are_best_first(self, org, pool):
        scores = [p.similarity for p in similar_proposals(org.group_official, TYPED)]
        assert scores == sorted(scores, reverse=True)
        assert len(scores) == 3  # near, b_in_progress, b_awarded

    def test_a_shared_word_alone_is_not_similar(self, org, pool):
        # "改进" is in both titles, nothing else
        assert similar_proposals(org.official_a, "采煤机截齿改进") == []

    def test_worker_never_sees_someone_elses_proposal_in_progress(self, org, pool):
        assert ids(similar_proposals(org.worker_a, TYPED)) == [pool.b_awarded.pk]
        # the author of the one in progress does see it
        assert ids(similar_proposals(org.worker_b, TYPED)) == [
            pool.b_in_progress.pk,
            pool.b_awarded.pk,
        ]

    def test_official_of_another_company_sees_only_their_scope_and_the_showcase(self, org, pool):
        assert set(ids(similar_proposals(org.official_b, TYPED))) == {
            pool.b_in_progress.pk,
            pool.b_awarded.pk,
        }

    def test_worker_sees_their_own_drafts_but_not_withdrawn_ones(self, org, make_proposal, pool):
        draft = make_proposal(org.worker_a, submit=False, title="喷雾降尘装置节水")
        withdrawn = proposal_in(
            Status.WITHDRAWN, org=org, make_proposal=make_proposal, title="降尘装置节水改造"
        )
        found = ids(similar_proposals(org.worker_a, TYPED))
        assert draft.pk in found
        assert withdrawn.pk not in found

    def test_the_proposal_being_typed_is_left_out(self, org, make_proposal):
        mine = make_proposal(org.worker_a, submit=False, title=TYPED)
        assert ids(similar_proposals(org.worker_a, TYPED)) == [mine.pk]
        assert similar_proposals(org.worker_a, TYPED, exclude_id=mine.pk) == []

    def test_limit(self, org, make_proposal):
        for index in range(7):
            make_proposal(org.worker_a, submit=False, title=f"{TYPED}{'一二三四五六七'[index]}")
        assert len(similar_proposals(org.worker_a, TYPED)) == 5
        assert len(similar_proposals(org.worker_a, TYPED, limit=2)) == 2

    def test_renamed_proposal_is_found_by_its_new_title_only(self, org, make_proposal):
        proposal = make_proposal(org.worker_a, submit=False, title=UNRELATED)
        services.proposal_update(proposal_id=proposal.pk, by=org.worker_a, title=TYPED)
        assert ids(similar_proposals(org.worker_a, TYPED)) == [proposal.pk]
        assert similar_proposals(org.worker_a, UNRELATED) == []
        assert TitleGram.objects.filter(proposal=proposal).count() == len(title_grams(TYPED))

    def test_nothing_to_match_finds_nothing(self, org, pool):
        assert similar_proposals(org.official_a, "！？") == []


# --- The screening queue ------------------------------------------------------------------


class TestSimilarForEach:
    def test_each_queue_entry_gets_the_same_hints_as_typing_its_title(self, org, pool):
        queue = list(screening_queue(org.group_official))
        hints = similar_for_each(org.group_official, queue, limit=5)
        for entry in queue:
            expected = similar_proposals(org.group_official, entry.title, exclude_id=entry.pk)
            assert [p.pk for p in hints.get(entry.pk, [])] == ids(expected), entry.title
            for found, typed in zip(hints.get(entry.pk, []), expected, strict=True):
                assert found.similarity == pytest.approx(typed.similarity)

    def test_hints_stay_in_the_officials_view(self, org, pool):
        queue = list(screening_queue(org.official_a))
        assert {p.pk for p in queue} == {pool.near.pk, pool.unrelated.pk}
        hints = similar_for_each(org.official_a, queue)
        # company B's proposal in progress is never suggested; its awarded one is
        assert [p.pk for p in hints[pool.near.pk]] == [pool.b_awarded.pk]
        assert pool.unrelated.pk not in hints

    def test_short_titles_that_share_one_gram_are_found_too(self, org, make_proposal):
        # "钻头" (one gram) against "钻头改进" (three): Dice 0.5, above the threshold
        short = make_proposal(org.worker_a, title="钻头")
        longer = make_proposal(org.colleague_a, title="钻头改进")
        typed = similar_proposals(org.official_a, "钻头", exclude_id=short.pk)
        assert ids(typed) == [longer.pk]
        hints = similar_for_each(org.official_a, [short, longer])
        assert [p.pk for p in hints.get(short.pk, [])] == [longer.pk]
        assert [p.pk for p in hints.get(longer.pk, [])] == [short.pk]

    def test_empty_page_gives_no_hints(self, org):
        assert similar_for_each(org.official_a, []) == {}
