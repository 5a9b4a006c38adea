"""Who sees, leads and manages which studios: the studios' scope and access
object, their memberships and assessments."""

from dataclasses import dataclass

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)

from accounts.models import User
from accounts.selectors import active_people_visible_to, user_scope
from core.access import Fact, RecordAccess, annotate_facts, read_facts
from core.scoping import signed_in, within_paths
from studios.models import Assessment, Membership, Studio


def _open_membership_of(user, studio: str = "pk") -> Q:
    """Q over rows whose studio (`studio` leads from the row to it) the person
    is a current member of."""
    return Q(
        Exists(
            Membership.objects.filter(studio=OuterRef(studio), person=user, left_on__isnull=True)
        )
    )


def _open_role_of(user, role: str) -> Q:
    """Q over studios where the person holds an open membership with `role`."""
    return Q(
        Exists(
            Membership.objects.filter(
                studio=OuterRef("pk"), person=user, role=role, left_on__isnull=True
            )
        )
    )


def _managed_q(scope, prefix: str = "") -> Q:
    """Studios in the person's official subtrees; every studio for a superuser.
    `prefix` leads from the row to its studio (`studio__` on an honour, whose
    studio may be none)."""
    if scope.is_superuser:
        # Every studio, as a condition that can be combined with others.
        return Q(**{f"{prefix}pk__isnull": False})
    return within_paths(scope.official_paths, unit_field=f"{prefix}org_unit")


def _writable_q(user, scope) -> Q:
    """Studios whose records the person may log: officials over them, their
    leader, and their core members where the studio allows it; none revoked."""
    return ~Q(status=Studio.Status.REVOKED) & (
        _managed_q(scope)
        | _open_role_of(user, Membership.Role.LEADER)
        | (_open_role_of(user, Membership.Role.CORE) & Q(core_members_edit_records=True))
    )


def studios_of(person) -> QuerySet[Studio]:
    """The studios the person is a current member of (leader included)."""
    return Studio.objects.filter(_open_membership_of(person))


def studios_managed_by(user) -> QuerySet[Studio]:
    """Studios the person may administer as a union official (their subtrees)."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Studio.objects.all()
    return Studio.objects.filter(_managed_q(scope))


def studios_nameable_by(user) -> QuerySet[Studio]:
    """Studios the official may place on a recognition list (established or later)."""
    return studios_managed_by(user).exclude(
        status__in=[Studio.Status.PREPARING, Studio.Status.REVOKED]
    )


def newcomers_offered(user, studio: Studio) -> QuerySet[User]:
    """Whom `user` may add to `studio` as a member: people they may see who are
    still active (a deactivated person can no longer sign in to take part) and
    not already its current members; nobody once it is revoked. The membership
    form's picker offers them (`/pickers/studio-newcomers/<studio id>/`) and
    `membership_add` takes them: one rule for both."""
    if studio.status == Studio.Status.REVOKED:
        return User.objects.none()
    members = Membership.objects.filter(studio=studio, left_on__isnull=True)
    return active_people_visible_to(user).exclude(pk__in=members.values("person_id"))


def studios_led_by(user) -> QuerySet[Studio]:
    """Studios where the person holds the open leader membership."""
    return Studio.objects.filter(
        memberships__person=user,
        memberships__role=Membership.Role.LEADER,
        memberships__left_on__isnull=True,
    )


def studios_writable_by(user) -> QuerySet[Studio]:
    """Studios whose records (problems, achievements, patents …) the person may
    log: officials over them, their leader, and their core members where the
    studio allows it. Revoked studios take no new records."""
    if not signed_in(user):
        return Studio.objects.none()
    return Studio.objects.filter(_writable_q(user, user_scope(user)))


def studios_visible_to(user) -> QuerySet[Studio]:
    """Officials see their subtree, members their studio, everyone the named
    studios (the public honour roll). Superusers see all."""
    scope = user_scope(user)
    studios = Studio.objects.select_related("org_unit", "leader")
    if scope.is_superuser:
        return studios
    if not signed_in(user):
        return studios.none()
    return studios.filter(
        Q(status=Studio.Status.NAMED) | _managed_q(scope) | _open_membership_of(user)
    )


def studio_insiders_q(user) -> Q:
    """Q over studios whose internal records (assessments, history) the person
    may read: officials over them and their current members."""
    scope = user_scope(user)
    if scope.is_superuser:
        return Q()
    return _managed_q(scope) | _open_membership_of(user)


@dataclass(frozen=True)
class StudioAccess(RecordAccess):
    """What the viewer may do with one studio; the statuses it may be in are the
    services' to check (409)."""

    # An official over its unit (or a superuser): every field, the status, the
    # assessments, the members, naming it on a list.
    manages: bool = False
    # Holds its open leader membership: the profile fields and the members.
    leads: bool = False
    # Edits it at all, as one who manages or leads it (which fields, the
    # service decides); adds, changes and ends memberships.
    edits: bool = False
    # Logs its problems, achievements and patents: officials over it, its lead,
    # its core members where the studio allows it; never once it is revoked.
    writes_records: bool = False
    # Reads its internal records (assessments, history, problems in full):
    # officials over it and its current members.
    insider: bool = False


