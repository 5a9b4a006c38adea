"""HR's unit merge (hr.services.unit_merge) moves the naming calls of the
merged unit to the surviving one: its studios may still apply and its officials
still run the call."""

import pytest

from hr import services as hr_services
from naming.models import NamingCall
from naming.selectors import studios_that_may_apply

pytestmark = pytest.mark.django_db


def test_a_merged_units_calls_move_to_the_surviving_unit(naming_calls):
    org = naming_calls.studios.org
    call = NamingCall.objects.get(pk=naming_calls.enterprise.pk)
    call.org_unit = org.team_a102  # a team's own call
    call.save(update_fields=["org_unit"])
    hr_services.unit_merge(unit=org.team_a102, into=org.team_a101, by=org.official_a)
    call.refresh_from_db()
    assert call.org_unit == org.team_a101
    # The dust studio of team A101 may now apply to it.
    assert naming_calls.studios.dust in studios_that_may_apply(org.official_a, call)
