"""A record's change history on its page (core.history.history_section,
includes/changes.html): the office over the record sees who changed which
field from what to what and through what, in their language (a field by its
label, a choice by its label, a related record by its name, a moment in local
time to the minute, a date as a date), the same as the API's history; others
see no such section; a long history is capped at the latest 50 with a link to
the API, read in the same number of queries however long it is."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from core.history import PAGE_LIMIT, Via, recording
from studios import services as studio_services
from studios.models import Studio

pytestmark = [pytest.mark.django_db, pytest.mark.history]


def studio_page(client, studio):
    return client.get(reverse("studios:studio-detail", args=[studio.pk]), HTTP_ACCEPT_LANGUAGE="en")


def described(studio, by, text):
    with recording(via=Via.PAGE, actor=by):
        studio_services.studio_update(studio_id=studio.pk, by=by, description=text)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("admin", True),
        ("group_official", True),
        ("official_a", True),
        ("lead_a", False),
        ("member_a", False),
    ],
)
def test_the_change_history_section_is_for_the_office_over_the_studio(
    studios, as_person, who, sees
):
    org = studios.org
    person = getattr(org, who, None) or getattr(studios, who)
    described(studios.dust, org.official_a, "新的介绍")
    response = studio_page(as_person(person), studios.dust)
    assert response.status_code == 200
    assert ("changes" in response.context) is sees
    assert (b'id="changes"' in response.content) is sees


def test_another_company_office_gets_404_and_no_history(studios, as_person):
    response = studio_page(as_person(studios.org.official_b), studios.dust)
    assert response.status_code == 404


def test_the_page_says_who_changed_which_field_from_what_to_what_and_through_what(
    studios, as_person
):
    org = studios.org
    before = studios.dust.description
    described(studios.dust, org.official_a, "新的介绍")
    response = studio_page(as_person(org.group_official), studios.dust)
    entry = response.context["changes"]["entries"][0]
    with translation.override("en"):
        label = capfirst(Studio._meta.get_field("description").verbose_name)
        assert entry.via == str(Via.PAGE.label)
    assert entry.by == org.official_a.full_name
    assert [(c.field, c.old, c.new) for c in entry.changes] == [(label, before or "—", "新的介绍")]
    assert "新的介绍" in response.content.decode()


def test_related_records_and_choices_are_shown_by_their_names(studios, as_person):
    org = studios.org
    with recording(via=Via.ADMIN, actor=org.group_official):
        Studio.objects.filter(pk=studios.dust.pk).update(
            leader=studios.member_a, status=Studio.Status.RECTIFICATION
        )
    response = studio_page(as_person(org.group_official), studios.dust)
    shown = {c.old: c.new for c in response.context["changes"]["entries"][0].changes}
    assert shown[str(studios.lead_a)] == str(studios.member_a)
    with translation.override("en"):
        assert shown[str(Studio.Status.ESTABLISHED.label)] == str(Studio.Status.RECTIFICATION.label)


def test_parts_of_the_record_are_in_its_history_named(studios, as_person):
    org = studios.org
    with recording(via=Via.PAGE, actor=org.official_a):
        studio_services.membership_add(
            studio_id=studios.dust.pk, by=org.official_a, person=org.worker_a, role="member"
        )
    response = studio_page(as_person(org.official_a), studios.dust)
    entry = response.context["changes"]["entries"][0]
    assert entry.record_kind
    assert any(org.worker_a.full_name in change.new for change in entry.changes)


def queries_of_page(client, studio) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert studio_page(client, studio).status_code == 200
    return len(queries)


def test_a_long_history_is_capped_and_costs_no_more_queries(studios, as_person):
    org = studios.org
    client = as_person(org.group_official)
    for number in range(3):
        described(studios.dust, org.official_a, f"介绍 {number}")
    short = queries_of_page(client, studios.dust)
    for number in range(PAGE_LIMIT + 5):
        described(studios.dust, org.official_a, f"再次介绍 {number}")
    # The names of the records the shown entries point to cost one query per
    # kind of record, never one per entry: the longer history shows fewer kinds.
    capped = queries_of_page(client, studios.dust)
    assert capped <= short
    for number in range(10):
        described(studios.dust, org.official_a, f"第三次介绍 {number}")
    assert queries_of_page(client, studios.dust) == capped
    response = studio_page(client, studios.dust)
    section = response.context["changes"]
    assert len(section["entries"]) == PAGE_LIMIT and section["more"]
    assert section["api_url"] == f"/api/v1/studios/{studios.dust.pk}/history/"
    assert section["api_url"] in response.content.decode()


# --- What the reader sees, in their language -----------------------------------------


def read_in(client, studio, language):
    """The studio's entries on its page and through the API, in `language`:
    (the page's entries, the API's rows)."""
    url = reverse("studios:studio-detail", args=[studio.pk])
    entries = client.get(url, HTTP_ACCEPT_LANGUAGE=language).context["changes"]["entries"]
    rows = client.get(f"/api/v1/studios/{studio.pk}/history/", HTTP_ACCEPT_LANGUAGE=language)
    return entries, rows.json()["results"]


def own_entries(entries, rows, action):
    """The studio's own entry of `action` (not a member's) on the page, and the
    API's row for it."""
    index = next(
        i
        for i, row in enumerate(rows)
        if row["action"] == action and row["record_kind"] == str(Studio._meta.verbose_name)
    )
    return entries[index], rows[index]


