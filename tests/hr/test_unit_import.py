"""Importing org units: new units under their parents (in any row order),
renames and moves, cycles and scope refused, closing and merging."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.models import OrgUnit, User
from core.exceptions import Conflict
from hr import services
from hr.models import ImportRun
from studios.models import Studio
from tests.hr.imports import UNITS_HEADER, applied, csv_file, media_root, previewed  # noqa: F401
from tests.outcomes import takes
from tests.page_html import error_beside, picker_of
from tests.roles import person

pytestmark = pytest.mark.django_db


def parent(unit):
    return OrgUnit.objects.get_parent(unit)


def units_file(rows, extra_header=()):
    return csv_file([*UNITS_HEADER, *extra_header], rows, name="units.csv")


def test_new_units_land_under_their_parents_whatever_the_row_order(
    org, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    rows = [
        ["A1T9", "一矿九队", "A1X", "班组"],  # its parent comes later in the file
        ["A1X", "一矿新车间", "A1", "workshop"],
        ["A101", "综采一队（更名）", "A1", "班组"],
    ]
    run = previewed(org.official_a, units_file(rows), kind="org_units", capture=capture)
    assert run.counts == {"create": 2, "update": 1, "unchanged": 0, "deactivate": 0, "error": 0}, (
        run.errors
    )
    assert not OrgUnit.objects.filter(code="A1X").exists()
    applied(org.official_a, run, capture=capture)
    workshop, team = OrgUnit.objects.get(code="A1X"), OrgUnit.objects.get(code="A1T9")
    assert parent(workshop) == org.mine_a1 and parent(team) == workshop
    assert workshop.kind == OrgUnit.Kind.WORKSHOP
    assert OrgUnit.objects.get(code="A101").name == "综采一队（更名）"
    assert OrgUnit.objects.find_problems() == (
        [],
        [],
        [],
        [],
        [],
    )  # the tree's paths and counts hold


def test_a_move_takes_the_subtree_along(org, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    rows = [["A102", org.team_a102.name, "A", "班组"]]
    applied(
        org.official_a,
        previewed(org.official_a, units_file(rows), kind="org_units", capture=capture),
        capture=capture,
    )
    moved = OrgUnit.objects.get(code="A102")
    assert parent(moved) == org.company_a
    assert User.objects.get(pk=org.colleague_a.pk).org_unit == moved
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


def test_cycles_unknown_parents_and_units_outside_scope_are_row_errors(
    org, django_capture_on_commit_callbacks
):
    rows = [
        ["A1", org.mine_a1.name, "A101", "矿"],  # under its own child: a cycle
        ["B9", "乙公司新队", "B1", "班组"],  # company B's plant: outside company A
        ["A9", "无父单位", "ZZ", "班组"],
        ["A8", "种类不明", "A1", "星球"],
        ["A", "北岭", "", "公司"],  # the unit the import covers cannot move
    ]
    run = previewed(
        org.official_a,
        units_file(rows),
        kind="org_units",
        capture=django_capture_on_commit_callbacks,
    )
    assert sorted(e["key"] for e in run.errors) == ["A", "A1", "A8", "A9", "B9"]
    assert run.counts["create"] == 0 and run.counts["update"] == 0


def test_a_unit_with_people_is_not_closed_and_an_empty_one_is(
    org, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    header = ("已撤销",)
    rows = [
        ["A101", org.team_a101.name, "A1", "班组", "是"],
        ["A102", org.team_a102.name, "A1", "班组", "是"],
    ]
    User.objects.filter(org_unit=org.team_a102).update(is_active=False)
    run = previewed(org.official_a, units_file(rows, header), kind="org_units", capture=capture)
    assert [e["key"] for e in run.errors] == ["A101"]
    assert "move them first" in run.errors[0]["message"] or "人员" in run.errors[0]["message"]
    applied(org.official_a, run, capture=capture)
    assert OrgUnit.objects.get(code="A102").is_closed
    assert not OrgUnit.objects.get(code="A101").is_closed


def test_a_merge_moves_people_and_records_and_keeps_the_unit(
    org, studios, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    rows = [["A102", org.team_a102.name, "A1", "班组", "", "A101"]]
    run = previewed(
        org.official_a,
        units_file(rows, ("已撤销", "并入单位代码")),
        kind="org_units",
        capture=capture,
    )
    assert run.counts["deactivate"] == 1, run.errors
    applied(org.official_a, run, capture=capture)
    merged = OrgUnit.objects.get(code="A102")
    assert merged.is_closed and merged.merged_into == org.team_a101
    assert User.objects.get(pk=org.colleague_a.pk).org_unit == org.team_a101
    washing = Studio.objects.get(pk=studios.washing.pk)
    assert washing.org_unit == org.team_a101
    assert washing.events.exists()  # its history stays with it


def test_a_closed_unit_takes_no_new_people(org, django_capture_on_commit_callbacks):
    User.objects.filter(org_unit=org.team_a102).update(is_active=False)
    services.unit_close(unit=org.team_a102, by=org.official_a)
    from tests.hr.imports import PEOPLE_HEADER, person_row

    run = previewed(
        org.official_a,
        csv_file(PEOPLE_HEADER, [person_row("N100", "新人", "A102")]),
        capture=django_capture_on_commit_callbacks,
    )
    assert run.counts["error"] == 1 and "A102" in run.errors[0]["message"]
    assert run.status == ImportRun.Status.PREVIEW_READY


# ── the unit page ──────────────────────────────────────────────────────────


def test_an_official_merges_a_unit_from_its_page(org, client):
    client.force_login(org.official_a)
    page = reverse("hr:unit-detail", args=[org.team_a102.pk])
    assert client.get(page).status_code == 200
    answer = client.post(page, {"action": "merge", "into": org.team_a101.pk})
    assert answer.status_code == 302
    merged = OrgUnit.objects.get(pk=org.team_a102.pk)
    assert merged.is_closed and merged.merged_into_id == org.team_a101.pk
    assert User.objects.get(pk=org.colleague_a.pk).org_unit_id == org.team_a101.pk


def test_a_unit_with_people_cannot_be_closed_from_its_page(org, client):
    client.force_login(org.official_a)
    page = reverse("hr:unit-detail", args=[org.team_a101.pk])
    assert 'data-testid="close-problem"' in client.get(page).content.decode()
    client.post(page, {"action": "close"})
    assert not OrgUnit.objects.get(pk=org.team_a101.pk).is_closed


def test_merging_into_a_unit_below_it_is_refused_with_a_400(org, client):
    client.force_login(org.official_a)
    answer = client.post(
        reverse("hr:unit-detail", args=[org.mine_a1.pk]),
        {"action": "merge", "into": org.team_a101.pk},
    )
    assert answer.status_code == 400
    assert not OrgUnit.objects.get(pk=org.mine_a1.pk).is_closed


@pytest.mark.parametrize("role", ["official_b", "worker_a", "lead_a"])
def test_the_unit_page_is_for_the_officials_over_the_unit(org, studios, client, role):
    client.force_login(person(studios, role))
    page = reverse("hr:unit-detail", args=[org.team_a102.pk])
    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "close"}).status_code == 404
    assert not OrgUnit.objects.get(pk=org.team_a102.pk).is_closed


# ── the merge form's picker: exactly the units the merge takes ─────────────


def merged(official, unit, into) -> bool:
    """Whether `unit_merge` takes `into` for `unit` from `official` (rolled back)."""
    return takes(
        lambda: services.unit_merge(unit=unit, into=into, by=official),
        ValidationError,
        Conflict,
        Http404,
    )


def offered(client, picker: str, text: str) -> list[str]:
    answer = client.get(picker, {"q": text})
    assert answer.status_code == 200
    return [row["key"] for row in answer.json()["results"]]


def close(unit) -> None:
    OrgUnit.objects.filter(pk=unit.pk).update(closed_on=datetime.date(2024, 1, 1))


def unit_page(unit) -> str:
    return reverse("hr:unit-detail", args=[unit.pk])


def merge_form(html: str) -> str:
    """The HTML of a unit page's merge form."""
    start = html.index('data-testid="unit-merge"')
    return html[start : html.index("</form>", start)]


