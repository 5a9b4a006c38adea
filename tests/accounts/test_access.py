"""`PersonAccess`: each fact for each role about one person, the same whether
read from a directory's columns or asked for one person; a serializer with
nobody to ask for leaves the personal fields out."""

import pytest

from accounts.api.serializers import PersonSerializer
from accounts.selectors import PersonAccess, people_with_access, person_access
from tests.accounts.access_checks import assert_access_is

pytestmark = pytest.mark.django_db

OFFICIAL = {"read", "private", "manages"}
# About `worker_a` (team A101, company A).
FACTS_BY_ROLE = {
    "worker_a": {"read", "private"},
    "colleague_a": {"read"},
    "official_a": OFFICIAL,
    "group_official": OFFICIAL,
    "admin": OFFICIAL,
    "official_b": set(),
    "worker_b": set(),
}


@pytest.mark.parametrize(("role", "facts"), list(FACTS_BY_ROLE.items()))
def test_each_role_has_its_facts(org, role, facts, django_assert_num_queries):
    expected = PersonAccess(**dict.fromkeys(facts, True))
    assert_access_is(
        expected,
        person_access,
        people_with_access,
        getattr(org, role),
        org.worker_a,
        django_assert_num_queries,
    )


def test_a_serializer_without_a_reader_leaves_the_personal_fields_out(org):
    data = PersonSerializer(org.worker_a).data
    assert "phone" not in data
    assert "email" not in data
