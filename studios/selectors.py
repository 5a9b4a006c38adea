"""Who sees and manages which studios, and the naming shares (computed, never typed)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)

from accounts.models import OrgUnit, User
from accounts.selectors import active_people_visible_to, person_facts, user_scope
from core.access import Fact, RecordAccess, annotate_facts, read_facts
from core.numbers import percent
from core.scoping import signed_in, within_paths
from studios.models import Assessment, Honour, Membership, RecognitionList, Studio


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


def recognition_lists_visible_to(user) -> QuerySet[RecognitionList]:
    """Naming lists are public to every signed-in user (the honour roll)."""
    if not getattr(user, "is_authenticated", False):
        return RecognitionList.objects.none()
    return RecognitionList.objects.all()


def recognition_lists_managed_by(user) -> QuerySet[RecognitionList]:
    scope = user_scope(user)
    if scope.is_superuser:
        return RecognitionList.objects.all()
    return RecognitionList.objects.filter(within_paths(scope.official_paths, unit_field="org_unit"))


def honours_visible_to(user) -> QuerySet[Honour]:
    """The honour roll: personal honours are public to every signed-in user (model
    workers are named publicly); a studio's honour shows only where the studio
    itself is visible, so it cannot reveal a studio outside scope."""
    if not getattr(user, "is_authenticated", False):
        return Honour.objects.none()
    return Honour.objects.select_related(
        "recognition_list", "studio", "person", "revoked_by"
    ).filter(Q(studio__isnull=True) | Q(studio__in=studios_visible_to(user)))


@dataclass(frozen=True)
class HonourAccess(RecordAccess):
    """What the viewer may read of one honour beyond the honour itself: whoever
    sees an honour sees whether and when it was revoked (docs/naming.md#de-listing)."""

    # An official over its studio (or a superuser): who revoked it. Only a
    # studio's honour is ever revoked, so a person's has no such reader.
    manages: bool = False
    # Its studio's officials and current members: why it was revoked (the
    # office's finding, as the studio page shows it to them).
    insider: bool = False
    # Downloads its certificate (docs/documents.md): a studio's honour its
    # insiders, a person's that person and the officials over them; the
    # certificates service decides by this fact.
    certifies: bool = False


def honour_facts(user, names: Iterable[str] | None = None) -> dict[str, Fact]:
    """The facts of `HonourAccess` as SQL conditions on an honour's row (only
    `names` when given)."""
    names = list(names or HonourAccess.fact_names())
    if not signed_in(user):
        return dict.fromkeys(names, False)
    scope = user_scope(user)
    manages = _managed_q(scope, prefix="studio__")
    insider = manages | _open_membership_of(user, studio="studio")
    facts = {"read": True, "manages": manages, "insider": insider}
    if "certifies" in names:
        # The honoured person's own rule (`PersonAccess.private`), as a subquery.
        private = person_facts(user)["private"]
        facts["certifies"] = insider | Q(person__in=User.objects.filter(private).values("pk"))
    return {name: facts[name] for name in names}


def honours_with_access(user) -> QuerySet[Honour]:
    """`honours_visible_to(user)` with each row's access facts as columns, so a
    list, its export and its page read `honour_access()` without a query a row."""
    return annotate_facts(honours_visible_to(user), honour_facts(user))


def honour_access(user, honour: Honour, *, only: Iterable[str] = ()) -> HonourAccess:
    """What `user` may read of `honour`: from the row's access columns when it
    came from `honours_with_access`, else one query (of the facts in `only`
    when given; the others stay False, which hides)."""
    names = ("read", *only) if only else HonourAccess.fact_names()
    return HonourAccess(
        **read_facts(
            honour,
            names,
            user=user,
            visible_to=honours_visible_to,
            facts_of=lambda user: honour_facts(user, names),
        )
    )


def honours_listed_with_access(user, honours: QuerySet[Honour]) -> list[Honour]:
    """The rows of `honours` (from `honours_with_access(user)`), each with its
    `access`, read from the row's columns: for a page's list, in one query."""
    rows = list(honours)
    for honour in rows:
        honour.access = honour_access(user, honour)
    return rows


def honours_on_list_for(user, recognition_list: RecognitionList) -> list[Honour]:
    """A list's honours as the viewer may see them, each marked `is_ours` when the
    studio or person lies in the viewer's own company or the units they manage,
    and with its `access` (`HonourAccess`, read from the same query)."""
    scope = user_scope(user)
    paths = [*scope.official_paths, *([scope.company_path] if scope.company_path else [])]
    ours = within_paths(paths, unit_field="studio__org_unit") | within_paths(
        paths, unit_field="person__org_unit"
    )
    return honours_listed_with_access(
        user,
        honours_with_access(user)
        .filter(recognition_list=recognition_list)
        .select_related("studio__org_unit", "person__org_unit")
        .annotate(is_ours=ExpressionWrapper(ours, output_field=BooleanField()))
        .order_by("id"),
    )


# --- Naming shares ---------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    ours: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        """Our share of the list in per cent, one decimal (6 of 28 → 21.4)."""
        return percent(self.ours, self.total)


def honour_counts_q(prefix: str = "", list_year: F | None = None) -> Q:
    """A studio's honour that still counts in its list's figures (shares, the
    dashboard's named studios, the honour roll, the directory's "year named").
    A revoked honour (摘牌: its studio de-listed or revoked by hand, both through
    `studios.services.naming.studio_honours_revoke`) counts in the years before
    its revocation and no longer from that year on. `prefix` leads from the row
    to the honour, `list_year` to its list's year."""
    if list_year is None:
        list_year = F(f"{prefix}recognition_list__year")
    return Q(**{f"{prefix}revoked_on__isnull": True}) | Q(
        **{f"{prefix}revoked_on__year__gt": list_year}
    )


def _ours_q(unit: OrgUnit | None, prefix: str = "honours__") -> Q:
    """Honours of ours: a studio or a person of `unit`'s subtree (the whole group
    when None). A list names studios or people (May Day medals, craftsmen), and
    its `total_named` counts whichever it names, so both count."""
    # A studio that lost its plaque no longer counts as ours from that year on
    # (honour_counts_q).
    # A person keeps a medal when they move or leave: they count in their unit.
    list_year = F("year") if prefix else F("recognition_list__year")
    studio = Q(**{f"{prefix}studio__isnull": False}) & honour_counts_q(prefix, list_year)
    person = Q(**{f"{prefix}person__isnull": False})
    if unit is not None:
        studio &= within_paths([unit.path], unit_field=f"{prefix}studio__org_unit")
        person &= within_paths([unit.path], unit_field=f"{prefix}person__org_unit")
    return studio | person


def recognition_lists_with_share(lists: QuerySet, unit: OrgUnit | None) -> QuerySet:
    """Annotate each list with `ours`: how many of the studios or people it
    names lie in `unit`'s subtree (the whole group when None). One aggregate
    query, no Python loop."""
    annotated = lists.annotate(ours=Count("honours", filter=_ours_q(unit)))
    # An aggregate drops Meta.ordering; keep the lists' natural order for paging.
    if annotated.query.order_by:
        return annotated
    return annotated.order_by(*RecognitionList._meta.ordering)


def list_share(recognition_list: RecognitionList, unit: OrgUnit | None) -> Share:
    ours = Honour.objects.filter(recognition_list=recognition_list).filter(_ours_q(unit, prefix=""))
    return Share(ours=ours.count(), total=recognition_list.total_named)


def shares_by_level_and_year(unit: OrgUnit | None, *, year: int | None = None) -> list[dict]:
    """Per level and year: our studios and people on the lists and the lists' totals.

    The total is summed over lists (a subquery per group would double count with
    the honours join), so it is computed in a second aggregate and merged.
    """
    lists = RecognitionList.objects.order_by()
    if year is not None:
        lists = lists.filter(year=year)
    totals = {
        (row["level"], row["year"]): row["total"]
        for row in lists.values("level", "year").annotate(total=Sum("total_named"))
    }
    ours = {
        (row["level"], row["year"]): row["ours"]
        for row in lists.values("level", "year").annotate(
            ours=Count("honours", filter=_ours_q(unit))
        )
    }
    labels = dict(RecognitionList.Level.choices)
    level_order = list(RecognitionList.Level.values)
    rows = [
        {
            "level": level,
            "level_display": labels[level],
            "year": list_year,
            "share": Share(ours=ours.get((level, list_year), 0), total=total),
        }
        for (level, list_year), total in totals.items()
    ]
    return sorted(rows, key=lambda row: (-row["year"], -level_order.index(row["level"])))
