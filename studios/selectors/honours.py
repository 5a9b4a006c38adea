"""The honour roll: the recognition lists and their honours, who sees and
manages them, and the access object of an honour."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Q,
    QuerySet,
)

from accounts.models import User
from accounts.selectors import person_facts, user_scope
from core.access import Fact, RecordAccess, annotate_facts, read_facts
from core.scoping import signed_in, within_paths
from studios.models import Honour, RecognitionList

# The studios' own rules, which an honour of a studio follows.
from studios.selectors.studios import _managed_q, _open_membership_of, studios_visible_to


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
