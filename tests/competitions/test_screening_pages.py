"""Five-small pages for the union office's screening: the queue, its four
outcomes and entry on a worker's behalf."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import people_visible_to
from competitions import selectors, services
from competitions.models import Campaign, Proposal
from studios.selectors import studios_visible_to
from tests.competitions.conftest import COMPLETE, proposal_maker
from tests.competitions.pages import (
    HTMX,
    MINE,
    NEW,
    QUEUE,
    events_of,
    form_data,
    fresh,
    message_levels,
    new_url,
    url,
    zh,
)
from tests.factories import PersonFactory, grant_official, make_campaign
from tests.outcomes import takes
from tests.page_html import error_beside, picker_of, picker_searches
from tests.world import shared_data

pytestmark = pytest.mark.django_db

Status = Proposal.Status


class TestScreeningQueue:
    def test_official_sees_submitted_proposals_of_their_units_oldest_first(
        self, as_person, org, submitted
    ):
        response = as_person(org.official_a).get(QUEUE)
        assert response.status_code == 200
        assert [proposal for proposal, _similar in response.context["entries"]] == [
            submitted.spray,
            submitted.spray_again,
            submitted.roller,
        ]

    def test_official_of_company_b_sees_none_of_company_a(self, as_person, org, submitted):
        response = as_person(org.official_b).get(QUEUE)
        entries = dict(response.context["entries"])
        assert list(entries) == [submitted.spray_b]
        # nor among the similar proposals beside their own entry
        assert entries[submitted.spray_b] == []
        html = response.content.decode()
        assert "井下喷雾降尘装置的节水改进" not in html
        assert url("proposal-detail", submitted.spray) not in html

    def test_group_official_sees_every_company(self, as_person, org, submitted):
        response = as_person(org.group_official).get(QUEUE)
        assert {proposal for proposal, _ in response.context["entries"]} == {
            submitted.spray,
            submitted.spray_again,
            submitted.roller,
            submitted.spray_b,
        }

    def test_similar_proposals_are_beside_each_entry_with_one_click_duplicate(
        self, as_person, org, submitted
    ):
        response = as_person(org.official_a).get(QUEUE)
        entries = dict(response.context["entries"])
        assert [other.pk for other in entries[submitted.spray]] == [submitted.spray_again.pk]
        assert [other.pk for other in entries[submitted.spray_again]] == [submitted.spray.pk]
        assert entries[submitted.roller] == []
        # never the worker's draft, even with a near-identical title
        assert all(
            other.pk != submitted.draft.pk for others in entries.values() for other in others
        )
        html = response.content.decode()
        # The later proposal is marked a duplicate of the earlier in one click,
        # never the other way round (the original is the earlier one).
        beside = similar_beside(html, submitted.spray_again)
        assert "井下喷雾降尘装置节水改造" in beside
        assert url("proposal-mark-duplicate", submitted.spray_again) in beside
        assert f'name="duplicate_of" value="{submitted.spray.pk}"' in beside
        assert f'name="next" value="{QUEUE}"' in beside
        beside = similar_beside(html, submitted.spray)
        assert "井下喷雾降尘装置的节水改进" in beside
        assert 'name="duplicate_of"' not in beside

    def test_return_or_reject_leads_to_the_screening_forms_on_the_proposal_page(
        self, as_person, org, submitted
    ):
        client = as_person(org.official_a)
        link = f"{url('proposal-detail', submitted.spray)}#screening"
        assert f'href="{link}"' in client.get(QUEUE).content.decode()
        page = client.get(url("proposal-detail", submitted.spray)).content.decode()
        assert re.search(r'<section[^>]* id="screening"', page)

    def test_filters_narrow_the_queue(self, as_person, org, submitted):
        response = as_person(org.group_official).get(QUEUE, {"org_unit": org.company_b.pk})
        assert [proposal for proposal, _ in response.context["entries"]] == [submitted.spray_b]
        response = as_person(org.group_official).get(QUEUE, {"search": "托辊"})
        assert [proposal for proposal, _ in response.context["entries"]] == [submitted.roller]

    def test_htmx_gets_only_the_results(self, as_person, org, submitted):
        response = as_person(org.official_a).get(QUEUE, {"search": "托辊"}, headers=HTMX)
        html = response.content.decode()
        assert "<html" not in html
        assert "皮带机托辊更换工具改进" in html

    @pytest.mark.parametrize("role", ["worker_a", "colleague_a", "worker_b"])
    def test_a_worker_gets_403(self, as_person, org, submitted, role):
        assert as_person(getattr(org, role)).get(QUEUE).status_code == 403


def similar_beside(html, proposal) -> str:
    """The similar proposals listed beside `proposal` on a page."""
    beside = html[html.index(f'data-testid="similar-for-{proposal.pk}"') :]
    return beside[: beside.index("</ul>")]


def screening_post(client, name, proposal, **data):
    return client.post(url(name, proposal), data)


def duplicate_marked(official, proposal, original) -> bool:
    """Whether `proposal_mark_duplicate` takes `original` for `proposal` (rolled back)."""

    def call():
        services.proposal_mark_duplicate(
            proposal_id=proposal.pk, by=official, duplicate_of=original
        )

    return takes(call)


def one_click_offers(html, proposal) -> dict[int, bool]:
    """The similar proposals listed beside `proposal`, each with whether it has
    a button marking `proposal` a duplicate of it."""
    beside = similar_beside(html, proposal)
    shown = re.findall(r'href="/competitions/proposals/(\d+)/"', beside)
    buttons = set(re.findall(r'name="duplicate_of" value="(\d+)"', beside))
    return {int(pk): pk in buttons for pk in shown}


def originals_picker(proposal) -> str:
    return reverse("picker-search", args=["duplicate-originals", proposal.pk])


def originals_found(client, address: str, text: str) -> set[int]:
    """The ids the duplicate form's picker at `address` offers for `text`."""
    answer = client.get(address, {"q": text})
    assert answer.status_code == 200
    return {row["id"] for row in answer.json()["results"]}