@pytest.mark.parametrize(
    ("official", "unit"),
    [
        ("official_a", "team_a102"),
        ("official_a", "mine_a1"),  # its teams are below it
        ("official_a", "team_a101"),  # closed: merged into nothing
        ("group_official", "team_a102"),
        ("admin", "mine_a1"),
    ],
)
def test_every_unit_offered_to_merge_into_is_taken_and_every_other_refused(
    org, client, official, unit
):
    """Each unit, looked up by code in the picker of the unit's merge form, is
    offered if and only if the merge then takes it: open units the official
    manages outside the unit's own subtree (team A101 has closed)."""
    official, unit = getattr(org, official), getattr(org, unit)
    client.force_login(official)
    picker = reverse("picker-search", args=["merge-targets", unit.pk])
    form = merge_form(client.get(unit_page(org.team_a102)).content.decode())
    assert picker_of(form, "into") == reverse(
        "picker-search", args=["merge-targets", org.team_a102.pk]
    )
    close(org.team_a101)
    unit.refresh_from_db()
    verdicts = {
        into.code: (into.code in offered(client, picker, into.code), merged(official, unit, into))
        for into in OrgUnit.objects.order_by("code")
    }
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    assert verdicts["A101"] == verdicts[unit.code] == (False, False)
    assert verdicts["A"] == (not unit.is_closed, not unit.is_closed)


