"""A record's change history on its page (core.history.history_section,
includes/changes.html): the office over the record sees who changed which
field from what to what and through what; others see no such section; a long
history is capped at the latest 50 with a link to the API, read in the same
number of queries however long it is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

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
        label = str(Studio._meta.get_field("description").verbose_name)
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
