"""The proposal list to Excel and CSV (core/exports.py): the rows the viewer
sees with the filters applied, Chinese headers and labels, money and dates as
such, a file name an office files under, formulas neutralised, and a clear
400 for a kind that does not exist or too many rows."""

import datetime
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.exports import exported_body, exported_rows

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/proposals/export/"


def _column(rows, header):
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_officials_export_holds_the_filtered_rows_in_chinese(api, org, submitted, kind):
    api.force_authenticate(org.official_a)
    answer = api.get(EXPORT, {"as": kind, "status": "submitted"})
    assert answer.status_code == 200
    rows = exported_rows(answer, kind)
    assert {"名称", "状态", "作者", "单位", "预计年效益（元）"} <= set(rows[0])
    titles = set(_column(rows, "名称"))
    # Company A's submitted ones only: not B's, not the draft, not the screened one.
    assert titles == {
        submitted.spray.title,
        submitted.spray_again.title,
        submitted.roller.title,
    }
    assert set(_column(rows, "状态")) == {"已提交"}


def test_a_worker_exports_only_what_they_may_see(api, org, submitted):
    api.force_authenticate(org.worker_b)
    rows = exported_rows(api.get(EXPORT, {"as": "csv"}), "csv")
    assert set(_column(rows, "名称")) == {submitted.spray_b.title}


def test_money_and_dates_are_numbers_and_dates_in_the_workbook(api, org, make_proposal):
    make_proposal(
        org.worker_a,
        title="节水改造",
        expected_benefit=Decimal("12345.50"),
        goals=["energy", "cost"],
    )
    api.force_authenticate(org.official_a)
    rows = exported_rows(api.get(EXPORT, {"as": "xlsx"}), "xlsx")
    assert _column(rows, "预计年效益（元）") == [Decimal("12345.5")] or _column(
        rows, "预计年效益（元）"
    ) == [12345.5]
    assert _column(rows, "改进目的") == ["节能降耗、降低成本"]
    submitted_at = _column(rows, "首次提交时间")[0]
    assert isinstance(submitted_at, datetime.datetime)
    assert submitted_at.date() == timezone.localdate()


def test_a_title_written_as_a_formula_stays_text(api, org, make_proposal):
    make_proposal(org.worker_a, title='=HYPERLINK("http://x","点我")')
    api.force_authenticate(org.official_a)
    for kind in ("csv", "xlsx"):
        rows = exported_rows(api.get(EXPORT, {"as": kind}), kind)
        assert _column(rows, "名称") == ['\'=HYPERLINK("http://x","点我")']


def test_a_pasted_control_character_does_not_break_the_workbook(api, org, make_proposal):
    make_proposal(org.worker_a, title="托辊\x0b更换")
    api.force_authenticate(org.official_a)
    answer = api.get(EXPORT, {"as": "xlsx"})
    assert answer.status_code == 200
    assert _column(exported_rows(answer, "xlsx"), "名称") == ["托辊更换"]


def test_the_file_is_named_for_the_office_in_chinese(api, org, submitted):
    api.force_authenticate(org.official_a)
    answer = api.get(EXPORT, {"as": "csv", "org_unit": org.mine_a1.pk})
    disposition = answer["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    name = unquote(disposition.split("''", 1)[1])
    assert name == f"五小提案_{org.mine_a1.name}_{timezone.localdate().isoformat()}.csv"
    assert exported_body(answer).startswith("\ufeff".encode())  # Excel reads UTF-8


@pytest.mark.parametrize(
    ("params", "field"), [({"as": "pdf"}, "as"), ({"as": "csv", "year": "abc"}, "year")]
)
def test_a_kind_or_filter_that_does_not_exist_is_a_400(api, org, params, field):
    api.force_authenticate(org.official_a)
    answer = api.get(EXPORT, params)
    assert answer.status_code == 400
    assert field in answer.json()["errors"]


def test_an_anonymous_export_is_refused(api):
    assert api.get(EXPORT, {"as": "csv"}).status_code in (401, 403)


def test_the_list_page_offers_both_files_with_its_filters(client, org, submitted):
    client.force_login(org.official_a)
    page = client.get(reverse("competitions:proposal-list"), {"status": "submitted"})
    links = [url for _label, url in page.context["export_links"]]
    assert links == [f"{EXPORT}?status=submitted&as=xlsx", f"{EXPORT}?status=submitted&as=csv"]
    assert client.get(links[1]).status_code == 200


def test_the_export_reads_in_the_same_queries_for_few_or_many_rows(
    api, org, make_proposal, django_assert_max_num_queries
):
    api.force_authenticate(org.official_a)
    make_proposal(org.worker_a, title="一")
    exported_body(api.get(EXPORT, {"as": "csv"}))  # the viewer's scope is cached after
    with django_assert_max_num_queries(20) as few:
        exported_body(api.get(EXPORT, {"as": "csv"}))
    for index in range(6):
        make_proposal(org.worker_a, title=f"多{index}")
    with django_assert_max_num_queries(20) as many:
        exported_body(api.get(EXPORT, {"as": "csv"}))
    assert len(many.captured_queries) == len(few.captured_queries)