@pytest.mark.parametrize(("role", "status"), [("official_b", 404), ("worker_a", 404)])
def test_the_merge_picker_is_for_the_officials_over_the_unit(org, client, role, status):
    client.force_login(person(org, role))
    answer = client.get(reverse("picker-search", args=["merge-targets", org.team_a102.pk]))
    assert answer.status_code == status


@pytest.mark.parametrize(
    ("typed", "message"),
    [("A101", "该单位已撤销。"), ("A102", "单位不能并入自身或其下级单位。")],
)
def test_a_typed_unit_the_merge_does_not_take_is_refused_beside_the_box(
    org, client, typed, message
):
    """Without JavaScript a unit the official manages typed in the box reaches
    the service, which says why it is not taken; nothing is merged."""
    close(org.team_a101)
    client.force_login(org.official_a)
    answer = client.post(unit_page(org.team_a102), {"action": "merge", "into_key": typed})
    assert answer.status_code == 400
    error_beside(merge_form(answer.content.decode()), "into", message)
    assert not OrgUnit.objects.get(pk=org.team_a102.pk).is_closed


def test_a_closed_unit_takes_no_new_studio(org, studios):
    import datetime

    from studios.services import studio_create

    User.objects.filter(org_unit=org.team_a102).update(is_active=False)
    Studio.objects.filter(org_unit=org.team_a102).update(org_unit=org.team_a101)
    services.unit_close(unit=org.team_a102, by=org.official_a)
    with pytest.raises(ValidationError) as refused:
        studio_create(
            by=org.official_a,
            name="新工作室",
            code="A102-NEW",
            kind=Studio.Kind.MODEL_WORKER,
            leader=studios.lead_a,
            org_unit=OrgUnit.objects.get(pk=org.team_a102.pk),
            speciality="检修",
            founded_on=datetime.date(2026, 1, 1),
        )
    assert "org_unit" in refused.value.message_dict
    assert not Studio.objects.filter(code="A102-NEW").exists()


def test_an_official_opens_a_new_teams_accounts_from_the_unit_page(org, client):
    newcomer = User.objects.create(
        employee_no="N300", full_name="新班组员", org_unit=org.team_a102, password="!x"
    )
    client.force_login(org.official_a)
    page = reverse("hr:unit-detail", args=[org.team_a102.pk])
    assert 'data-testid="unit-activate"' in client.get(page).content.decode()
    answer = client.post(page, {"action": "activate"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith(
        "application/vnd.openxml"
    )
    newcomer.refresh_from_db()
    assert newcomer.has_usable_password() and newcomer.must_change_password
    assert 'data-testid="unit-activate"' not in client.get(page).content.decode()
