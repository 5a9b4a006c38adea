from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from accounts.models import OrgUnit
from tests.factories import PersonFactory, grant_official, make_unit


@pytest.fixture
def org(db):
    """A small group: G → company A → mine A1 → teams A101, A102; G → company B →
    plant B1 → team B101. One official per company, one for the group, a worker
    in each company and a superuser."""
    group = make_unit("G", kind=OrgUnit.Kind.GROUP)
    company_a = make_unit("A", group, OrgUnit.Kind.COMPANY)
    mine_a1 = make_unit("A1", company_a, OrgUnit.Kind.MINE)
    team_a101 = make_unit("A101", mine_a1)
    team_a102 = make_unit("A102", mine_a1)
    company_b = make_unit("B", group, OrgUnit.Kind.COMPANY)
    plant_b1 = make_unit("B1", company_b, OrgUnit.Kind.PLANT)
    team_b101 = make_unit("B101", plant_b1)

    group_official = PersonFactory(employee_no="official", org_unit=group)
    grant_official(group_official, group)
    official_a = PersonFactory(employee_no="official_a", org_unit=company_a)
    grant_official(official_a, company_a)
    official_b = PersonFactory(employee_no="official_b", org_unit=company_b)
    grant_official(official_b, company_b)
    return SimpleNamespace(
        group=group,
        company_a=company_a,
        mine_a1=mine_a1,
        team_a101=team_a101,
        team_a102=team_a102,
        company_b=company_b,
        plant_b1=plant_b1,
        team_b101=team_b101,
        group_official=group_official,
        official_a=official_a,
        official_b=official_b,
        worker_a=PersonFactory(employee_no="worker_a", org_unit=team_a101),
        colleague_a=PersonFactory(employee_no="colleague_a", org_unit=team_a102),
        worker_b=PersonFactory(employee_no="worker_b", org_unit=team_b101),
        admin=PersonFactory(employee_no="admin", org_unit=None, is_superuser=True, is_staff=True),
    )


@pytest.fixture
def api():
    """An API client; `api.force_authenticate(person)` signs in."""
    return APIClient()


@pytest.fixture
def as_person(client):
    """Sign the page client in as a person and return it."""

    def sign_in(person):
        client.force_login(person)
        return client

    return sign_in
