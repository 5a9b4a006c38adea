"""`role-grants` in the API for every role: an official grants the
union-official role over units they manage (someone who manages none: 403; a
unit beyond theirs: 400) and removes grants there (beyond: 404; their own:
409); the list filters by unit and by person. Each act is in the person's
account history."""

import pytest

from accounts.models import AccountEvent, RoleGrant
from tests.api_answers import field_errors, refused
from tests.factories import grant_official
from tests.roles import person

pytestmark = pytest.mark.django_db

GRANTS = "/api/v1/role-grants/"

# Who makes worker_a union official over team A101: the answer each gets.
GRANTING = [
    ("official_a", 201),
    ("group_official", 201),
    ("admin", 201),
    ("official_b", 400),  # A101 is not among their units (nor worker_a in their directory)
    ("colleague_a", 403),  # manages no unit
    ("lead_a", 403),
]


@pytest.mark.parametrize(("role", "status"), GRANTING)
def test_granting_is_for_the_officials_over_the_unit(org, studios, api, role, status):
    api.force_authenticate(person(studios, role))
    answer = api.post(GRANTS, {"user": org.worker_a.pk, "org_unit": org.team_a101.pk})
    if status == 201:
        assert answer.status_code == 201, answer.content
        assert answer.json()["role"] == "union_official"
    elif status == 400:
        assert set(field_errors(answer)) == {"user", "org_unit"}
    else:
        refused(answer, 403, "permission_denied")
    granted = RoleGrant.objects.filter(user=org.worker_a, org_unit=org.team_a101).exists()
    assert granted == (status == 201)
    assert AccountEvent.objects.filter(action="role_granted").exists() == (status == 201)


# Who removes worker_a's grant over team A101.
REMOVING = [
    ("official_a", 204),
    ("group_official", 204),
    ("admin", 204),
    ("official_b", 404),  # outside their units: as if it did not exist
    ("colleague_a", 404),
    ("worker_a", 409),  # their own grant: another official removes it
]


@pytest.mark.parametrize(("role", "status"), REMOVING)
def test_removing_is_for_the_officials_over_the_unit(org, api, role, status):
    grant = grant_official(org.worker_a, org.team_a101)
    api.force_authenticate(getattr(org, role))
    answer = api.delete(f"{GRANTS}{grant.pk}/")
    assert answer.status_code == status, answer.content
    assert RoleGrant.objects.filter(pk=grant.pk).exists() == (status != 204)
    assert AccountEvent.objects.filter(action="role_revoked").exists() == (status == 204)


def test_the_list_filters_by_unit_and_by_person(org, api):
    grant_official(org.worker_a, org.team_a101)
    grant_official(org.colleague_a, org.team_a102)
    api.force_authenticate(org.group_official)

    def listed(params) -> list[tuple[str, str]]:
        rows = api.get(GRANTS, params).json()["results"]
        return sorted((row["user_name"], row["org_unit_name"]) for row in rows)

    assert listed({"org_unit": org.mine_a1.pk}) == sorted(
        [(org.worker_a.full_name, "Unit A101"), (org.colleague_a.full_name, "Unit A102")]
    )
    assert listed({"user": org.colleague_a.pk}) == [(org.colleague_a.full_name, "Unit A102")]
    # Company B's official: an id of someone else's grant matches nothing.
    api.force_authenticate(org.official_b)
    assert listed({"user": org.worker_a.pk}) == []
