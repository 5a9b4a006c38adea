"""Honours and recognition lists: the studio page counts every studio of ours on
a list, an honour of a studio outside scope stays hidden, a studio honour takes
no personal title, who may edit a recognition list, and a revoked honour (摘牌)
as each reader sees it in the API, its export and the pages."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from studios import services
from studios.models import RecognitionList
from tests.exports import exported_rows
from tests.roles import person
from tests.world import shared_data

pytestmark = pytest.mark.django_db


def name_all(studios, recognition_list):
    for studio in (studios.dust, studios.washing, studios.turbine):
        services.honour_create(
            by=studios.org.group_official, recognition_list=recognition_list, studio=studio
        )


def test_studio_page_counts_every_studio_of_ours_on_the_list(as_person, studios, provincial_list):
    name_all(studios, provincial_list)
    response = as_person(studios.lead_a).get(
        reverse("studios:studio-detail", args=[studios.dust.pk])
    )
    [(_list, share)] = response.context["honours"]
    assert (share.ours, share.total) == (3, 28)


def test_honour_of_a_studio_outside_scope_is_hidden(api, as_person, studios, provincial_list):
    name_all(studios, provincial_list)
    services.assessment_record(
        by=studios.org.group_official, studio=studios.washing, year=2025, score=40, grade="fail"
    )  # washing is now under rectification: no longer public
    api.force_authenticate(studios.org.worker_b)
    names = {row["studio_name"] for row in api.get("/api/v1/honours/").json()["results"]}
    assert studios.washing.name not in names
    page = as_person(studios.org.worker_b).get(
        reverse("studios:recognitionlist-detail", args=[provincial_list.pk])
    )
    assert studios.washing.name not in page.content.decode()
    assert page.context["share"].ours == 3  # still counted


def test_personal_title_on_a_studio_honour_is_400(studios, provincial_list):
    with pytest.raises(ValidationError):
        services.honour_create(
            by=studios.org.group_official,
            recognition_list=provincial_list,
            studio=studios.dust,
            personal_title="model_worker",
        )
    assert not studios.dust.honours.exists()


class TestRecognitionListEditPage:
    def test_keeper_edits_the_list(self, as_person, studios, provincial_list):
        client = as_person(studios.org.group_official)
        url = reverse("studios:recognitionlist-edit", args=[provincial_list.pk])
        response = client.post(
            url,
            {
                "title": "改名",
                "level": "provincial",
                "conferred_by": "省总工会",
                "year": 2022,
                "total_named": 30,
                "org_unit": studios.org.group.pk,
            },
        )
        assert response.status_code == 302
        provincial_list.refresh_from_db()
        assert (provincial_list.title, provincial_list.total_named) == ("改名", 30)

    def test_other_official_may_not(self, as_person, studios, provincial_list):
        url = reverse("studios:recognitionlist-edit", args=[provincial_list.pk])
        assert as_person(studios.org.official_b).get(url).status_code == 403


# --- A revoked honour (摘牌) -------------------------------------------------------------

DELISTED_ON = datetime.date(2024, 11, 3)
DELIST_REASON = "整改期满仍无成果"


@shared_data(needs=("studios", "provincial_list"))
def delisted(built):
    """The dust studio and the turbine studio on the 2022 provincial list; the
    dust studio de-listed by official_a on 2024-11-03 (its honour revoked) and
    named again on the 2025 municipal list, so its two honours stand side by
    side and it is public again."""
    studios, provincial = built.get("studios"), built.get("provincial_list")
    by = studios.org.group_official
    revoked = services.honour_create(by=by, recognition_list=provincial, studio=studios.dust)
    turbine = services.honour_create(by=by, recognition_list=provincial, studio=studios.turbine)
    services.studio_delist(
        studio_id=studios.dust.pk, by=studios.org.official_a, reason=DELIST_REASON, on=DELISTED_ON
    )
    municipal = services.recognition_list_create(
        by=by,
        title="2025 municipal list",
        level=RecognitionList.Level.MUNICIPAL,
        conferred_by="市总工会",
        year=2025,
        total_named=10,
    )
    again = services.honour_create(by=by, recognition_list=municipal, studio=studios.dust)
    return SimpleNamespace(
        studios=studios,
        org=studios.org,
        provincial=provincial,
        municipal=municipal,
        revoked=revoked,
        turbine=turbine,
        again=again,
    )


# Who sees what of the revoked honour: the date everyone who sees it; the
# reason the studio's officials and members; who revoked it the officials.
SEES_REASON_AND_WHO = ["official_a", "group_official", "admin"]
SEES_REASON = ["lead_a", "member_a"]
SEES_THE_DATE_ONLY = ["worker_a", "colleague_a", "official_b", "worker_b", "lead_b"]


def honours_by_id(api, reader, **params) -> dict[int, dict]:
    api.force_authenticate(reader)
    response = api.get("/api/v1/honours/", params)
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


class TestRevokedHonourInTheApi:
    @pytest.mark.parametrize("role", SEES_REASON_AND_WHO + SEES_REASON + SEES_THE_DATE_ONLY)
    def test_whoever_sees_the_honour_sees_when_it_was_revoked(self, api, delisted, role):
        rows = honours_by_id(api, person(delisted, role))
        assert {delisted.revoked.pk, delisted.again.pk, delisted.turbine.pk} <= set(rows)
        assert rows[delisted.revoked.pk]["revoked_on"] == DELISTED_ON.isoformat()
        assert rows[delisted.again.pk]["revoked_on"] is None
        assert rows[delisted.turbine.pk]["revoked_on"] is None

    @pytest.mark.parametrize("role", SEES_REASON_AND_WHO + SEES_REASON + SEES_THE_DATE_ONLY)
    def test_why_for_the_studios_insiders_and_who_for_its_officials(self, api, delisted, role):
        revoked = honours_by_id(api, person(delisted, role))[delisted.revoked.pk]
        reason = revoked["revoked_reason"]
        by = revoked["revoked_by"]
        assert reason == (DELIST_REASON if role not in SEES_THE_DATE_ONLY else None)
        if role in SEES_REASON_AND_WHO:
            assert by["id"] == delisted.org.official_a.pk
        else:
            assert by is None

    def test_a_held_honour_says_so_to_its_insiders_and_nothing_to_others(self, api, delisted):
        held = honours_by_id(api, delisted.studios.lead_a)[delisted.again.pk]
        assert (held["revoked_reason"], held["revoked_by"]) == ("", None)
        held = honours_by_id(api, delisted.org.worker_b)[delisted.again.pk]
        assert (held["revoked_reason"], held["revoked_by"]) == (None, None)

    def test_one_honour_answers_as_in_the_list(self, api, delisted):
        api.force_authenticate(delisted.studios.member_a)
        one = api.get(f"/api/v1/honours/{delisted.revoked.pk}/").json()
        assert (one["revoked_on"], one["revoked_reason"], one["revoked_by"]) == (
            DELISTED_ON.isoformat(),
            DELIST_REASON,
            None,
        )

    @pytest.mark.parametrize("role", ["official_a", "lead_a", "worker_b"])
    @pytest.mark.parametrize(("value", "revoked"), [("true", True), ("false", False)])
    def test_the_revoked_filter(self, api, delisted, role, value, revoked):
        rows = honours_by_id(api, person(delisted, role), revoked=value)
        assert rows
        assert all((row["revoked_on"] is not None) is revoked for row in rows.values())
        assert (delisted.revoked.pk in rows) is revoked

    @pytest.mark.parametrize("value", ["maybe", "yes", "2", "ture"])
    def test_a_revoked_filter_that_is_not_true_or_false_is_400(self, api, delisted, value):
        api.force_authenticate(delisted.org.worker_a)
        response = api.get("/api/v1/honours/", {"revoked": value})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["revoked"]

    def test_revocation_fields_cannot_be_sent(self, api, delisted):
        api.force_authenticate(delisted.org.group_official)
        response = api.post(
            "/api/v1/honours/",
            {
                "recognition_list_id": delisted.municipal.pk,
                "studio_id": delisted.studios.turbine.pk,
                "revoked_on": "2025-01-01",
                "revoked_reason": "x",
            },
            format="json",
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"revoked_on", "revoked_reason"}


class TestRevokedHonourInTheExport:
    HEADER = ["撤销日期", "撤销原因", "撤销人"]

    def test_the_export_has_the_columns_headed_in_chinese(self, api, delisted):
        api.force_authenticate(delisted.org.official_a)
        answer = api.get("/api/v1/honours/export/", {"as": "csv"})
        header = exported_rows(answer, "csv")[0]
        assert header[-3:] == self.HEADER
        # No English header, and no link (the certificate's is for the screen).
        assert not [name for name in header if re.search("[A-Za-z]", name)]

    @pytest.mark.parametrize(
        ("role", "cells"),
        [
            ("official_a", ["2024-11-03", DELIST_REASON, "official_a"]),
            ("lead_a", ["2024-11-03", DELIST_REASON, ""]),
            ("worker_b", ["2024-11-03", "", ""]),
        ],
    )
    def test_each_reader_exports_what_they_read(self, api, delisted, role, cells):
        reader = person(delisted, role)
        api.force_authenticate(reader)
        answer = api.get(
            "/api/v1/honours/export/", {"as": "csv", "studio": delisted.studios.dust.pk}
        )
        header, *rows = exported_rows(answer, "csv")
        columns = [header.index(name) for name in self.HEADER]
        by_list = {row[header.index("年度")]: [row[i] for i in columns] for row in rows}
        official_a = delisted.org.official_a.full_name
        expected = [official_a if cell == "official_a" else cell for cell in cells]
        assert by_list == {"2022": expected, "2025": ["", "", ""]}


ALL_READERS = SEES_REASON_AND_WHO + SEES_REASON + SEES_THE_DATE_ONLY
# The badge as the Chinese pages word it ("revoked on %(date)s").
REVOKED_BADGE = "2024-11-03 撤销"


def page_of(as_person, reader, url) -> str:
    response = as_person(reader).get(url)
    assert response.status_code == 200
    return response.content.decode()


class TestRevokedHonourOnThePages:
    @pytest.mark.parametrize("role", ALL_READERS)
    def test_the_list_page_marks_it_revoked_with_the_date(self, as_person, delisted, role):
        url = reverse("studios:recognitionlist-detail", args=[delisted.provincial.pk])
        html = page_of(as_person, person(delisted, role), url)
        assert html.count('data-testid="honour-revoked"') == 1
        assert REVOKED_BADGE in html
        # The reason is the office's finding: its studio's insiders read it.
        assert (DELIST_REASON in html) is (role not in SEES_THE_DATE_ONLY)

    def test_the_list_that_named_it_again_shows_it_held(self, as_person, delisted):
        url = reverse("studios:recognitionlist-detail", args=[delisted.municipal.pk])
        html = page_of(as_person, delisted.org.worker_b, url)
        assert delisted.studios.dust.name in html
        assert 'data-testid="honour-revoked"' not in html

    @pytest.mark.parametrize("role", ["official_a", "member_a", "worker_b"])
    def test_the_studio_page_marks_the_revoked_one_beside_the_new_one(
        self, as_person, delisted, role
    ):
        url = reverse("studios:studio-detail", args=[delisted.studios.dust.pk])
        html = page_of(as_person, person(delisted, role), url)
        honours = html[html.index('id="honours"') :]
        honours = honours[: honours.index("</section>")]
        assert "2022 provincial list" in honours and "2025 municipal list" in honours
        assert honours.count('data-testid="honour-revoked"') == 1
        assert REVOKED_BADGE in honours