def studio_facts(user) -> dict[str, Fact]:
    """The facts of `StudioAccess` as SQL conditions on a studio's row."""
    if not signed_in(user):
        return dict.fromkeys(StudioAccess.fact_names(), False)
    scope = user_scope(user)
    manages = _managed_q(scope)
    leads = _open_role_of(user, Membership.Role.LEADER)
    return {
        "read": True,  # the facts are read on the viewer's scoped rows only
        "manages": manages,
        "leads": leads,
        "edits": manages | leads,
        "writes_records": _writable_q(user, scope),
        "insider": manages | _open_membership_of(user),
    }


def studios_with_access(user) -> QuerySet[Studio]:
    """`studios_visible_to(user)` with each row's access facts as columns, so a
    page and the panels on it read `studio_access()` without a query."""
    return annotate_facts(studios_visible_to(user), studio_facts(user))


def studio_access(user, studio: Studio) -> StudioAccess:
    """Everything `user` may do with `studio`: from the row's access columns
    when it came from `studios_with_access`, else one query."""
    return StudioAccess(
        **read_facts(
            studio,
            StudioAccess.fact_names(),
            user=user,
            visible_to=studios_visible_to,
            facts_of=studio_facts,
        )
    )


def studio_status_targets(studio: Studio) -> list[str]:
    """The statuses an official may move the studio to by hand right now.

    `named` comes only through an honour, so it is never a manual target from
    `established`, and it is left for `established` only by de-listing;
    rectification ends in `named` when the studio holds an honour (not revoked)
    and in `established` when it does not.
    """
    targets = set(studio.TRANSITIONS[studio.status])
    if studio.status == Studio.Status.ESTABLISHED:
        targets.discard(Studio.Status.NAMED)
    if studio.status == Studio.Status.NAMED:
        targets.discard(Studio.Status.ESTABLISHED)
    if studio.status == Studio.Status.RECTIFICATION:
        holds_honour = studio.honours.filter(revoked_on__isnull=True).exists()
        targets.discard(Studio.Status.ESTABLISHED if holds_honour else Studio.Status.NAMED)
    return [status for status in Studio.Status.values if status in targets]


def memberships_visible_to(user) -> QuerySet[Membership]:
    return Membership.objects.filter(studio__in=studios_visible_to(user)).select_related(
        "person", "studio"
    )


def assessments_visible_to(user) -> QuerySet[Assessment]:
    """Assessments are internal: officials over the studio and its members."""
    if not signed_in(user):
        return Assessment.objects.none()
    insiders = Studio.objects.filter(studio_insiders_q(user))
    return Assessment.objects.filter(studio__in=insiders).select_related("studio", "assessor")
