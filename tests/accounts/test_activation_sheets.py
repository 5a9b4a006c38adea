"""Bulk activation of a newly imported team: one-time passwords handed back
once as slips, XLSX or a PDF of eight slips to an A4 page with cut lines,
stored hashed only; each person changes theirs at the first sign-in. For every
role, allowed and refused, on the API and the unit's page."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AccountEvent, User
from tests.api_answers import field_errors, refused
from tests.roles import person

pytestmark = pytest.mark.django_db

ACTIVATE = "/api/v1/people/activate/"
PASSWORD_LINE = re.compile(r"^[A-HJKMNP-Z2-9]{12}$")


def newcomers(org, count: int = 3) -> list[User]:
    """Imported into team A102, no password yet."""
    return User.objects.bulk_create(
        User(employee_no=f"N{n:03d}", full_name=f"新人{n}", org_unit=org.team_a102, password="!x")
        for n in range(count)
    )


def slips(response) -> list[tuple[str, str]]:
    """(name, password) of each slip of a PDF answer, in page order."""
    lines = [
        line
        for page in PdfReader(io.BytesIO(response.content)).pages
        for line in page.extract_text().splitlines()
    ]
    passwords = [n for n, line in enumerate(lines) if PASSWORD_LINE.match(line)]
    # Heading, name, number, unit, label, password: the name is four lines up.
    return [(lines[n - 4], lines[n]) for n in passwords]


# Who opens team A102's accounts by naming its people: the answer each gets.
BY_IDS = [
    ("official_a", 200),
    ("group_official", 200),
    ("admin", 200),
    ("official_b", 400),  # an official naming people outside their units: a 400 on ids
    ("colleague_a", 403),  # manages no unit: may not activate anyone
    ("lead_a", 403),
]


@pytest.mark.parametrize(("role", "status"), BY_IDS)
def test_activation_is_for_the_officials_over_the_people(org, studios, api, role, status):
    team = newcomers(org)
    api.force_authenticate(person(studios, role))
    answer = api.post(ACTIVATE, {"ids": [p.pk for p in team]}, format="json")
    if status == 200:
        assert answer.status_code == 200, answer.content
    elif status == 400:
        assert "ids" in field_errors(answer)
    else:
        refused(answer, status, "permission_denied")
    opened = User.objects.filter(pk__in=[p.pk for p in team], must_change_password=True)
    assert opened.count() == (len(team) if status == 200 else 0)
    assert AccountEvent.objects.filter(action="activated").count() == opened.count()


@pytest.mark.parametrize(("role", "status"), [("official_b", 400), ("colleague_a", 403)])
def test_a_unit_outside_ones_own_opens_nobody(org, api, role, status):
    team = newcomers(org)
    api.force_authenticate(getattr(org, role))
    answer = api.post(ACTIVATE, {"org_unit": org.team_a102.pk}, format="json")
    if status == 400:
        assert "org_unit" in field_errors(answer)
    else:
        refused(answer, status)
    assert not User.objects.filter(pk__in=[p.pk for p in team], must_change_password=True)


def test_the_pdf_has_a_slip_for_each_person_eight_to_an_a4_page(org, api, client):
    team = newcomers(org, 10)
    api.force_authenticate(org.official_a)
    answer = api.post(
        ACTIVATE, {"org_unit": org.team_a102.pk, "sheet_format": "pdf"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Cache-Control"] == "private, no-store"
    assert re.search(r"filename\*=utf-8''.+\.pdf$", answer["Content-Disposition"])
    pages = PdfReader(io.BytesIO(answer.content)).pages
    assert len(pages) == 2  # 10 slips: eight, then two
    assert [round(float(v)) for v in pages[0].mediabox[2:]] == [595, 842]  # A4 in points
    text = "".join(page.extract_text() for page in pages)
    assert "http://testserver/accounts/login/" in text  # where to sign in
    assert "账号开通单" in text and "一次性密码" in text  # in the product's language
    printed = dict(slips(answer))
    assert sorted(printed) == sorted(p.full_name for p in team)
    for newcomer in team:
        newcomer.refresh_from_db()
        password = printed[newcomer.full_name]
        # Only the hash is kept: the password is nowhere in clear.
        assert newcomer.check_password(password) and password not in newcomer.password
        assert newcomer.must_change_password
    assert not any(
        password in note
        for note in AccountEvent.objects.values_list("note", flat=True)
        for password in printed.values()
    )
    # The person signs in with the slip and must choose their own password first.
    first = team[0]
    client.post(
        reverse("accounts:login"),
        {"username": first.employee_no, "password": printed[first.full_name]},
    )
    assert client.get("/studios/")["Location"] == reverse("accounts:password-change")


def test_a_second_activation_leaves_opened_accounts_alone(org, api):
    newcomers(org, 2)
    api.force_authenticate(org.official_a)
    first = api.post(ACTIVATE, {"org_unit": org.team_a102.pk, "sheet_format": "pdf"})
    assert len(slips(first)) == 2
    again = api.post(ACTIVATE, {"org_unit": org.team_a102.pk, "sheet_format": "pdf"})
    assert again.status_code == 200 and slips(again) == []


@pytest.mark.parametrize("sheet_format", ["docx", "PDF", ""])
def test_an_unknown_sheet_format_is_a_400_and_opens_nobody(org, api, sheet_format):
    team = newcomers(org)
    api.force_authenticate(org.official_a)
    answer = api.post(
        ACTIVATE, {"ids": [p.pk for p in team], "sheet_format": sheet_format}, format="json"
    )
    assert "sheet_format" in field_errors(answer)
    assert not User.objects.filter(must_change_password=True).exists()


@pytest.mark.parametrize(
    ("sheet_format", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_unit_page_hands_the_slips_in_the_format_chosen(
    org, client, sheet_format, content_type
):
    team = newcomers(org)
    client.force_login(org.official_a)
    page = reverse("hr:unit-detail", args=[org.team_a102.pk])
    form = client.get(page).content.decode()
    assert 'name="sheet_format"' in form and 'value="pdf" selected' in form
    answer = client.post(page, {"action": "activate", "sheet_format": sheet_format})
    assert answer.status_code == 200 and answer["Content-Type"] == content_type
    assert User.objects.filter(pk__in=[p.pk for p in team], must_change_password=True).count() == 3


def test_the_unit_page_refuses_an_unknown_format_and_opens_nobody(org, client):
    newcomers(org)
    client.force_login(org.official_a)
    page = reverse("hr:unit-detail", args=[org.team_a102.pk])
    answer = client.post(page, {"action": "activate", "sheet_format": "docx"}, follow=True)
    assert "请选择开通单格式" in answer.content.decode()
    assert not User.objects.filter(must_change_password=True).exists()


@pytest.mark.parametrize("role", ["official_b", "colleague_a"])
def test_the_unit_page_is_a_404_beyond_ones_units(org, client, role):
    newcomers(org)
    client.force_login(getattr(org, role))
    page = reverse("hr:unit-detail", args=[org.team_a102.pk])
    assert client.post(page, {"action": "activate", "sheet_format": "pdf"}).status_code == 404
    assert not User.objects.filter(must_change_password=True).exists()


def test_a_name_that_reads_as_a_formula_is_text_on_the_slips(org, api):
    """Names come from HR files: one typed as a formula is printed as text."""
    from openpyxl import load_workbook

    (newcomer,) = newcomers(org, 1)
    User.objects.filter(pk=newcomer.pk).update(full_name="=1+1")
    api.force_authenticate(org.official_a)
    answer = api.post(ACTIVATE, {"ids": [newcomer.pk], "sheet_format": "xlsx"}, format="json")
    assert answer.status_code == 200
    cells = [cell for row in load_workbook(io.BytesIO(answer.content)).active for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert "'=1+1" in [cell.value for cell in cells]
