"""Importing people from HR: the dry run, the confirm, idempotence, encodings,
row errors, scope, transfers and leavers."""

import pytest
from django.contrib.auth import authenticate

from accounts.models import SkillLevel, SkillLevelChange, User
from core.exceptions import Conflict
from hr import services
from hr.models import ImportRun
from studios.models import Studio
from tests.hr.imports import (
    PEOPLE_HEADER,
    applied,
    csv_file,
    media_root,  # noqa: F401 (autouse)
    person_row,
    previewed,
    xlsx_file,
)

pytestmark = pytest.mark.django_db
Status = ImportRun.Status


def three_people(org):
    return [
        person_row(
            "N001", "新人甲", "A101", post="电钳工", level="中级工", email="jia@example.org"
        ),
        person_row("N002", "新人乙", "A102", level="senior", messenger="yi"),
        person_row("worker_a", "改名者", "A101", post="班长"),
    ]


def test_the_dry_run_writes_nothing_and_says_what_would_change(
    org, django_capture_on_commit_callbacks
):
    before = set(User.objects.values_list("employee_no", "full_name", "post"))
    run = previewed(
        org.official_a,
        csv_file(PEOPLE_HEADER, three_people(org)),
        capture=django_capture_on_commit_callbacks,
    )
    assert run.status == Status.PREVIEW_READY
    assert run.counts == {"create": 2, "update": 1, "unchanged": 0, "deactivate": 0, "error": 0}
    assert set(User.objects.values_list("employee_no", "full_name", "post")) == before
    changed = next(c for c in run.changes if c["action"] == "update")
    assert changed["key"] == "worker_a"
    assert changed["changes"]["full_name"][1] == "改名者"
    assert changed["changes"]["post"] == [org.worker_a.post, "班长"]


def test_confirm_applies_exactly_the_valid_rows_and_lists_the_rest(
    org, django_capture_on_commit_callbacks
):
    rows = [
        *three_people(org),
        person_row("N003", "坏单位", "NOPE"),
        person_row("N004", "坏等级", "A101", level="大师"),
        person_row("N001", "重复", "A101"),
        person_row("N005", "坏邮箱", "A101", email="not-an-address"),
    ]
    capture = django_capture_on_commit_callbacks
    run = previewed(org.official_a, csv_file(PEOPLE_HEADER, rows), capture=capture)
    assert run.counts["create"] == 2 and run.counts["error"] == 4
    assert [(e["row"], e["key"]) for e in run.errors] == [
        (5, "N003"),
        (6, "N004"),
        (7, "N001"),
        (8, "N005"),
    ]
    assert "NOPE" in run.errors[0]["message"]
    assert run.error_file.name.endswith(".xlsx")

    run = applied(org.official_a, run, capture=capture)
    assert run.status == Status.APPLIED
    assert run.counts == {"create": 2, "update": 1, "unchanged": 0, "deactivate": 0, "error": 4}
    new = User.objects.get(employee_no="N001")
    assert (new.full_name, new.org_unit, new.post, new.skill_level, new.email) == (
        "新人甲",
        org.team_a101,
        "电钳工",
        SkillLevel.INTERMEDIATE,
        "jia@example.org",
    )
    assert not new.has_usable_password()  # an account is opened by the office, not the file
    assert User.objects.get(employee_no="N002").messenger_id == "yi"
    assert User.objects.get(employee_no="worker_a").full_name == "改名者"
    assert not User.objects.filter(employee_no__in=["N003", "N004", "N005"]).exists()


