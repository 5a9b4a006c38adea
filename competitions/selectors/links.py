"""What a proposal may be linked to by the person writing it (its author, or
an official entering it on the author's behalf): its studio, the problem it
grew from and its co-authors. Each is one rule, read by the form's pickers
and by the services that save the links (`proposal_create`,
`proposal_update`), so a picker never offers what the save would refuse."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import people_visible_to
from achievements.models import TechnicalProblem
from achievements.selectors import problems_visible_to
from competitions.models import Campaign
from competitions.selectors.campaigns import authors_offered
from studios.models import Membership, Studio
from studios.selectors import studios_of


def studios_offered(author: User) -> QuerySet[Studio]:
    """The studios a proposal of `author` may be filed under: those they are a
    current member of (filing under another studio would count the proposal in
    that studio's figures)."""
    return studios_of(author)


def entry_studios_offered(user, campaign: Campaign) -> QuerySet[Studio]:
    """The studios an entry on a worker's behalf in `campaign` may be filed
    under before its worker is chosen: those of anyone `user` may enter a
    proposal for there (`authors_offered`); the entry then takes only the
    chosen worker's own (`studios_offered`)."""
    authors = authors_offered(user, campaign).values("pk")
    members = Membership.objects.filter(left_on__isnull=True, person__in=authors)
    return Studio.objects.filter(pk__in=members.values("studio_id"))


def origin_problems_offered(user, author: User) -> QuerySet[TechnicalProblem]:
    """The problems `user`, writing a proposal of `author`, may name as the
    one it grew from: those they may see which the author may see too (it is
    the author's proposal, and the writer learns of no problem through it)."""
    problems = problems_visible_to(user)
    if author.pk == user.pk:
        return problems
    return problems.filter(pk__in=problems_visible_to(author).values("pk"))


def co_authors_offered(user, author: User) -> QuerySet[User]:
    """The people `user`, writing a proposal of `author`, may name as its
    co-authors: those they may see whom the author may see too (people of the
    author's own directory, as the author would name them), the author aside."""
    people = people_visible_to(user).exclude(pk=author.pk)
    if author.pk == user.pk:
        return people
    return people.filter(pk__in=people_visible_to(author).values("pk"))