def offered_as_original(client, address: str, candidate) -> bool:
    """Whether the picker offers `candidate`, looked up by its code (a draft,
    which has none, by its title)."""
    return candidate.pk in originals_found(client, address, candidate.code or candidate.title)


@pytest.mark.parametrize("office", ["official_a", "group_official", "admin"])
def test_every_original_offered_is_taken_and_every_other_refused(
    as_person, org, make_proposal, submitted, office
):
    """Every proposal there is, looked up by its code (a draft by its title)
    in the picker of a new entry's duplicate form, is offered as its original
    if and only if marking the entry a duplicate of it is then taken: an
    earlier proposal the official may see that is neither a draft, withdrawn
    nor itself a duplicate. A similar proposal beside the entry (on its page
    and in the queue) has a one-click button by the same rule."""
    services.proposal_withdraw(proposal_id=submitted.roller.pk, by=org.colleague_a)
    entry = make_proposal(org.worker_a, title="井下喷雾降尘装置节水改造（二）")
    later = make_proposal(org.colleague_a, title="井下喷雾降尘装置节水改造（三）")
    duplicate = make_proposal(org.colleague_a, title="井下喷雾降尘装置节水改造（旧）")
    Proposal.objects.filter(pk=duplicate.pk).update(
        status=Status.DUPLICATE,
        duplicate_of=submitted.spray,
        submitted_at=entry.submitted_at - datetime.timedelta(days=1),
    )
    office = getattr(org, office)
    client = as_person(office)
    page = client.get(url("proposal-detail", entry)).content.decode()
    address = picker_of(page, "duplicate_of")
    assert address == originals_picker(entry)
    verdicts = {
        candidate.pk: (
            offered_as_original(client, address, candidate),
            duplicate_marked(office, entry, candidate),
        )
        for candidate in Proposal.objects.order_by("pk")
    }
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    sees_company_b = office != org.official_a
    assert verdicts[submitted.spray.pk] == (True, True)
    assert verdicts[submitted.spray_b.pk] == (sees_company_b, sees_company_b)
    assert verdicts[submitted.screened.pk] == (True, True)  # under review since
    for refused in (submitted.roller, submitted.draft, entry, later, duplicate):
        assert verdicts[refused.pk] == (False, False), refused.title
    queue = client.get(QUEUE, {"page_size": 50}).content.decode()
    for html in (page, queue):
        buttons = one_click_offers(html, entry)
        assert set(buttons.values()) == {True, False}, buttons
        assert all(button == verdicts[pk][1] for pk, button in buttons.items()), buttons


@shared_data(needs=("org", "campaigns", "submitted"))
def duplicated(built):
    """A new entry of worker_a's like the spray proposals, submitted after
    every proposal of `submitted`, whose original the office picks."""
    org, make_proposal = built.get("org"), proposal_maker(built.get("campaigns"))
    built.get("submitted")
    return make_proposal(org.worker_a, title="井下喷雾降尘装置节水改造（二）")


