"""A proposal's history: its author reads it, the office over it too; a
reviewer or a stranger does not. Each reads it in their language, the page as
the API: its aims by their labels, the moment it was sent in local time to
the minute, the proposal it duplicates by its title only for those who may
see that one (the author of the duplicate reads its id), and so each related
proposal; a change to the related proposals kept by names alone (before
their ids were recorded) reads as a count to all but a superuser."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation
from django.utils.text import capfirst

from competitions import services
from competitions.models import Proposal
from core.history import Via, history_of, recording
from tests.competitions.conftest import COMPLETE

pytestmark = [pytest.mark.django_db, pytest.mark.history]


def history(api, person, proposal):
    api.force_authenticate(person)
    return api.get(f"/api/v1/proposals/{proposal.pk}/history/")


def test_the_author_reads_the_history_of_their_own_proposal(org, make_proposal, api):
    proposal = make_proposal(org.worker_a)
    services.proposal_screen(proposal_id=proposal.pk, by=org.official_a)
    answer = history(api, org.worker_a, proposal)
    assert answer.status_code == 200
    assert any(change["field"] for row in answer.json()["results"] for change in row["changes"])


def test_the_office_over_it_reads_it_and_another_office_gets_404(org, make_proposal, api):
    proposal = make_proposal(org.worker_a)
    assert history(api, org.official_a, proposal).status_code == 200
    assert history(api, org.official_b, proposal).status_code == 404


def test_a_colleague_gets_404(org, make_proposal, api):
    proposal = make_proposal(org.worker_a)
    assert history(api, org.colleague_a, proposal).status_code == 404


# --- On the proposal's page -------------------------------------------------------


def page(client, person, proposal, language="en"):
    client.force_login(person)
    return client.get(f"/competitions/proposals/{proposal.pk}/", HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("who", ["worker_a", "official_a", "group_official", "admin"])
def test_the_author_and_the_office_see_the_change_history_on_the_page(
    org, make_proposal, client, who
):
    proposal = make_proposal(org.worker_a)
    Proposal.objects.filter(pk=proposal.pk).update(expected_benefit=Decimal("12345.5"))
    response = page(client, getattr(org, who), proposal)
    assert response.status_code == 200
    changes = [c for e in response.context["changes"]["entries"] for c in e.changes]
    assert "¥12,345.50" in [change.new for change in changes]  # money as the pages print it


def test_others_get_no_change_history_or_404(org, make_proposal, client):
    proposal = make_proposal(org.worker_a)
    assert page(client, org.official_b, proposal).status_code == 404
    assert page(client, org.colleague_a, proposal).status_code == 404


# --- What the reader sees, in their language -----------------------------------------

Goal = Proposal.Goal


@pytest.fixture
def duplicate(org, make_proposal):
    """A colleague's proposal, then the worker's: a draft with two aims, its aims
    changed, sent; marked by the company office as a duplicate of the colleague's."""
    original = make_proposal(org.colleague_a, title="皮带机托辊更换工具改进")
    proposal = make_proposal(org.worker_a, submit=False, goals=[Goal.ENERGY, Goal.SAFETY])
    with recording(via=Via.PAGE, actor=org.worker_a):
        services.proposal_update(
            proposal_id=proposal.pk, by=org.worker_a, goals=[Goal.SAFETY, Goal.QUALITY]
        )
        services.proposal_submit(proposal_id=proposal.pk, by=org.worker_a)
    with recording(via=Via.PAGE, actor=org.official_a):
        services.proposal_mark_duplicate(
            proposal_id=proposal.pk, by=org.official_a, duplicate_of=original
        )
    return Proposal.objects.get(pk=proposal.pk)


def unseen(proposal, language) -> str:
    """How a reader who may not open `proposal` reads it named in a change."""
    if language == "zh-hans":
        return f"提案 #{proposal.pk}（您无权查看）"
    return f"proposal #{proposal.pk} (not visible to you)"