def seen(changes) -> dict:
    """{field: (old, new)} as the reader sees them."""
    return {change.field: (change.old, change.new) for change in changes}


def labels(model, *names) -> list[str]:
    return [capfirst(model._meta.get_field(name).verbose_name) for name in names]


MOMENT_ZH = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$")


@pytest.fixture
def refounded(studios):
    """The dust studio, created by the group office (the fixture), then given
    its functions, a founding date and another unit by the company office."""
    org = studios.org
    with recording(via=Via.PAGE, actor=org.official_a):
        studio_services.studio_update(
            studio_id=studios.dust.pk,
            by=org.official_a,
            functions=[Studio.Function.PROBLEM_TACKLING, Studio.Function.TALENT_TRAINING],
            founded_on=datetime.date(2019, 3, 2),
            org_unit=org.team_a102,
        )
    return studios.dust


def test_a_studios_creation_lists_its_own_fields_by_their_chinese_labels(
    studios, refounded, as_person
):
    """No reverse relation (honours, members, proposals …), no id, no English
    field name: the fields of the studio itself, each value as the pages show it."""
    org = studios.org
    entries, rows = read_in(as_person(org.official_a), refounded, "zh-hans")
    created, created_row = own_entries(entries, rows, "create")
    with translation.override("zh-hans"):
        own = {capfirst(field.verbose_name) for field in Studio._meta.concrete_fields}
        kind = str(Studio.Kind.MODEL_WORKER.label)
        (leader, unit, founded, made, functions) = labels(
            Studio, "leader", "org_unit", "founded_on", "created_at", "functions"
        )
    shown = seen(created.changes)
    assert set(shown) <= own - {"ID"}
    assert {change["field"] for change in created_row["changes"]} == set(shown)
    assert not any(".None" in old + new for old, new in shown.values())
    assert kind == "劳模创新工作室"
    assert shown["类型"] == ("—", kind)
    assert shown[leader] == ("—", str(studios.lead_a))
    assert shown[unit] == ("—", org.team_a101.name)
    assert shown[founded] == ("—", "2020年5月1日")
    assert MOMENT_ZH.match(shown[made][1]), shown[made]
    assert functions not in shown  # created with none


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "zh-hans",
            {
                "功能定位": ("—", "技术攻关、人才培养与技能传承"),
                "成立日期": ("2020年5月1日", "2019年3月2日"),
                "组织单位": ("A101", "A102"),
            },
        ),
        (
            "en",
            {
                "Functions": ("—", "Problem tackling, Talent training and skill inheritance"),
                "Founded on": ("May 1, 2020", "March 2, 2019"),
                "Org unit": ("A101", "A102"),
            },
        ),
    ],
)
def test_a_studios_change_reads_in_the_readers_language_on_the_page_and_in_the_api(
    studios, refounded, as_person, language, expected
):
    org = studios.org
    expected = {
        field: tuple(
            getattr(org, f"team_{value.lower()}").name if value in ("A101", "A102") else value
            for value in pair
        )
        for field, pair in expected.items()
    }
    entries, rows = read_in(as_person(org.official_a), refounded, language)
    changed, changed_row = own_entries(entries, rows, "update")
    assert seen(changed.changes) == expected
    assert {c["field"]: (c["old"], c["new"]) for c in changed_row["changes"]} == expected


def test_the_studio_history_costs_the_same_queries_however_long(
    studios, refounded, as_person, api, django_assert_num_queries
):
    """The card and the API read the names of the related records (people,
    units) once per kind, whatever the entries and their languages."""
    org = studios.org
    client = as_person(org.official_a)
    api.force_authenticate(org.official_a)
    url = f"/api/v1/studios/{refounded.pk}/history/"
    api.get(url)  # content types cached, as in a running site
    short = queries_of_page(client, refounded)
    # the person, the studio (scope), the count and the page of entries with
    # their actors, the people and the units they name (the studio is the
    # record itself: no query)
    with django_assert_num_queries(6):
        api.get(url)
    for number, unit in enumerate([org.team_a101, org.team_a102] * 3):
        with recording(via=Via.PAGE, actor=org.official_a):
            studio_services.studio_update(
                studio_id=refounded.pk,
                by=org.official_a,
                org_unit=unit,
                leader=[studios.lead_a, studios.member_a][number % 2],
            )
    assert queries_of_page(client, refounded) == short
    with django_assert_num_queries(6):
        api.get(url)
