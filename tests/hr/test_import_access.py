"""Who may upload, see, confirm and download an import, on the API and the
pages; the API's contract (202, statuses, 409s) and a constant number of
queries for the lists."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import OrgUnit, User
from accounts.selectors import org_units_visible_to
from hr import services
from hr.models import ImportRun
from tests.hr.imports import (  # noqa: F401 (media_root: uploads in a folder of the test)
    PEOPLE_HEADER,
    applied,
    csv_file,
    media_root,
    person_row,
    previewed,
)
from tests.lists import ListCase, each_list
from tests.outcomes import takes
from tests.page_html import error_beside, picker_of
from tests.roles import person
from tests.world import shared_data

pytestmark = pytest.mark.django_db
Status = ImportRun.Status

ROWS = [person_row("N001", "新人甲", "A101"), person_row("N002", "缺单位", "ZZZ")]
# worker_a (of team A101) moves to A102 and leaves.
MOVED = person_row("worker_a", "测试员", "A102", active="否")


def upload(api, who, **extra):
    api.force_authenticate(who)
    return api.post(
        "/api/v1/imports/",
        {"kind": "people", "file": csv_file(PEOPLE_HEADER, ROWS), **extra},
        format="multipart",
    )


@pytest.fixture
def previewed_a(org, api, django_capture_on_commit_callbacks):
    """Company A's official uploaded a file; its preview is ready."""
    with django_capture_on_commit_callbacks(execute=True):
        answer = upload(api, org.official_a)
    assert answer.status_code == 202, answer.content
    return ImportRun.objects.get(pk=answer.json()["id"])


def test_upload_answers_202_and_the_preview_is_read_by_polling(org, api, previewed_a):
    body = api.get(f"/api/v1/imports/{previewed_a.pk}/").json()
    assert body["status"] == "preview_ready"
    assert body["counts"] == {"create": 1, "update": 0, "unchanged": 0, "deactivate": 0, "error": 1}
    [error] = body["errors"]
    assert (error["row"], error["key"]) == (3, "N002") and "ZZZ" in error["message"]
    assert body["can_confirm"] is True
    rejected = api.get(body["errors_url"])
    assert rejected.status_code == 200
    assert rejected["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not User.objects.filter(employee_no="N001").exists()


def test_confirm_answers_202_then_409_and_applies_once(
    org, api, previewed_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(f"/api/v1/imports/{previewed_a.pk}/confirm/")
    assert answer.status_code == 202, answer.content
    assert api.get(f"/api/v1/imports/{previewed_a.pk}/").json()["status"] == "applied"
    again = api.post(f"/api/v1/imports/{previewed_a.pk}/confirm/")
    assert (again.status_code, again.json()["code"]) == (409, "not_ready")
    assert User.objects.filter(employee_no="N001").count() == 1


def test_a_stale_preview_is_a_409_preview_stale(org, api, previewed_a):
    User.objects.filter(pk=org.worker_a.pk).update(full_name="别人改了")
    answer = api.post(f"/api/v1/imports/{previewed_a.pk}/confirm/")
    assert (answer.status_code, answer.json()["code"]) == (409, "preview_stale")


@pytest.mark.parametrize(
    ("role", "read", "confirm"),
    [
        ("official_a", 200, 202),
        ("group_official", 200, 403),  # sees company A's imports, did not upload this one
        ("admin", 200, 403),
        ("official_b", 404, 404),
        ("worker_a", 404, 404),
    ],
)
def test_each_role_reads_and_confirms_an_import_as_allowed(
    org, api, previewed_a, role, read, confirm, django_capture_on_commit_callbacks
):
    api.force_authenticate(person(org, role))
    assert api.get(f"/api/v1/imports/{previewed_a.pk}/").status_code == read
    assert api.get(f"/api/v1/imports/{previewed_a.pk}/errors/").status_code == read
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/imports/{previewed_a.pk}/confirm/").status_code == confirm
    applied = User.objects.filter(employee_no="N001").exists()
    assert applied == (confirm == 202)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 600, ".xlsx"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "spreadsheet"),
        ("people.csv", "名字,部门\n张三,一队\n".encode(), "工号"),
        ("people.csv", b"", "empty"),
        ("people.xlsx", b"PK\x03\x04 not really a zip", "Excel"),
    ],
    ids=["xls", "image", "no-header", "empty", "broken-xlsx"],
)
def test_a_file_that_cannot_be_read_is_a_400_and_nothing_is_stored(
    org, api, name, content, message, settings
):
    settings.LANGUAGE_CODE = "en"
    from django.core.files.uploadedfile import SimpleUploadedFile

    api.force_authenticate(org.official_a)
    answer = api.post(
        "/api/v1/imports/",
        {"kind": "people", "file": SimpleUploadedFile(name, content)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400, answer.content
    assert message in str(answer.json()["errors"]["file"]), answer.json()
    assert not ImportRun.objects.exists()


def test_a_file_over_the_size_limit_is_refused(org, api, settings):
    settings.IMPORT_MAX_BYTES = 100
    answer = upload(api, org.official_a)
    assert answer.status_code == 400 and "file" in answer.json()["errors"]
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "pets"}, "kind"),
        ({"mode": "replace"}, "mode"),
        ({"kind": "org_units", "mode": "full_roster"}, "mode"),
    ],
)
def test_bad_choices_are_400s_naming_the_field(org, api, data, field):
    answer = upload(api, org.official_a, **data)
    assert answer.status_code == 400 and field in answer.json()["errors"], answer.json()
    assert not ImportRun.objects.exists()


