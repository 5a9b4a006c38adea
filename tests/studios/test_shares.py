"""Our share of each recognition list, per scope, level and year — against
hand-counted fixtures."""

import pytest
from django.utils import timezone

from studios import services
from studios.models import RecognitionList, Studio
from studios.selectors import list_share, recognition_lists_with_share, shares_by_level_and_year
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def naming(studios, provincial_list):
    """Provincial 2022 (28 named): dust + washing (company A) + turbine (company B).
    National 2024 (100 named): dust only."""
    by = studios.org.group_official
    for studio in (studios.dust, studios.washing, studios.turbine):
        services.honour_create(by=by, recognition_list=provincial_list, studio=studio)
    national = services.recognition_list_create(
        by=by,
        title="national",
        level=RecognitionList.Level.NATIONAL,
        conferred_by="ACFTU",
        year=2024,
        total_named=100,
    )
    services.honour_create(by=by, recognition_list=national, studio=studios.dust)
    return provincial_list, national


def test_share_for_the_whole_group(naming):
    provincial, _national = naming
    share = list_share(provincial, None)
    assert (share.ours, share.total, str(share.percent)) == (3, 28, "10.7")


def test_share_for_one_company(studios, naming):
    provincial, _national = naming
    assert list_share(provincial, studios.org.company_a).ours == 2
    assert list_share(provincial, studios.org.company_b).ours == 1


def test_share_for_a_team(studios, naming):
    provincial, _national = naming
    share = list_share(provincial, studios.org.team_a102)  # only the washing studio
    assert (share.ours, str(share.percent)) == (1, "3.6")


def test_scope_owning_none_has_zero_share(org, naming):
    empty_company = make_unit("C", org.group)
    provincial, _national = naming
    share = list_share(provincial, empty_company)
    assert (share.ours, share.total, str(share.percent)) == (0, 28, "0.0")


def test_a_studio_revoked_by_hand_counts_before_its_revocation_year_only(studios, naming):
    """Revoking a studio by hand takes its plaque as de-listing does: the 2022
    list keeps it, this year's (the year of the revocation) drops it."""
    provincial, _national = naming
    by = studios.org.group_official
    this_year = services.recognition_list_create(
        by=by,
        title="this year",
        level=RecognitionList.Level.MUNICIPAL,
        conferred_by="市总工会",
        year=timezone.localdate().year,
        total_named=10,
    )
    services.honour_create(by=by, recognition_list=this_year, studio=studios.turbine)
    assert (list_share(provincial, None).ours, list_share(this_year, None).ours) == (3, 1)
    services.studio_change_status(
        studio_id=studios.turbine.pk, by=by, status=Studio.Status.REVOKED, reason="摘牌"
    )
    assert (list_share(provincial, None).ours, list_share(this_year, None).ours) == (3, 0)
    by_year = {row["year"]: row["share"].ours for row in shares_by_level_and_year(None)}
    assert (by_year[2022], by_year[this_year.year]) == (3, 0)
    annotated = recognition_lists_with_share(RecognitionList.objects.all(), studios.org.company_b)
    assert {lst.title: lst.ours for lst in annotated} == {
        "2022 provincial list": 1,
        "national": 0,
        "this year": 0,
    }


def test_annotated_lists_match_list_share(studios, naming):
    lists = recognition_lists_with_share(RecognitionList.objects.all(), studios.org.company_a)
    assert {lst.title: lst.ours for lst in lists} == {"2022 provincial list": 2, "national": 1}


def test_shares_by_level_and_year(studios, naming):
    rows = shares_by_level_and_year(studios.org.company_a)
    summary = {(row["level"], row["year"]): (row["share"].ours, row["share"].total) for row in rows}
    assert summary == {("provincial", 2022): (2, 28), ("national", 2024): (1, 100)}
    assert [row["level"] for row in rows] == ["national", "provincial"]  # newest year first


def test_shares_by_level_and_year_filtered_by_year(naming):
    rows = shares_by_level_and_year(None, year=2022)
    assert [(row["level"], row["share"].ours) for row in rows] == [("provincial", 3)]