def read_in(api, client, reader, proposal, language) -> list[dict]:
    """Each of the proposal's own entries as {field: (old, new)}, oldest first,
    from the API; the page shows the same."""
    api.force_authenticate(reader)
    url = f"/api/v1/proposals/{proposal.pk}/history/"
    rows = api.get(url, HTTP_ACCEPT_LANGUAGE=language).json()["results"]
    entries = page(client, reader, proposal, language).context["changes"]["entries"]
    assert [[(c.field, c.old, c.new) for c in e.changes] for e in entries] == [
        [(c["field"], c["old"], c["new"]) for c in row["changes"]] for row in rows
    ]
    own = [row for row in rows if row["record"] == str(proposal)]
    return [{c["field"]: (c["old"], c["new"]) for c in row["changes"]} for row in reversed(own)]


@pytest.mark.parametrize(
    ("language", "labels", "words"),
    [
        (
            "zh-hans",
            ("改进目的", "竞赛活动", "作者", "状态", "首次提交时间", "重复于"),
            ("节能降耗、安全生产", "安全生产、提升质量", "草稿", "已提交", "重复提案"),
        ),
        (
            "en",
            ("Aims", "Campaign", "Author", "Status", "First submitted at", "Duplicate of"),
            (
                "Saves energy, Makes work safer",
                "Makes work safer, Improves quality",
                "Draft",
                "Submitted",
                "Duplicate",
            ),
        ),
    ],
)
@pytest.mark.parametrize("role", ["worker_a", "official_a"])
def test_a_proposal_created_then_changed_reads_in_the_readers_language(
    org, duplicate, campaigns, api, client, language, labels, words, role
):
    aims, campaign, author, status, sent_at, duplicate_of = labels
    first_aims, new_aims, draft, submitted, duplicated = words
    reader = getattr(org, role)
    created, aims_changed, sent, marked = read_in(api, client, reader, duplicate, language)
    with translation.override(language):
        moment = formats.date_format(timezone.localtime(duplicate.submitted_at), "DATETIME_FORMAT")
        own = {capfirst(f.verbose_name) for f in Proposal._meta.concrete_fields}
        saved_at = capfirst(Proposal._meta.get_field("updated_at").verbose_name)
    # Its own fields only (no reviews, awards or events), no id
    assert set(created) <= own - {"ID"}
    assert created[aims] == ("—", first_aims)
    assert created[campaign] == ("—", campaigns.open.name)
    assert created[author] == ("—", str(org.worker_a))
    assert created[status] == ("—", draft)
    assert aims_changed[aims] == (first_aims, new_aims)
    assert set(aims_changed) <= {aims, saved_at}  # saved again: shown if in another minute
    assert sent[status] == (draft, submitted)
    assert sent[sent_at] == ("—", moment)
    assert not re.search(r"\d:\d\d:\d\d|\d\.\d", moment)  # to the minute
    assert marked[status] == (submitted, duplicated)
    original = duplicate.duplicate_of
    # The author may not see the colleague's proposal: its kind and id, never its title.
    named = original.title if role == "official_a" else unseen(original, language)
    assert marked[duplicate_of] == ("—", named)


def test_the_moment_it_was_sent_reads_in_chinese_as_a_date_and_a_time(org, duplicate, api, client):
    sent = read_in(api, client, org.worker_a, duplicate, "zh-hans")[2]
    local = timezone.localtime(duplicate.submitted_at)
    assert sent["首次提交时间"] == (
        "—",
        f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}",
    )


def queries_of_page(client, person, proposal) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert page(client, person, proposal).status_code == 200
    return len(queries)


