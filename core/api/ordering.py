from rest_framework.filters import OrderingFilter


class UniqueOrderingFilter(OrderingFilter):
    """`?ordering=` with the row's `id` always last, in the first field's
    direction: rows equal in the chosen fields keep one place, so paging never
    repeats or skips one (docs/api.md)."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or any(term.lstrip("-") in ("id", "pk") for term in ordering):
            return ordering
        return [*ordering, "-id" if ordering[0].startswith("-") else "id"]
