"""One search box over stories, people and studios. Chinese has no spaces to
split on, so a fragment is matched anywhere in a name or text (张 finds 张建国,
粉尘 finds 综采粉尘治理创新工作室)."""

from django.db.models import Q

from accounts.selectors import people_visible_to
from showcase.selectors.profiles import profiles_visible_to
from showcase.selectors.stories import published_stories
from studios.selectors import studios_visible_to

# Hits shown per kind; the lists behind each kind page through the rest.
SEARCH_ROWS = 20


def showcase_search(user, query: str) -> dict:
    """Published stories, openable profiles and visible studios matching `query`."""
    query = " ".join((query or "").split())[:100]
    if not query:
        return {"query": query, "stories": [], "people": [], "studios": []}
    stories = published_stories(user).filter(
        Q(title__icontains=query)
        | Q(summary__icontains=query)
        | Q(creator__icontains=query)
        | Q(body__icontains=query)
    )
    # An employee number finds only people of the reader's own directory: it must
    # not confirm who holds a number in another company.
    people = profiles_visible_to(user).filter(
        Q(full_name__icontains=query)
        | Q(employee_no__iexact=query, pk__in=people_visible_to(user).values("pk"))
    )
    studios = studios_visible_to(user).filter(
        Q(name__icontains=query) | Q(code__iexact=query) | Q(speciality__icontains=query)
    )
    return {
        "query": query,
        "stories": list(stories.order_by("-published_on", "-id")[:SEARCH_ROWS]),
        "people": list(people.order_by("full_name", "id")[:SEARCH_ROWS]),
        "studios": list(studios.order_by("code")[:SEARCH_ROWS]),
    }
