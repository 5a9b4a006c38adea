"""Reads that depend on who asks: the one scoping function per model lives here.

Every page, API view, filter choice, export and report that lists org units or
people goes through `org_units_visible_to()` / `people_visible_to()`, so an
outsider gets the same 404 everywhere.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, RoleGrant, User
from core.access import Fact, RecordAccess, annotate_facts, read_facts
from core.scoping import collapse_paths, within_paths
from notices.models import UnitWebhook
from notices.selectors import unit_webhooks_within


@dataclass(frozen=True)
class Scope:
    """What a person may see, computed once per request (see `user_scope`)."""

    is_superuser: bool
    company_path: str | None  # the person's own company: its directory is visible
    official_paths: tuple[str, ...]  # subtrees the person answers for as an official
    # The person's own unit (what they may enter: campaigns organised above it).
    unit_path: str | None = None

    @property
    def is_official(self) -> bool:
        return bool(self.official_paths)


_NO_SCOPE = Scope(is_superuser=False, company_path=None, official_paths=())


def user_scope(user) -> Scope:
    """The viewer's scope, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _NO_SCOPE
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    official_paths = RoleGrant.objects.filter(
        user=user, role=RoleGrant.Role.UNION_OFFICIAL
    ).values_list("org_unit__path", flat=True)
    unit_path = (
        OrgUnit.objects.filter(pk=user.org_unit_id).values_list("path", flat=True).first()
        if user.org_unit_id
        else None
    )
    scope = Scope(
        is_superuser=user.is_superuser,
        company_path=unit_path[: OrgUnit.steplen * 2] if unit_path else None,
        official_paths=tuple(collapse_paths(official_paths)),
        unit_path=unit_path,
    )
    user._scope_cache = scope
    return scope


def is_official(user) -> bool:
    """Union officials (of any unit) and superusers."""
    scope = user_scope(user)
    return scope.is_official or scope.is_superuser


def org_units_managed_by(user) -> QuerySet[OrgUnit]:
    """Units the person answers for as a union official (their whole subtrees)."""
    scope = user_scope(user)
    if scope.is_superuser:
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(within_paths(scope.official_paths, unit_field=None))


def open_units_managed_by(user) -> QuerySet[OrgUnit]:
    """The units an official may file something new under: those they manage
    that are still open (a closed unit takes no new records). The
    `managed-org-units` picker offers them and `accounts.services.unit_checked`
    accepts them: one rule for both."""
    return org_units_managed_by(user).filter(closed_on__isnull=True).order_by("path")


def _people_under(scope: Scope) -> Q:
    """People in the units the person answers for as a union official (everyone
    for a superuser)."""
    if scope.is_superuser:
        return Q(pk__isnull=False)
    return within_paths(scope.official_paths, unit_field="org_unit")


def people_managed_by(user) -> QuerySet[User]:
    """People in the units the person answers for as a union official."""
    return User.objects.filter(_people_under(user_scope(user)))


def org_units_visible_to(user) -> QuerySet[OrgUnit]:
    """Units of the person's own company, plus every subtree they are official of."""
    scope = user_scope(user)
    if scope.is_superuser:
        return OrgUnit.objects.all()
    paths = list(scope.official_paths)
    if scope.company_path:
        paths.append(scope.company_path)
    return OrgUnit.objects.filter(within_paths(paths, unit_field=None))


def org_units_for_filters(request) -> QuerySet[OrgUnit]:
    """The units an "org unit (and below)" filter offers: the requester's visible ones."""
    return org_units_visible_to(request.user) if request else OrgUnit.objects.none()


def org_units_matching(units: QuerySet[OrgUnit], text: str) -> QuerySet[OrgUnit]:
    """Units whose code starts with, or whose name contains, `text` (a few
    thousand units at most: the scan is cheap)."""
    text = text.strip()
    if not text:
        return units.none()
    return units.filter(Q(code__istartswith=text) | Q(name__contains=text))


def people_matching(people: QuerySet[User], text: str, limit: int = 20) -> QuerySet[User]:
    """People whose employee number, name, name in pinyin or pinyin initials
    start with `text` ("A101", "张", "zhangs", "zs"): prefix conditions, each on
    an index. On PostgreSQL each condition is read as a range of its prefix index (no
    ORDER BY: an ordered scan would walk the plain index from its start) and cut
    at `limit` before they are joined, so a common surname costs the same among
    300 or 300,000 people (one statement, the branches inside it)."""
    text = text.strip()
    if not text:
        return people.none()
    branches = [("employee_no", text), ("full_name", text)]
    lowered = text.lower()
    if lowered.isascii() and lowered.isalnum():
        branches += [("name_pinyin", lowered), ("name_initials", lowered)]
    if connection.vendor != "postgresql":  # SQLite: no LIMIT inside a UNION
        condition = Q(pk__in=[])
        for field, prefix in branches:
            condition |= Q(**{f"{field}__startswith": prefix})
        return people.filter(condition)
    first = [
        people.filter(**{f"{field}__startswith": prefix}).order_by().values("pk")[:limit]
        for field, prefix in branches
    ]
    return people.filter(pk__in=first[0].union(*first[1:]))


def people_without_account(people: QuerySet[User], unit: OrgUnit) -> QuerySet[User]:
    """Those of `people` in `unit`'s subtree who have no password yet (imported,
    never activated): "!" starts Django's unusable passwords."""
    return people.filter(org_unit__path__startswith=unit.path, password__startswith="!")