class TestDuplicateOriginalPicker:
    """The duplicate form's original is picked by code or title words among
    `originals_offered` (competitions.pickers), not chosen from a list of
    every proposal the official sees (a million for the group's office)."""

    @pytest.mark.parametrize(
        ("text", "found"),
        [
            # every character pair of the words typed, wherever in the title
            ("喷雾降尘", ["spray", "spray_again"]),
            ("节水改造", ["spray"]),
            ("降尘 节水", ["spray", "spray_again"]),
            ("张紧装置", ["screened"]),  # under review since
            ("托辊", ["roller"]),
            ("主扇风机", []),
            ("  ", []),
            # the start of the code: the whole of it, a unit's year, in any case
            (lambda s: s.spray.code, ["spray"]),
            (lambda s: s.spray.code[:-5], ["spray", "screened"]),
            (lambda s: s.spray.code[:-5].lower(), ["spray", "screened"]),
            (lambda s: s.spray.code[5:], []),
        ],
    )
    def test_an_original_is_found_by_its_code_or_words_of_its_title(
        self, as_person, org, submitted, duplicated, text, found
    ):
        text = text(submitted) if callable(text) else text
        client = as_person(org.official_a)
        offered = originals_found(client, originals_picker(duplicated), text)
        assert offered == {getattr(submitted, name).pk for name in found}

    def test_the_page_searches_the_picker_and_lists_no_proposal(
        self, as_person, org, make_proposal, submitted, duplicated
    ):
        """The entry's page holds one box searching its picker, not a list of
        the proposals the official sees: more of them cost it no query and
        add nothing to it (only the similar ones are shown beside it)."""
        client = as_person(fresh(org.official_a))
        page = url("proposal-detail", duplicated)
        with CaptureQueriesContext(connection) as before:
            html = client.get(page).content.decode()
        assert picker_of(html, "duplicate_of") == originals_picker(duplicated)
        assert '<select name="duplicate_of"' not in html
        for unlike in (submitted.roller, submitted.screened):
            assert unlike.title not in html
            assert unlike.code not in html
        more = [make_proposal(org.colleague_a, title=f"主扇风机节能改造（{n}）") for n in range(12)]
        Proposal.objects.filter(pk__in=[p.pk for p in more]).update(
            submitted_at=duplicated.submitted_at - datetime.timedelta(days=1)
        )
        assert {p.pk for p in more} <= originals_found(
            client, originals_picker(duplicated), "主扇风机"
        )
        client = as_person(fresh(org.official_a))
        with CaptureQueriesContext(connection) as after:
            html_after = client.get(page).content.decode()
        assert len(after) == len(before)
        assert len(html_after) == len(html)
        assert all(p.code not in html_after for p in more)

    def test_without_javascript_the_box_takes_a_code(self, as_person, org, submitted, duplicated):
        response = as_person(org.official_a).post(
            url("proposal-mark-duplicate", duplicated),
            {"duplicate_of_key": submitted.spray.code},
        )
        assert response.status_code == 302
        duplicated.refresh_from_db()
        assert (duplicated.status, duplicated.duplicate_of) == (Status.DUPLICATE, submitted.spray)

    @pytest.mark.parametrize(
        ("typed", "says"),
        [
            # a later proposal the official lists: the service says why
            ("later", "The original is an earlier proposal."),
            # company B's, outside company A's official's scope
            ("spray_b", "%(value)s is not among your choices."),
        ],
    )
    def test_a_code_typed_that_is_no_original_is_refused_beside_the_box(
        self, as_person, org, make_proposal, submitted, duplicated, typed, says
    ):
        later = make_proposal(org.colleague_a, title="井下喷雾降尘装置节水改造（三）")
        code = (later if typed == "later" else submitted.spray_b).code
        response = as_person(org.official_a).post(
            url("proposal-mark-duplicate", duplicated), {"duplicate_of_key": code}
        )
        assert response.status_code == 400
        error_beside(response.content.decode(), "duplicate_of", zh(says, value=code))
        duplicated.refresh_from_db()
        assert (duplicated.status, duplicated.duplicate_of) == (Status.SUBMITTED, None)

    @pytest.mark.parametrize(
        ("who", "code"),
        [
            ("official_a", 200),
            ("group_official", 200),
            ("admin", 200),
            ("worker_a", 403),  # the author: sees it, does not screen it
            ("colleague_a", 404),
            ("worker_b", 404),
            ("official_b", 404),
        ],
    )
    def test_only_the_officials_over_the_entry_use_its_picker(
        self, as_person, org, submitted, duplicated, who, code
    ):
        answer = as_person(getattr(org, who)).get(
            originals_picker(duplicated), {"q": submitted.spray.code}
        )
        assert answer.status_code == code
        if code == 200:
            assert [row["id"] for row in answer.json()["results"]] == [submitted.spray.pk]
        else:
            assert b'"results"' not in answer.content

    def test_a_search_costs_the_same_queries_whatever_is_typed(
        self, as_person, org, submitted, duplicated, django_assert_num_queries
    ):
        # The session, the user, their scope (two), the entry and what the
        # official may do with it, the search.
        client = as_person(fresh(org.official_a))
        for text in ("喷雾降尘", "井下喷雾降尘装置节水改造", submitted.spray.code, "2026-a", "无"):
            with django_assert_num_queries(7):
                client.get(originals_picker(duplicated), {"q": text})

    @pytest.mark.parametrize("blind", [True, False])
    def test_a_proposal_the_official_reviews_blind_is_neither_offered_nor_named(
        self, as_person, org, submitted, duplicated, blind
    ):
        """Company A's official reviews company B's spray_b (the title of the
        entry's original): in a blind campaign they read it only to score it,
        so neither the picker, the similar proposals beside the entry (on its
        page and in the queue) nor the service offer it or name its code or
        author; in a campaign that names its authors it is offered as any
        proposal they read."""
        spray_b = submitted.spray_b
        services.proposal_screen(proposal_id=spray_b.pk, by=org.group_official)
        services.reviewers_assign(
            proposal_id=spray_b.pk, by=org.group_official, reviewers=[org.official_a]
        )
        Campaign.objects.filter(pk=spray_b.campaign_id).update(blind_review=blind)
        client = as_person(org.official_a)
        address = originals_picker(duplicated)
        assert (spray_b.pk in originals_found(client, address, spray_b.code)) == (not blind)
        assert (spray_b.pk in originals_found(client, address, "喷雾降尘")) == (not blind)
        page = client.get(url("proposal-detail", duplicated)).content.decode()
        queue = client.get(QUEUE, {"page_size": 50}).content.decode()
        for html in (page, queue):
            beside = similar_beside(html, duplicated)
            assert (spray_b.code in beside) == (not blind)
            assert (spray_b.pk in one_click_offers(html, duplicated)) == (not blind)
            if blind:
                assert spray_b.code not in html
                assert org.worker_b.full_name not in html
                assert url("proposal-detail", spray_b) not in html
        assert duplicate_marked(org.official_a, duplicated, spray_b) == (not blind)
        response = client.post(
            url("proposal-mark-duplicate", duplicated),
            {"duplicate_of": spray_b.pk, "next": QUEUE},
        )
        assert response.status_code == (400 if blind else 302)
        if blind:
            assert spray_b.code not in response.content.decode()