def test_the_same_file_twice_changes_nothing_the_second_time(
    org, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    upload = lambda: csv_file(PEOPLE_HEADER, three_people(org))  # noqa: E731
    applied(org.official_a, previewed(org.official_a, upload(), capture=capture), capture=capture)
    snapshot = list(User.objects.order_by("pk").values())
    again = applied(
        org.official_a, previewed(org.official_a, upload(), capture=capture), capture=capture
    )
    assert again.counts == {"create": 0, "update": 0, "unchanged": 3, "deactivate": 0, "error": 0}
    assert list(User.objects.order_by("pk").values()) == snapshot


@pytest.mark.parametrize(
    "upload",
    [
        lambda rows: csv_file(PEOPLE_HEADER, rows, encoding="utf-8-sig"),
        lambda rows: csv_file(PEOPLE_HEADER, rows, encoding="utf-8"),
        lambda rows: csv_file(PEOPLE_HEADER, rows, encoding="gb18030"),
        lambda rows: xlsx_file(PEOPLE_HEADER, rows),
        lambda rows: csv_file(
            [
                "employee_no",
                "name",
                "unit_code",
                "post",
                "phone",
                "email",
                "messenger_id",
                "skill_level",
                "active",
            ],
            rows,
        ),
    ],
    ids=["utf8-bom", "utf8", "gb18030", "xlsx", "english-header"],
)
def test_each_accepted_file_reads_the_same(org, upload, django_capture_on_commit_callbacks):
    rows = [person_row("N010", "欧阳娜娜", "A101", post="综采队长", level="技师", active="是")]
    run = previewed(org.official_a, upload(rows), capture=django_capture_on_commit_callbacks)
    assert run.counts["create"] == 1, run.errors
    run = applied(org.official_a, run, capture=django_capture_on_commit_callbacks)
    person = User.objects.get(employee_no="N010")
    assert (person.full_name, person.post, person.skill_level) == (
        "欧阳娜娜",
        "综采队长",
        SkillLevel.TECHNICIAN,
    )


def test_an_official_of_company_b_cannot_import_into_company_a(
    org, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    rows = [
        person_row("N020", "越界新人", "A101"),
        person_row("worker_a", "改到B", "B101"),  # a company A person: not theirs to move
        person_row("N021", "本公司新人", "B101"),
    ]
    run = previewed(org.official_b, csv_file(PEOPLE_HEADER, rows), capture=capture)
    assert run.org_unit == org.company_b
    assert [e["key"] for e in run.errors] == ["N020", "worker_a"]
    applied(org.official_b, run, capture=capture)
    assert not User.objects.filter(employee_no="N020").exists()
    assert User.objects.get(employee_no="worker_a").org_unit == org.team_a101
    assert User.objects.get(employee_no="N021").org_unit == org.team_b101
    # Nor may they name company A's unit as the import's.
    with pytest.raises(Exception) as refused:
        services.import_request(
            by=org.official_b,
            kind="people",
            upload=csv_file(PEOPLE_HEADER, rows),
            org_unit=org.company_a,
        )
    assert "org_unit" in refused.value.message_dict


def test_a_transfer_keeps_the_person_and_records_the_skill_change(
    org, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    rows = [person_row("worker_a", org.worker_a.full_name, "A102", level="高级技师")]
    run = applied(
        org.official_a,
        previewed(org.official_a, csv_file(PEOPLE_HEADER, rows), capture=capture),
        capture=capture,
    )
    assert run.counts["update"] == 1
    moved = User.objects.get(pk=org.worker_a.pk)
    assert (moved.org_unit, moved.skill_level) == (org.team_a102, SkillLevel.SENIOR_TECHNICIAN)
    change = SkillLevelChange.objects.get(person=moved)
    assert (change.to_level, change.recorded_by) == (SkillLevel.SENIOR_TECHNICIAN, org.official_a)


def test_a_full_roster_deactivates_who_is_missing_and_a_leaver_cannot_sign_in(
    org, studios, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    worker = org.worker_a
    worker.set_password("pass-1234")
    worker.save()
    assert authenticate(username="worker_a", password="pass-1234") == worker
    in_a = User.objects.filter(org_unit__path__startswith=org.company_a.path, is_active=True)
    kept = list(in_a.exclude(pk=worker.pk).exclude(pk=org.official_a.pk))
    rows = [
        person_row(
            u.employee_no,
            u.full_name,
            u.org_unit.code,
            post=u.post,
            phone=u.phone,
            email=u.email,
            level=u.skill_level,
        )
        for u in kept
    ]
    run = previewed(
        org.official_a, csv_file(PEOPLE_HEADER, rows), mode="full_roster", capture=capture
    )
    leavers = [c for c in run.changes if c["action"] == "deactivate"]
    assert [c["key"] for c in leavers] == ["worker_a"]  # never the importer themself
    run = applied(org.official_a, run, capture=capture)
    worker.refresh_from_db()
    assert not worker.is_active
    assert authenticate(username="worker_a", password="pass-1234") is None
    assert User.objects.filter(pk=worker.pk).exists()  # nothing is deleted
    assert User.objects.get(pk=org.worker_b.pk).is_active  # company B is not in the roster's scope


def test_a_leaver_keeps_their_records_and_their_open_work_is_listed(
    org, studios, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    lead = studios.lead_a
    rows = [person_row(lead.employee_no, lead.full_name, lead.org_unit.code, active="否")]
    run = previewed(org.official_a, csv_file(PEOPLE_HEADER, rows), capture=capture)
    assert run.counts["deactivate"] == 1
    assert any(
        w["person_id"] == lead.pk and w["record"] == studios.dust.name for w in run.open_work
    )
    applied(org.official_a, run, capture=capture)
    assert Studio.objects.get(pk=studios.dust.pk).leader_id == lead.pk


def test_a_preview_whose_data_changed_cannot_be_confirmed(org, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    run = previewed(org.official_a, csv_file(PEOPLE_HEADER, three_people(org)), capture=capture)
    User.objects.filter(pk=org.worker_a.pk).update(post="刚刚改过")
    with pytest.raises(Conflict) as stale:
        services.import_confirm(by=org.official_a, run=run)
    assert stale.value.code == "preview_stale"
    run.refresh_from_db()
    assert run.status == Status.PREVIEW_READY
    assert not User.objects.filter(employee_no="N001").exists()


def test_the_dashboard_lists_the_open_work_of_people_who_left(org, studios, client):
    lead = studios.lead_a
    User.objects.filter(pk=lead.pk).update(is_active=False)
    client.force_login(org.official_a)
    page = client.get("/reports/").content.decode()
    assert 'data-testid="left-behind"' in page and studios.dust.name in page
    client.force_login(org.official_b)  # company B's dashboard: not their people
    assert 'data-testid="left-behind"' not in client.get("/reports/").content.decode()


def test_a_rejected_value_that_reads_as_a_formula_comes_back_as_text(
    org, django_capture_on_commit_callbacks
):
    """The rejected rows go back to the office to fix: a cell typed in the HR
    file as a formula is written as text, never run when the office opens it."""
    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://example.org","点击")'
    run = previewed(
        org.official_a,
        csv_file(PEOPLE_HEADER, [person_row("N009", formula, "NOPE")]),
        capture=django_capture_on_commit_callbacks,
    )
    assert run.counts["error"] == 1
    with run.error_file.open("rb") as file:
        sheet = load_workbook(file).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert "'" + formula in [cell.value for cell in cells]
