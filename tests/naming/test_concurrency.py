"""The call's last place under load: two officials naming two applications at
the same moment, each request in a thread of its own with its own database
connection. PostgreSQL only: SQLite serialises writers, so it cannot race."""

from rest_framework.test import APIClient

from accounts.models import User
from naming.models import PLACED, NamingApplication
from studios.models import Honour
from tests.concurrency import RACES, run_at_once
from tests.factories import PersonFactory, grant_official
from tests.naming.conftest import notice_over

pytestmark = RACES

Status = NamingApplication.Status


def name(person_id: int, application_id: int) -> int:
    """`decide` as an API request from its own client."""
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=person_id))
    path = f"/api/v1/naming-applications/{application_id}/decide/"
    return client.post(path, {"outcome": "named"}, format="json").status_code


def test_two_officials_naming_the_last_place_at_once_name_one_studio(naming_calls, bring):
    # given an enterprise call of two places, one already taken, and two
    # applications whose notice is over
    studios = naming_calls.studios
    second_official = PersonFactory(org_unit=studios.org.group)
    grant_official(second_official, studios.org.group)
    waiting = {}
    for studio in (studios.dust, studios.washing, studios.turbine):
        waiting[studio.code] = bring(Status.PUBLIC_NOTICE, studio=studio)
        notice_over(waiting[studio.code])
    assert name(studios.org.group_official.pk, waiting["A1-DUST"].pk) == 200
    # when two officials name the other two at the same moment
    statuses, errors = run_at_once(
        [
            (name, studios.org.group_official.pk, waiting["A1-WASH"].pk),
            (name, second_official.pk, waiting["B1-TURB"].pk),
        ]
    )
    # then one is named and the other refused, and the call holds its two places
    assert errors == []
    assert sorted(statuses) == [200, 409]
    call = naming_calls.enterprise
    assert NamingApplication.objects.filter(call=call, status__in=PLACED).count() == 2
    assert Honour.objects.filter(studio__isnull=False).count() == 2
    assert NamingApplication.objects.filter(call=call, status=Status.PUBLIC_NOTICE).count() == 1