# The outcomes that need more than a click, with what their form sends (given `submitted`).
OUTCOMES_WITH_A_FORM = [
    pytest.param("proposal-return", lambda _s: {"comment": "请补充"}, id="return"),
    pytest.param("proposal-reject", lambda _s: {"reason": "不符合"}, id="reject"),
    pytest.param(
        "proposal-mark-duplicate", lambda s: {"duplicate_of": s.spray_again.pk}, id="duplicate"
    ),
]


class TestScreeningOutcomes:
    def test_screen_from_the_queue_goes_back_to_the_queue(self, as_person, org, submitted):
        response = screening_post(
            as_person(org.official_a), "proposal-screen", submitted.spray, next=QUEUE
        )
        assert response.status_code == 302
        assert response.url == QUEUE
        assert message_levels(response) == ["success"]
        submitted.spray.refresh_from_db()
        assert submitted.spray.status == Status.UNDER_REVIEW
        event = submitted.spray.events.last()
        assert (event.from_state, event.to_state, event.actor) == (
            Status.SUBMITTED,
            Status.UNDER_REVIEW,
            org.official_a,
        )

    def test_screen_from_the_proposal_page_goes_back_to_it(self, as_person, org, submitted):
        response = screening_post(as_person(org.official_a), "proposal-screen", submitted.spray)
        assert response.url == url("proposal-detail", submitted.spray)

    def test_next_to_another_site_is_ignored(self, as_person, org, submitted):
        response = screening_post(
            as_person(org.official_a),
            "proposal-screen",
            submitted.spray,
            next="https://evil.example/phish",
        )
        assert response.url == url("proposal-detail", submitted.spray)

    def test_return_needs_a_comment(self, as_person, org, submitted):
        client = as_person(org.official_a)

        response = screening_post(client, "proposal-return", submitted.spray, comment="  ")

        assert response.status_code == 400
        assert "comment" in response.context["return_form"].errors
        html = response.content.decode()
        assert 'data-testid="screening-actions"' in html
        # the return form is open, so the official sees why
        assert re.search(r"<details[^>]*open>\s*<summary>", html)
        submitted.spray.refresh_from_db()
        assert submitted.spray.status == Status.SUBMITTED
        assert events_of(submitted.spray) == [(Status.DRAFT, Status.SUBMITTED)]

        response = screening_post(
            client, "proposal-return", submitted.spray, comment="请补充节水数据", next=QUEUE
        )
        assert response.url == QUEUE
        submitted.spray.refresh_from_db()
        assert submitted.spray.status == Status.RETURNED
        assert submitted.spray.events.last().note == "请补充节水数据"

    def test_reject_needs_a_reason(self, as_person, org, submitted):
        client = as_person(org.official_a)

        response = screening_post(client, "proposal-reject", submitted.roller, reason="")

        assert response.status_code == 400
        assert "reason" in response.context["reason_form"].errors
        submitted.roller.refresh_from_db()
        assert submitted.roller.status == Status.SUBMITTED

        screening_post(client, "proposal-reject", submitted.roller, reason="属于日常维修，不是革新")
        submitted.roller.refresh_from_db()
        assert submitted.roller.status == Status.NOT_ELIGIBLE
        assert submitted.roller.events.last().note == "属于日常维修，不是革新"
        page = as_person(org.colleague_a).get(url("proposal-detail", submitted.roller))
        assert "属于日常维修，不是革新" in page.content.decode()

    def test_mark_duplicate_in_one_click_from_the_queue(self, as_person, org, submitted):
        response = screening_post(
            as_person(org.official_a),
            "proposal-mark-duplicate",
            submitted.spray_again,
            duplicate_of=submitted.spray.pk,
            next=QUEUE,
        )
        assert response.status_code == 302
        assert response.url == QUEUE
        submitted.spray_again.refresh_from_db()
        assert submitted.spray_again.status == Status.DUPLICATE
        assert submitted.spray_again.duplicate_of == submitted.spray
        assert events_of(submitted.spray_again)[-1] == (Status.SUBMITTED, Status.DUPLICATE)
        # the author reads which one it repeats
        page = as_person(org.colleague_a).get(url("proposal-detail", submitted.spray_again))
        assert submitted.spray.code in page.content.decode()

    def test_mark_duplicate_of_a_proposal_outside_scope_is_400(self, as_person, org, submitted):
        response = screening_post(
            as_person(org.official_a),
            "proposal-mark-duplicate",
            submitted.spray,
            duplicate_of=submitted.spray_b.pk,
        )
        assert response.status_code == 400
        submitted.spray.refresh_from_db()
        assert (submitted.spray.status, submitted.spray.duplicate_of) == (Status.SUBMITTED, None)

    @pytest.mark.parametrize(("name", "data"), OUTCOMES_WITH_A_FORM)
    def test_a_second_outcome_is_refused_with_a_message(
        self, as_person, org, submitted, name, data
    ):
        # e.g. another official screened it while this one had the queue open
        response = screening_post(
            as_person(org.official_a), name, submitted.screened, **data(submitted)
        )
        assert response.status_code == 409
        assert message_levels(response) == ["error"]
        assert 'class="alert alert-danger' in response.content.decode()
        submitted.screened.refresh_from_db()
        assert submitted.screened.status == Status.UNDER_REVIEW
        assert len(events_of(submitted.screened)) == 2

    def test_a_second_screen_is_refused_with_a_message(self, as_person, org, submitted):
        response = screening_post(
            as_person(org.official_a), "proposal-screen", submitted.screened, next=QUEUE
        )
        assert response.url == QUEUE
        assert message_levels(response) == ["error"]
        assert len(events_of(submitted.screened)) == 2

    @pytest.mark.parametrize(
        ("name", "data"),
        [pytest.param("proposal-screen", lambda _s: {}, id="screen"), *OUTCOMES_WITH_A_FORM],
    )
    def test_workers_and_outsiders_cannot_screen(self, as_person, org, submitted, name, data):
        data = data(submitted)
        # the author sees it but does not screen it; others cannot see it at all
        for person, expected in [
            (org.worker_a, 403),
            (org.colleague_a, 404),
            (org.worker_b, 404),
            (org.official_b, 404),
        ]:
            response = screening_post(as_person(person), name, submitted.spray, **data)
            assert response.status_code == expected, person
        submitted.spray.refresh_from_db()
        assert submitted.spray.status == Status.SUBMITTED
        assert len(events_of(submitted.spray)) == 1

    def test_screening_is_post_only(self, as_person, org, submitted):
        client = as_person(org.official_a)
        for name in ("proposal-screen", "proposal-return", "proposal-reject"):
            assert client.get(url(name, submitted.spray)).status_code == 405


