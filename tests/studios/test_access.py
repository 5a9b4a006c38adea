"""`StudioAccess`: each fact for each role, read with one query or from the
columns of `studios_with_access`, and the same either way."""

import pytest
from django.contrib.auth.models import AnonymousUser

from studios import services
from studios.models import Studio
from studios.selectors import StudioAccess, studio_access, studios_with_access
from tests.roles import person

pytestmark = pytest.mark.django_db

# Who reads the dust studio (established, at mine A1 in company A), and how:
# `lead_a` leads it, `member_a` is a core member who may not log records.
ROLES = {
    "official_a": StudioAccess(  # an official over it
        read=True, manages=True, edits=True, writes_records=True, insider=True
    ),
    "official_b": StudioAccess(),  # an official elsewhere: does not even see it
    "lead_a": StudioAccess(read=True, leads=True, edits=True, writes_records=True, insider=True),
    "member_a": StudioAccess(read=True, insider=True),
    "worker_a": StudioAccess(),  # a plain worker of the same company
    "admin": StudioAccess(  # a superuser
        read=True, manages=True, edits=True, writes_records=True, insider=True
    ),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_facts_about_a_studio(studios, role):
    user = person(studios, role)
    access = studio_access(user, studios.dust)
    assert access == ROLES[role]
    listed = studios_with_access(user).filter(pk=studios.dust.pk).first()
    assert studio_access(user, listed) == access if listed is not None else not access.read


def test_access_from_the_list_columns_takes_no_query(studios, django_assert_num_queries):
    listed = studios_with_access(studios.lead_a).get(pk=studios.dust.pk)
    with django_assert_num_queries(0):
        assert studio_access(studios.lead_a, listed).leads is True


def test_a_public_reader_of_a_named_studio_reads_it_and_nothing_more(studios):
    Studio.objects.filter(pk=studios.dust.pk).update(status=Studio.Status.NAMED)
    assert studio_access(studios.org.worker_b, studios.dust) == StudioAccess(read=True)


def test_a_core_member_logs_records_where_the_studio_allows_it(studios):
    services.studio_update(
        studio_id=studios.dust.pk, by=studios.lead_a, core_members_edit_records=True
    )
    access = studio_access(studios.member_a, studios.dust)
    assert (access.writes_records, access.edits, access.manages) == (True, False, False)


def test_nobody_logs_records_for_a_revoked_studio(studios):
    Studio.objects.filter(pk=studios.dust.pk).update(status=Studio.Status.REVOKED)
    for user in (studios.org.official_a, studios.lead_a, studios.org.admin):
        access = studio_access(user, studios.dust)
        assert (access.read, access.writes_records) == (True, False)


def test_an_anonymous_visitor_has_no_access(studios):
    assert studio_access(AnonymousUser(), studios.dust) == StudioAccess()
