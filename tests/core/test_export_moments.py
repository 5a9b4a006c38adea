"""A list's export shows each moment at the wall-clock time the list's answer
gives it, also in a zone that changes its clocks: PostgreSQL turns the moments
into local time there (core/export_columns.py), Python elsewhere, and the
answer is Python's. On both sides of a spring-forward and in the hour a
fall-back repeats."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from competitions.api.serializers import ProposalSerializer
from competitions.models import Proposal
from core.export_columns import cell_value, columns_of
from core.exports import csv_lines
from tests.exports import exported_body
from tests.reports import dashboard_world

pytestmark = pytest.mark.django_db

world = dashboard_world.world

ZONE = "America/New_York"
UTC = datetime.UTC
# New York's clocks went forward at 07:00 UTC on 8 March 2026 and back at
# 06:00 UTC on 1 November 2026.
MOMENTS = [
    datetime.datetime(2026, 3, 8, 6, 59, 30, tzinfo=UTC),  # 01:59 EST
    datetime.datetime(2026, 3, 8, 7, 0, 30, tzinfo=UTC),  # 03:00 EDT
    datetime.datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT
    datetime.datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 01:30 EST, the hour again
]
LOCAL = ["2026-03-08 01:59", "2026-03-08 03:00", "2026-11-01 01:30", "2026-11-01 01:30"]


def _answered(api) -> list[dict]:
    rows, url, params = [], reverse("api:proposal-list"), {"page_size": 100}
    while url:
        body = api.get(url, params).json()
        rows += body["results"]
        url, params = body.get("next"), None
    return rows


def test_moments_are_local_across_a_clock_change(api, world, settings):
    settings.TIME_ZONE = ZONE
    for index, pk in enumerate(Proposal.objects.order_by("pk").values_list("pk", flat=True)):
        Proposal.objects.filter(pk=pk).update(
            submitted_at=MOMENTS[index % 4], decided_at=MOMENTS[(index + 1) % 4]
        )
    api.force_authenticate(world.org.group_official)

    exported = api.get(reverse("api:proposal-export"), {"as": "csv"})

    columns = columns_of(ProposalSerializer())
    expected = csv_lines(
        [header for _n, header, _f in columns],
        ([cell_value(row.get(n), field) for n, _h, field in columns] for row in _answered(api)),
    )
    lines = list(csv.reader(io.StringIO(exported_body(exported).decode("utf-8-sig"))))
    assert lines == list(csv.reader(io.StringIO("".join(expected).lstrip("\ufeff"))))
    submitted = [name for name, _h, _f in columns].index("submitted_at")
    assert {row[submitted] for row in lines[1:]} == set(LOCAL)