def role_grants_managed_by(user) -> QuerySet[RoleGrant]:
    """Grants over units the person answers for as an official (theirs included)."""
    return RoleGrant.objects.filter(org_unit__in=org_units_managed_by(user)).select_related(
        "user", "org_unit"
    )


def people_visible_to(user) -> QuerySet[User]:
    """People the viewer may see: everyone sees the basic directory entries of
    their own company (docs/access.md), so co-authors, members and apprentices can
    be picked; officials also see everyone in their subtrees. Whose personal
    fields show is `PersonAccess.private`."""
    people = User.objects.select_related("org_unit")
    scope = user_scope(user)
    if scope.is_superuser:
        return people
    if not getattr(user, "is_authenticated", False):
        return people.none()
    in_own_company = within_paths(
        [scope.company_path] if scope.company_path else [], unit_field="org_unit"
    )
    return people.filter(Q(pk=user.pk) | _people_under(scope) | in_own_company)


def active_people_visible_to(user) -> QuerySet[User]:
    """People the viewer may give a new duty (a review, a place in a reviewer
    pool, an expert's score): those they may see who are still active, since a
    deactivated person can no longer sign in to do it. The pickers of those
    duties offer them and their services accept them: one rule for both."""
    return people_visible_to(user).filter(is_active=True)


def people_refused(
    user,
    people: list[User],
    offered: QuerySet[User],
    recusal_reason: Callable[[User], str | None],
) -> list[str]:
    """Why each of `people` left out of `offered` (those of
    `active_people_visible_to(user)` a duty takes, less the recused) may not
    take it, one line each (none if all may). The offer decides who is
    refused, so a picker of `offered` and the service cannot disagree; the
    reasons only say why."""
    taken = set(offered.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    refused = [person for person in people if person.pk not in taken]
    if not refused:
        return []
    visible = set(
        people_visible_to(user).filter(pk__in=[p.pk for p in refused]).values_list("pk", flat=True)
    )
    lines = []
    for person in refused:
        name = person.full_name
        if person.pk not in visible:
            lines.append(_("%(name)s is outside your scope") % {"name": name})
        elif reason := recusal_reason(person):
            lines.append(_("%(name)s is recused: %(reason)s") % {"name": name, "reason": reason})
        else:  # the offer's one other rule (active_people_visible_to)
            lines.append(_("%(name)s is no longer active") % {"name": name})
    return lines


@dataclass(frozen=True)
class PersonAccess(RecordAccess):
    """What the viewer may see of one person's entry and do about them."""

    # Phone, e-mail and the skill-level history: oneself, the officials over the
    # person, superusers.
    private: bool = False
    # An official over the person (a superuser over everyone): places them on
    # recognition lists, writes stories about them, appraises them.
    manages: bool = False


def person_facts(user) -> dict[str, Fact]:
    """The facts of `PersonAccess` as SQL conditions on a person's row."""
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(PersonAccess.fact_names(), False)
    manages = _people_under(user_scope(user))
    return {
        "read": True,  # the facts are read on the viewer's scoped rows only
        "private": Q(pk=user.pk) | manages,
        "manages": manages,
    }


def people_with_access(user) -> QuerySet[User]:
    """`people_visible_to(user)` with each row's access facts as columns, so a
    directory page and its serializer read `person_access()` without a query."""
    return annotate_facts(people_visible_to(user), person_facts(user))


def person_access(user, person: User) -> PersonAccess:
    """Everything `user` may see of and do about `person`: from the row's access
    columns when it came from `people_with_access`, else one query."""
    return PersonAccess(
        **read_facts(
            person,
            PersonAccess.fact_names(),
            user=user,
            visible_to=people_visible_to,
            facts_of=person_facts,
        )
    )


def person_roles(user) -> list[str]:
    """Human-readable roles of a person, for the home page and the navigation."""
    roles = []
    if user.is_superuser:
        roles.append(str(_("Administrator")))
    for grant in RoleGrant.objects.filter(user=user).select_related("org_unit"):
        roles.append(f"{grant.get_role_display()} · {grant.org_unit.name}")
    return roles


def account_overview(person: User) -> dict:
    """What the office sees of a person's account: whether it is open, locked
    out (django-axes' failures for the employee number) and its recent care."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(username=person.employee_no).order_by("-attempt_time")
    failures = sum(attempt.failures_since_start for attempt in attempts)
    return {
        "opened": person.has_usable_password(),
        "must_change_password": person.must_change_password,
        "failures": failures,
        "last_failure": attempts[0].attempt_time if attempts else None,
        "events": list(person.account_events.select_related("by")[:20]),
    }


def officials_nearest(unit: OrgUnit | None) -> QuerySet[User]:
    """ "The office" of a record in `unit`: the active union officials of the
    lowest unit on its path (the unit itself, then up to the group) that has
    any, not every official up to the group (docs/notices.md)."""
    if unit is None:
        return User.objects.none()
    ancestors = [unit.path[:end] for end in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
    granted = RoleGrant.objects.filter(
        role=RoleGrant.Role.UNION_OFFICIAL, org_unit__path__in=ancestors, user__is_active=True
    )
    lowest = granted.order_by("-org_unit__depth").values("org_unit__depth")[:1]
    return User.objects.filter(
        pk__in=granted.filter(org_unit__depth=Subquery(lowest)).values("user_id")
    )


def unit_webhooks_managed_by(user) -> QuerySet[UnitWebhook]:
    """The messenger robots of the units the person answers for as an official."""
    return unit_webhooks_within(org_units_managed_by(user))
