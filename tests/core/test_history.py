"""The history of every change (core.history): an edit made through the page,
the API, the admin and an HR import is kept with who, when, old → new and
through what; bulk writes are kept too; the history is read within scope only,
and never written in the app."""

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

from accounts.models import RoleGrant, User
from core.history import RecordedQuerySetMixin, _name_scopes, history_of
from core.history.m2m import followed_fields
from showcase import services as story_services
from showcase.models import Story
from studios import services as studio_services
from studios.models import Membership, Studio
from tests.hr.imports import (
    PEOPLE_HEADER,
    applied,
    csv_file,
    media_root,  # noqa: F401 (autouse)
    person_row,
    previewed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.history]
# The project's own apps (not Django's or a library's).
OUR_APPS = {
    config.label
    for config in apps.get_app_configs()
    if Path(config.path).parent == Path(settings.BASE_DIR)
}


def entries_of(record):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).order_by("-timestamp", "-pk")


def last_change(record, field):
    entry = next(e for e in entries_of(record) if field in (e.changes or {}))
    return entry, entry.changes[field]


# --- Through what ---------------------------------------------------------------------


def test_a_page_edit_is_kept_with_who_old_and_new_and_the_page(studios, as_person):
    client = as_person(studios.lead_a)
    response = client.post(
        reverse("studios:studio-edit", args=[studios.dust.pk]),
        {"speciality": "粉尘治理", "description": "新的介绍", "functions": ["theory_research"]},
    )
    assert response.status_code == 302
    entry, (old, new) = last_change(studios.dust, "description")
    assert (old, new) == (studios.dust.description, "新的介绍")
    assert entry.actor == studios.lead_a
    assert entry.additional_data["via"] == "page"


def test_an_api_edit_is_kept_as_made_through_the_api(studios, api):
    api.force_authenticate(studios.org.group_official)
    response = api.patch(
        f"/api/v1/studios/{studios.dust.pk}/", {"description": "接口改的介绍"}, format="json"
    )
    assert response.status_code == 200, response.content
    entry, (_, new) = last_change(studios.dust, "description")
    assert new == "接口改的介绍"
    assert entry.actor == studios.org.group_official
    assert entry.additional_data["via"] == "api"


