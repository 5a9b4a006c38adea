"""Role grants on the pages: an official lists, grants and removes the
union-official role over the units they manage, picking the person and the
unit by typing (the typed employee number and unit code work without
JavaScript); each grant and removal is kept in the person's account history.
Every role, allowed and refused."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts import services
from accounts.models import AccountEvent, OrgUnit, RoleGrant
from accounts.selectors import org_units_visible_to, people_visible_to
from tests.factories import grant_official
from tests.outcomes import takes
from tests.page_html import error_beside, page_form, picker_of
from tests.roles import person

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:rolegrant-list")
CREATE = reverse("accounts:rolegrant-create")


def remove_url(grant) -> str:
    return reverse("accounts:rolegrant-remove", args=[grant.pk])


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("official_a", 200),
        ("group_official", 200),
        ("admin", 200),
        ("colleague_a", 403),  # no official: the office's pages are not theirs
        ("lead_a", 403),
    ],
)
def test_the_grant_pages_are_the_officials(org, studios, client, role, status):
    client.force_login(person(studios, role))
    assert client.get(LIST).status_code == status
    assert client.get(CREATE).status_code == status
    answer = client.post(CREATE, {"user_key": "worker_a", "org_unit_key": "A101"})
    assert answer.status_code == (302 if status == 200 else 403)
    assert RoleGrant.objects.filter(user=org.worker_a).exists() == (status == 200)


def test_an_anonymous_visitor_is_sent_to_sign_in(org, client):
    assert client.get(LIST)["Location"].startswith(reverse("accounts:login"))


def test_each_official_lists_the_grants_over_their_own_units(org, client):
    grant_official(org.worker_a, org.team_a101)
    client.force_login(org.official_b)
    listed = client.get(LIST).context["grants"]
    assert [(g.user.employee_no, g.org_unit.code) for g in listed] == [("official_b", "B")]
    client.force_login(org.official_a)
    listed = client.get(LIST).context["grants"]
    assert [(g.user.employee_no, g.org_unit.code) for g in listed] == [
        ("official_a", "A"),
        ("worker_a", "A101"),
    ]
    html = client.get(LIST).content.decode()
    # Their own grant is another official's to remove: no button for it.
    assert html.count('action="/accounts/role-grants/') == 1


def test_an_official_grants_the_role_by_typed_number_and_unit_code(org, client):
    client.force_login(org.official_a)
    answer = client.post(CREATE, {"user_key": "worker_a", "org_unit_key": "A101"})
    grant = RoleGrant.objects.get(user=org.worker_a)
    assert grant.org_unit == org.team_a101
    assert answer["Location"] == f"{LIST}?org_unit={org.team_a101.pk}"
    event = AccountEvent.objects.get(person=org.worker_a)
    assert (event.action, event.by, event.note) == ("role_granted", org.official_a, "Unit A101")
    # The person's page shows it to the office, with the way to their roles.
    page = client.get(reverse("accounts:person-detail", args=[org.worker_a.pk])).content.decode()
    assert 'data-testid="account-events"' in page and "授予角色" in page
    assert f"{LIST}?user={org.worker_a.pk}" in page


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        # company B's unit and worker are outside official_a's units and directory
        ({"user_key": "worker_a", "org_unit_key": "B101"}, "org_unit", "“B101”不在可选范围内。"),
        ({"user_key": "worker_b", "org_unit_key": "A101"}, "user", "“worker_b”不在可选范围内。"),
        ({"user_key": "", "org_unit_key": "A101"}, "user", "该字段是必填项。"),
        ({"user_key": "nobody", "org_unit_key": "A101"}, "user", "“nobody”不在可选范围内。"),
    ],
)
def test_a_grant_outside_ones_scope_is_refused_beside_its_field(org, client, typed, field, message):
    client.force_login(org.official_a)
    answer = client.post(CREATE, typed)
    assert answer.status_code == 400
    error_beside(page_form(answer.content.decode()), field, message)
    assert not RoleGrant.objects.filter(user__in=[org.worker_a, org.worker_b]).exists()


def test_an_inactive_person_gets_no_role(org, client):
    org.worker_a.is_active = False
    org.worker_a.save()
    client.force_login(org.official_a)
    answer = client.post(CREATE, {"user_key": "worker_a", "org_unit_key": "A101"})
    assert answer.status_code == 400
    error_beside(page_form(answer.content.decode()), "user", "此人已停用。")


# --- The person picker: exactly whom the grant takes ---------------------------------


def granted(official, someone, unit) -> bool:
    """Whether `role_grant_by` takes `someone` from `official` (rolled back)."""
    return takes(lambda: services.role_grant_by(by=official, user=someone, org_unit=unit))


def offered(client, picker: str, text: str) -> list[str]:
    answer = client.get(picker, {"q": text})
    assert answer.status_code == 200
    return [row["key"] for row in answer.json()["results"]]


def deactivate(someone) -> None:
    type(someone).objects.filter(pk=someone.pk).update(is_active=False)


def test_the_boxes_search_the_active_people_and_the_open_units_managed(org, client):
    client.force_login(org.official_a)
    form = page_form(client.get(CREATE).content.decode())
    assert picker_of(form, "user") == reverse("picker-search", args=["active-people"])
    assert picker_of(form, "org_unit") == reverse("picker-search", args=["managed-org-units"])


@pytest.mark.parametrize(
    ("official", "unit"),
    [("official_a", "team_a101"), ("group_official", "team_b101"), ("admin", "mine_a1")],
)
def test_everyone_offered_is_granted_and_everyone_else_refused(org, client, official, unit):
    """Each person the official may see, looked up by employee number in the
    grant form's person picker, is offered if and only if the grant then takes
    them: colleague_a has left (deactivated)."""
    official, unit = getattr(org, official), getattr(org, unit)
    deactivate(org.colleague_a)
    client.force_login(official)
    picker = picker_of(page_form(client.get(CREATE).content.decode()), "user")
    everyone = list(people_visible_to(official).order_by("employee_no"))
    assert len(everyone) >= 3
    verdicts = {
        someone.employee_no: (
            someone.employee_no in offered(client, picker, someone.employee_no),
            granted(official, someone, unit),
        )
        for someone in everyone
    }
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    assert verdicts["colleague_a"] == (False, False)


@pytest.mark.parametrize("official", ["official_a", "group_official", "admin"])
def test_every_unit_offered_is_taken_and_every_other_refused(org, client, official):
    """Each unit the official may see, looked up by code in the grant form's
    unit picker, is offered if and only if the grant then takes it: units they
    manage that are still open (team A102 has closed)."""
    official = getattr(org, official)
    OrgUnit.objects.filter(pk=org.team_a102.pk).update(closed_on=datetime.date(2024, 1, 1))
    client.force_login(official)
    picker = picker_of(page_form(client.get(CREATE).content.decode()), "org_unit")
    units = list(org_units_visible_to(official).order_by("code"))
    verdicts = {
        unit.code: (
            unit.code in offered(client, picker, unit.code),
            granted(official, org.worker_a, unit),
        )
        for unit in units
    }
    assert all(shown == taken for shown, taken in verdicts.values()), verdicts
    assert verdicts["A102"] == (False, False)
    assert {shown for shown, _taken in verdicts.values()} == {True, False}


def test_a_link_from_a_units_page_fills_in_the_unit(org, client):
    client.force_login(org.official_a)
    form = page_form(client.get(CREATE, {"org_unit": org.team_a102.pk}).content.decode())
    assert 'name="org_unit_key"' in form and 'value="A102"' in form


def test_an_official_removes_a_grant_and_it_is_recorded(org, client):
    grant = grant_official(org.worker_a, org.team_a101)
    client.force_login(org.official_a)
    answer = client.post(remove_url(grant), {"next": f"{LIST}?org_unit={org.team_a101.pk}"})
    assert answer["Location"] == f"{LIST}?org_unit={org.team_a101.pk}"
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AccountEvent.objects.get(person=org.worker_a).action == "role_revoked"
    assert said(answer) == [f"{org.worker_a.full_name} 不再是 Unit A101 的工会干部。"]


def test_the_way_back_after_a_removal_stays_on_this_site(org, client):
    grant = grant_official(org.worker_a, org.team_a101)
    client.force_login(org.official_a)
    answer = client.post(remove_url(grant), {"next": "https://elsewhere.example/"})
    assert answer["Location"] == LIST


def test_an_official_cannot_remove_their_own_grant(org, client):
    own = RoleGrant.objects.get(user=org.official_a)
    client.force_login(org.official_a)
    answer = client.post(remove_url(own))
    assert answer.status_code == 302 and said(answer) == ["自己的授权须由其他工会干部撤销。"]
    assert RoleGrant.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("role", ["official_b", "colleague_a", "worker_b"])
def test_a_grant_beyond_ones_units_is_a_404(org, client, role):
    grant = grant_official(org.worker_a, org.team_a101)
    client.force_login(getattr(org, role))
    assert client.post(remove_url(grant)).status_code == 404
    assert RoleGrant.objects.filter(pk=grant.pk).exists()
    assert not AccountEvent.objects.filter(action="role_revoked").exists()


def test_the_list_is_filtered_by_a_typed_employee_number(org, client):
    grant_official(org.worker_a, org.team_a101)
    grant_official(org.colleague_a, org.team_a102)
    client.force_login(org.official_a)
    listed = client.get(LIST, {"user_key": "colleague_a"}).context["grants"]
    assert [g.user for g in listed] == [org.colleague_a]
    # A number nobody in their directory has: said beside the box, nothing listed.
    answer = client.get(LIST, {"user_key": "worker_b"})
    assert list(answer.context["grants"]) == []
    assert "“worker_b”不在可选范围内。" in answer.content.decode()


# Who opens worker_a's page (company A, team A101, holding no role): whether
# the office's role tool is on it.
ROLE_TOOL = [
    ("official_a", True),
    ("group_official", True),
    ("admin", True),
    ("colleague_a", False),  # sees the directory entry, grants nothing
    ("lead_a", False),
    ("worker_a", False),  # their own page
]


@pytest.mark.parametrize(("role", "offered"), ROLE_TOOL)
def test_a_persons_page_offers_a_role_to_those_who_grant_and_claims_none_they_lack(
    org, studios, as_person, role, offered
):
    html = as_person(person(studios, role)).get(
        reverse("accounts:person-detail", args=[org.worker_a.pk])
    )
    html = html.content.decode()
    # A worker holding no role is not shown a list of roles, to anyone
    assert 'data-testid="person-role-grants"' not in html
    # Those who may grant are offered to make them an official, with them filled in
    assert (f'href="{CREATE}?user={org.worker_a.pk}"' in html) is offered


def test_a_persons_page_names_the_roles_they_hold_for_the_office(org, as_person):
    grant_official(org.worker_a, org.team_a101)
    page = as_person(org.official_a).get(reverse("accounts:person-detail", args=[org.worker_a.pk]))
    html = page.content.decode()
    start = html.index('data-testid="person-role-grants"')
    held = html[start : html.index("</p>", start)]
    assert org.team_a101.name in held
    assert f'href="{LIST}?user={org.worker_a.pk}"' in held
    colleague = as_person(org.colleague_a).get(
        reverse("accounts:person-detail", args=[org.worker_a.pk])
    )
    assert 'data-testid="person-role-grants"' not in colleague.content.decode()