def test_the_history_costs_the_same_queries_however_long(
    org, duplicate, api, client, django_assert_num_queries
):
    """The names of the campaign, the people, the unit and the original are read
    once per kind, however many entries name them, on the page and in the API."""
    api.force_authenticate(org.official_a)
    url = f"/api/v1/proposals/{duplicate.pk}/history/"
    api.get(url)  # content types cached, as in a running site
    page(client, org.official_a, duplicate)
    on_the_page = queries_of_page(client, org.official_a, duplicate)
    # the proposal (scope) with its co-authors, related proposals and award, the
    # viewer's access, the count and the page of entries with their actors, and
    # one query per kind of record they name: proposals, people, campaigns, units
    with django_assert_num_queries(11):
        api.get(url)
    for number in range(5):
        with recording(via=Via.PAGE, actor=org.official_a):
            Proposal.objects.filter(pk=duplicate.pk).update(expected_benefit=Decimal(1000 + number))
    assert queries_of_page(client, org.official_a, duplicate) == on_the_page
    with django_assert_num_queries(11):
        assert len(api.get(url).json()["results"]) >= 9


def test_a_related_proposal_added_then_taken_off_reads_as_added_then_removed(
    org, make_proposal, api
):
    """Many-to-many changes say which way they went (an addition read as a
    removal)."""
    earlier = make_proposal(org.worker_a, title="刮板输送机链条张紧装置")
    proposal = make_proposal(org.worker_a, submit=False)
    for related in ([earlier], []):
        services.proposal_update(proposal_id=proposal.pk, by=org.worker_a, related_to=related)
    api.force_authenticate(org.worker_a)
    rows = api.get(
        f"/api/v1/proposals/{proposal.pk}/history/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()["results"]
    related = [
        (change["old"], change["new"])
        for row in reversed(rows)
        for change in row["changes"]
        if change["field"] == "相关提案"
    ]
    assert related == [("—", f"+ {earlier.title}"), (f"− {earlier.title}", "—")]


# --- Related proposals: named only to those who may see them -------------------------


@pytest.fixture
def entered(org, campaigns, make_proposal):
    """A draft the company office entered for the worker, related to the
    worker's own earlier proposal and to a colleague's the worker may not see."""
    own = make_proposal(org.worker_a, title="刮板输送机链条张紧装置")
    colleague = make_proposal(org.colleague_a, title="皮带机托辊更换工具改进")
    with recording(via=Via.PAGE, actor=org.official_a):
        proposal = services.proposal_create(
            by=org.official_a,
            author=org.worker_a,
            campaign=campaigns.open,
            **{**COMPLETE, "related_to": [own, colleague]},
        )
    return SimpleNamespace(proposal=proposal, own=own, colleague=colleague)


def related_changes(api, client, reader, proposal, language) -> list[tuple[str, str]]:
    """The related proposals' changes (old, new), oldest first, from the API;
    the page shows the same."""
    with translation.override(language):
        label = capfirst(Proposal._meta.get_field("related_to").verbose_name)
    return [
        entry[label] for entry in read_in(api, client, reader, proposal, language) if label in entry
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ["worker_a", "official_a"])
def test_a_related_proposal_is_named_only_to_those_who_may_see_it(
    org, entered, api, client, language, role
):
    """The author reads their own proposal's title and the colleague's id; the
    office, who sees both, reads both titles, page and API alike."""
    reader = getattr(org, role)
    colleague = entered.colleague
    shown = entered.colleague.title if role == "official_a" else unseen(colleague, language)
    by_id = {entered.own.pk: entered.own.title, colleague.pk: shown}
    listed = ("、" if language == "zh-hans" else ", ").join(by_id[pk] for pk in sorted(by_id))
    assert related_changes(api, client, reader, entered.proposal, language) == [
        ("—", f"+ {listed}")
    ]
    if role == "worker_a":
        api.force_authenticate(reader)
        url = f"/api/v1/proposals/{entered.proposal.pk}/history/"
        assert colleague.title not in api.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        body = page(client, reader, entered.proposal, language).content.decode()
        assert colleague.title not in body


def test_a_change_to_the_related_proposals_is_recorded_with_their_ids(org, entered):
    """What auditlog keeps (their names) and, beside it, their ids: what the
    history reads the names through."""
    entry = history_of(entered.proposal).get(changes__has_key="related_to")
    change = entry.changes["related_to"]
    assert change["operation"] == "add"
    assert change["ids"] == sorted([entered.own.pk, entered.colleague.pk])
    assert sorted(change["objects"]) == sorted([entered.own.title, entered.colleague.title])


def test_clearing_the_related_proposals_records_those_it_had(org, entered, make_proposal):
    """auditlog lists every proposal as removed on a clear(); the entry lists
    the two the proposal had."""
    make_proposal(org.worker_b, title="井下喷雾降尘装置节水改造")  # never related
    with recording(via=Via.SHELL, actor=org.official_a):
        entered.proposal.related_to.clear()
    entry = history_of(entered.proposal).filter(changes__has_key="related_to").first()
    change = entry.changes["related_to"]
    assert change["operation"] == "delete"
    assert sorted(change["ids"]) == sorted([entered.own.pk, entered.colleague.pk])
    assert sorted(change["objects"]) == sorted([entered.own.title, entered.colleague.title])


def recorded_before_ids(proposal, *others, operation="add"):
    """An entry as auditlog kept a many-to-many change before the ids were
    recorded: the related proposals' names only."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_pk=str(proposal.pk),
        object_id=proposal.pk,
        object_repr=str(proposal),
        action=LogEntry.Action.UPDATE,
        changes={
            "related_to": {
                "type": "m2m",
                "operation": operation,
                "objects": [other.title for other in others],
            }
        },
    )


@pytest.mark.parametrize(
    ("language", "added", "removed"),
    [("zh-hans", "新增 2 项", "移除 1 项"), ("en", "2 added", "1 removed")],
)
@pytest.mark.parametrize("role", ["worker_a", "official_a"])
def test_a_change_recorded_before_the_ids_reads_as_a_count(
    org, entered, api, client, language, added, removed, role
):
    """Its names cannot be checked against the reader's scope: everyone but a
    superuser reads how many were added or removed, the office too."""
    proposal, own, colleague = entered.proposal, entered.own, entered.colleague
    recorded_before_ids(proposal, own, colleague)
    recorded_before_ids(proposal, colleague, operation="delete")
    changes = related_changes(api, client, getattr(org, role), proposal, language)
    assert changes[-2:] == [("—", added), (removed, "—")]


def test_a_superuser_reads_the_names_recorded_before_the_ids(org, entered, api, client):
    proposal, own, colleague = entered.proposal, entered.own, entered.colleague
    recorded_before_ids(proposal, own, colleague)
    changes = related_changes(api, client, org.admin, proposal, "en")
    assert changes[-1] == ("—", f"+ {own.title}, {colleague.title}")


def test_related_proposals_cost_one_query_however_many_entries_name_them(
    org, entered, make_proposal, api, client, django_assert_num_queries
):
    """The related proposals of every change on the page are named in one
    query, with the proposals the other fields name: the same count however
    long the history."""
    proposal = entered.proposal
    url = f"/api/v1/proposals/{proposal.pk}/history/"
    api.force_authenticate(org.official_a)
    api.get(url)  # content types cached, as in a running site
    page(client, org.official_a, proposal)
    on_the_page = queries_of_page(client, org.official_a, proposal)
    with CaptureQueriesContext(connection) as short:
        api.get(url)
    others = [make_proposal(org.worker_a, title=f"皮带机改进第{n}版") for n in range(4)]
    for other in others:
        services.proposal_update(
            proposal_id=proposal.pk, by=org.worker_a, related_to=[entered.own, other]
        )
    recorded_before_ids(proposal, entered.colleague)
    assert sum("related_to" in entry.changes for entry in history_of(proposal)) >= 2 * len(others)
    assert queries_of_page(client, org.official_a, proposal) == on_the_page
    with django_assert_num_queries(len(short.captured_queries)):
        api.get(url)
