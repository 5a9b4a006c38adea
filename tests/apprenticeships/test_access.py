"""`PairingAccess`: each fact for each role, the same whether read from a list's
columns or asked for one pairing."""

import pytest

from apprenticeships.selectors import PairingAccess, pairing_access, pairings_with_access
from tests.accounts.access_checks import assert_access_is
from tests.apprenticeships.services import person

pytestmark = pytest.mark.django_db

RUNS = {"read", "manages", "writes_plan", "attaches", "evaluates_quarterly"}
OFFICIAL = RUNS | {"oversees"}

# The dust studio's active pairing: `member_a` mentors `apprentice_a`, `lead_a`
# leads the studio, company A's officials (and the group's) are over it.
FACTS_BY_ROLE = {
    "member_a": {"read", "mentor", "writes_plan", "marks_done", "attaches"},
    "apprentice_a": {"read", "apprentice", "marks_done", "attaches"},
    "lead_a": RUNS,
    "org.official_a": OFFICIAL,
    "org.group_official": OFFICIAL,
    "org.admin": OFFICIAL,
    "org.official_b": set(),
    "org.worker_a": set(),
}


@pytest.mark.parametrize(("who", "facts"), list(FACTS_BY_ROLE.items()))
def test_each_role_has_its_facts(mentoring, who, facts, django_assert_num_queries):
    expected = PairingAccess(**dict.fromkeys(facts, True))
    assert_access_is(
        expected,
        pairing_access,
        pairings_with_access,
        person(mentoring, who),
        mentoring.active,
        django_assert_num_queries,
    )
