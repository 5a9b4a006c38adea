"""Account care by the union office, without Django's admin: add and correct
people, reset a password (one-time, changed at the next sign-in), lift a
lockout, deactivate and reactivate, open a new team's accounts with printed
slips, grant and remove official roles; for every role, allowed and refused."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AccountEvent, OrgUnit, RoleGrant, SkillLevelChange, User
from tests.factories import PersonFactory, grant_official
from tests.lists import ListCase, each_list
from tests.page_html import page_form, picker_of
from tests.roles import person
from tests.world import shared_data

pytestmark = pytest.mark.django_db

# Who asks about worker_a (company A, team A101): the answer each gets.
CARE = [
    ("official_a", 200),
    ("group_official", 200),
    ("admin", 200),
    ("official_b", 404),  # company B's official does not see company A's people
    ("colleague_a", 403),  # a colleague sees the directory entry, manages nothing
    ("lead_a", 403),
]


@pytest.mark.parametrize(("role", "status"), CARE)
def test_a_password_reset_is_for_the_officials_over_the_person(org, studios, api, role, status):
    api.force_authenticate(person(studios, role))
    answer = api.post(f"/api/v1/people/{org.worker_a.pk}/reset-password/")
    assert answer.status_code == status, answer.content
    worker = User.objects.get(pk=org.worker_a.pk)
    if status == 200:
        password = answer.json()["one_time_password"]
        assert worker.check_password(password) and worker.must_change_password
        assert answer["Cache-Control"] == "no-store"
        assert AccountEvent.objects.get(person=worker).action == "password_reset"
    else:
        assert not worker.must_change_password and not AccountEvent.objects.exists()


@pytest.mark.parametrize(("role", "status"), CARE)
@pytest.mark.parametrize("act", ["deactivate", "unlock"])
def test_deactivate_and_unlock_are_for_the_officials_over_the_person(
    org, studios, api, role, status, act
):
    api.force_authenticate(person(studios, role))
    answer = api.post(f"/api/v1/people/{org.worker_a.pk}/{act}/")
    assert answer.status_code == status, answer.content
    worker = User.objects.get(pk=org.worker_a.pk)
    assert worker.is_active == (act != "deactivate" or status != 200)
    if status == 200 and act == "deactivate":
        assert api.post(f"/api/v1/people/{org.worker_a.pk}/deactivate/").status_code == 409
        assert api.post(f"/api/v1/people/{org.worker_a.pk}/reactivate/").status_code == 200
        assert User.objects.get(pk=org.worker_a.pk).is_active


def test_an_official_cannot_deactivate_themself(org, api):
    api.force_authenticate(org.official_a)
    assert api.post(f"/api/v1/people/{org.official_a.pk}/deactivate/").status_code == 409


def test_the_one_time_password_must_be_changed_at_the_next_sign_in(org, client, api):
    api.force_authenticate(org.official_a)
    password = api.post(f"/api/v1/people/{org.worker_a.pk}/reset-password/").json()[
        "one_time_password"
    ]
    answer = client.post(reverse("accounts:login"), {"username": "worker_a", "password": password})
    assert answer.status_code == 302
    # Every page leads to the password change first, and so does the API.
    assert client.get("/studios/")["Location"] == reverse("accounts:password-change")
    token = api.__class__()
    token.force_authenticate(User.objects.get(pk=org.worker_a.pk))
    refused = token.get("/api/v1/studios/")
    assert (refused.status_code, refused.json()["code"]) == (403, "password_change_required")
    changed = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": password,
            "new_password1": "Kaicai-2026!",
            "new_password2": "Kaicai-2026!",
        },
    )
    assert changed.status_code == 302
    assert client.get("/studios/").status_code == 200
    assert not User.objects.get(pk=org.worker_a.pk).must_change_password


def test_a_one_time_password_typed_in_small_letters_is_taken_until_it_is_changed(org, client, api):
    # Given a one-time password read out in capitals and typed on a phone
    api.force_authenticate(org.official_a)
    url = f"/api/v1/people/{org.worker_a.pk}/reset-password/"
    typed = api.post(url).json()["one_time_password"].lower()
    login = reverse("accounts:login")

    # When the person signs in and changes it, typing it in small letters both times
    assert client.post(login, {"username": "worker_a", "password": typed}).status_code == 302
    changed = client.post(
        reverse("accounts:password-change"),
        {"old_password": typed, "new_password1": "Kaicai-2026!", "new_password2": "Kaicai-2026!"},
    )

    # Then both are taken, and the password they chose keeps its case
    assert changed.status_code == 302
    client.logout()
    person = User.objects.get(pk=org.worker_a.pk)
    assert person.check_password("Kaicai-2026!") and not person.check_password("kaicai-2026!")
    assert (
        client.post(login, {"username": "worker_a", "password": "kaicai-2026!"}).status_code == 200
    )
    assert client.post(login, {"username": "worker_a", "password": typed}).status_code == 200


def test_a_forced_password_change_sends_htmx_to_the_whole_page_not_into_a_fragment(org, client):
    # Given a person who signed in with a one-time password
    User.objects.filter(pk=org.worker_a.pk).update(must_change_password=True)
    client.force_login(org.worker_a)

    # When the navigation's bell asks for its count (htmx, swapped into the bar)
    bell = client.get(reverse("notices:bell"), headers={"HX-Request": "true"})

    # Then htmx is told to open the password page as a whole page, with no form to swap in
    assert bell["HX-Redirect"] == reverse("accounts:password-change")
    assert "new_password1" not in bell.content.decode()

    # And the password page shows its form once and loads no bell to be sent away again
    html = client.get(reverse("accounts:password-change")).content.decode()
    assert html.count('name="new_password1"') == 1
    assert reverse("notices:bell") not in html


def test_a_one_time_password_is_read_out_without_a_mix_up(org, api):
    # Given the office resetting a password many times
    api.force_authenticate(org.official_a)
    url = f"/api/v1/people/{org.worker_a.pk}/reset-password/"
    passwords = [api.post(url).json()["one_time_password"] for _ in range(20)]

    # Then each is upper-case letters and digits, none of them one that looks or
    # sounds like another (0/O, 1/I/L), and as hard to guess as ten mixed-case ones
    readable = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    assert all(set(password) <= readable for password in passwords)
    assert all(len(password) >= 12 for password in passwords)  # 31**12 > 54**10
    assert len(set("".join(passwords))) > 25  # drawn from the whole alphabet


def test_a_new_team_gets_its_slips_and_nobody_else_does(org, api):
    newcomers = [
        User.objects.create(
            employee_no=f"N{n}", full_name=f"新人{n}", org_unit=org.team_a102, password="!x"
        )
        for n in range(3)
    ]
    api.force_authenticate(org.official_a)
    answer = api.post("/api/v1/people/activate/", {"org_unit": org.team_a102.pk}, format="json")
    assert answer.status_code == 200
    assert "filename*=utf-8''" in answer["Content-Disposition"]
    cells = [
        c
        for row in load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True)
        for c in row
        if c
    ]
    for newcomer in newcomers:
        newcomer.refresh_from_db()
        assert newcomer.must_change_password and newcomer.full_name in cells
        slip_password = cells[
            cells.index(newcomer.full_name) + 4
        ]  # name, number, unit, label, password
        assert newcomer.check_password(slip_password)
    # colleague_a already had a password: a unit's activation leaves them alone.
    assert not User.objects.get(pk=org.colleague_a.pk).must_change_password
    api.force_authenticate(org.official_b)
    refused = api.post("/api/v1/people/activate/", {"ids": [newcomers[0].pk]}, format="json")
    assert refused.status_code == 400 and "ids" in refused.json()["errors"]


def test_an_official_adds_and_corrects_a_person(org, studios, api):
    api.force_authenticate(org.official_a)
    added = api.post(
        "/api/v1/people/",
        {
            "employee_no": "N100",
            "full_name": "新同事",
            "org_unit": org.team_a101.pk,
            "skill_level": "junior",
        },
        format="json",
    )
    assert added.status_code == 201, added.content
    pk = added.json()["id"]
    assert not User.objects.get(pk=pk).has_usable_password()
    again = api.post(
        "/api/v1/people/",
        {"employee_no": "N100", "full_name": "重号", "org_unit": org.team_a101.pk},
        format="json",
    )
    assert again.status_code == 400 and "employee_no" in again.json()["errors"]
    corrected = api.patch(
        f"/api/v1/people/{pk}/", {"skill_level": "senior", "post": "电钳工"}, format="json"
    )
    assert corrected.status_code == 200, corrected.content
    assert SkillLevelChange.objects.get(person_id=pk).to_level == "senior"
    outside = api.patch(f"/api/v1/people/{pk}/", {"org_unit": org.team_b101.pk}, format="json")
    assert outside.status_code == 400 and "org_unit" in outside.json()["errors"]
    api.force_authenticate(studios.lead_a)
    assert api.patch(f"/api/v1/people/{pk}/", {"post": "班长"}, format="json").status_code == 403
    api.force_authenticate(org.official_b)
    assert api.patch(f"/api/v1/people/{pk}/", {"post": "班长"}, format="json").status_code == 404
    assert User.objects.get(pk=pk).post == "电钳工"


def test_role_grants_stay_within_the_officials_scope(org, api):
    api.force_authenticate(org.official_a)
    granted = api.post(
        "/api/v1/role-grants/",
        {"user": org.worker_a.pk, "org_unit": org.team_a101.pk},
        format="json",
    )
    assert granted.status_code == 201, granted.content
    assert RoleGrant.objects.filter(user=org.worker_a, org_unit=org.team_a101).exists()
    wide = api.post(
        "/api/v1/role-grants/", {"user": org.worker_a.pk, "org_unit": org.group.pk}, format="json"
    )
    assert wide.status_code == 400 and "org_unit" in wide.json()["errors"]
    own = RoleGrant.objects.get(user=org.official_a)
    assert api.delete(f"/api/v1/role-grants/{own.pk}/").status_code == 409
    api.force_authenticate(org.official_b)
    assert api.delete(f"/api/v1/role-grants/{granted.json()['id']}/").status_code == 404
    api.force_authenticate(org.worker_b)
    assert api.get("/api/v1/role-grants/").json()["count"] == 0
    assert api.post(
        "/api/v1/role-grants/",
        {"user": org.worker_b.pk, "org_unit": org.team_b101.pk},
        format="json",
    ).status_code in (400, 403)
    api.force_authenticate(org.official_a)
    assert api.delete(f"/api/v1/role-grants/{granted.json()['id']}/").status_code == 204
    assert [
        e.action for e in AccountEvent.objects.filter(person=org.worker_a).order_by("at", "id")
    ] == ["role_granted", "role_revoked"]


@pytest.mark.parametrize(
    ("role", "status"), [("official_a", 200), ("colleague_a", 403), ("official_b", 404)]
)
def test_the_person_page_resets_a_password_for_its_officials_only(
    org, studios, client, role, status
):
    client.force_login(person(studios, role))
    page = reverse("accounts:person-detail", args=[org.worker_a.pk])
    answer = client.post(page, {"act": "reset"})
    assert answer.status_code == status
    if status == 200:
        shown = answer.context["one_time_password"]
        assert User.objects.get(pk=org.worker_a.pk).check_password(shown)
        assert 'data-testid="one-time-password"' in answer.content.decode()
        assert 'data-testid="one-time-password"' not in client.get(page).content.decode()
    else:
        assert not User.objects.get(pk=org.worker_a.pk).must_change_password


def test_the_person_page_shows_sign_in_failures_and_lifts_the_lockout(org, client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(3):
        client.post(reverse("accounts:login"), {"username": "worker_a", "password": "wrong"})
    client.force_login(org.official_a)
    page = reverse("accounts:person-detail", args=[org.worker_a.pk])
    assert 'data-testid="sign-in-failures"' in client.get(page).content.decode()
    assert client.post(page, {"act": "unlock"}).status_code == 302
    assert 'data-testid="sign-in-failures"' not in client.get(page).content.decode()


def test_an_official_adds_and_edits_a_person_on_the_pages(org, client):
    client.force_login(org.official_a)
    form = {
        "employee_no": "N200",
        "full_name": "页面新人",
        "org_unit": org.team_a102.pk,
        "post": "焊工",
    }
    answer = client.post(reverse("accounts:person-create"), form)
    added = User.objects.get(employee_no="N200")
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "accounts:person-detail", args=[added.pk]
    )
    assert (
        client.post(reverse("accounts:person-create"), form).status_code == 400
    )  # the number is taken
    edit = reverse("accounts:person-edit", args=[added.pk])
    assert client.post(edit, {**form, "post": "高级焊工"}).status_code == 302
    assert User.objects.get(pk=added.pk).post == "高级焊工"
    outside = client.post(edit, {**form, "org_unit": org.team_b101.pk})
    assert outside.status_code == 400


def test_the_person_forms_unit_box_offers_the_open_units_the_official_manages(org, client):
    """The new-person form's unit picker offers exactly the units `person_add`
    files people under: A102 has closed, A1's and company B's are not theirs."""
    OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
    mine_official = PersonFactory(employee_no="official_a1", org_unit=org.mine_a1)
    grant_official(mine_official, org.mine_a1)
    client.force_login(mine_official)
    html = client.get(reverse("accounts:person-create")).content.decode()
    picker = picker_of(page_form(html), "org_unit")
    assert picker == reverse("picker-search", args=["managed-org-units"])
    found = client.get(picker, {"q": "Unit"}).json()["results"]
    assert sorted(row["key"] for row in found) == ["A1", "A101"]


@pytest.mark.parametrize(("role", "status"), [("colleague_a", 403), ("official_b", 404)])
def test_only_officials_over_a_person_edit_them(org, studios, client, role, status):
    client.force_login(person(studios, role))
    assert client.get(reverse("accounts:person-edit", args=[org.worker_a.pk])).status_code == status


@shared_data(needs=("org",))
def many_grants(built):
    """25 officials over team A101 (company A's) beside the fixture's own grants."""
    org = built.get("org")
    for n in range(25):
        grant_official(
            PersonFactory(employee_no=f"G{n:03d}", org_unit=org.team_a101), org.team_a101
        )
    return org


# The page adds the session and the user; its filters are pickers: no list of units or people.
@each_list(
    [
        ListCase("/api/v1/role-grants/", 4, viewer="official_a"),
        ListCase("accounts:rolegrant-list", 6, viewer="official_a"),
    ]
)
def test_the_role_grant_list_takes_the_same_queries_at_any_page_size(
    lists, many_grants, case, page_size
):
    lists.read(case, many_grants, page_size)


def test_an_outsider_lists_none_of_another_companys_grants(many_grants, api):
    api.force_authenticate(many_grants.official_b)
    listed = api.get("/api/v1/role-grants/", {"page_size": 100}).json()["results"]
    assert [grant["org_unit"] for grant in listed] == [many_grants.company_b.pk]
    outside = RoleGrant.objects.filter(org_unit=many_grants.team_a101).first()
    assert api.get(f"/api/v1/role-grants/{outside.pk}/").status_code in (404, 405)
    assert api.delete(f"/api/v1/role-grants/{outside.pk}/").status_code == 404