def test_another_companys_unit_is_not_offered(org, api):
    answer = upload(api, org.official_b, org_unit=org.company_a.pk)
    assert answer.status_code == 400 and "org_unit" in answer.json()["errors"]


def test_a_closed_unit_is_a_400_naming_it_and_nothing_is_stored(org, api):
    OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
    answer = upload(api, org.official_a, org_unit=org.team_a102.pk)
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"org_unit": ["该单位已撤销。"]}
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("role", ["worker_a", "lead_a"])
def test_who_is_not_an_official_cannot_upload(org, studios, api, role, client):
    assert upload(api, person(studios, role)).status_code == 403
    client.force_login(person(studios, role))
    assert client.get(reverse("hr:import-list")).status_code == 403
    assert not ImportRun.objects.exists()


def test_the_templates_download_as_workbooks_with_the_headers(org, client):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(org.official_a)
    for kind, first in (("people", "*工号"), ("org_units", "*单位代码")):
        answer = client.get(reverse("hr:import-template", args=[kind]))
        assert answer.status_code == 200
        assert "filename*=utf-8''" in answer["Content-Disposition"]
        book = load_workbook(BytesIO(answer.content))
        sheet, examples = book.worksheets[:2]
        assert next(sheet.iter_rows(values_only=True))[0] == first
        # The read sheet holds the header alone: uploaded unchanged, it imports
        # nobody; the examples are on a sheet the import never reads.
        assert sheet.max_row == 1
        assert examples.title == "示例" and examples.max_row > 1