def test_an_admin_edit_is_kept_as_made_in_the_admin(org, client):
    grant = RoleGrant.objects.get(user=org.official_a)
    client.force_login(org.admin)
    response = client.post(
        reverse("admin:accounts_rolegrant_change", args=[grant.pk]),
        {
            "user": org.official_a.pk,
            "role": grant.role,
            "org_unit": org.mine_a1.pk,
            "granted_at_0": "2024-01-02",
            "granted_at_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content
    entry, (old, new) = last_change(grant, "org_unit")
    assert (old, new) == (org.company_a.pk, org.mine_a1.pk)
    assert entry.actor == org.admin
    assert entry.additional_data["via"] == "admin"


def test_an_import_is_kept_as_made_by_the_import_for_its_requester(
    org, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    rows = [person_row("worker_a", org.worker_a.full_name, "A101", post="班长")]
    run = previewed(org.official_a, csv_file(PEOPLE_HEADER, rows), capture=capture)
    applied(org.official_a, run, capture=capture)
    entry, (_, new) = last_change(org.worker_a, "post")
    assert new == "班长"
    assert entry.actor == org.official_a
    assert entry.additional_data["via"] == "import"


def test_a_write_outside_any_request_or_task_is_the_systems_by_the_services_by(studios):
    studio_services.studio_update(
        studio_id=studios.dust.pk, by=studios.org.official_a, description="脚本"
    )
    entry, _ = last_change(studios.dust, "description")
    assert entry.additional_data["via"] == "system"
    assert entry.actor == studios.org.official_a


# --- Bulk writes ----------------------------------------------------------------------


def test_every_model_is_followed_or_left_out_on_purpose():
    """A new model must be named in settings: followed, or left out with a reason."""
    ours = {
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not model._meta.auto_created
    }
    followed = {model._meta.label for model in auditlog.get_models()} & ours
    untracked = set(settings.HISTORY_UNTRACKED)
    assert ours - followed - untracked == set()
    assert followed & untracked == set()


@pytest.mark.parametrize(
    "model", [m for m in auditlog.get_models() if m._meta.app_label in OUR_APPS], ids=str
)
def test_no_manager_of_a_followed_model_bypasses_the_history(model):
    """`update()`, `bulk_create()` and `bulk_update()` write history through
    every manager and related manager: a service cannot slip past it."""
    for manager in model._meta.managers:
        assert isinstance(manager.all(), RecordedQuerySetMixin), manager
    for relation in model._meta.related_objects:
        if relation.related_model in auditlog.get_models() and relation.one_to_many:
            related = relation.related_model._default_manager.__class__
            assert issubclass(related._queryset_class, RecordedQuerySetMixin), relation


def test_a_services_update_is_kept(studios):
    """The leader handed over with `QuerySet.update()` on the memberships."""
    studio_services.studio_update(
        studio_id=studios.dust.pk, by=studios.org.group_official, leader=studios.member_a
    )
    handed = Membership.objects.get(studio=studios.dust, person=studios.member_a)
    old_lead = Membership.objects.get(studio=studios.dust, person=studios.lead_a)
    assert last_change(handed, "role")[1] == ["core", "leader"]
    assert last_change(old_lead, "role")[1] == ["leader", "core"]


def test_bulk_create_and_bulk_update_are_kept(org):
    made = User.objects.bulk_create(
        [
            User(employee_no="bulk1", full_name="批量一"),
            User(employee_no="bulk2", full_name="批量二"),
        ]
    )
    for person in made:
        person.post = "巡检工"
    User.objects.bulk_update(made, ["post"])
    for person in made:
        actions = [entry.action for entry in entries_of(person)]
        assert actions == [LogEntry.Action.UPDATE, LogEntry.Action.CREATE]
        assert last_change(person, "post")[1] == ["", "巡检工"]


def test_a_password_is_never_in_the_history(org):
    org.worker_a.set_password("another-secret-9")
    org.worker_a.save()
    assert all("password" not in (e.changes or {}) for e in entries_of(org.worker_a))


# --- Reading it -----------------------------------------------------------------------


def history_url(studio):
    return f"/api/v1/studios/{studio.pk}/history/"


def test_the_office_over_a_studio_reads_its_history_with_its_members(studios, api):
    api.force_authenticate(studios.org.official_a)
    answer = api.get(history_url(studios.dust))
    assert answer.status_code == 200
    rows = answer.json()["results"]
    kinds = {row["record_kind"] for row in rows}
    assert {str(Studio._meta.verbose_name), str(Membership._meta.verbose_name)} <= kinds
    created = next(
        row for row in rows if row["record"] == str(studios.dust) and row["action"] == "create"
    )
    # Written by the fixture's service call, outside any request or task.
    assert (created["by"], created["via"]) == (studios.org.group_official.pk, "system")
    assert {"field", "old", "new"} <= set(created["changes"][0])


def test_an_official_outside_the_studio_gets_404_on_its_history(studios, api):
    api.force_authenticate(studios.org.official_b)
    assert api.get(history_url(studios.dust)).status_code == 404


def test_a_lead_who_sees_the_studio_may_not_read_its_history(studios, api):
    api.force_authenticate(studios.lead_a)
    assert api.get(history_url(studios.dust)).status_code == 403


def test_history_is_read_only_in_the_api(studios, api):
    api.force_authenticate(studios.org.group_official)
    assert api.post(history_url(studios.dust), {}).status_code == 405


def test_the_history_list_costs_the_same_queries_however_long(
    studios, api, django_assert_num_queries
):
    api.force_authenticate(studios.org.group_official)
    api.get(history_url(studios.dust))  # content types cached, as in a running site
    # session, person, the studio (scope), the page of entries with their actors,
    # and one per kind of record the entries name that is not the studio itself
    # (people, units)
    with django_assert_num_queries(6) as short:
        api.get(history_url(studios.dust))
    for n in range(5):
        studio_services.studio_update(
            studio_id=studios.dust.pk, by=studios.org.group_official, description=f"第{n}版"
        )
    assert history_of(studios.dust, ()).count() >= 6
    with django_assert_num_queries(len(short.captured_queries)):
        api.get(history_url(studios.dust))


def test_the_history_cannot_be_changed_or_deleted_in_the_admin(org, client):
    entry = LogEntry.objects.filter(actor__isnull=False).first() or LogEntry.objects.first()
    client.force_login(org.admin)
    url = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


# Records a followed record points to whose changes no page or API reads (a
# review's scores, an award's shares, an evaluation, an attachment): shown by id.
NAMED_BY_ID = {
    "contenttypes.ContentType",
    "accounts.SkillLevelChange",
    "competitions.Award",
    "competitions.Criterion",
    "competitions.Review",
}


def test_every_record_a_change_points_to_is_named_only_to_those_who_see_it(org):
    """A foreign key's old and new record, and the records a many-to-many
    change adds or removes, read by name through the scoping function its app
    registered (core.history.register_scope), one query a kind; a new kind
    must be registered or named here."""
    pointed_to = {
        field.related_model._meta.label
        for model in auditlog.get_models()
        for field in model._meta.concrete_fields
        if field.many_to_one or field.one_to_one
    } | {model._meta.get_field(name).related_model._meta.label for model, name in followed_fields()}
    registered = {model._meta.label: scope for model, scope in _name_scopes.items()}
    assert pointed_to - set(registered) == NAMED_BY_ID
    for label, visible_to in registered.items():
        rows = visible_to(org.official_a).filter(pk__in=[0]).select_related(None).order_by()
        assert list(rows) == [], label


def test_a_storys_people_and_studios_are_recorded_with_their_ids(studios):
    """auditlog keeps a many-to-many change as names; their ids are kept beside
    them (core.history.m2m), also for a change made from the other side."""
    org = studios.org
    story = story_services.story_create(
        by=org.official_a,
        title="粉尘治理的十年",
        form=Story.Form.REPORTAGE,
        creator="工会宣传部",
        people=[org.worker_a, org.colleague_a],
        studios=[studios.dust],
    )
    recorded = {
        name: (change["operation"], change["ids"], sorted(change["objects"]))
        for entry in entries_of(story)
        for name, change in entry.changes.items()
        if name in ("people", "studios")
    }
    people = sorted([org.worker_a, org.colleague_a], key=lambda person: person.pk)
    assert recorded == {
        "people": ("add", [p.pk for p in people], sorted(str(p) for p in people)),
        "studios": ("add", [studios.dust.pk], [str(studios.dust)]),
    }
    org.worker_a.stories_about.remove(story)
    _entry, change = last_change(org.worker_a, "people")
    assert (change["operation"], change["ids"]) == ("delete", [story.pk])


def test_a_record_of_a_kind_without_a_scope_is_named_by_kind_and_id_alone():
    """Only a kind with a scope (register_scope) says the reader may not see
    the record; any other kind is named to nobody but superusers, so its id
    reads without that claim."""
    from competitions.models import Criterion, Proposal
    from core.history.reading import _named

    with translation.override("en"):
        assert _named(Criterion, 5, {}) == "rubric criterion #5"
        assert _named(Proposal, 5, {}) == "proposal #5 (not visible to you)"
        assert _named(Proposal, 5, {(Proposal, "5"): "节水改造"}) == "节水改造"