# --- Entry on a worker's behalf -------------------------------------------------------


class TestOnBehalf:
    def test_official_chooses_among_their_own_people(self, as_person, org, campaigns):
        response = as_person(org.official_a).get(
            NEW, {"campaign": campaigns.open.pk, "on_behalf": 1}
        )
        assert response.status_code == 200
        authors = set(response.context["form"].fields["author"].queryset)
        assert {org.worker_a, org.colleague_a} <= authors
        assert org.worker_b not in authors
        assert org.group_official not in authors
        html = response.content.decode()
        assert 'name="author_key"' in html  # the people picker's box
        assert "on_behalf=1" in html

    def test_entry_creates_a_proposal_entered_by_the_official(self, as_person, org, campaigns):
        client = as_person(org.official_a)

        response = client.post(
            new_url(campaigns.open, on_behalf=1), form_data("submit", author=org.colleague_a.pk)
        )

        proposal = Proposal.objects.get()
        assert response.status_code == 302
        assert (proposal.author, proposal.entered_by) == (org.colleague_a, org.official_a)
        assert proposal.status == Status.SUBMITTED
        assert proposal.code.startswith(f"{campaigns.open.year}-A102-")
        # the author sees it as theirs, with who typed it
        page = as_person(org.colleague_a).get(url("proposal-detail", proposal))
        assert page.status_code == 200
        assert org.official_a.full_name in page.content.decode()
        assert proposal in as_person(org.colleague_a).get(MINE).context["proposals"]

    def test_a_draft_entered_on_behalf_is_kept_and_edited_by_the_official(
        self, as_person, org, campaigns
    ):
        client = as_person(org.official_a)
        client.post(new_url(campaigns.open, on_behalf=1), form_data("save", author=org.worker_a.pk))
        draft = Proposal.objects.get()
        assert (draft.status, draft.entered_by) == (Status.DRAFT, org.official_a)
        response = client.post(
            url("proposal-edit", draft), form_data("save", draft_id=draft.pk, post="井下泵站")
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert (draft.post, draft.author) == ("井下泵站", org.worker_a)

    def test_a_person_outside_the_officials_units_is_400(self, as_person, org, campaigns):
        response = as_person(org.official_a).post(
            new_url(campaigns.open, on_behalf=1), form_data("submit", author=org.worker_b.pk)
        )
        assert response.status_code == 400
        assert "author" in response.context["form"].errors
        assert not Proposal.objects.exists()

    def test_a_worker_cannot_enter_for_someone_else(self, as_person, org, campaigns):
        client = as_person(org.worker_a)
        response = client.get(NEW, {"campaign": campaigns.open.pk, "on_behalf": 1})
        assert "author" not in response.context["form"].fields
        client.post(
            new_url(campaigns.open, on_behalf=1), form_data("save", author=org.colleague_a.pk)
        )
        assert Proposal.objects.get().author == org.worker_a


# --- The author picker of an entry on a worker's behalf ---------------------------


@shared_data(needs=("org",))
def entry(built):
    """A campaign of team A102 alone, open now, and `mine_official`, an
    official over mine A1 only: they see all of company A's directory but
    answer for the mine."""
    org = built.get("org")
    now, day = timezone.now(), datetime.timedelta(days=1)
    mine_official = PersonFactory(employee_no="official_a1", org_unit=org.mine_a1)
    grant_official(mine_official, org.mine_a1)
    a102 = make_campaign(
        org.official_a, org.team_a102, name="A102 五小", opens=now - day, closes=now + 30 * day
    )
    return SimpleNamespace(a102=a102, mine_official=mine_official)


def authors_picker(campaign) -> str:
    return reverse("picker-search", args=["campaign-authors", campaign.pk])


def authors_offered(client, campaign, text: str) -> list[str]:
    answer = client.get(authors_picker(campaign), {"q": text})
    assert answer.status_code == 200
    return sorted(row["key"] for row in answer.json()["results"])


def entry_accepted(official, campaign, author, **links) -> bool:
    """Whether `proposal_create` takes `author` (and `links`) from `official`
    (rolled back)."""

    def call():
        services.proposal_create(by=official, campaign=campaign, author=author, **COMPLETE, **links)

    return takes(call)


def the(org, entry, name):
    return getattr(entry, name, None) or getattr(org, name)


class TestAuthorPicker:
    @pytest.mark.parametrize(
        ("official", "campaign", "text", "keys"),
        [
            ("official_a", "open", "worker", ["worker_a"]),
            # worker_a's team A101 does not take part in A102's campaign
            ("official_a", "a102", "worker", []),
            ("official_a", "a102", "colleague", ["colleague_a"]),
            # official_a is in the mine official's directory, not in their units
            ("mine_official", "open", "official", ["official_a1"]),
            # worker_b is the group official's, but company B does not take part
            ("group_official", "a102", "worker", []),
        ],
    )
    def test_the_official_is_offered_only_whom_they_may_enter_for(
        self, as_person, org, campaigns, entry, official, campaign, text, keys
    ):
        campaign = getattr(campaigns, campaign, None) or getattr(entry, campaign)
        client = as_person(the(org, entry, official))
        assert authors_offered(client, campaign, text) == keys

    @pytest.mark.parametrize(
        ("official", "campaign"),
        [
            ("official_a", "a102"),
            ("mine_official", "open"),
            ("mine_official", "a102"),
            ("group_official", "a102"),
        ],
    )
    def test_everyone_offered_is_accepted_and_everyone_else_refused(
        self, as_person, org, campaigns, entry, official, campaign
    ):
        """Each person the official may see, looked up in the picker by
        employee number, is offered if and only if the entry accepts them."""
        official = the(org, entry, official)
        campaign = getattr(campaigns, campaign, None) or getattr(entry, campaign)
        client = as_person(official)
        everyone = list(people_visible_to(official).order_by("employee_no"))
        verdicts = {
            person.employee_no: (
                person.employee_no in authors_offered(client, campaign, person.employee_no),
                entry_accepted(official, campaign, person),
            )
            for person in everyone
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert {shown for shown, _taken in verdicts.values()} == {True, False}

    @pytest.mark.parametrize(
        ("who", "campaign", "code"),
        [
            ("worker_a", "open", 403),  # sees the campaign, enters for no one else
            ("official_b", "a102", 404),  # does not see A102's campaign
        ],
    )
    def test_others_are_refused_the_picker(
        self, as_person, org, campaigns, entry, who, campaign, code
    ):
        campaign = getattr(campaigns, campaign, None) or getattr(entry, campaign)
        answer = as_person(the(org, entry, who)).get(authors_picker(campaign), {"q": "colleague"})
        assert answer.status_code == code
        assert b"colleague_a" not in answer.content

    def test_the_entry_page_points_the_box_at_the_campaigns_picker(self, as_person, org, campaigns):
        response = as_person(org.official_a).get(
            NEW, {"campaign": campaigns.open.pk, "on_behalf": 1}
        )
        html = response.content.decode()
        box = html[html.index(f'data-picker="{authors_picker(campaigns.open)}"') :]
        assert 'name="author_key"' in box[: box.index("</div>")]


# --- The links of a proposal written for someone else --------------------------------


def picker(source: str, *record) -> str:
    return reverse("picker-search", args=[source, *record])


def found(client, address: str, text: str) -> list[str]:
    answer = client.get(address, {"q": text})
    assert answer.status_code == 200
    return sorted(row["key"] for row in answer.json()["results"])


def boxes(html: str, read=picker_of) -> dict[str, str]:
    """The addresses the proposal form's link boxes search (the studio's only
    where it is picked: a worker's own studios are a list): as rendered, or
    (`read=picker_searches`) for the worker chosen on the form."""
    names = ["origin_problem", "co_authors-__prefix__-person"]
    if 'name="studio_key"' in html:
        names.insert(0, "studio")
    return {name: read(html, name) for name in names}


def updated(official, proposal, **changes) -> bool:
    """Whether `proposal_update` takes `changes` from `official` (rolled back)."""
    return takes(lambda: services.proposal_update(proposal_id=proposal.pk, by=official, **changes))


def entered_for(official, author, campaign) -> Proposal:
    """A draft `official` entered on `author`'s behalf."""
    return services.proposal_create(by=official, campaign=campaign, author=author, **COMPLETE)


class TestLinksForSomeoneElse:
    def test_each_form_searches_what_its_save_may_take(self, as_person, org, studios, campaigns):
        """A new entry's studio among those of anyone the official may enter
        for (its worker is not chosen yet), its problem and co-authors among
        the official's; the saved draft's, keyed by its worker; a worker's own
        form, by the worker (their studios listed)."""
        official = as_person(org.official_a)
        html = official.get(NEW, {"campaign": campaigns.open.pk, "on_behalf": 1}).content
        assert boxes(html.decode()) == {
            "studio": picker("entry-studios", campaigns.open.pk),
            "origin_problem": picker("problems"),
            "co_authors-__prefix__-person": picker("people"),
        }
        draft = entered_for(org.official_a, studios.member_a, campaigns.open)
        html = official.get(url("proposal-edit", draft)).content.decode()
        member = studios.member_a.pk
        assert boxes(html) == {
            "studio": picker("author-studios", member),
            "origin_problem": picker("author-problems", member),
            "co_authors-__prefix__-person": picker("author-co-authors", member),
        }
        html = as_person(studios.member_a).get(url("proposal-edit", draft)).content.decode()
        assert boxes(html) == {
            "origin_problem": picker("author-problems", member),
            "co_authors-__prefix__-person": picker("author-co-authors", member),
        }

    @pytest.mark.parametrize(
        ("official", "keys"),
        [
            ("official_a", ["A1-DUST", "A1-WASH"]),
            ("group_official", ["A1-DUST", "A1-WASH", "B1-TURB"]),
        ],
    )
    def test_a_new_entrys_studios_are_those_some_worker_it_may_take_may_file_under(
        self, as_person, org, studios, campaigns, official, keys
    ):
        """Each studio the official may see is offered if and only if the entry
        takes it for one of the workers they may enter for (its worker is
        chosen on the same form)."""
        official = getattr(org, official)
        client = as_person(official)
        entry_studios = picker("entry-studios", campaigns.open.pk)
        workers = list(selectors.authors_offered(official, campaigns.open))
        verdicts = {
            studio.code: (
                studio.code in found(client, entry_studios, studio.code),
                any(entry_accepted(official, campaigns.open, w, studio=studio) for w in workers),
            )
            for studio in studios_visible_to(official)
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert sorted(code for code, (shown, _taken) in verdicts.items() if shown) == keys

    @pytest.mark.parametrize("official", ["official_a", "group_official"])
    def test_a_new_entrys_links_follow_the_worker_chosen_on_the_form(
        self, as_person, org, studios, campaigns, official
    ):
        """On a new entry the link boxes follow the worker chosen on the same
        form (static/js/picker.js): the official's own pickers until one is
        chosen; once member_a is, each studio and co-author the official may
        see is offered if and only if the entry then takes it for member_a."""
        official = getattr(org, official)
        client = as_person(official)
        page = new_url(campaigns.open, on_behalf=1)
        assert boxes(client.get(page).content.decode(), read=picker_searches) == {
            "studio": picker("entry-studios", campaigns.open.pk),
            "origin_problem": picker("problems"),
            "co_authors-__prefix__-person": picker("people"),
        }
        # member_a chosen; washing is not their studio, so the page is shown again.
        answer = client.post(page, form_data("save", author_key="member_a", studio_key="A1-WASH"))
        assert answer.status_code == 400
        member = studios.member_a.pk
        searched = boxes(answer.content.decode(), read=picker_searches)
        assert searched == {
            "studio": picker("author-studios", member),
            "origin_problem": picker("author-problems", member),
            "co_authors-__prefix__-person": picker("author-co-authors", member),
        }
        verdicts = {
            studio.code: (
                studio.code in found(client, searched["studio"], studio.code),
                entry_accepted(official, campaigns.open, studios.member_a, studio=studio),
            )
            for studio in studios_visible_to(official)
        }
        verdicts |= {
            someone.employee_no: (
                someone.employee_no
                in found(client, searched["co_authors-__prefix__-person"], someone.employee_no),
                entry_accepted(
                    official,
                    campaigns.open,
                    studios.member_a,
                    co_authors=[(someone, Decimal(30))],
                ),
            )
            for someone in people_visible_to(official)
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["A1-DUST"] == verdicts["colleague_a"] == (True, True)
        assert verdicts["A1-WASH"] == verdicts["member_a"] == (False, False)

    @pytest.mark.parametrize("official", ["official_a", "group_official"])
    def test_every_studio_offered_for_a_drafts_worker_is_taken_and_every_other_refused(
        self, as_person, org, studios, campaigns, official
    ):
        """On a draft entered for member_a, each studio the official may see,
        looked up by code in the studio picker, is offered if and only if the
        save takes it: member_a's own (dust)."""
        official = getattr(org, official)
        draft = entered_for(official, studios.member_a, campaigns.open)
        client = as_person(official)
        address = boxes(client.get(url("proposal-edit", draft)).content.decode())["studio"]
        verdicts = {
            studio.code: (
                studio.code in found(client, address, studio.code),
                updated(official, draft, studio=studio),
            )
            for studio in studios_visible_to(official)
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["A1-DUST"] == (True, True)
        assert verdicts["A1-WASH"] == (False, False)

    @pytest.mark.parametrize("official", ["official_a", "group_official"])
    def test_every_co_author_offered_is_taken_and_everyone_else_refused(
        self, as_person, org, studios, campaigns, official
    ):
        """On a draft entered for worker_a, each person the official may see,
        looked up by employee number in the co-author picker, is offered if and
        only if the save takes them: people worker_a may see too (company A;
        the group official sees company B as well), worker_a aside."""
        official = getattr(org, official)
        draft = entered_for(official, org.worker_a, campaigns.open)
        client = as_person(official)
        html = client.get(url("proposal-edit", draft)).content.decode()
        address = boxes(html)["co_authors-__prefix__-person"]
        verdicts = {
            someone.employee_no: (
                someone.employee_no in found(client, address, someone.employee_no),
                updated(official, draft, co_authors=[(someone, Decimal(30))]),
            )
            for someone in people_visible_to(official)
        }
        assert all(shown == taken for shown, taken in verdicts.values()), verdicts
        assert verdicts["colleague_a"] == (True, True)
        assert verdicts["worker_a"] == (False, False)
        assert verdicts.get("worker_b", (False, False)) == (False, False)

    @pytest.mark.parametrize(
        ("who", "code"),
        [
            ("worker_a", 200),  # their own
            ("official_a", 200),
            ("group_official", 200),
            ("admin", 200),
            ("colleague_a", 403),  # sees worker_a, writes nothing for them
            ("official_b", 404),  # does not see worker_a
        ],
    )
    def test_a_workers_link_pickers_are_for_those_who_write_for_them(
        self, as_person, org, who, code
    ):
        for source in ("author-studios", "author-problems", "author-co-authors"):
            answer = as_person(getattr(org, who)).get(
                picker(source, org.worker_a.pk), {"q": "colleague"}
            )
            assert answer.status_code == code, source
        assert (b'"colleague_a"' in answer.content) == (code == 200)

    @pytest.mark.parametrize(
        ("typed", "field", "message"),
        [
            # dust is lead_a's and member_a's studio, not worker_a's
            ({"studio_key": "A1-DUST"}, "studio", "The author is not a member of this studio."),
            # the group official sees worker_b; worker_a's directory is company A
            (
                {
                    "co_authors-TOTAL_FORMS": "1",
                    "co_authors-0-person_key": "worker_b",
                    "co_authors-0-share": "30",
                },
                "co_authors",
                "Outside your scope: %(names)s.",
            ),
        ],
    )
    def test_a_link_the_chosen_worker_may_not_have_is_refused_with_the_services_reason(
        self, as_person, org, studios, campaigns, typed, field, message
    ):
        """The worker is chosen on the same form as the links: whatever is
        picked or typed reaches the entry, which says why it is not taken
        (beside the studio's box, above the co-authors); nothing is entered."""
        client = as_person(org.group_official)
        answer = client.post(
            new_url(campaigns.open, on_behalf=1),
            form_data("save", author_key="worker_a", **typed),
        )
        assert answer.status_code == 400
        html = answer.content.decode()
        if field == "studio":
            error_beside(html, "studio", zh(message))
        else:
            assert zh(message, names=org.worker_b.full_name) in html
        assert not Proposal.objects.exists()