def test_a_template_uploaded_unchanged_changes_no_one(
    org,
    client,
    media_root,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    client.force_login(org.official_a)
    template = client.get(reverse("hr:import-template", args=["people"])).content
    upload = SimpleUploadedFile("模板.xlsx", template)
    before = list(User.objects.order_by("pk").values())
    run = previewed(org.official_a, upload, capture=django_capture_on_commit_callbacks)
    assert run.changes == []
    run = applied(org.official_a, run, capture=django_capture_on_commit_callbacks)
    assert list(User.objects.order_by("pk").values()) == before


# ── the pages ──────────────────────────────────────────────────────────────


def test_an_official_uploads_previews_and_confirms_on_the_pages(
    org, client, django_capture_on_commit_callbacks
):
    client.force_login(org.official_a)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("hr:import-list"),
            {
                "kind": "people",
                "mode": "upsert",
                "org_unit": org.company_a.pk,
                "file": csv_file(PEOPLE_HEADER, [*ROWS, MOVED]),
            },
        )
    run = ImportRun.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "hr:import-detail", args=[run.pk]
    )
    page = client.get(answer["Location"]).content.decode()
    assert 'data-status="preview_ready"' in page and "N001" in page and "ZZZ" in page
    # A change is shown field by field, named as the file's header names it.
    assert "单位代码：A101 → A102" in page and "在职：是 → 否" in page
    assert reverse("hr:import-confirm", args=[run.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hr:import-confirm", args=[run.pk]))
    assert 'data-status="applied"' in client.get(answer["Location"]).content.decode()
    assert User.objects.filter(employee_no="N001").exists()


def test_a_bad_upload_on_the_page_is_a_400_with_the_reason(org, client):
    client.force_login(org.official_a)
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(
        reverse("hr:import-list"),
        {
            "kind": "people",
            "mode": "upsert",
            "file": SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0"),
        },
    )
    assert answer.status_code == 400
    assert ".xlsx" in answer.content.decode()
    assert not ImportRun.objects.exists()


def requested(official, unit) -> bool:
    """Whether `import_request` takes `unit` from `official` (rolled back)."""

    def call():
        services.import_request(
            by=official, kind="people", upload=csv_file(PEOPLE_HEADER, ROWS), org_unit=unit
        )

    return takes(call)


def offered(client, picker: str, text: str) -> list[str]:
    answer = client.get(picker, {"q": text})
    assert answer.status_code == 200
    return [row["key"] for row in answer.json()["results"]]


@pytest.mark.parametrize("official", ["official_a", "group_official", "admin"])
def test_every_unit_offered_for_an_upload_is_taken_and_every_other_refused(org, client, official):
    """Each unit the official may see, looked up by code in the upload form's
    unit picker, is offered if and only if the upload then takes it: the open
    units they manage (team A102 has closed)."""
    official = getattr(org, official)
    OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
    client.force_login(official)
    picker = picker_of(client.get(reverse("hr:import-list")).content.decode(), "org_unit")
    assert picker == reverse("picker-search", args=["managed-org-units"])
    verdicts = {
        unit.code: (unit.code in offered(client, picker, unit.code), requested(official, unit))
        for unit in org_units_visible_to(official).order_by("code")
    }
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    assert verdicts["A101"] == (True, True)
    assert verdicts["A102"] == (False, False)


def test_a_typed_closed_unit_is_refused_beside_the_box_with_the_reason(org, client):
    """Without JavaScript a unit the official manages typed in the box reaches
    the service, which says it is closed; nothing is stored."""
    OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
    client.force_login(org.official_a)
    answer = client.post(
        reverse("hr:import-list"),
        {
            "kind": "people",
            "mode": "upsert",
            "org_unit_key": "A102",
            "file": csv_file(PEOPLE_HEADER, ROWS),
        },
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    start = html.index('data-testid="import-form"')
    error_beside(html[start : html.index("</form>", start)], "org_unit", "该单位已撤销。")
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("group_official", 200), ("official_b", 404), ("worker_a", 404)]
)
def test_the_import_page_is_scoped(org, previewed_a, client, role, status):
    client.force_login(person(org, role))
    assert client.get(reverse("hr:import-detail", args=[previewed_a.pk])).status_code == status
    assert client.get(reverse("hr:import-errors", args=[previewed_a.pk])).status_code == status


# ── the lists: constant queries ────────────────────────────────────────────


@shared_data(needs=("org",))
def many_imports(built):
    org = built.get("org")
    ImportRun.objects.bulk_create(
        ImportRun(
            kind="people",
            org_unit=org.company_a,
            requested_by=org.official_a,
            file=f"imports/x{n}.csv",
            file_name=f"x{n}.csv",
            counts={"create": n},
        )
        for n in range(25)
    )
    return org


LISTS = [
    ListCase("/api/v1/imports/", 4, viewer="official_a"),
    ListCase("hr:import-list", 6, viewer="official_a"),
    ListCase("/api/v1/imports/", 4, viewer="group_official"),
]


@each_list(LISTS)
def test_every_import_list_takes_the_same_queries_at_any_page_size(
    lists, many_imports, case, page_size
):
    lists.read(case, many_imports, page_size)


def test_a_file_longer_than_the_limit_is_refused_at_upload_or_fails_the_import(
    org, api, monkeypatch, django_capture_on_commit_callbacks
):
    from hr import planning, services

    monkeypatch.setattr(services, "MAX_ROWS", 1)  # the count known at upload
    answer = upload(api, org.official_a)
    assert answer.status_code == 400 and "file" in answer.json()["errors"]
    assert not ImportRun.objects.exists()
    monkeypatch.setattr(services, "MAX_ROWS", 10)
    monkeypatch.setattr(planning, "MAX_ROWS", 1)  # found only while reading
    with django_capture_on_commit_callbacks(execute=True):
        answer = upload(api, org.official_a)
    body = api.get(f"/api/v1/imports/{answer.json()['id']}/").json()
    assert body["status"] == "failed" and body["error"]
    assert not User.objects.filter(employee_no="N001").exists()


@pytest.mark.parametrize("action", ["", "errors/"])
def test_an_import_id_that_is_not_a_number_is_a_404(org, api, action):
    api.force_authenticate(org.official_a)
    assert api.get(f"/api/v1/imports/abc/{action}").status_code == 404
