"""Notices at a group's size (docs/notices.md).

- `notices_bulk_ratio`: a campaign-wide announcement (or a reminder sweep) to
  300,000 people through `notices.services.notify_all` (the notices and their
  email deliveries, the preferences and the once key checked), against a plain
  INSERT … SELECT of the same rows in the same run. Target ≤ 3.
- `bell_count_growth_ratio`: the bell's unread count for one person with 10
  notices in the table and with 1,000,000, on the partial index of unread
  notices (EXPLAIN names it). Target ≤ 2.

Each test builds its rows inside PostgreSQL (generate_series) in its own
transaction, rolled back at its end."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from bench.conftest import best_seconds
from bench.generate import insert_series
from notices.models import Delivery, Notice
from notices.selectors import unread_notice_count
from notices.services import notify_all

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the generator uses generate_series"
    ),
]
PEOPLE = 300_000
NOTICES = 1_000_000
KIND = "competitions.review_due"
BULK_TARGET = 3
BELL_TARGET = 2


def make_people(marker: str, count: int) -> tuple[int, int]:
    """`count` active people with addresses; their first and last ids."""
    insert_series(
        User,
        count,
        {
            "employee_no": f"'{marker}-' || g",
            "full_name": "'职工' || g",
            "name_pinyin": "'zhigong' || g",
            "name_initials": "'zg'",
            "email": f"'{marker.lower()}' || g || '@example.com'",
            "password": "'!'",
        },
    )
    ids = User.objects.filter(employee_no__startswith=f"{marker}-").values_list("pk", flat=True)
    return ids.order_by("pk").first(), ids.order_by("pk").last()


# The baseline: the same notices and email deliveries, written by one plain
# INSERT … SELECT each, no rule checked.
PLAIN = """
WITH told AS (
    INSERT INTO notices_notice (recipient_id, kind, params, record_type, record_id, url,
                                once_key, created_at)
    SELECT id, %s, '{"title": "年度评审", "due": "2026-12-31"}'::jsonb, '', NULL,
           '/competitions/', %s, now()
    FROM accounts_user WHERE id BETWEEN %s AND %s
    RETURNING id
)
INSERT INTO notices_delivery (notice_id, channel, status, attempts, last_error)
SELECT id, 'email', 'queued', 0, '' FROM told
"""


def timed(func) -> float:
    """One run's seconds (a write: it cannot be repeated on the same rows)."""
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def test_an_announcement_to_300000_people_is_within_3x_of_plain_inserts(ratio):
    first, last = make_people("NB", PEOPLE)
    people = User.objects.filter(pk__range=(first, last))

    def announce(key):
        told = notify_all(
            kind=KIND,
            people=people,
            text_params={"title": "年度评审", "due": "2026-12-31"},
            url="/competitions/",
            once_key=key,
        )
        assert told == PEOPLE

    def plain(key):
        with connection.cursor() as cursor:
            cursor.execute(PLAIN, [KIND, key, first, last])

    # Each on a fresh key, one after the other on the same table (a run takes
    # seconds: one of each keeps `make bench` short).
    measured = timed(lambda: announce("bench:notify"))
    baseline = timed(lambda: plain("bench:plain"))
    # The sweep run again tells nobody (the once key), and reads what it must.
    again = timed(lambda: notify_all(kind=KIND, people=people, once_key="bench:notify"))
    assert Notice.objects.filter(once_key="bench:notify").count() == PEOPLE
    assert Delivery.objects.filter(notice__once_key="bench:notify").count() == PEOPLE
    print(f"\nthe same sweep again: {again:.2f} s, nobody told twice")
    assert ratio(measured, baseline, "notices_bulk_ratio", "plain INSERT … SELECT") <= BULK_TARGET


def test_the_bell_count_is_one_indexed_query_at_a_million_notices(ratio, record):
    first, last = make_people("NC", 20_000)
    person = User.objects.get(pk=first)
    notice_row = {
        "kind": f"'{KIND}'",
        "params": """'{"title": "年度评审", "due": "2026-12-31"}'::jsonb""",
        "url": "'/competitions/'",
        "created_at": "now() - (g || ' minutes')::interval",
    }
    # Ten notices of the person's own, five unread.
    insert_series(
        Notice,
        10,
        {
            **notice_row,
            "recipient_id": str(first),
            "read_at": "CASE WHEN g % 2 = 0 THEN now() END",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notices_notice")
    assert unread_notice_count(person) == 5
    small = best_seconds(lambda: unread_notice_count(person), repeat=200)
    # A million more, fifty to each of the others, one in four still unread.
    insert_series(
        Notice,
        NOTICES - 10,
        {
            **notice_row,
            "recipient_id": f"{first + 1} + g % {last - first}",
            "read_at": "CASE WHEN g % 4 <> 0 THEN now() END",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notices_notice")
    assert Notice.objects.count() >= NOTICES
    assert unread_notice_count(person) == 5
    # One query, and its plan reads the partial index of unread notices.
    with CaptureQueriesContext(connection) as queries:
        unread_notice_count(person)
    [query] = queries.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {query['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "notices_notice_unread" in plan, plan
    record(
        "bell_count_plan",
        next(line for line in plan.splitlines() if "notices_notice_unread" in line).strip(),
    )
    large = best_seconds(lambda: unread_notice_count(person), repeat=200)
    growth = ratio(large, small, "bell_count_growth_ratio", "10 notices'")
    assert growth <= BELL_TARGET
